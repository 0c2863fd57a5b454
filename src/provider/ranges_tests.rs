//! Provider ranges: one provider's limits (the errors to raise before
//! sending), the loosest limits (warnings for prompts naming no model),
//! and located warnings for a prompt's `config`.

use super::*;
use crate::prompt::parse_document;

fn temp(t: f64) -> GenParams {
    GenParams {
        temperature: Some(t),
        ..GenParams::default()
    }
}

#[test]
fn each_provider_has_its_own_limits() {
    assert_eq!(
        ranges_for("anthropic").unwrap().temperature.to_string(),
        "0..1"
    );
    assert_eq!(
        ranges_for("openai").unwrap().temperature.to_string(),
        "0..2"
    );
    assert_eq!(
        ranges_for("ollama").unwrap().temperature.to_string(),
        "0 or more"
    );
    assert_eq!(ranges_for("openai").unwrap().top_k, None, "not sent there");
    assert!(ranges_for("mistral").is_none());
}

#[test]
fn one_provider_refuses_what_it_does_not_accept() {
    let p = check("anthropic", &temp(1.5));
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].param, Param::Temperature);
    assert_eq!(
        p[0].to_string(),
        "temperature 1.5 is outside 0..1, the range anthropic accepts"
    );
    assert_eq!(p[0].hint, "use a temperature in 0..1 for anthropic models");
    assert!(check("openai", &temp(1.5)).is_empty());
    assert!(check("ollama", &temp(11.0)).is_empty(), "ollama takes any");
    assert!(
        check("mistral", &temp(99.0)).is_empty(),
        "unknown: no opinion"
    );

    let params = GenParams {
        top_p: Some(1.2),
        max_tokens: Some(0),
        top_k: Some(0),
        stop: (0..5).map(|i| i.to_string()).collect(),
        ..GenParams::default()
    };
    let got: Vec<String> = check("openai", &params)
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        got,
        [
            "top_p 1.2 is outside 0..1, the range openai accepts",
            "max_tokens 0 is outside 1 or more, the range openai accepts",
            "stop has 5 sequences; openai takes at most 4",
        ],
        "top_k is not sent to openai, so not checked"
    );
    let gemini: Vec<Param> = check("gemini", &params).iter().map(|p| p.param).collect();
    assert_eq!(gemini, [Param::TopP, Param::TopK, Param::MaxTokens]);
}

#[test]
fn without_a_provider_only_what_every_limit_refuses_is_flagged() {
    assert!(
        check_any(&temp(1.5)).is_empty(),
        "openai and gemini take it"
    );
    let p = check_any(&temp(11.0));
    assert_eq!(p.len(), 1);
    assert_eq!(
        p[0].to_string(),
        "temperature 11 is refused by openai, anthropic and gemini; only ollama and local accept it"
    );
    assert_eq!(
        p[0].hint,
        "providers take temperature: openai 0..2, anthropic 0..1, gemini 0..2, ollama 0 or more, \
         local 0 or more"
    );
    let p = check_any(&temp(-0.5));
    assert_eq!(
        p[0].to_string(),
        "temperature -0.5 is outside every provider's range"
    );
    let stops = GenParams {
        stop: (0..6).map(|i| i.to_string()).collect(),
        ..GenParams::default()
    };
    assert_eq!(
        check_any(&stops)[0].to_string(),
        "stop has 6 sequences; openai at most 4, gemini at most 5"
    );
}

#[test]
fn a_model_id_picks_the_provider() {
    assert_eq!(check_model(Some("anthropic:claude"), &temp(1.5)).len(), 1);
    assert!(check_model(Some("ollama:llama3.2"), &temp(11.0)).is_empty());
    assert_eq!(check_model(Some("googleai/gemini"), &temp(11.0)).len(), 1);
    assert_eq!(check_model(None, &temp(11.0)).len(), 1);
}

#[test]
fn prompt_warnings_point_at_the_config_value() {
    let src = "---\nmodel: anthropic:claude-sonnet-4-5\nconfig:\n  max_tokens: 0\n  temperature: 1.5\n---\nHi\n";
    let w = prompt_warnings(&parse_document(src).unwrap());
    let got: Vec<(usize, usize, &str)> = w
        .iter()
        .map(|w| (w.line, w.col, w.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                5,
                16,
                "config `temperature`: 1.5 is outside 0..1, the range anthropic accepts"
            ),
            (
                4,
                15,
                "config `max_tokens`: 0 is outside 1 or more, the range anthropic accepts"
            ),
        ]
    );
    let fine = "---\nconfig:\n  temperature: 1.5\n---\nHi\n";
    assert!(prompt_warnings(&parse_document(fine).unwrap()).is_empty());
}

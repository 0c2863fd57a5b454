//! A prompt's `config`: wrong types are errors at the value, keys pwb does
//! not send are warnings at the key (typos with a did-you-mean), and the
//! generation parameters come from the first name of each that is set.

use crate::prompt::config_keys::gen_params;
use crate::prompt::*;

fn config_error(config: &str) -> PromptError {
    let src = format!("---\nmodel: openai:x\nconfig:\n{config}---\nHi\n");
    parse_document(&src).expect_err("a wrong type is an error")
}

#[test]
fn a_text_where_a_number_belongs_is_an_error_at_the_value() {
    let e = config_error("  temperature: 0.2\n  maxOutputTokens: \"lots\"\n");
    assert_eq!(e.kind, PromptErrorKind::Frontmatter);
    assert_eq!(
        e.message,
        "config `maxOutputTokens` must be a whole number from 0 to 4294967295, found the text \"lots\""
    );
    assert_eq!((e.line, e.col), (5, 20));
    assert!(e.hint.contains("`maxOutputTokens: 300`"), "{}", e.hint);

    let e = config_error("  temperature: \"0.2\"\n");
    assert_eq!(
        e.message,
        "config `temperature` must be a number, found the text \"0.2\" (a number in quotes)"
    );
    assert_eq!((e.line, e.col), (4, 16));
}

#[test]
fn counts_must_be_whole_and_not_negative() {
    for (value, found) in [("-5", "-5"), ("2.5", "2.5"), ("[1]", "a list")] {
        let e = config_error(&format!("  topK: {value}\n"));
        assert_eq!(
            e.message,
            format!("config `topK` must be a whole number from 0 to 4294967295, found {found}")
        );
    }
    let e = config_error("  seed: -1\n");
    assert_eq!(
        e.message,
        "config `seed` must be a whole number from 0, found -1"
    );
    let e = config_error("  stopSequences: [\"END\", 3]\n");
    assert_eq!(
        e.message,
        "config `stopSequences` must be a text or a list of texts, found a list"
    );
}

#[test]
fn flow_style_config_is_located_too() {
    let e = parse_document("---\nconfig: {topP: high}\n---\nHi\n").unwrap_err();
    assert_eq!((e.line, e.col), (2, 16));
    assert!(e.message.starts_with("config `topP` must be a number"));
}

#[test]
fn right_types_and_null_parse() {
    let src = "---\nconfig:\n  temperature: 1\n  maxOutputTokens: 300.0\n  topP: null\n  \
               stopSequences: END\n  seed: 7\n  custom: {any: thing}\n---\nHi\n";
    let p = parse_document(src).expect("all fine");
    let params = gen_params(p.meta["config"].as_object().unwrap());
    assert_eq!(params.temperature, Some(1.0));
    assert_eq!(params.max_tokens, Some(300), "300.0 is a whole number");
    assert_eq!(params.top_p, None);
    assert_eq!(params.stop, vec!["END".to_string()]);
    assert_eq!(params.seed, Some(7));
}

#[test]
fn the_first_name_set_wins_and_null_is_unset() {
    let p = parse_document(
        "---\nconfig:\n  maxOutputTokens: null\n  max_tokens: 64\n  top_p: 0.5\n---\nHi\n",
    )
    .unwrap();
    let params = gen_params(p.meta["config"].as_object().unwrap());
    assert_eq!(params.max_tokens, Some(64));
    assert_eq!(params.top_p, Some(0.5));
}

fn warnings(config: &str) -> Vec<PromptWarning> {
    let src = format!("---\nconfig:\n{config}---\nHi\n");
    lint(&parse_document(&src).expect("parses"))
}

#[test]
fn a_misspelt_key_is_a_warning_with_did_you_mean_at_the_key() {
    let w = warnings("  temprature: 0.2\n  maxOutputTokens: 10\n");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].message, "unknown config key `temprature` (not sent)");
    assert_eq!(w[0].hint, "did you mean `temperature`?");
    assert_eq!((w[0].line, w[0].col), (3, 3));

    let w = warnings("  myOwnSetting: 1\n");
    assert_eq!(w[0].message, "unknown config key `myOwnSetting` (not sent)");
    assert_eq!(
        w[0].hint,
        "pwb sends temperature, maxOutputTokens, topP, topK, stopSequences and seed"
    );
}

#[test]
fn known_genkit_keys_are_not_typos_but_are_said_not_to_be_sent() {
    let w = warnings("  presencePenalty: 0.5\n  topK: 40\n  seed: 1\n  stopSequences: [x]\n");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].message,
        "config `presencePenalty` is not sent: pwb passes only temperature, maxOutputTokens, \
         topP, topK, stopSequences and seed to models"
    );
    assert!(!w[0].hint.contains("did you mean"), "{}", w[0].hint);
}

#[test]
fn an_alias_overridden_by_another_name_is_said_not_to_be_sent() {
    let w = warnings("  max_tokens: 10\n  maxOutputTokens: 20\n");
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        w[0].message,
        "config `max_tokens` is not sent: `maxOutputTokens` sets the same parameter"
    );
    assert_eq!((w[0].line, w[0].col), (3, 3));
}

#[test]
fn render_carries_the_warnings_and_the_variables_read() {
    let p = parse_document("---\nconfig:\n  temprature: 1\n---\n{{a}} {{#if b}}{{c}}{{/if}}\n")
        .unwrap();
    let r = Renderer::default()
        .render(&p, &RenderData::default(), None)
        .unwrap();
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].message.contains("`temprature`"));
    let mut vars = r.variables.clone();
    vars.sort();
    assert_eq!(vars, ["a", "b", "c"]);
}

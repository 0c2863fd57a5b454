//! The preflight against tiktoken's own chat count for an OpenAI model
//! and the catalog's prices; windows, cuts and unknown prices.

use super::*;
use crate::session::{ModelOption, PromptInputs, Session};
use crate::types::ModelId;
use crate::workspace::{Defaults, Workspace, WorkspaceConfig};

const PROMPT: &str = "---\ninput:\n  schema:\n    ticket: string\n---\n\
{{role \"system\"}}You triage support tickets into billing, bug or other. Answer in one word.\n\
{{role \"user\"}}Ticket: {{ticket}}\n";

fn session(pricing: &str) -> Session {
    let mut s = Session::new(Workspace {
        config: WorkspaceConfig {
            defaults: Defaults {
                max_tokens: Some(200),
                ..Default::default()
            },
            ..Default::default()
        },
        ..Default::default()
    });
    let table: toml::Table = toml::from_str(pricing).unwrap();
    s.catalog = Catalog::builtin().with_pricing(&table);
    s
}

fn preflight(s: &Session, ids: &[&str], repeats: u32, avg: Option<u64>) -> Preflight {
    let vars = serde_json::json!({"ticket": "I was charged twice for my subscription, 日本語."});
    let inputs = PromptInputs {
        vars: vars.as_object().unwrap().clone(),
        ..Default::default()
    };
    let rendered = s.render(PROMPT, &inputs).unwrap();
    let picks: Vec<_> = ids
        .iter()
        .map(|id| ModelOption::ad_hoc(ModelId::parse(id).unwrap()).pick())
        .collect();
    let (cells, cuts) = s.plan_fitted(&rendered, &picks, repeats);
    Preflight::of(&picks, &cells, &cuts, &s.catalog, |_| avg)
}

#[test]
fn input_tokens_are_tiktokens_chat_count_and_cost_the_catalogs_price() {
    use tiktoken_rs::{ChatCompletionRequestMessage as M, num_tokens_from_messages};
    let s = session("");
    let p = preflight(&s, &["openai:gpt-4o-mini"], 3, None);
    let pick = &p.picks[0];
    let theirs = [
        M {
            role: "system".into(),
            content: Some(
                "You triage support tickets into billing, bug or other. Answer in one word.\n"
                    .into(),
            ),
            ..Default::default()
        },
        M {
            role: "user".into(),
            content: Some("Ticket: I was charged twice for my subscription, 日本語.".into()),
            ..Default::default()
        },
    ];
    let exact = num_tokens_from_messages("gpt-4o-mini", &theirs).unwrap() as u64;
    assert_eq!(pick.counting, Counting::Exact("o200k_base"));
    assert_eq!(pick.input_tokens, exact);
    assert_eq!((pick.calls, p.calls()), (3, 3));
    assert_eq!(p.input_tokens(), 3 * exact);
    let price = s
        .catalog
        .lookup("openai:gpt-4o-mini")
        .unwrap()
        .price
        .unwrap();
    let per_call = |out: u64| (exact as f64 * price.input + out as f64 * price.output) / 1e6;
    let (lo, hi) = p.cost();
    assert!((lo.unwrap() - 3.0 * per_call(0)).abs() < 1e-12, "{lo:?}");
    assert!((hi.unwrap() - 3.0 * per_call(200)).abs() < 1e-12, "{hi:?}");
    assert_eq!(p.output_tokens(), (Some(600), Some(600)));
    assert!(p.exact());
    assert_eq!(pick.over_window(), None);
}

#[test]
fn a_recent_average_narrows_the_output_and_the_cost() {
    let s = session("");
    let p = preflight(&s, &["openai:gpt-4o-mini"], 1, Some(12));
    assert_eq!(p.output_tokens(), (Some(12), Some(200)));
    let price = s
        .catalog
        .lookup("openai:gpt-4o-mini")
        .unwrap()
        .price
        .unwrap();
    let input = p.picks[0].input_tokens as f64;
    let want = (input * price.input + 12.0 * price.output) / 1e6;
    assert!((p.cost().0.unwrap() - want).abs() < 1e-12);
}

#[test]
fn over_the_window_says_by_how_much_and_unknown_prices_say_so() {
    let s = session("[\"openai:tiny\"]\ninput = 1\noutput = 2\ncontext = 20\n");
    let p = preflight(&s, &["openai:tiny", "anthropic:no-such-model"], 1, None);
    let tiny = &p.picks[0];
    assert_eq!(tiny.window, Some(20));
    assert_eq!(tiny.over_window(), Some(tiny.input_tokens - 20));
    assert_eq!(
        tiny.counting,
        Counting::Estimate,
        "not one of OpenAI's models"
    );
    let unknown = &p.picks[1];
    assert_eq!((unknown.cost_min, unknown.window), (None, None));
    assert_eq!(
        p.cost(),
        (None, None),
        "one unknown price makes the total unknown"
    );
    assert!(!p.exact());
}

#[test]
fn no_room_for_the_answer_is_told_apart_from_an_input_over_the_window() {
    let p = PickPreflight {
        name: "m".into(),
        calls: 1,
        counting: Counting::Estimate,
        input_tokens: 900,
        max_tokens: Some(200),
        avg_output: None,
        window: Some(1000),
        cut: None,
        cost_min: None,
        cost_max: None,
    };
    assert_eq!((p.over_window(), p.no_room_for_output()), (None, Some(100)));
}

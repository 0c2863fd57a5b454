//! `--filter-failing`: the failed cases read back from promptfoo's results
//! (a real promptfoo 0.123.1 output, trimmed) and from pwb's own files.

use super::two_prompts;
use crate::eval::report::{Format, failed_cases, render};
use serde_json::json;

#[test]
fn promptfoos_results_give_every_case_that_did_not_pass_once() {
    let text = include_str!("../../../../tests/fixtures/eval/promptfoo-0.123.1-mix.json");
    let cases = failed_cases(text).unwrap();
    let got: Vec<_> = cases
        .iter()
        .map(|c| {
            (
                c.description.as_deref(),
                serde_json::Value::Object(c.vars.clone()),
                c.errored,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("passes"),
                json!({"channel": "email", "output": "refund issued"}),
                true
            ),
            (
                Some("fails"),
                json!({"channel": "email", "output": "no idea"}),
                false
            ),
            (
                None,
                json!({"channel": "email", "output": "refund now", "n": 3}),
                true
            ),
        ]
    );
}

#[test]
fn pwbs_json_and_jsonl_give_the_same_failed_cases() {
    let run = two_prompts();
    let from_json = failed_cases(&render(&run, Format::Json).unwrap()).unwrap();
    let from_jsonl = failed_cases(&render(&run, Format::Jsonl).unwrap()).unwrap();
    assert_eq!(from_json, from_jsonl);
    let got: Vec<_> = from_json
        .iter()
        .map(|c| (c.description.clone(), c.errored))
        .collect();
    assert_eq!(
        got,
        [
            (Some("dark mode wish".to_string()), false),
            (Some("2FA lockout (German)".to_string()), false),
            (None, true),
        ]
    );
    assert_eq!(from_json[2].vars["ticket"], "Can I get a VAT receipt?");
    let mut one = run.clone();
    one.cells
        .retain(|c| c.description.as_deref() == Some("dark mode wish") && c.prompt == "triage");
    let single = failed_cases(&render(&one, Format::Jsonl).unwrap()).unwrap();
    assert_eq!(single.len(), 1, "a .jsonl of one cell");
}

#[test]
fn another_file_is_refused_with_what_was_expected() {
    let e = failed_cases("prompts: [x]\n").unwrap_err();
    assert!(
        e.contains("not JSON") && e.contains("hint: expected a results file"),
        "{e}"
    );
    let e = failed_cases("{\"tests\": []}").unwrap_err();
    assert!(e.contains("no `results` list"), "{e}");
    assert_eq!(failed_cases("{\"results\": []}").unwrap(), []);
}

//! Reasons and scores as promptfoo 0.123.1's handlers give them (read from
//! its `assertions/openai.ts` and `toolCallF1.ts`).

use super::super::tests::cell;
use super::super::{AssertContext, grade_case};
use crate::run::CellOutcome;
use crate::types::{ToolCall, ToolDef};
use crate::workspace::testfile::{AssertSpec, TestCase};
use serde_json::{Map, Value, json};

fn weather_cell(calls: Vec<ToolCall>) -> CellOutcome {
    let mut c = cell();
    c.tools = vec![ToolDef {
        name: "get_weather".into(),
        description: None,
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}),
    }];
    c.tool_calls = calls;
    c
}

fn call(name: &str, args: &str) -> ToolCall {
    ToolCall::from_text(Some("c".into()), name, args.into())
}

fn grade(
    cell: &CellOutcome,
    kind: &str,
    value: Value,
    threshold: Option<f64>,
) -> (bool, f64, String) {
    let case = TestCase {
        asserts: vec![AssertSpec {
            kind: kind.into(),
            value: (!value.is_null()).then_some(value),
            threshold,
            ..AssertSpec::default()
        }],
        ..TestCase::default()
    };
    let vars = Map::new();
    let ctx = AssertContext {
        output: &cell.text,
        vars: &vars,
        messages: &[],
        cell,
        cost: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let g = rt.block_on(grade_case(&case, &ctx, None, None));
    let r = &g.results[0];
    (r.pass, r.score, r.reason.clone())
}

#[test]
fn valid_tools_call_checks_names_and_schemas_and_ignores_not() {
    let ok = weather_cell(vec![call("get_weather", r#"{"city":"Paris"}"#)]);
    assert!(grade(&ok, "is-valid-openai-tools-call", Value::Null, None).0);
    assert!(grade(&ok, "not-is-valid-openai-tools-call", Value::Null, None).0);
    assert!(grade(&ok, "is-valid-function-call", Value::Null, None).0);
    let unknown = weather_cell(vec![call("get_time", "{}")]);
    assert_eq!(
        grade(&unknown, "is-valid-openai-tools-call", Value::Null, None).2,
        "Called \"get_time\", but there is no function with that name"
    );
    let bad = weather_cell(vec![call("get_weather", r#"{"city":3}"#)]);
    let (pass, _, reason) = grade(&bad, "is-valid-openai-tools-call", Value::Null, None);
    assert!(!pass);
    assert!(
        reason.starts_with("Call to \"get_weather\" does not match schema: /city"),
        "{reason}"
    );
    let mut text = weather_cell(vec![]);
    text.text = "It is sunny.".into();
    assert_eq!(
        grade(&text, "is-valid-openai-tools-call", Value::Null, None).2,
        "OpenAI did not return a valid-looking tools response: \"It is sunny.\""
    );
}

#[test]
fn tool_call_f1_scores_the_sets_of_names() {
    let c = weather_cell(vec![call("get_weather", "{}"), call("get_time", "{}")]);
    let (pass, score, reason) = grade(&c, "tool-call-f1", json!("get_weather"), None);
    assert!(!pass);
    assert!((score - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        reason,
        "Tool Call F1 score 0.667 is below threshold 1. Expected: [get_weather], \
         Called: [get_time, get_weather]. Precision=0.500, Recall=1.000"
    );
    let (pass, _, reason) = grade(&c, "tool-call-f1", json!(["get_time", "get_weather"]), None);
    assert!(pass);
    assert_eq!(
        reason,
        "Tool Call F1: 1.000 (precision=1.000, recall=1.000). Expected: [get_time, get_weather], \
         Called: [get_time, get_weather]"
    );
    assert!(grade(&c, "tool-call-f1", json!("get_weather"), Some(0.5)).0);
}

#[test]
fn tool_called_matches_a_name_and_an_argument_subset() {
    let c = weather_cell(vec![call("get_weather", r#"{"city":"Paris","unit":"C"}"#)]);
    assert!(grade(&c, "tool-called", json!("get_weather"), None).0);
    let v = json!({"name": "get_weather", "arguments": {"city": "Paris"}});
    assert!(grade(&c, "tool-called", v.clone(), None).0);
    assert!(!grade(&c, "not-tool-called", v, None).0);
    let (pass, _, reason) = grade(
        &c,
        "tool-called",
        json!({"name": "get_weather", "arguments": {"city": "Rome"}}),
        None,
    );
    assert!(!pass);
    assert_eq!(
        reason,
        "Expected a call of get_weather with arguments containing {\"city\":\"Rome\"}; \
         called: [get_weather {\"city\":\"Paris\",\"unit\":\"C\"}]"
    );
}

//! Tool-call assertions on a cell's tool calls (`ctx.cell.tool_calls`,
//! checked against the tools the cell was offered, `ctx.cell.tools`):
//! promptfoo's `is-valid-openai-tools-call`, `is-valid-function-call` and
//! `is-valid-openai-function-call` (one check for every provider's calls,
//! which pwb holds in one shape), `tool-call-f1`, and pwb's `tool-called`
//! (a call of a tool by name, its arguments containing a subset).

use super::{Args, Check, Outcome};
use crate::prompt::tools::argument_problems;
use crate::types::ToolCall;
use crate::workspace::tool_mocks::contains;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// The calls as OpenAI writes them (`[{id, type, function: {name,
/// arguments}}]`), for reasons.
fn openai_json(calls: &[ToolCall]) -> Value {
    Value::Array(
        calls
            .iter()
            .map(|c| {
                json!({"id": c.id, "type": "function",
                "function": {"name": c.name, "arguments": c.arguments}})
            })
            .collect(),
    )
}

/// Why the first call that does not fit its tool does not, as promptfoo's
/// `validateFunctionCall` says it (schema errors in pwb's words).
fn first_invalid(a: &Args) -> Option<String> {
    let tools = &a.ctx.cell.tools;
    for call in &a.ctx.cell.tool_calls {
        let Some(input) = &call.input else {
            let e = call.parse_error.clone().unwrap_or_default();
            return Some(e.trim_start_matches("arguments are not JSON: ").to_string());
        };
        let Some(tool) = tools.iter().find(|t| t.name == call.name) else {
            return Some(format!(
                "Called \"{}\", but there is no function with that name",
                call.name
            ));
        };
        let problems = argument_problems(tool, input);
        if !problems.is_empty() {
            return Some(format!(
                "Call to \"{}\" does not match schema: {}",
                call.name,
                problems.join("; ")
            ));
        }
    }
    None
}

/// `is-valid-openai-tools-call` and its kin: the answer is tool calls, and
/// each names an offered tool with arguments its schema accepts. Like
/// promptfoo's, it ignores `not-`.
pub fn is_valid_tools_call(a: &Args) -> Outcome {
    let calls = &a.ctx.cell.tool_calls;
    if calls.is_empty() {
        return Ok(Check::binary(false, || {
            format!(
                "OpenAI did not return a valid-looking tools response: {}",
                Value::String(a.output.to_string())
            )
        }));
    }
    if a.ctx.cell.tools.is_empty() {
        return Ok(Check::binary(false, || {
            "No tools configured in provider, but output contains tool calls".into()
        }));
    }
    let invalid = first_invalid(a);
    Ok(Check::binary(invalid.is_none(), || {
        invalid.unwrap_or_else(|| openai_json(calls).to_string())
    }))
}

/// The tool names the answer called (a set, as promptfoo counts them).
fn called_names(a: &Args) -> BTreeSet<String> {
    a.ctx
        .cell
        .tool_calls
        .iter()
        .map(|c| c.name.clone())
        .collect()
}

/// `tool-call-f1`: F1 of the set of tools called against the expected set
/// (`value`: a list or a comma-separated string), passing at `threshold`
/// (default 1), with promptfoo's reasons.
pub fn tool_call_f1(a: &Args) -> Outcome {
    let expected: Vec<String> = match a.value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.trim().to_string(),
                other => other.to_string(),
            })
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect(),
        _ => {
            return Err(
                "\"tool-call-f1\" assertion requires a value: array of tool names or \
                        comma-separated string"
                    .into(),
            );
        }
    };
    if expected.is_empty() {
        return Err("\"tool-call-f1\" assertion requires at least one expected tool name".into());
    }
    let expected: BTreeSet<String> = expected.into_iter().collect();
    let actual = called_names(a);
    let hits = expected.intersection(&actual).count() as f64;
    let precision = if actual.is_empty() {
        0.0
    } else {
        hits / actual.len() as f64
    };
    let recall = hits / expected.len() as f64;
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let threshold = a.spec.threshold.unwrap_or(1.0);
    let pass = (f1 >= threshold) != a.inverse;
    let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let called = if actual.is_empty() {
        "(none)".to_string()
    } else {
        list(&actual)
    };
    let reason = if pass {
        format!(
            "Tool Call F1: {f1:.3} (precision={precision:.3}, recall={recall:.3}). \
             Expected: [{}], Called: [{called}]",
            list(&expected)
        )
    } else {
        format!(
            "Tool Call F1 score {f1:.3} is {} threshold {}. Expected: [{}], Called: [{called}]. \
             Precision={precision:.3}, Recall={recall:.3}",
            if a.inverse { "above" } else { "below" },
            super::js::number(threshold),
            list(&expected)
        )
    };
    Ok(Check {
        pass,
        score: f1,
        reason,
    })
}

/// `tool-called` (pwb's): `value` is a tool name, or `{name, arguments}`
/// where the call's arguments must contain `arguments` (objects key by
/// key, anything else equal).
pub fn tool_called(a: &Args) -> Outcome {
    let (name, want) = match a.value {
        Some(Value::String(n)) => (n.clone(), None),
        Some(Value::Object(o)) => match o.get("name").and_then(Value::as_str) {
            Some(n) => (n.to_string(), o.get("arguments").cloned()),
            None => return Err("\"tool-called\" needs a tool `name`".into()),
        },
        _ => {
            return Err("\"tool-called\" takes a tool name or {name, arguments}".into());
        }
    };
    let hit = a.ctx.cell.tool_calls.iter().any(|c| {
        c.name == name
            && match (&want, &c.input) {
                (None, _) => true,
                (Some(w), Some(input)) => contains(input, w),
                (Some(_), None) => false,
            }
    });
    let pass = hit != a.inverse;
    Ok(Check::binary(pass, || {
        let what = match &want {
            Some(w) => format!("{name} with arguments containing {w}"),
            None => name.clone(),
        };
        let calls: Vec<String> = a
            .ctx
            .cell
            .tool_calls
            .iter()
            .map(|c| format!("{} {}", c.name, c.arguments))
            .collect();
        format!(
            "Expected {}a call of {what}; called: [{}]",
            a.not(),
            calls.join(", ")
        )
    }))
}

#[cfg(test)]
#[path = "tools_tests.rs"]
mod tests;

//! javascript and python assertions: the code runs in the suite's script
//! workers (`eval::script`); what it returns (a boolean, a number scored
//! against `threshold`, or a `{pass, score, reason}` object) becomes a
//! result as promptfoo 0.123 normalizes it. A script that throws, crashes
//! or hangs fails; a missing interpreter is an error.

use super::aggregate::{Graded, Named};
use super::{error_result, finish, js};
use crate::eval::script::{Lang, ScriptReply, Scripts};
use crate::eval::{AssertContext, GradingResult};
use crate::workspace::testfile::AssertSpec;
use serde_json::{Map, Value, json};

/// What a script sees as `context`, in promptfoo's shape.
fn context(spec: &AssertSpec, ctx: &AssertContext<'_>) -> Value {
    let prompt = match ctx.messages {
        [one] => one.plain_text(),
        many => {
            let list: Vec<Value> = many
                .iter()
                .map(|m| json!({"role": m.role, "content": m.plain_text()}))
                .collect();
            Value::Array(list).to_string()
        }
    };
    let usage = &ctx.cell.usage;
    json!({
        "prompt": prompt,
        "vars": ctx.vars,
        "test": {"vars": ctx.vars},
        "logProbs": null,
        "provider": {"id": ctx.cell.model.to_string()},
        "providerResponse": {
            "output": ctx.output,
            "cost": ctx.cost,
            "finishReason": ctx.cell.finish_reason.as_ref().map(|f| f.as_str().to_string()),
            "tokenUsage": {
                "prompt": usage.input_tokens,
                "completion": usage.output_tokens,
                "total": usage.input_tokens.zip(usage.output_tokens).map(|(a, b)| a + b),
            },
        },
        "config": spec.config,
    })
}

struct Res {
    pass: bool,
    score: f64,
    reason: String,
    named: Named,
}

pub async fn grade(
    spec: &AssertSpec,
    value: Option<Value>,
    ctx: &AssertContext<'_>,
    scripts: Option<&Scripts>,
) -> Graded {
    let python = super::base_kind(&spec.kind) == "python";
    let lang = if python {
        Lang::Python
    } else {
        Lang::JavaScript
    };
    let Some(Value::String(code)) = value.clone() else {
        let what = if python { "python" } else { "javascript" };
        return error_result(
            spec,
            value,
            format!("{what} assertion must have a string value"),
            ctx,
        )
        .into();
    };
    if code.starts_with("file://") {
        let e = format!("`{code}`: script files are not supported yet; write the code inline");
        return error_result(spec, value, e, ctx).into();
    }
    let Some(scripts) = scripts else {
        return error_result(spec, value, "no script workers for this suite".into(), ctx).into();
    };
    let reply = match scripts
        .run(lang, &code, ctx.output, &context(spec, ctx))
        .await
    {
        Ok(r) => r,
        Err(e) => return error_result(spec, value, e, ctx).into(),
    };
    let inverse = spec.kind.starts_with("not-");
    let res = if python {
        python_result(spec, reply, inverse)
    } else {
        javascript_result(spec, reply, inverse, code.trim_end())
    };
    let result = GradingResult {
        kind: spec.kind.clone(),
        pass: res.pass,
        score: res.score,
        reason: res.reason,
        value,
        metric: spec
            .metric
            .as_ref()
            .map(|m| super::value::render_str(m, ctx.vars)),
        weight: spec.weight.unwrap_or(1.0),
        members: Vec::new(),
        grader: None,
        error: None,
    };
    Graded {
        result: finish(spec, result),
        named: res.named,
    }
}

fn with_suffix(reason: String, suffix: &str) -> String {
    if suffix.is_empty() {
        reason
    } else {
        format!("{reason}\n{suffix}")
    }
}

fn fail(reason: String) -> Res {
    Res {
        pass: false,
        score: 0.0,
        reason,
        named: Named::default(),
    }
}

/// A boolean or a number, as `normalizeScriptAssertionResult` reads it.
fn scalar(
    spec: &AssertSpec,
    v: &Value,
    inverse: bool,
    code_label: &str,
    suffix: &str,
) -> Option<Res> {
    let raw = |p: bool| with_suffix(format!("{code_label} returned {p}"), suffix);
    match v {
        Value::Bool(b) => {
            let pass = *b != inverse;
            Some(Res {
                pass,
                score: if pass { 1.0 } else { 0.0 },
                reason: if pass {
                    "Assertion passed".into()
                } else {
                    raw(*b)
                },
                named: Named::default(),
            })
        }
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(f64::NAN);
            let raw_pass = spec.threshold.map_or(n > 0.0, |t| n >= t);
            let pass = raw_pass != inverse;
            Some(Res {
                pass,
                score: n,
                reason: if pass {
                    "Assertion passed".into()
                } else {
                    raw(raw_pass)
                },
                named: Named::default(),
            })
        }
        _ => None,
    }
}

/// A `{pass, score, reason}` object (with its named scores).
fn object(m: &Map<String, Value>, inverse: bool, code_label: &str) -> Option<Res> {
    let (Some(p), Some(score), Some(reason)) = (
        m.get("pass").and_then(Value::as_bool),
        m.get("score").and_then(Value::as_f64),
        m.get("reason").and_then(Value::as_str),
    ) else {
        return None;
    };
    let pass = p != inverse;
    let named = match m.get("namedScores") {
        Some(Value::Object(s)) => {
            Named::from_json(s, m.get("namedScoreWeights").and_then(Value::as_object))
        }
        _ => Named::default(),
    };
    Some(Res {
        pass,
        score,
        reason: if pass == p {
            reason.to_string()
        } else if pass {
            "Assertion passed".into()
        } else {
            format!("{code_label} returned {p}")
        },
        named,
    })
}

fn javascript_result(spec: &AssertSpec, reply: ScriptReply, inverse: bool, code: &str) -> Res {
    match reply {
        ScriptReply::Value(v) => match &v {
            Value::Object(m) => object(m, inverse, "Custom function")
                .unwrap_or_else(|| fail(format!("Custom function must return a boolean, number, or GradingResult object. Got {v}"))),
            other => scalar(spec, other, inverse, "Custom function", code)
                .unwrap_or_else(|| fail(format!("Custom function must return a boolean, number, or GradingResult object. Got {v}"))),
        },
        ScriptReply::Threw { message, stack } => fail(with_suffix(
            format!("Custom function threw error: {message}\nStack Trace: {stack}"),
            code,
        )),
        ScriptReply::Crashed(e) => fail(e),
    }
}

/// `normalizeScriptResult` for Python (snake_case keys, a threshold on a
/// returned object, strings read as booleans, JSON or numbers).
fn python_result(spec: &AssertSpec, reply: ScriptReply, inverse: bool) -> Res {
    let suffix = spec
        .value
        .as_ref()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let failed = |e: String| fail(format!("Python code execution failed: {e}"));
    let v = match reply {
        ScriptReply::Value(v) => v,
        ScriptReply::Threw { message, .. } => {
            return failed(format!("Error running Python script: {message}"));
        }
        ScriptReply::Crashed(e) => return fail(e),
    };
    let label = "Python code";
    let lower = v.as_str().map(str::to_lowercase);
    if v == Value::Bool(true) || lower.as_deref() == Some("true") {
        return scalar(spec, &Value::Bool(true), inverse, label, &suffix)
            .unwrap_or_else(|| fail(String::new()));
    }
    if v == Value::Bool(false) || lower.as_deref() == Some("false") {
        return scalar(spec, &Value::Bool(false), inverse, label, &suffix)
            .unwrap_or_else(|| fail(String::new()));
    }
    let obj = match &v {
        Value::String(s) if s.starts_with('{') => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Some(m),
            Ok(_) => {
                return failed(format!(
                    "Python assertion must return a boolean, number, or {{pass, score, reason}} object. Got instead: {s}"
                ));
            }
            Err(e) => return failed(format!("Invalid JSON: {e} when parsing result: {s}")),
        },
        Value::Object(m) => Some(m.clone()),
        _ => None,
    };
    if let Some(mut m) = obj {
        for (snake, camel) in [
            ("pass_", "pass"),
            ("named_scores", "namedScores"),
            ("tokens_used", "tokensUsed"),
        ] {
            if let Some(x) = m.get(snake).cloned().filter(|_| !m.contains_key(camel)) {
                m.insert(camel.into(), x);
            }
        }
        let score = m.get("score").and_then(Value::as_f64);
        if let (Some(t), Some(s)) = (spec.threshold, score)
            && s < t
        {
            let msg = format!(
                "Python score {} is less than threshold {}",
                js::number(s),
                js::number(t)
            );
            let reason = match m
                .get("reason")
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
            {
                Some(r) => format!("{msg}: {r}"),
                None => msg,
            };
            m.insert("pass".into(), Value::Bool(false));
            m.insert("reason".into(), Value::String(reason));
        }
        return object(&m, inverse, label).unwrap_or_else(|| {
            failed(format!(
                "Python assertion must return a boolean, number, or {{pass, score, reason}} object. Got instead:\n{}",
                serde_json::to_string_pretty(&Value::Object(m.clone())).unwrap_or_default()
            ))
        });
    }
    let text = match &v {
        Value::String(s) => s.clone(),
        other => js::string(other),
    };
    match parse_float(&text) {
        Some(n) => {
            scalar(spec, &json!(n), inverse, label, &suffix).unwrap_or_else(|| fail(String::new()))
        }
        None => failed(format!(
            "Python assertion must return a boolean, number, or {{pass, score, reason}} object. Instead got:\n{text}"
        )),
    }
}

/// JavaScript's `parseFloat`: the longest number at the start.
fn parse_float(s: &str) -> Option<f64> {
    let t = js::trim(s);
    if t.starts_with("Infinity") || t.starts_with("+Infinity") {
        return Some(f64::INFINITY);
    }
    if t.starts_with("-Infinity") {
        return Some(f64::NEG_INFINITY);
    }
    (1..=t.len())
        .rev()
        .filter(|&k| t.is_char_boundary(k))
        .find_map(|k| {
            let head = &t[..k];
            let plain = head
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
            plain.then(|| head.parse::<f64>().ok()).flatten()
        })
}

//! g-eval (promptfoo's `matchesGEval`): the grader first writes evaluation
//! steps for the criteria, then scores the answer 0-10 by them; the score
//! is normalised to 0-1 and passes at `threshold` (0.7 by default). A list
//! of criteria averages their scores and stops at the first that cannot
//! be graded. Steps or a score the grader did not give in promptfoo's
//! shapes are an error.

use super::{Inputs, Verdict, js, prompts, render};
use crate::eval::graded::calls::Calls;
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

const MAX_SCORE: f64 = 10.0;
const DEFAULT_THRESHOLD: f64 = 0.7;

// JavaScript's `.` matches anything but a line terminator.
static STEPS_JSON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\{"steps"[^\n\r\u2028\u2029]+\}"#).expect("a valid regex"));
static RESULT_JSON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{[^\n\r\u2028\u2029]+\}").expect("a valid regex"));

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let threshold = inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let criteria: Vec<String> = match inp.spec.value.as_ref() {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            items.iter().map(js::display).collect()
        }
        _ => {
            return Verdict::Error(
                "G-Eval assertion type must have a string or array of strings value".into(),
            );
        }
    };
    if criteria.is_empty() {
        return Verdict::graded(
            false,
            0.0,
            "G-Eval assertion requires at least one criterion string in the value array.".into(),
        );
    }
    let list = matches!(inp.spec.value, Some(Value::Array(_)));
    let mut scores = Vec::new();
    let mut reasons = Vec::new();
    for (i, criterion) in criteria.iter().enumerate() {
        match one(inp, criterion, calls).await {
            Ok((score, reason)) => {
                scores.push(score);
                reasons.push(reason);
            }
            Err(e) if list => {
                return Verdict::Error(format!(
                    "G-Eval criterion {}/{} ({}) failed: {e}",
                    i + 1,
                    criteria.len(),
                    js::stringify(&Value::String(criterion.clone()))
                ));
            }
            Err(e) => return Verdict::Error(e),
        }
    }
    let score = scores.iter().sum::<f64>() / scores.len() as f64;
    let pass = (score >= threshold) != inp.inverse;
    let score = if inp.inverse { 1.0 - score } else { score };
    Verdict::graded(pass, score, reasons.join("\n\n"))
}

/// One criterion: its steps, then its normalised score and reason.
async fn one(
    inp: &Inputs<'_>,
    criteria: &str,
    calls: &mut Calls<'_>,
) -> Result<(f64, String), String> {
    if inp.prompt.is_empty() {
        return Err("No source text to estimate reply".into());
    }
    let custom = |key: &str| inp.rubric_prompt().and_then(|r| r.as_object()?.get(key));
    let mut vars = Map::new();
    vars.insert("criteria".into(), Value::String(criteria.into()));
    let template = render::prompt_text(custom("steps"), prompts::GEVAL_STEPS)?;
    let answer = calls
        .complete(render::render(&template, &vars)?, false, 0)
        .await?;
    if answer.is_empty() {
        return Err("G-Eval step-generation call returned no output".into());
    }
    let steps = read_steps(&answer)?;
    vars.insert("steps".into(), Value::String(steps.join("\n- ")));
    vars.insert("maxScore".into(), Value::String("10".into()));
    vars.insert("input".into(), js::try_parse(&inp.prompt));
    vars.insert("output".into(), js::try_parse(inp.output));
    let template = render::prompt_text(custom("evaluate"), prompts::GEVAL_EVALUATE)?;
    let answer = calls
        .complete(render::render(&template, &vars)?, false, 0)
        .await?;
    if answer.is_empty() {
        return Err("G-Eval evaluation call returned no output".into());
    }
    read_score(&answer)
}

/// The steps of `{"steps": [...]}` on one line of the answer.
pub fn read_steps(answer: &str) -> Result<Vec<String>, String> {
    let not_json = |why: &str| {
        format!("LLM-proposed evaluation steps are not in JSON format: {why}\n\n{answer}")
    };
    let Some(m) = STEPS_JSON.find(answer) else {
        return Err(format!(
            "LLM-proposed evaluation steps are not in JSON format: {answer}"
        ));
    };
    let parsed: Value = serde_json::from_str(m.as_str()).map_err(|e| not_json(&e.to_string()))?;
    let steps = parsed.get("steps").cloned().unwrap_or(Value::Null);
    let Value::Array(items) = &steps else {
        return Err(format!(
            "G-Eval steps response has invalid or missing steps: {}",
            js::stringify(&steps)
        ));
    };
    if items.is_empty() {
        return Err("LLM does not propose any evaluation step".into());
    }
    let texts: Option<Vec<String>> = items
        .iter()
        .map(|s| {
            s.as_str()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        })
        .collect();
    texts.ok_or_else(|| {
        format!(
            "G-Eval steps response contains invalid steps: {}",
            js::stringify(&steps)
        )
    })
}

/// `{"score": 0-10, "reason": "..."}` on one line: the score over 10.
pub fn read_score(answer: &str) -> Result<(f64, String), String> {
    let Some(m) = RESULT_JSON.find(answer) else {
        return Err(format!(
            "LLM-proposed evaluation result is not in JSON format: {answer}"
        ));
    };
    let result: Value = serde_json::from_str(m.as_str()).map_err(|e| {
        format!("LLM-proposed evaluation result is not in JSON format: {e}\n\n{answer}")
    })?;
    let raw = match result.get("score") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(Value::String(s)) if !s.trim().is_empty() => js::to_number(s),
        _ => f64::NAN,
    };
    let shown = || {
        result
            .get("score")
            .map_or("undefined".into(), js::stringify)
    };
    if !raw.is_finite() {
        return Err(format!(
            "G-Eval result has invalid or missing score: {}",
            shown()
        ));
    }
    if !(0.0..=MAX_SCORE).contains(&raw) {
        return Err(format!(
            "G-Eval result score {} is outside the expected 0-10 range",
            js::number(raw)
        ));
    }
    match result.get("reason") {
        Some(Value::String(r)) if !r.trim().is_empty() => Ok((raw / MAX_SCORE, r.clone())),
        other => Err(format!(
            "G-Eval result has invalid or missing reason: {}",
            other.map_or("undefined".into(), js::stringify)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_scores_are_found_on_one_line_as_promptfoo_finds_them() {
        assert_eq!(
            read_steps(r#"Sure: {"steps":["a","b"]} done"#).unwrap(),
            ["a", "b"]
        );
        assert!(
            read_steps("{\"steps\": [\n\"a\"\n]}").is_err(),
            "promptfoo's regex does not cross lines"
        );
        assert!(read_steps(r#"{"steps":[]}"#).is_err());
        assert!(read_steps(r#"{"steps":["a", 3]}"#).is_err());
        assert_eq!(
            read_score(r#"{"score":8,"reason":"ok"}"#).unwrap(),
            (0.8, "ok".into())
        );
        assert_eq!(
            read_score(r#"{"score":" 5 ","reason":"ok"}"#).unwrap().0,
            0.5
        );
        assert_eq!(
            read_score(r#"{"score":11,"reason":"x"}"#).unwrap_err(),
            "G-Eval result score 11 is outside the expected 0-10 range"
        );
        assert_eq!(
            read_score(r#"{"score":7}"#).unwrap_err(),
            "G-Eval result has invalid or missing reason: undefined"
        );
        assert!(read_score(r#"{"score":"x","reason":"r"}"#).is_err());
    }
}

//! llm-rubric: the grader reads the answer against a rubric and answers
//! `{reason, pass, score}` (promptfoo's `matchesLlmRubric` and
//! `runJsonGradingPrompt`): the first JSON object of its answer counts, a
//! missing `pass` is true, a missing score follows `pass`, `threshold`
//! also asks score >= threshold, and `not-` flips pass and inverts the
//! score. No JSON in the answer is an error, not a failure.

use super::{Inputs, Verdict, js, json_extract, prompts, render};
use crate::eval::graded::calls::Calls;
use serde_json::Value;

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    // The rubric is the assertion's value; an object is shown as JSON.
    let rubric = match inp.spec.value.as_ref() {
        None | Some(Value::Null) => Value::String(String::new()),
        Some(v) => v.clone(),
    };
    let mut vars = inp.vars.clone();
    vars.insert("output".into(), js::try_parse(inp.output));
    vars.insert("rubric".into(), rubric);
    let messages = match render::prompt_text(inp.rubric_prompt(), prompts::LLM_RUBRIC)
        .and_then(|t| render::render(&t, &vars))
    {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    let text = match calls.complete(messages, true, 0).await {
        Ok(t) if t.is_empty() => return Verdict::Error("No output".into()),
        Ok(t) => t,
        Err(e) => return Verdict::Error(e),
    };
    let (pass, score, reason) = match read_answer(&text, inp.spec.threshold) {
        Ok(r) => r,
        Err(e) => return Verdict::Error(e),
    };
    if inp.inverse {
        let inverted = (1.0 - if score.is_finite() { score } else { 0.0 }).clamp(0.0, 1.0);
        Verdict::graded(!pass, inverted, reason)
    } else {
        Verdict::graded(pass, score, reason)
    }
}

/// `{reason, pass, score}` out of the grader's answer, with `threshold`.
pub fn read_answer(text: &str, threshold: Option<f64>) -> Result<(bool, f64, String), String> {
    let Some(obj) = json_extract::first_object(text) else {
        return Err("Could not extract JSON from llm-rubric response".into());
    };
    if !obj.is_object() {
        return Err(format!(
            "llm-rubric produced malformed response. We were not able to parse the response as JSON. Output: {}",
            js::stringify(&Value::String(text.into()))
        ));
    }
    let mut pass = match obj.get("pass") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            let s = js::display(other).to_ascii_lowercase();
            matches!(s.as_str(), "true" | "yes" | "pass" | "y")
        }
    };
    let score = match obj.get("score") {
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        // `Number(undefined)` is NaN: the score follows the verdict.
        None => f64::from(u8::from(pass)),
        Some(other) => {
            let n = js::value_to_number(other);
            if n.is_finite() {
                n
            } else {
                f64::from(u8::from(pass))
            }
        }
    };
    if let Some(t) = threshold.filter(|t| t.is_finite()) {
        pass = pass && score >= t;
    }
    let reason = match obj.get("reason") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(v @ (Value::Object(_) | Value::Array(_))) => js::stringify(v),
        Some(v @ (Value::Number(_) | Value::Bool(true))) if js::value_to_number(v) != 0.0 => {
            js::display(v)
        }
        _ if pass => "Grading passed".into(),
        _ => format!(
            "Score {} below threshold {}",
            js::number(score),
            threshold.map_or("undefined".into(), js::number)
        ),
    };
    Ok((pass, score, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verdict_is_read_as_promptfoo_reads_it() {
        let r = |t: &str, th: Option<f64>| read_answer(t, th).unwrap();
        assert_eq!(
            r(r#"{"reason": "ok", "pass": true, "score": 1}"#, None),
            (true, 1.0, "ok".into())
        );
        assert_eq!(
            r(r#"{"pass": "yes"}"#, None),
            (true, 1.0, "Grading passed".into())
        );
        assert_eq!(
            r(r#"{"pass": "nope"}"#, None),
            (false, 0.0, "Score 0 below threshold undefined".into())
        );
        assert_eq!(
            r(r#"{"pass": true, "score": "0.4"}"#, Some(0.5)),
            (false, 0.4, "Score 0.4 below threshold 0.5".into())
        );
        assert_eq!(
            r(r#"{"pass": true, "score": null}"#, None).1,
            0.0,
            "Number(null) is 0"
        );
        assert_eq!(r(r#"{"pass": false, "score": "high"}"#, None).1, 0.0);
        assert!(r(r#"{"score": 0.7}"#, Some(0.7)).0);
        assert!(read_answer("no json", None).is_err());
    }
}

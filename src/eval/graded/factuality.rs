//! factuality (promptfoo's `matchesFactuality`): the grader compares the
//! answer with the expected one and picks a category, (A) subset, (B)
//! superset, (C) same details, (D) disagreement, (E) differences that do
//! not matter, as JSON `{category, reason}` or, failing that, a legacy
//! `(X)` in the text. Each category scores per the case's
//! `options.factuality` (all 1 but disagreement); a score above 0 passes.
//! promptfoo ignores `not-` here, and so does pwb.
//!
//! Where pwb differs: an answer with no category (or a category outside
//! A-E) is an *error* of the assertion; promptfoo counts it as a failure.

use super::{Inputs, Verdict, js, json_extract, prompts, render};
use crate::eval::graded::calls::Calls;
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

static LEGACY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(?([a-eA-E])\)").expect("a valid regex"));

const CATEGORIES: [(char, &str, &str, f64); 5] = [
    (
        'A',
        "subset",
        "The submitted answer is a subset of the expert answer and is fully consistent with it.",
        1.0,
    ),
    (
        'B',
        "superset",
        "The submitted answer is a superset of the expert answer and is fully consistent with it.",
        1.0,
    ),
    (
        'C',
        "agree",
        "The submitted answer contains all the same details as the expert answer.",
        1.0,
    ),
    (
        'D',
        "disagree",
        "There is a disagreement between the submitted answer and the expert answer.",
        0.0,
    ),
    (
        'E',
        "differButFactual",
        "The answers differ, but these differences don't matter from the perspective of factuality.",
        1.0,
    ),
];

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let Some(Value::String(expected)) = inp.spec.value.as_ref() else {
        return Verdict::Error("factuality assertion type must have a string value".into());
    };
    let mut vars = inp.vars.clone();
    vars.insert("input".into(), Value::String(inp.prompt.clone()));
    vars.insert("ideal".into(), Value::String(expected.clone()));
    vars.insert("completion".into(), js::try_parse(inp.output));
    let messages = match render::prompt_text(inp.rubric_prompt(), prompts::FACTUALITY)
        .and_then(|t| render::render(&t, &vars))
    {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    let text = match calls.complete(messages, false, 0).await {
        Ok(t) if t.is_empty() => return Verdict::Error("No output".into()),
        Ok(t) => t,
        Err(e) => return Verdict::Error(e),
    };
    match read_category(&text) {
        Ok((option, reason)) => {
            let scores = inp.options.and_then(|o| o.get("factuality"));
            let (pass, score) = score_of(option, scores);
            Verdict::graded(pass, score, reason)
        }
        Err(e) => Verdict::Error(e),
    }
}

/// The category letter and the grader's reason.
pub fn read_category(text: &str) -> Result<(char, String), String> {
    if let Some(obj) = json_extract::first_object(text)
        && let Some(Value::String(category)) = obj.get("category")
        && !category.is_empty()
    {
        let option = category.trim_matches(js::is_space).to_uppercase();
        let mut chars = option.chars();
        let letter = match (chars.next(), chars.next()) {
            (Some(c @ 'A'..='E'), None) => c,
            _ => return Err(format!("Invalid category value: {option}")),
        };
        // promptfoo calls `.trim()` on the reason: one that is not text
        // throws, and it falls back to the legacy reading below.
        match obj.get("reason") {
            None | Some(Value::Null) => {
                return Ok((letter, format!("Category {letter}: {}", describe(letter))));
            }
            Some(Value::String(r)) => {
                let r = r.trim_matches(js::is_space);
                let reason = if r.is_empty() {
                    format!("Category {letter}: {}", describe(letter))
                } else {
                    r.to_string()
                };
                return Ok((letter, reason));
            }
            Some(_) => {}
        }
    }
    let Some(m) = LEGACY.captures(text) else {
        return Err(format!(
            "Factuality checker output did not match expected format: {text}"
        ));
    };
    let letter = m[1].to_ascii_uppercase().chars().next().unwrap_or('?');
    let reason = text
        .split_once(')')
        .map(|(_, rest)| rest.trim_matches(js::is_space).to_string())
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| text.to_string());
    Ok((letter, reason))
}

fn describe(letter: char) -> &'static str {
    CATEGORIES
        .iter()
        .find(|c| c.0 == letter)
        .map_or("", |c| c.2)
}

/// Pass and score of a category under `options.factuality`.
pub fn score_of(letter: char, scores: Option<&Value>) -> (bool, f64) {
    let score = CATEGORIES
        .iter()
        .find(|c| c.0 == letter)
        .map(|c| {
            scores
                .and_then(|s| s.get(c.1))
                .and_then(Value::as_f64)
                .unwrap_or(c.3)
        })
        .unwrap_or(0.0);
    (score > 0.0, score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn categories_are_read_from_json_or_the_legacy_form() {
        assert_eq!(
            read_category(r#"{"category": " c ", "reason": "Same."}"#).unwrap(),
            ('C', "Same.".into())
        );
        assert_eq!(
            read_category(r#"{"category": "A"}"#).unwrap().1,
            "Category A: The submitted answer is a subset of the expert answer and is fully consistent with it."
        );
        assert_eq!(
            read_category("(B) A superset.").unwrap(),
            ('B', "A superset.".into())
        );
        assert_eq!(
            read_category(r#"{"category": "F"}"#).unwrap_err(),
            "Invalid category value: F"
        );
        assert!(read_category("I cannot decide.").is_err());
        assert_eq!(
            read_category(r#"{"category": "A", "reason": 3} so (d) then"#)
                .unwrap()
                .0,
            'D',
            "a reason that is not text falls back to the legacy reading"
        );
    }

    #[test]
    fn scores_follow_the_options() {
        assert_eq!(score_of('D', None), (false, 0.0));
        assert_eq!(score_of('A', Some(&json!({"subset": 0}))), (false, 0.0));
        assert_eq!(
            score_of('E', Some(&json!({"differButFactual": 0.5}))),
            (true, 0.5)
        );
    }
}

//! The context assertions for retrieval (promptfoo's ragas matchers), each
//! reading the case's `context` var (a text or a list of texts):
//! context-recall (how much of the expected answer the context supports),
//! context-relevance (how much of the context the `query` needs) and
//! context-faithfulness (how much of the answer the context supports).
//! Each scores 0-1 and passes at `threshold` (0.5 by default); `not-`
//! flips pass and score; a grader answer they cannot read is an error.

use super::{Inputs, Verdict, js, prompts, render, sentences};
use crate::eval::graded::calls::Calls;
use serde_json::{Map, Value};

const DEFAULT_THRESHOLD: f64 = 0.5;

/// The case's context: a text, or a list of texts.
#[derive(Debug, Clone, PartialEq)]
pub enum Context {
    Text(String),
    Chunks(Vec<String>),
}

impl Context {
    /// The `context` var; `fallback` (the prompt, for context-recall)
    /// when there is none.
    pub fn of(vars: &Map<String, Value>, fallback: Option<&str>) -> Result<Context, String> {
        let ctx = match vars.get("context") {
            Some(Value::String(s)) if !s.is_empty() => Context::Text(s.clone()),
            Some(Value::Array(items)) if !items.is_empty() => {
                let mut chunks = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(s) if !s.is_empty() => chunks.push(s.clone()),
                        other => {
                            return Err(format!(
                                "Invalid context: expected an array of strings, but found {} at index {i}",
                                type_name(other)
                            ));
                        }
                    }
                }
                Context::Chunks(chunks)
            }
            _ => {
                match fallback {
                    Some(f) if !f.is_empty() => Context::Text(f.to_string()),
                    _ => return Err(
                        "Context is required for context-based assertions. Provide a \"context\" \
                     variable (string or array of strings) in your test case."
                            .into(),
                    ),
                }
            }
        };
        Ok(ctx)
    }

    /// As the grader reads it: chunks joined by a blank line.
    pub fn text(&self) -> String {
        match self {
            Context::Text(s) => s.clone(),
            Context::Chunks(c) => c.join("\n\n"),
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "object",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "object",
    }
}

fn query(inp: &Inputs<'_>, kind: &str) -> Result<String, String> {
    match inp.vars.get("query") {
        Some(Value::String(q)) => Ok(q.clone()),
        _ => Err(format!(
            "{kind} assertion requires a \"query\" variable with the user question"
        )),
    }
}

/// `{kind} 0.67 is >= 0.5` / `is < 0.5`, flipped by `not-`.
fn verdict(inp: &Inputs<'_>, kind: &str, score: f64, threshold: f64) -> Verdict {
    let pass = score >= threshold - f64::EPSILON;
    let op = if pass { ">=" } else { "<" };
    let reason = format!(
        "{kind} {} is {op} {}",
        js::to_fixed(score, 2),
        js::number(threshold)
    );
    if inp.inverse {
        Verdict::graded(!pass, 1.0 - score, reason)
    } else {
        Verdict::graded(pass, score, reason)
    }
}

/// One grader call with a rendered prompt; an empty answer is an error.
async fn ask(
    calls: &mut Calls<'_>,
    template: Result<String, String>,
    vars: &Map<String, Value>,
) -> Result<String, String> {
    let messages = render::render(&template?, vars)?;
    match calls.complete(messages, false, 0).await? {
        t if t.is_empty() => Err("No output".into()),
        t => Ok(t),
    }
}

pub async fn recall(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let Some(Value::String(truth)) = inp.spec.value.as_ref() else {
        return Verdict::Error(
            "context-recall assertion requires a string value (expected answer or fact to verify)"
                .into(),
        );
    };
    let context = match Context::of(inp.vars, Some(&inp.prompt)) {
        Ok(c) => c,
        Err(e) => return Verdict::Error(e),
    };
    let mut vars = inp.vars.clone();
    vars.insert("context".into(), Value::String(context.text()));
    vars.insert("groundTruth".into(), Value::String(truth.clone()));
    let template = render::prompt_text(inp.rubric_prompt(), prompts::CONTEXT_RECALL);
    let answer = match ask(calls, template, &vars).await {
        Ok(a) => a,
        Err(e) => return Verdict::Error(e),
    };
    let (yes, no) = (
        prompts::ATTRIBUTED.to_lowercase(),
        prompts::NOT_ATTRIBUTED.to_lowercase(),
    );
    let lines: Vec<String> = sentences::lines(&answer)
        .into_iter()
        .map(|l| l.to_lowercase())
        .filter(|l| l.contains(&yes) || l.contains(&no))
        .collect();
    if lines.is_empty() {
        return Verdict::Error(
            "Grader returned no [Attributed]/[Not Attributed] classifications".into(),
        );
    }
    let attributed = lines
        .iter()
        .filter(|l| !l.contains(&no) && l.contains(&yes))
        .count();
    let score = attributed as f64 / lines.len() as f64;
    verdict(
        inp,
        "Recall",
        score,
        inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD),
    )
}

pub async fn relevance(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let (query, context) =
        match query(inp, "context-relevance").and_then(|q| Ok((q, Context::of(inp.vars, None)?))) {
            Ok(x) => x,
            Err(e) => return Verdict::Error(e),
        };
    let text = context.text();
    let mut vars = Map::new();
    vars.insert("context".into(), Value::String(text.clone()));
    vars.insert("query".into(), Value::String(query));
    let template = render::prompt_text(inp.rubric_prompt(), prompts::CONTEXT_RELEVANCE);
    let answer = match ask(calls, template, &vars).await {
        Ok(a) => a,
        Err(e) => return Verdict::Error(e),
    };
    let (segmented, units) = match &context {
        Context::Chunks(c) => (true, c.iter().filter(|c| !c.trim().is_empty()).count()),
        Context::Text(t) => (sentences::lines(t).len() > 1, sentences::sentences(t).len()),
    };
    let insufficient = answer.contains(prompts::INSUFFICIENT_INFORMATION);
    let mut relevant: Vec<String> = Vec::new();
    if !insufficient {
        let found = if segmented {
            sentences::lines(&answer)
        } else {
            sentences::sentences(&answer)
        };
        for s in found {
            if !relevant.contains(&s) {
                relevant.push(s);
            }
        }
    }
    let context_norm = sentences::normalize(&text);
    let quotes = relevant
        .iter()
        .any(|s| context_norm.contains(&sentences::normalize(sentences::strip_marker(s))));
    if !relevant.is_empty() && !quotes {
        return Verdict::Error("Grader output does not quote the provided context".into());
    }
    let numerator = relevant.len().min(units);
    let score = if units > 0 {
        numerator as f64 / units as f64
    } else {
        0.0
    };
    verdict(
        inp,
        "Context relevance",
        score,
        inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD),
    )
}

pub async fn faithfulness(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let (query, context) = match query(inp, "context-faithfulness")
        .and_then(|q| Ok((q, Context::of(inp.vars, None)?)))
    {
        Ok(x) => x,
        Err(e) => return Verdict::Error(e),
    };
    // A custom rubricPrompt is a list: [statements prompt, verdicts prompt].
    let custom = |i: usize| -> Result<Option<Value>, String> {
        match inp.rubric_prompt() {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(items.get(i).map(|p| match p {
                Value::Object(o) => o.get("content").cloned().unwrap_or(Value::Null),
                other => other.clone(),
            })),
            Some(_) => Err("rubricPrompt must be an array".into()),
        }
    };
    let mut vars = inp.vars.clone();
    vars.insert("question".into(), Value::String(query));
    vars.insert("answer".into(), js::try_parse(inp.output));
    let template =
        custom(0).and_then(|c| render::prompt_text(c.as_ref(), prompts::FAITHFULNESS_STATEMENTS));
    let answer = match ask(calls, template, &vars).await {
        Ok(a) => a,
        Err(e) => return Verdict::Error(e),
    };
    let statements = sentences::lines(&answer);
    if statements.is_empty() {
        return Verdict::Error("Could not extract context-faithfulness statements".into());
    }
    let mut vars = inp.vars.clone();
    vars.insert("context".into(), Value::String(context.text()));
    vars.insert(
        "statements".into(),
        Value::Array(statements.iter().cloned().map(Value::String).collect()),
    );
    let template =
        custom(1).and_then(|c| render::prompt_text(c.as_ref(), prompts::FAITHFULNESS_VERDICTS));
    let answer = match ask(calls, template, &vars).await {
        Ok(a) => a,
        Err(e) => return Verdict::Error(e),
    };
    match faithfulness_score(&answer, statements.len()) {
        Some(score) => verdict(
            inp,
            "Faithfulness",
            score,
            inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD),
        ),
        None => Verdict::Error("Could not parse context-faithfulness verdicts".into()),
    }
}

/// The share of statements the grader found supported: from its final
/// list of verdicts, else from its `Verdict: yes/no` lines.
pub fn faithfulness_score(answer: &str, statements: usize) -> Option<f64> {
    let lower = answer.to_lowercase();
    let verdicts = lower.trim_matches(js::is_space);
    let n = statements as f64;
    let marker = prompts::FINAL_VERDICTS.to_lowercase();
    let score = if let Some(at) = verdicts.find(&marker) {
        let tail = &verdicts[at + marker.len()..];
        let parts: Vec<&str> = tail.split('.').filter(|p| !p.trim().is_empty()).collect();
        let word = |p: &&str| {
            p.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .any(|w| w == "yes" || w == "no")
        };
        if parts.is_empty() || !parts.iter().all(word) {
            return None;
        }
        let unsupported = parts.iter().filter(|p| !p.contains("yes")).count();
        1.0 - (unsupported as f64 + (n - parts.len() as f64).max(0.0)) / n
    } else {
        let no = verdicts.matches("verdict: no").count() as f64;
        let yes = verdicts.matches("verdict: yes").count() as f64;
        if no + yes == 0.0 {
            return None;
        }
        1.0 - (no + (n - no - yes).max(0.0)) / n
    };
    Some(score.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verdicts_are_counted_as_promptfoo_counts_them() {
        let s = |a: &str, n| faithfulness_score(a, n);
        assert_eq!(
            s("... Final verdict for each statement in order: Yes. No.", 2),
            Some(0.5)
        );
        assert_eq!(
            s("Final verdict for each statement in order: Yes. Yes.", 3),
            Some(1.0 - 1.0 / 3.0),
            "a statement without a verdict counts against"
        );
        assert_eq!(s("1. Verdict: Yes.\n2. Verdict: No.", 2), Some(0.5));
        assert_eq!(
            s("Final verdict for each statement in order: maybe.", 1),
            None
        );
        assert_eq!(s("I refuse.", 1), None);
    }

    #[test]
    fn context_comes_from_the_var_or_the_fallback() {
        let vars = |v: Value| v.as_object().cloned().unwrap_or_default();
        assert_eq!(
            Context::of(&vars(json!({"context": ["a", "b"]})), None)
                .unwrap()
                .text(),
            "a\n\nb"
        );
        assert_eq!(
            Context::of(&vars(json!({})), Some("the prompt")).unwrap(),
            Context::Text("the prompt".into())
        );
        assert!(Context::of(&vars(json!({"context": ["a", 1]})), None).is_err());
        assert!(Context::of(&vars(json!({"context": ""})), None).is_err());
    }
}

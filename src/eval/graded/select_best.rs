//! select-best (promptfoo's `matchesSelectBest`): the answers of every
//! cell of one case are shown to the grader together, which names the
//! index of the one that best fits the criteria; that one passes, the
//! others fail. The engine calls this once all the case's answers are in.
//!
//! Where pwb differs: a verdict that names no answer is an *error* of
//! each assertion; promptfoo counts it as a failure.

use super::calls::Calls;
use super::{Inputs, Verdict, finish, js, prompts, render};
use crate::eval::grade::{Grader, GraderAnswer, GradingResult};
use crate::workspace::AssertSpec;
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::LazyLock;

static FIRST_INTEGER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+").expect("a valid regex"));

/// One result per answer, in the order given. The grader's call is kept
/// with each result; its tokens and cost are counted once, on the first.
pub async fn select_best(
    spec: &AssertSpec,
    outputs: &[&str],
    vars: &Map<String, Value>,
    options: Option<&Value>,
    grader: &dyn Grader,
) -> Vec<GradingResult> {
    let inp = Inputs::new(spec, "", vars, "", options);
    let mut calls = Calls::new(grader, inp.provider());
    let verdicts = choose(&inp, outputs, &mut calls).await;
    let answer = calls.into_answer();
    verdicts
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let mut r = finish(spec, v, answer.clone());
            if i > 0 {
                r.grader = r.grader.map(counted_elsewhere);
            }
            r
        })
        .collect()
}

/// The same call, with its tokens and cost left to the first result.
fn counted_elsewhere(mut a: GraderAnswer) -> GraderAnswer {
    a.usage = Default::default();
    a.cost = None;
    a.steps.clear();
    a
}

async fn choose(inp: &Inputs<'_>, outputs: &[&str], calls: &mut Calls<'_>) -> Vec<Verdict> {
    let all = |v: Verdict| vec![v; outputs.len()];
    if outputs.len() < 2 {
        return all(Verdict::Error(
            "select-best assertion must have at least two outputs to compare between".into(),
        ));
    }
    let Some(Value::String(criteria)) = inp.spec.value.as_ref() else {
        return all(Verdict::Error(
            "select-best must have a string value".into(),
        ));
    };
    let mut vars = inp.vars.clone();
    vars.insert("criteria".into(), Value::String(criteria.clone()));
    vars.insert(
        "outputs".into(),
        Value::Array(outputs.iter().map(|o| js::try_parse(o)).collect()),
    );
    let messages = match render::prompt_text(inp.rubric_prompt(), prompts::SELECT_BEST)
        .and_then(|t| render::render(&t, &vars))
    {
        Ok(m) => m,
        Err(e) => return all(Verdict::Error(e)),
    };
    let text = match calls.complete(messages, false, 0).await {
        Ok(t) if t.is_empty() => return all(Verdict::Error("No output".into())),
        Ok(t) => t,
        Err(e) => return all(Verdict::Error(e)),
    };
    let chosen = FIRST_INTEGER
        .find(text.trim())
        .and_then(|m| m.as_str().parse::<usize>().ok());
    match chosen {
        Some(best) if best < outputs.len() => (0..outputs.len())
            .map(|i| {
                if i == best {
                    Verdict::graded(
                        true,
                        1.0,
                        format!("Output selected as the best: {criteria}"),
                    )
                } else {
                    Verdict::graded(false, 0.0, format!("Output not selected: {criteria}"))
                }
            })
            .collect(),
        other => {
            let shown = match (other, FIRST_INTEGER.find(text.trim())) {
                (Some(n), _) => n.to_string(),
                (None, Some(m)) => js::number(js::to_number(m.as_str())),
                (None, None) => "NaN".into(),
            };
            all(Verdict::Error(format!(
                "Invalid select-best verdict: {shown}"
            )))
        }
    }
}

//! answer-relevance (promptfoo's `matchesAnswerRelevance`, after ragas):
//! the grader writes three questions the answer would answer; each is
//! embedded with the original question (the `query` var, else the prompt)
//! and the mean cosine similarity is the score, passing at `threshold`
//! (0.5 by default). `not-` flips pass and score. The three questions are
//! three samples of one request, so the response cache keeps all three.

use super::{Inputs, Verdict, js, prompts, render, similar};
use crate::eval::graded::calls::Calls;
use serde_json::{Map, Value};

const DEFAULT_THRESHOLD: f64 = 0.5;
const QUESTIONS: u32 = 3;

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let threshold = inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let input = match inp.vars.get("query") {
        Some(Value::String(q)) => q.clone(),
        _ => inp.prompt.clone(),
    };
    let mut vars = Map::new();
    vars.insert("answer".into(), js::try_parse(inp.output));
    let messages = match render::prompt_text(inp.rubric_prompt(), prompts::ANSWER_RELEVANCE)
        .and_then(|t| render::render(&t, &vars))
    {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    let mut texts = vec![input];
    for sample in 0..QUESTIONS {
        match calls.complete(messages.clone(), false, sample).await {
            Ok(q) if q.is_empty() => return Verdict::Error("No output".into()),
            Ok(q) => texts.push(q),
            Err(e) => return Verdict::Error(e),
        }
    }
    let vectors = match calls.embed(texts).await {
        Ok(v) => v,
        Err(e) => return Verdict::Error(e),
    };
    let Some((input, questions)) = vectors.split_first() else {
        return Verdict::Error("No embedding".into());
    };
    let similarity = questions
        .iter()
        .map(|q| similar::cosine(input, q))
        .sum::<f64>()
        / questions.len() as f64;
    let pass = similarity >= threshold - f64::EPSILON;
    let shown = js::to_fixed(similarity, 2);
    let t = js::number(threshold);
    let reason = if pass {
        format!("Relevance {shown} is greater than threshold {t}")
    } else {
        format!("Relevance {shown} is less than threshold {t}")
    };
    if inp.inverse {
        Verdict::graded(!pass, 1.0 - similarity, reason)
    } else {
        Verdict::graded(pass, similarity, reason)
    }
}

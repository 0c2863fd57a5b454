//! One assertion's calls to its grader: each request goes out with the
//! assertion's grader (its own `provider`, else the case's, else the
//! suite's), and every answer is kept, so the result shows what was asked
//! and answered, with the tokens and cost of all its calls together.

use crate::eval::grade::{Grader, GraderAnswer, GraderRequest};
use crate::types::{Message, Usage};
use serde_json::Value;

pub struct Calls<'a> {
    grader: &'a dyn Grader,
    provider: Option<Value>,
    answers: Vec<GraderAnswer>,
}

impl<'a> Calls<'a> {
    pub fn new(grader: &'a dyn Grader, provider: Option<Value>) -> Self {
        Calls {
            grader,
            provider,
            answers: Vec::new(),
        }
    }

    /// Asks the grader; the answer's text, or why the call failed.
    pub async fn complete(
        &mut self,
        messages: Vec<Message>,
        json: bool,
        sample: u32,
    ) -> Result<String, String> {
        let request = GraderRequest {
            messages,
            provider: self.provider.clone(),
            json,
            sample,
        };
        let answer = self.grader.complete(request).await?;
        let text = answer.text.clone();
        self.answers.push(answer);
        Ok(text)
    }

    /// One vector per text, from the assertion's embedding model.
    pub async fn embed(&mut self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, String> {
        let n = texts.len();
        let (vectors, answer) = self
            .grader
            .embed_answer(texts, self.provider.clone())
            .await?;
        self.answers.extend(answer);
        if vectors.len() != n {
            return Err(format!(
                "the embedding model returned {} vectors for {n} texts",
                vectors.len()
            ));
        }
        Ok(vectors)
    }

    /// The calls as one answer: the last, with the earlier ones as its
    /// `steps` and the tokens and cost of all of them.
    pub fn into_answer(mut self) -> Option<GraderAnswer> {
        let mut last = self.answers.pop()?;
        let mut usage = last.usage;
        let mut cost = last.cost;
        for a in &self.answers {
            usage = add_usage(&usage, &a.usage);
            cost = match (cost, a.cost) {
                (Some(x), Some(y)) => Some(x + y),
                (x, y) => x.or(y),
            };
        }
        last.usage = usage;
        last.cost = cost;
        last.steps = self.answers;
        Some(last)
    }
}

/// The sum of two usages (a count known on either side is kept).
pub fn add_usage(a: &Usage, b: &Usage) -> Usage {
    let add = |x: Option<u64>, y: Option<u64>| match (x, y) {
        (Some(x), Some(y)) => Some(x + y),
        (x, y) => x.or(y),
    };
    Usage {
        input_tokens: add(a.input_tokens, b.input_tokens),
        output_tokens: add(a.output_tokens, b.output_tokens),
        cached_input_tokens: add(a.cached_input_tokens, b.cached_input_tokens),
        reasoning_tokens: add(a.reasoning_tokens, b.reasoning_tokens),
        cache_write_tokens: add(a.cache_write_tokens, b.cache_write_tokens),
    }
}

//! The vocabulary of grading: what an assertion sees of an answer
//! (`AssertContext`), what it says (`GradingResult`), what a whole case
//! comes to (`CaseGrade`, promptfoo's `gradingResult`), and the `Grader`
//! through which model-graded assertions call a model (the eval engine
//! implements it on the one runner; tests on a mock server).

use crate::provider::BoxFuture;
use crate::run::CellOutcome;
use crate::types::{Message, Usage};
use serde::Serialize;
use serde_json::{Map, Value};

/// What an assertion sees of one answer.
#[derive(Debug, Clone, Copy)]
pub struct AssertContext<'a> {
    /// The answer text (what promptfoo calls `output`).
    pub output: &'a str,
    /// The case's variables, `defaultTest`'s merged in.
    pub vars: &'a Map<String, Value>,
    /// The rendered prompt as sent (the messages).
    pub messages: &'a [Message],
    /// The call: timings (latency), usage, finish reason, attempts.
    pub cell: &'a CellOutcome,
    /// The call's cost in USD, when the price is known.
    pub cost: Option<f64>,
}

/// What one assertion (or an `assert-set`) says about an answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradingResult {
    /// The assertion's type as written (`not-contains`, `assert-set`).
    #[serde(rename = "type")]
    pub kind: String,
    pub pass: bool,
    pub score: f64,
    /// Why, as a person reads it (expected vs got, the regex, the JSON
    /// path, the grader's reason).
    pub reason: String,
    /// The assertion's `value` after rendering with the case's vars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The assertion's weight in its case's score (1 when not written).
    pub weight: f64,
    /// An `assert-set`'s members, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<GradingResult>,
    /// A model-graded assertion's call to its grader.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grader: Option<GraderAnswer>,
    /// The assertion could not be evaluated (bad grader answer, missing
    /// interpreter): counted as an error of the case, not a failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// What a case comes to over all its assertions (promptfoo's
/// `gradingResult`): the weighted score, pass/fail by the case's
/// `threshold` (or every assertion passing), and scores by metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseGrade {
    pub pass: bool,
    pub score: f64,
    pub reason: String,
    /// Scores by `metric` name.
    pub named_scores: Map<String, Value>,
    /// One result per assertion, in order: `defaultTest`'s first.
    pub results: Vec<GradingResult>,
}

/// A request to a grading model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GraderRequest {
    /// The grader's messages (system and user turns).
    pub messages: Vec<Message>,
    /// The grader to use when the assertion or case names one (promptfoo's
    /// `provider`), else the suite's default grader.
    pub provider: Option<Value>,
    /// Ask for JSON output when the grader supports it.
    pub json: bool,
    /// Which sample of the same request this is (0 for the first): a
    /// grading that asks one question several times (answer-relevance)
    /// gets several answers, also from the response cache.
    pub sample: u32,
}

/// What a grader call came to, kept with the assertion's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraderAnswer {
    /// The grader's model id.
    pub model: String,
    /// The request as sent (the grader's messages).
    pub request: Vec<Message>,
    /// The grader's raw answer.
    pub text: String,
    /// Tokens the grader used (counted apart from the model under test).
    /// In an assertion's result: the total of all its grader calls.
    pub usage: Usage,
    /// USD, as far as the prices are known; in an assertion's result, the
    /// total of all its grader calls.
    pub cost: Option<f64>,
    /// An assertion's earlier grader calls (g-eval's steps, the questions
    /// answer-relevance generates, embeddings), in order, when it made
    /// more than one; this answer is the last. Their usage and cost are
    /// already in this answer's totals.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<GraderAnswer>,
}

/// Vectors, one per text, and the embedding call that made them.
pub type Embedded = (Vec<Vec<f32>>, Option<GraderAnswer>);

/// How model-graded assertions reach a model: completions for rubric-style
/// grading, embeddings for `similar`.
pub trait Grader: Send + Sync {
    fn complete(&self, request: GraderRequest) -> BoxFuture<'_, Result<GraderAnswer, String>>;
    /// One vector per text, from an embeddings endpoint; `provider` as in
    /// `GraderRequest`.
    fn embed(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Vec<Vec<f32>>, String>>;
    /// `embed`, with the call itself (model, tokens, cost; `text` empty)
    /// kept with the assertion. By default the call is not described.
    fn embed_answer(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Embedded, String>> {
        Box::pin(async move { Ok((self.embed(texts, provider).await?, None)) })
    }
}

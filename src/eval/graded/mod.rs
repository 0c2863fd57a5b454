//! Model-graded assertions: a grading model (or an embedding model) judges
//! the answer, with promptfoo 0.123.1's grading prompts, answer parsing,
//! thresholds and `not-` forms. Each family has its file; `grade` picks
//! one by the assertion's type. A grader answer that cannot be read is an
//! *error* of the assertion (with the reason), not a failure. The
//! grader's requests, answers, tokens and cost are kept in the result.
//!
//! `RunnerGrader` is the `Grader` on the one runner; `check` says before
//! any call whether a suite needs a grader it does not have.

pub mod calls;
pub mod check;
pub mod closedqa;
pub mod context;
pub mod factuality;
pub mod geval;
pub mod grader_spec;
pub mod js;
pub mod json_extract;
pub mod prompts;
pub mod relevance;
pub mod render;
pub mod rubric;
pub mod runner_grader;
pub mod select_best;
pub mod sentences;
pub mod similar;

pub use check::{
    KINDS, MissingGrader, default_grader, is_model_graded, missing_grader, needs_grader,
};
pub use runner_grader::RunnerGrader;
pub use select_best::select_best;

use crate::eval::grade::{AssertContext, Grader, GraderAnswer, GradingResult};
use crate::types::Message;
use crate::workspace::AssertSpec;
use calls::Calls;
use serde_json::{Map, Value};

/// What a family makes of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Graded {
        pass: bool,
        score: f64,
        reason: String,
    },
    /// The assertion could not be evaluated (the grader call failed, or
    /// its answer could not be read): why.
    Error(String),
}

impl Verdict {
    pub fn graded(pass: bool, score: f64, reason: String) -> Verdict {
        Verdict::Graded {
            pass,
            score,
            reason,
        }
    }
}

/// What a family reads: the assertion, the answer and the case.
pub struct Inputs<'a> {
    pub spec: &'a AssertSpec,
    pub output: &'a str,
    pub vars: &'a Map<String, Value>,
    /// The prompt as promptfoo passes it to graders (`prompt`): the one
    /// message's text, or the messages as a JSON list.
    pub prompt: String,
    /// The case's `options` (promptfoo's `provider`, `rubricPrompt`,
    /// `factuality` scores), `defaultTest`'s merged in.
    pub options: Option<&'a Value>,
    /// `not-`.
    pub inverse: bool,
}

impl<'a> Inputs<'a> {
    pub fn new(
        spec: &'a AssertSpec,
        output: &'a str,
        vars: &'a Map<String, Value>,
        prompt: &str,
        options: Option<&'a Value>,
    ) -> Inputs<'a> {
        Inputs {
            spec,
            output,
            vars,
            prompt: prompt.to_string(),
            options,
            inverse: spec.negated(),
        }
    }

    fn option(&self, key: &str) -> Option<&'a Value> {
        self.options
            .and_then(|o| o.get(key))
            .filter(|v| !v.is_null())
    }

    /// The grading prompt: the assertion's `rubricPrompt`, else the case's.
    pub fn rubric_prompt(&self) -> Option<&'a Value> {
        self.spec
            .rubric_prompt
            .as_ref()
            .filter(|v| !v.is_null())
            .or_else(|| self.option("rubricPrompt"))
    }

    /// The grader: the assertion's `provider`, else the case's (`None`:
    /// the suite's default grader).
    pub fn provider(&self) -> Option<Value> {
        self.spec
            .provider
            .as_ref()
            .filter(|v| !v.is_null())
            .or_else(|| self.option("provider"))
            .cloned()
    }
}

/// The prompt as promptfoo hands it to graders: a single message's text,
/// else the messages as a JSON list of `{role, content}`.
pub fn prompt_text(messages: &[Message]) -> String {
    match messages {
        [one] => one.plain_text(),
        many => js::stringify(&Value::Array(
            many.iter()
                .map(|m| serde_json::json!({"role": m.role, "content": m.plain_text()}))
                .collect(),
        )),
    }
}

/// Grades one answer with a model-graded assertion; the case's options
/// are not consulted (see `grade_with_options`).
pub async fn grade(
    spec: &AssertSpec,
    ctx: &AssertContext<'_>,
    grader: &dyn Grader,
) -> GradingResult {
    grade_with_options(spec, ctx, None, grader).await
}

/// Grades one answer with a model-graded assertion, reading the case's
/// `options` (`provider`, `rubricPrompt`, `factuality`) as promptfoo does.
/// `spec.value` is expected rendered with the case's vars already.
pub async fn grade_with_options(
    spec: &AssertSpec,
    ctx: &AssertContext<'_>,
    options: Option<&Value>,
    grader: &dyn Grader,
) -> GradingResult {
    let inp = Inputs::new(
        spec,
        ctx.output,
        ctx.vars,
        &prompt_text(ctx.messages),
        options,
    );
    let mut calls = Calls::new(grader, inp.provider());
    let verdict = match spec.base_kind() {
        "llm-rubric" => rubric::grade(&inp, &mut calls).await,
        "g-eval" => geval::grade(&inp, &mut calls).await,
        "factuality" => factuality::grade(&inp, &mut calls).await,
        "model-graded-closedqa" => closedqa::grade(&inp, &mut calls).await,
        "answer-relevance" => relevance::grade(&inp, &mut calls).await,
        "context-recall" => context::recall(&inp, &mut calls).await,
        "context-relevance" => context::relevance(&inp, &mut calls).await,
        "context-faithfulness" => context::faithfulness(&inp, &mut calls).await,
        k if k == "similar" || k.starts_with("similar:") => similar::grade(&inp, &mut calls).await,
        "select-best" => Verdict::Error(
            "select-best compares the answers of a whole case: it is graded once all are in".into(),
        ),
        other => Verdict::Error(format!("`{other}` is not a model-graded assertion")),
    };
    finish(spec, verdict, calls.into_answer())
}

/// The assertion's result. `weight: 0` passes whatever the grade (an
/// assertion kept for its score alone), as in promptfoo; an error stays
/// an error.
pub fn finish(spec: &AssertSpec, verdict: Verdict, grader: Option<GraderAnswer>) -> GradingResult {
    let weight = spec.weight.unwrap_or(1.0);
    let (pass, score, reason, error) = match verdict {
        Verdict::Graded {
            pass,
            score,
            reason,
        } => (pass || weight == 0.0, score, reason, None),
        Verdict::Error(e) => (false, 0.0, e.clone(), Some(e)),
    };
    GradingResult {
        kind: spec.kind.clone(),
        pass,
        score,
        reason,
        value: spec.value.clone(),
        metric: spec.metric.clone(),
        weight,
        members: Vec::new(),
        grader,
        error,
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;

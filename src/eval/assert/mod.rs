//! Grading an answer with a case's assertions, with promptfoo 0.123.1's
//! semantics: each type's pass and score, `not-`, `threshold`, `weight`
//! (0 counts nothing and always passes), `metric`, `assert-set`, and the
//! case's weighted score and `threshold`.
//!
//! - `text`, `json`, `markup`, `sql`, `similarity`, `meta`: the
//!   deterministic types by family; `scripted`: javascript and python;
//! - `aggregate`: how results add up; `value`: rendering `value` with vars.

pub mod aggregate;
mod html;
mod js;
mod json;
mod meta;
mod meteor;
mod porter;
mod refusal;
mod schema;
mod scripted;
mod similarity;
mod sql;
mod text;
mod tools;
mod treebank;
pub mod value;
mod xml;

use crate::eval::script::Scripts;
use crate::eval::{AssertContext, CaseGrade, Grader, GradingResult};
use crate::workspace::testfile::{AssertSpec, TestCase};
use aggregate::{Aggregator, Graded};
use serde_json::Value;

/// What a type's check says before `weight` and the bookkeeping.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub pass: bool,
    pub score: f64,
    pub reason: String,
}

impl Check {
    /// Score 1 or 0; "Assertion passed" or the reason why not.
    pub fn binary(pass: bool, why_not: impl FnOnce() -> String) -> Check {
        Check {
            pass,
            score: if pass { 1.0 } else { 0.0 },
            reason: if pass {
                "Assertion passed".into()
            } else {
                why_not()
            },
        }
    }
}

/// `Err` is what promptfoo throws: the assertion cannot be evaluated, and
/// the case is an error rather than a failure.
pub type Outcome = Result<Check, String>;

/// What a check sees: the assertion, its rendered value, the answer.
pub struct Args<'a> {
    pub spec: &'a AssertSpec,
    pub value: Option<&'a Value>,
    pub output: &'a str,
    /// A `not-` assertion.
    pub inverse: bool,
    pub ctx: &'a AssertContext<'a>,
}

impl Args<'_> {
    /// The `not-` word for reasons ("to not contain").
    fn not(&self) -> &'static str {
        if self.inverse { "not " } else { "" }
    }
}

type Handler = fn(&Args) -> Outcome;

/// The deterministic check for a type (without `not-`).
fn handler(base: &str) -> Option<Handler> {
    Some(match base {
        "equals" => text::equals,
        "contains" => text::contains,
        "icontains" => text::icontains,
        "contains-any" => text::contains_any,
        "icontains-any" => text::icontains_any,
        "contains-all" => text::contains_all,
        "icontains-all" => text::icontains_all,
        "starts-with" => text::starts_with,
        "regex" => text::regex,
        "word-count" => text::word_count,
        "is-json" => json::is_json,
        "contains-json" => json::contains_json,
        "is-xml" => xml::is_xml,
        "contains-xml" => xml::contains_xml,
        "is-html" => html::is_html,
        "contains-html" => html::contains_html,
        "is-sql" => sql::is_sql,
        "contains-sql" => sql::contains_sql,
        "levenshtein" => similarity::levenshtein,
        "rouge-n" => similarity::rouge_n,
        "bleu" => similarity::bleu,
        "gleu" => similarity::gleu,
        "meteor" => similarity::meteor,
        "latency" => meta::latency,
        "cost" => meta::cost,
        "finish-reason" => meta::finish_reason,
        "is-refusal" => meta::is_refusal,
        "perplexity" => meta::perplexity,
        "perplexity-score" => meta::perplexity_score,
        "is-valid-openai-tools-call"
        | "is-valid-openai-function-call"
        | "is-valid-function-call" => tools::is_valid_tools_call,
        "tool-call-f1" => tools::tool_call_f1,
        "tool-called" => tools::tool_called,
        _ => return None,
    })
}

/// Types graded by a model or embeddings: the one list `pwb check` knows.
use crate::workspace::asserts::MODEL_GRADED;

/// Types that compare the answers of several cells; the engine grades them
/// once every answer of a case is in, so a case's own grading skips them (as
/// promptfoo's `runAssertions` does).
pub const ACROSS_CELLS: &[&str] = &["select-best", "max-score"];

fn base_kind(kind: &str) -> &str {
    kind.strip_prefix("not-").unwrap_or(kind)
}

/// Grades one answer with every assertion of `case` (`defaultTest`'s first),
/// as promptfoo's `runAssertions`: plain assertions, then each `assert-set`
/// added to the case's score with its own weight and metric.
pub async fn grade_case(
    case: &TestCase,
    ctx: &AssertContext<'_>,
    grader: Option<&dyn Grader>,
    scripts: Option<&Scripts>,
) -> CaseGrade {
    let specs: Vec<&AssertSpec> = case
        .asserts
        .iter()
        .filter(|s| !ACROSS_CELLS.contains(&s.kind.as_str()))
        .collect();
    if specs.is_empty() {
        return CaseGrade {
            pass: true,
            score: 1.0,
            reason: "No assertions".into(),
            named_scores: Default::default(),
            results: Vec::new(),
        };
    }
    let mut graded = Vec::with_capacity(specs.len());
    for spec in &specs {
        let g = if spec.kind == "assert-set" {
            grade_set(spec, ctx, case.options.as_ref(), grader, scripts).await
        } else {
            grade_spec(spec, ctx, case.options.as_ref(), grader, scripts).await
        };
        graded.push(g);
    }
    let mut total = Aggregator::new(case.threshold);
    let sets_last = specs
        .iter()
        .zip(&graded)
        .filter(|(s, _)| s.kind != "assert-set");
    let sets = specs
        .iter()
        .zip(&graded)
        .filter(|(s, _)| s.kind == "assert-set");
    for (spec, g) in sets_last.chain(sets) {
        let metric = metric_name(spec, ctx);
        total.add(g, metric.as_deref(), spec.weight.unwrap_or(1.0));
    }
    let summary = total.finish();
    let results = graded.into_iter().map(|g| g.result).collect();
    match summary.error {
        // promptfoo stops the case at an assertion that throws: an error,
        // score 0, no metric scores.
        Some(error) => CaseGrade {
            pass: false,
            score: 0.0,
            reason: error,
            named_scores: Default::default(),
            results,
        },
        None => CaseGrade {
            pass: summary.pass,
            score: summary.score,
            reason: summary.reason,
            named_scores: summary.named.to_json(),
            results,
        },
    }
}

async fn grade_set(
    spec: &AssertSpec,
    ctx: &AssertContext<'_>,
    options: Option<&Value>,
    grader: Option<&dyn Grader>,
    scripts: Option<&Scripts>,
) -> Graded {
    let mut members = Vec::with_capacity(spec.members.len());
    for m in &spec.members {
        // promptfoo's sets hold plain assertions only.
        members.push(Box::pin(grade_spec(m, ctx, options, grader, scripts)).await);
    }
    set_result(spec, ctx, members)
}

fn set_result(spec: &AssertSpec, ctx: &AssertContext<'_>, members: Vec<Graded>) -> Graded {
    let mut agg = Aggregator::new(spec.threshold);
    for (m, g) in spec.members.iter().zip(&members) {
        let metric = metric_name(m, ctx);
        agg.add(g, metric.as_deref(), m.weight.unwrap_or(1.0));
    }
    let s = agg.finish();
    let result = GradingResult {
        kind: spec.kind.clone(),
        pass: s.pass && s.error.is_none(),
        score: s.score,
        reason: s.error.clone().unwrap_or(s.reason),
        value: None,
        metric: metric_name(spec, ctx),
        weight: spec.weight.unwrap_or(1.0),
        members: members.into_iter().map(|g| g.result).collect(),
        grader: None,
        error: s.error,
    };
    Graded {
        result,
        named: s.named,
    }
}

/// One assertion (not a set), whatever its kind.
async fn grade_spec(
    spec: &AssertSpec,
    ctx: &AssertContext<'_>,
    options: Option<&Value>,
    grader: Option<&dyn Grader>,
    scripts: Option<&Scripts>,
) -> Graded {
    let base = base_kind(&spec.kind);
    if MODEL_GRADED.contains(&base) {
        let rendered = rendered_spec(spec, ctx);
        let result = match grader {
            Some(g) => crate::eval::graded::grade_with_options(&rendered, ctx, options, g).await,
            None => error_result(
                spec,
                rendered.value.clone(),
                format!(
                    "`{}` needs a grader model, and none is configured",
                    spec.kind
                ),
                ctx,
            ),
        };
        return finish(spec, result).into();
    }
    if matches!(base, "javascript" | "python") {
        let value = spec
            .value
            .as_ref()
            .map(|v| value::render_value(v, ctx.vars));
        return scripted::grade(spec, value, ctx, scripts).await;
    }
    grade_one(spec, ctx).into()
}

/// Grades one deterministic assertion (or a set of them). Model-graded and
/// script assertions need `grade_case` (a grader, the script workers); here
/// they come back as errors saying so.
pub fn grade_one(spec: &AssertSpec, ctx: &AssertContext<'_>) -> GradingResult {
    if spec.kind == "assert-set" {
        let members = spec
            .members
            .iter()
            .map(|m| grade_one(m, ctx).into())
            .collect();
        return set_result(spec, ctx, members).result;
    }
    let value = spec
        .value
        .as_ref()
        .map(|v| value::render_value(v, ctx.vars));
    let base = base_kind(&spec.kind);
    let outcome = match handler(base) {
        Some(check) => check(&Args {
            spec,
            value: value.as_ref(),
            output: ctx.output,
            inverse: spec.kind.starts_with("not-"),
            ctx,
        }),
        None if MODEL_GRADED.contains(&base) || matches!(base, "javascript" | "python") => {
            Err(format!(
                "`{}` is graded with the suite's grader and scripts (grade_case)",
                spec.kind
            ))
        }
        None => Err(format!("Unknown assertion type: {}", spec.kind)),
    };
    let result = match outcome {
        Ok(check) => GradingResult {
            kind: spec.kind.clone(),
            pass: check.pass,
            score: check.score,
            reason: check.reason,
            value,
            metric: metric_name(spec, ctx),
            weight: spec.weight.unwrap_or(1.0),
            members: Vec::new(),
            grader: None,
            error: None,
        },
        Err(e) => error_result(spec, value, e, ctx),
    };
    finish(spec, result)
}

/// An assertion that could not be evaluated.
pub(crate) fn error_result(
    spec: &AssertSpec,
    value: Option<Value>,
    error: String,
    ctx: &AssertContext<'_>,
) -> GradingResult {
    GradingResult {
        kind: spec.kind.clone(),
        pass: false,
        score: 0.0,
        reason: error.clone(),
        value,
        metric: metric_name(spec, ctx),
        weight: spec.weight.unwrap_or(1.0),
        members: Vec::new(),
        grader: None,
        error: Some(error),
    }
}

/// promptfoo: an assertion with `weight: 0` always passes (its score stays
/// and counts for nothing).
pub(crate) fn finish(spec: &AssertSpec, mut result: GradingResult) -> GradingResult {
    if spec.weight == Some(0.0) && result.error.is_none() {
        result.pass = true;
    }
    result
}

/// The assertion's `metric`, rendered with the case's vars.
fn metric_name(spec: &AssertSpec, ctx: &AssertContext<'_>) -> Option<String> {
    spec.metric.as_ref().map(|m| value::render_str(m, ctx.vars))
}

fn rendered_spec(spec: &AssertSpec, ctx: &AssertContext<'_>) -> AssertSpec {
    AssertSpec {
        value: spec
            .value
            .as_ref()
            .map(|v| value::render_value(v, ctx.vars)),
        ..spec.clone()
    }
}

/// Model-graded assertions: helper C's `eval::graded::grade` goes here.
#[cfg(test)]
mod tests;

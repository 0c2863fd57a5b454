//! Before `pwb eval` calls anything: each loaded suite is prepared by
//! `eval::setup` as the flags say, with the cases `--filter` and
//! `--filter-failing` keep.

use super::eval::EvalArgs;
use crate::eval::report::failed_cases;
use crate::eval::setup::{self, SetupOptions};
use crate::eval::suite::{Suite, compile_regex};
use crate::workspace::TestCase;
use std::path::Path;

pub use crate::eval::setup::Prepared;

/// Prepares `suite` as the flags say; `Ok(None)` when the flags leave
/// nothing of it to run; `Err` says what is wrong (exit 1, no call made).
pub fn prepare(suite: Suite, args: &EvalArgs, cwd: &Path) -> Result<Option<Prepared>, String> {
    let opts = SetupOptions {
        prompts: args.prompts.clone(),
        models: args.models.clone(),
        grader: args.grader.clone(),
        concurrency: args.concurrency,
        record: true,
    };
    setup::prepare(suite, &opts, |cases| filter_cases(cases, args, cwd))
}

/// The suite's cases that `--filter` and `--filter-failing` keep.
fn filter_cases(
    cases: Vec<TestCase>,
    args: &EvalArgs,
    cwd: &Path,
) -> Result<Vec<TestCase>, String> {
    let pattern = match &args.filter {
        Some(p) => Some(compile_regex(p).map_err(|e| format!("--filter: {e}"))?),
        None => None,
    };
    let failing = match &args.filter_failing {
        Some(path) => {
            let file = cwd.join(path);
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("--filter-failing: cannot read {}: {e}", path.display()))?;
            Some(
                failed_cases(&text)
                    .map_err(|e| format!("--filter-failing {}: {e}", path.display()))?,
            )
        }
        None => None,
    };
    Ok(cases
        .into_iter()
        .filter(|c| {
            pattern.as_ref().is_none_or(|re| {
                // promptfoo matches `--filter-pattern` against descriptions.
                c.description
                    .as_deref()
                    .is_some_and(|d| re.find(d).is_some())
            })
        })
        .filter(|c| {
            failing
                .as_ref()
                .is_none_or(|f| f.iter().any(|fc| fc.vars == c.vars))
        })
        .collect())
}

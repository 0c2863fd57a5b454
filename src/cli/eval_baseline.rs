//! `pwb eval --baseline REF` and `--bless`: the baseline found and read
//! before any call (a recorded eval by id, `last`, `blessed`, a label's
//! last eval, or a results file), and a finished eval promoted to its suite's baseline. Every
//! failure here is exit 1 with the reason: a gate never passes because
//! the baseline could not be read.

use super::eval::EvalArgs;
use super::eval_setup::Prepared;
use crate::eval::Verdict;
use crate::eval::baseline::{Baseline, BaselineCell, DEFAULT_ALPHA};
use crate::eval::suite::SuitePrompt;
use crate::store::evals::{self, EvalInfo, StoredCase};
use crate::store::{Store, StoreError, ids, labels};
use std::path::Path;
use std::time::Duration;

/// What `--baseline` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineRef {
    /// The last finished (not interrupted) eval of each suite.
    Last,
    /// Each suite's blessed baseline (`pwb eval --bless`).
    Blessed,
    /// A recorded eval, by a prefix of its id.
    Eval(String),
    /// A results file written by `pwb eval -o FILE.json` (or `.jsonl`).
    File(String),
}

impl BaselineRef {
    pub fn parse(text: &str, cwd: &Path) -> BaselineRef {
        let lower = text.to_ascii_lowercase();
        match lower.as_str() {
            "last" => BaselineRef::Last,
            "blessed" => BaselineRef::Blessed,
            _ if lower.ends_with(".json")
                || lower.ends_with(".jsonl")
                || text.contains('/')
                || cwd.join(text).is_file() =>
            {
                BaselineRef::File(text.to_string())
            }
            _ => BaselineRef::Eval(text.to_string()),
        }
    }
}

/// `--regression-alpha`, a probability strictly between 0 and 1.
pub fn alpha(args: &EvalArgs) -> Result<f64, String> {
    let Some(a) = args.regression_alpha else {
        return Ok(DEFAULT_ALPHA);
    };
    if !(a > 0.0 && a < 1.0) {
        return Err(format!(
            "--regression-alpha: {a} is not a probability between 0 and 1 (the default is {DEFAULT_ALPHA})"
        ));
    }
    if args.baseline.is_none() {
        return Err("--regression-alpha needs --baseline REF".into());
    }
    Ok(a)
}

/// The baseline `--baseline` names, read in full, or why it cannot be.
pub fn resolve(text: &str, prepared: &[Prepared], cwd: &Path) -> Result<Baseline, String> {
    let fail = |why: String| format!("--baseline {text}: {why}");
    let baseline = match BaselineRef::parse(text, cwd) {
        BaselineRef::File(path) => {
            let contents = std::fs::read_to_string(cwd.join(&path))
                .map_err(|e| fail(format!("cannot read {path}: {e}")))?;
            Baseline::from_results(&path, &contents).map_err(|e| fail(format!("{path}: {e}")))?
        }
        reference => from_history(&reference, prepared).map_err(fail)?,
    };
    if baseline.cells.is_empty() {
        return Err(fail(format!(
            "{} has no graded cell to compare with\nhint: give an eval that ran its cases",
            baseline.name
        )));
    }
    Ok(baseline)
}

fn store_of(p: &Prepared) -> Result<(Store, Option<i64>), String> {
    let say = |e: StoreError| format!("{e}\nhint: {}", e.hint());
    let store =
        Store::for_workspace(&p.session.ws.root, &p.session.ws.config.history).map_err(say)?;
    let ws = store.workspace(&p.session.ws.root).map_err(say)?;
    Ok((store, ws))
}

/// The recorded eval(s) `reference` names: one per suite for `last` and
/// `blessed`, the one with that id otherwise.
fn from_history(reference: &BaselineRef, prepared: &[Prepared]) -> Result<Baseline, String> {
    if let BaselineRef::Eval(name) = reference
        && ids::prefix_range(name).is_err()
    {
        if prepared.iter().any(|p| !labelled(p, name).is_empty()) {
            return from_label(name, prepared);
        }
        return Err(format!(
            "`{name}` is neither an eval id, `last`, `blessed`, a label of the suite's prompt nor a results file\nhint: an eval id is 4 to 16 hex digits of the id `pwb eval` printed (`recorded as eval ID`); a label is one `pwb label` made (labels/NAME/); a results file ends in .json or .jsonl"
        ));
    }
    let mut names = Vec::new();
    let mut cells = Vec::new();
    for p in prepared {
        let suite = &p.suite.name;
        let (store, ws) = store_of(p)?;
        let none = || match reference {
            BaselineRef::Blessed => format!(
                "the suite {suite} has no blessed baseline\nhint: promote a run with `pwb eval --bless`"
            ),
            _ => format!(
                "no finished eval of {suite} is recorded in this workspace's history\nhint: run `pwb eval` once without --baseline (every eval is recorded), or give a results .json"
            ),
        };
        let Some(ws) = ws else { return Err(none()) };
        let say = |e: StoreError| format!("{e}\nhint: {}", e.hint());
        let info: EvalInfo = match reference {
            BaselineRef::Last => evals::last(store.conn(), ws, suite).map_err(say)?,
            BaselineRef::Blessed => evals::baseline(store.conn(), ws, suite).map_err(say)?,
            BaselineRef::Eval(prefix) => Some(evals::find(store.conn(), ws, prefix).map_err(say)?),
            BaselineRef::File(_) => None,
        }
        .ok_or_else(none)?;
        let stored = evals::cases(store.conn(), info.id).map_err(say)?;
        cells.extend(stored.iter().map(cell));
        let what = match reference {
            BaselineRef::Last => " (last)",
            BaselineRef::Blessed => " (blessed)",
            _ => "",
        };
        names.push(format!("eval {}{what}", ids::uid_short(info.uid)));
        if matches!(reference, BaselineRef::Eval(_)) {
            // An id names one eval, whatever suites this run has.
            break;
        }
    }
    Ok(Baseline {
        name: names.join(", "),
        cells,
    })
}

/// The suite's workspace prompts that label `label` names, with the
/// labelled text.
fn labelled(p: &Prepared, label: &str) -> Vec<(String, String)> {
    p.suite
        .prompts
        .iter()
        .filter_map(|sp| match sp {
            SuitePrompt::Workspace { name } => labels::read(&p.session.ws.root, label, name)
                .ok()
                .flatten()
                .map(|l| (name.clone(), l.source)),
            _ => None,
        })
        .collect()
}

/// A label's last eval: per suite, the last finished eval that ran the
/// labelled text of the suite's prompt.
fn from_label(label: &str, prepared: &[Prepared]) -> Result<Baseline, String> {
    let say = |e: StoreError| format!("{e}\nhint: {}", e.hint());
    let mut names = Vec::new();
    let mut cells = Vec::new();
    for p in prepared {
        let suite = &p.suite.name;
        let none = || {
            format!(
                "no finished eval of {suite} ran the text labelled {label}\nhint: check out that text and run `pwb eval` once, or give an eval id"
            )
        };
        let (store, ws) = store_of(p)?;
        let ws = ws.ok_or_else(none)?;
        let mut found = None;
        for (prompt, source) in labelled(p, label) {
            found =
                evals::last_with_source(store.conn(), ws, suite, &prompt, &source).map_err(say)?;
            if found.is_some() {
                break;
            }
        }
        let info = found.ok_or_else(none)?;
        let stored = evals::cases(store.conn(), info.id).map_err(say)?;
        cells.extend(stored.iter().map(cell));
        names.push(format!("eval {} (label {label})", ids::uid_short(info.uid)));
    }
    Ok(Baseline {
        name: names.join(", "),
        cells,
    })
}

fn cell(s: &StoredCase) -> BaselineCell {
    let verdict = match s.verdict.as_str() {
        "pass" => Verdict::Pass,
        "fail" => Verdict::Fail,
        _ => Verdict::Error,
    };
    BaselineCell {
        prompt: s.variant.clone(),
        model: s.model_name.clone(),
        description: s.description.clone(),
        vars: s.vars.clone(),
        verdict,
        score: s.score.filter(|_| verdict != Verdict::Error),
        reason: s.reason.clone().filter(|_| verdict != Verdict::Pass),
        cost: s.cost,
        latency: s
            .wall_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis),
    }
}

/// `--bless` needs the history: checked before any call.
pub fn check_history(prepared: &[Prepared]) -> Result<(), String> {
    for p in prepared {
        store_of(p).map_err(|e| format!("--bless: {e}"))?;
    }
    Ok(())
}

/// Makes eval `eval` (its hex id) the baseline of `p`'s suite.
pub fn bless(p: &Prepared, eval: &str) -> Result<String, String> {
    let fail = |e: String| format!("--bless: {e}");
    let (store, ws) = store_of(p).map_err(fail)?;
    let say = |e: StoreError| fail(format!("{e}\nhint: {}", e.hint()));
    let ws = ws.ok_or_else(|| fail("this eval was not recorded".into()))?;
    let info = evals::find(store.conn(), ws, eval).map_err(say)?;
    evals::bless(store.conn(), ws, info.id, None).map_err(say)?;
    Ok(format!(
        "blessed eval {} as the baseline of {}",
        ids::uid_short(info.uid),
        p.suite.name
    ))
}

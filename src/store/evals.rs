//! Evals in the history: an eval (suite, prompts, models, when), every
//! graded cell (case, repeat, verdict, score, reason) linked to its call,
//! and every assertion's result and reason. The eval engine writes through
//! `HistoryWriter::{begin_eval, record_grade, finish_eval}`; baselines and
//! `pwb stats` read with `last`, `cases` and `pass_rate`.

use super::error::{Result, StoreError};
use super::ids;
use crate::eval::{CaseGrade, CellResult, EvalRun, GradingResult, Verdict};
use crate::session::record::Face;
use crate::types::Usage;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::time::Duration;

/// What is known when an eval starts.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalStart {
    pub workspace: PathBuf,
    /// The suite or config, as the user named it.
    pub suite: String,
    pub prompts: Vec<String>,
    pub models: Vec<String>,
    /// `pwb eval` (`Face::Eval`) or the Tests screen (`Face::Tui`).
    pub face: Face,
}

impl EvalStart {
    pub fn of(workspace: PathBuf, run: &EvalRun) -> EvalStart {
        EvalStart {
            workspace,
            suite: run.suite.clone(),
            prompts: run.prompts.clone(),
            models: run.models.clone(),
            face: Face::Eval,
        }
    }
}

/// How one call was graded.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRecord {
    /// The prompt variant.
    pub variant: String,
    pub case: usize,
    pub description: Option<String>,
    pub vars: Map<String, Value>,
    pub repeat: u32,
    pub repeats: u32,
    pub verdict: Verdict,
    /// `None` when the call failed (nothing to grade).
    pub grade: Option<CaseGrade>,
    pub grader_usage: Usage,
    pub grader_cost: Option<f64>,
}

impl GradeRecord {
    pub fn of(cell: &CellResult) -> GradeRecord {
        GradeRecord {
            variant: cell.prompt.clone(),
            case: cell.case,
            description: cell.description.clone(),
            vars: cell.vars.clone(),
            repeat: cell.repeat,
            repeats: cell.repeats,
            verdict: cell.verdict,
            grade: cell.grade.clone(),
            grader_usage: cell.grader_usage,
            grader_cost: cell.grader_cost,
        }
    }
}

/// How an eval ended.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalEnd {
    pub wall_time: Duration,
    pub interrupted: bool,
    pub stopped_at_cost: Option<f64>,
}

impl EvalEnd {
    pub fn of(run: &EvalRun) -> EvalEnd {
        EvalEnd {
            wall_time: run.wall_time,
            interrupted: run.interrupted,
            stopped_at_cost: run.stopped_at_cost,
        }
    }
}

pub fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Error => "error",
    }
}

pub(crate) fn insert(conn: &Connection, uid: i64, ws: i64, s: &EvalStart) -> rusqlite::Result<i64> {
    crate::store::exec(
        conn,
        "INSERT INTO evals (uid, workspace_id, suite, started, prompts, models, face) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            uid,
            ws,
            s.suite,
            ids::now_ms(),
            serde_json::to_string(&s.prompts).unwrap_or_default(),
            serde_json::to_string(&s.models).unwrap_or_default(),
            s.face.as_str(),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn insert_grade(
    conn: &Connection,
    eval: i64,
    call: i64,
    g: &GradeRecord,
) -> rusqlite::Result<()> {
    let eval_id: i64 =
        crate::store::one(conn, "SELECT id FROM evals WHERE uid = ?1", [eval], |r| {
            r.get(0)
        })?;
    let call_id: i64 =
        crate::store::one(conn, "SELECT id FROM calls WHERE uid = ?1", [call], |r| {
            r.get(0)
        })?;
    let grade = g.grade.as_ref();
    crate::store::exec(
        conn,
        "INSERT OR REPLACE INTO eval_results (call_id, eval_id, case_index, repeat, repeats, verdict, pass, score,
            grader_cost, variant, description, reason, named_scores, grader_usage, vars)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            call_id,
            eval_id,
            g.case as i64,
            g.repeat,
            g.repeats,
            verdict_str(g.verdict),
            match g.verdict {
                Verdict::Pass => Some(true),
                Verdict::Fail => Some(false),
                Verdict::Error => None,
            },
            grade.map(|c| c.score),
            g.grader_cost,
            g.variant,
            g.description,
            grade.map(|c| c.reason.clone()),
            grade.map(|c| Value::Object(c.named_scores.clone()).to_string()),
            serde_json::to_string(&g.grader_usage).unwrap_or_default(),
            Value::Object(g.vars.clone()).to_string(),
        ],
    )?;
    crate::store::exec(
        conn,
        "DELETE FROM assertion_results WHERE call_id = ?1",
        [call_id],
    )?;
    for (i, r) in grade
        .map(|c| c.results.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        insert_assertion(conn, call_id, i, r)?;
    }
    Ok(())
}

fn insert_assertion(
    conn: &Connection,
    call_id: i64,
    i: usize,
    r: &GradingResult,
) -> rusqlite::Result<()> {
    crate::store::exec(
        conn,
        "INSERT INTO assertion_results (call_id, position, pass, score, weight, kind, metric, error, reason, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            call_id,
            i as i64,
            r.pass,
            r.score,
            r.weight,
            r.kind,
            r.metric,
            r.error,
            r.reason,
            serde_json::to_string(r).unwrap_or_default(),
        ],
    )?;
    Ok(())
}

pub(crate) fn finish(conn: &Connection, uid: i64, end: &EvalEnd) -> rusqlite::Result<()> {
    crate::store::exec(
        conn,
        "UPDATE evals SET finished = ?2, wall_ms = ?3, interrupted = ?4, stopped_at_cost = ?5 WHERE uid = ?1",
        params![
            uid,
            ids::now_ms(),
            end.wall_time.as_millis() as i64,
            end.interrupted,
            end.stopped_at_cost
        ],
    )?;
    Ok(())
}

/// A recorded eval.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalInfo {
    pub id: i64,
    pub uid: i64,
    pub suite: String,
    pub started: i64,
    pub finished: Option<i64>,
    pub interrupted: bool,
}

const EVAL_COLUMNS: &str = "id, uid, suite, started, finished, interrupted";

fn eval_row(r: &rusqlite::Row) -> rusqlite::Result<EvalInfo> {
    Ok(EvalInfo {
        id: r.get(0)?,
        uid: r.get(1)?,
        suite: r.get(2)?,
        started: r.get(3)?,
        finished: r.get(4)?,
        interrupted: r.get(5)?,
    })
}

/// The last finished `pwb eval` of `suite` in workspace `ws` (`last` as a
/// baseline reference); one stopped by Ctrl-C is not finished, and a run
/// from the Tests screen (unsaved text, maybe only failing cases) is not
/// a baseline unless named by its id.
pub fn last(conn: &Connection, ws: i64, suite: &str) -> Result<Option<EvalInfo>> {
    let sql = format!(
        "SELECT {EVAL_COLUMNS} FROM evals WHERE workspace_id = ?1 AND suite = ?2 AND finished IS NOT NULL AND interrupted = 0 AND face = 'eval' ORDER BY id DESC LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, params![ws, suite], eval_row)
        .optional()?)
}

/// The last finished eval of `suite` whose calls ran exactly `source` as
/// prompt `prompt` (a label's text: the label's last eval).
pub fn last_with_source(
    conn: &Connection,
    ws: i64,
    suite: &str,
    prompt: &str,
    source: &str,
) -> Result<Option<EvalInfo>> {
    let sql = format!(
        "SELECT {EVAL_COLUMNS} FROM evals WHERE workspace_id = ?1 AND suite = ?2
           AND finished IS NOT NULL AND interrupted = 0 AND face = 'eval'
           AND id IN (SELECT r.eval_id FROM eval_results r
                      JOIN calls c ON c.id = r.call_id
                      JOIN prompt_versions v ON v.id = c.version_id
                      WHERE v.prompt = ?3 AND v.source = ?4)
         ORDER BY id DESC LIMIT 1"
    );
    Ok(conn
        .query_row(&sql, params![ws, suite, prompt, source], eval_row)
        .optional()?)
}

/// The eval whose hex id starts with `prefix`.
pub fn find(conn: &Connection, ws: i64, prefix: &str) -> Result<EvalInfo> {
    let (lo, hi) = ids::prefix_range(prefix)?;
    let sql = format!(
        "SELECT {EVAL_COLUMNS} FROM evals WHERE workspace_id = ?1 AND uid BETWEEN ?2 AND ?3 LIMIT 2"
    );
    let mut st = conn.prepare(&sql)?;
    let found: Vec<EvalInfo> = st
        .query_map(params![ws, lo, hi], eval_row)?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => Err(StoreError::not_found(
            format!("no recorded eval with id {prefix}"),
            "pwb eval prints its id when it ends",
        )),
        _ => Err(StoreError::not_found(
            format!("eval id {prefix} is ambiguous"),
            "give more digits of the id",
        )),
    }
}

/// One graded cell of a recorded eval, with its call's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub call_uid: i64,
    pub variant: String,
    /// The model's id, and its name as the eval showed it (label, else id).
    pub model: String,
    pub model_name: String,
    pub case: usize,
    pub description: Option<String>,
    /// The case's variables (`defaultTest`'s merged in).
    pub vars: Map<String, Value>,
    pub repeat: u32,
    pub repeats: u32,
    pub verdict: String,
    pub pass: Option<bool>,
    pub score: Option<f64>,
    pub reason: Option<String>,
    pub cost: Option<f64>,
    pub total_ms: Option<i64>,
    /// The call's wall time, retries included (the summary's latency).
    pub wall_ms: Option<i64>,
}

/// Every graded cell of eval `eval_id` (row id), by case, variant, model
/// and repeat.
pub fn cases(conn: &Connection, eval_id: i64) -> Result<Vec<StoredCase>> {
    let mut st = conn.prepare(
        "SELECT c.uid, e.variant, c.model, e.case_index, e.description, e.repeat, e.repeats, e.verdict, e.pass,
                e.score, e.reason, c.cost, c.total_ms, c.model_name, e.vars, c.wall_ms, c.error
         FROM eval_results e JOIN calls c ON c.id = e.call_id WHERE e.eval_id = ?1
         ORDER BY e.case_index, e.variant, c.model, e.repeat",
    )?;
    let rows = st.query_map([eval_id], |r| {
        let vars: String = r.get(14)?;
        let error: Option<String> = r.get(16)?;
        let verdict: String = r.get(7)?;
        // A failed call has no grading reason: its error is why.
        let reason: Option<String> = r.get(10)?;
        let reason = if verdict == "error" {
            error.or(reason)
        } else {
            reason
        };
        Ok(StoredCase {
            call_uid: r.get(0)?,
            variant: r.get(1)?,
            model: r.get(2)?,
            case: r.get::<_, i64>(3)? as usize,
            description: r.get(4)?,
            repeat: r.get(5)?,
            repeats: r.get(6)?,
            verdict,
            pass: r.get(8)?,
            score: r.get(9)?,
            reason,
            cost: r.get(11)?,
            total_ms: r.get(12)?,
            model_name: r.get(13)?,
            vars: match serde_json::from_str(&vars) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            },
            wall_ms: r.get(15)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Makes eval `eval_id` (row id) the baseline of its suite, on purpose.
pub fn bless(conn: &Connection, ws: i64, eval_id: i64, note: Option<&str>) -> Result<()> {
    crate::store::exec(
        conn,
        "INSERT INTO baselines (workspace_id, eval_id, blessed_at, suite, note)
         SELECT ?1, id, ?3, suite, ?4 FROM evals WHERE id = ?2",
        params![ws, eval_id, ids::now_ms(), note],
    )?;
    Ok(())
}

/// The eval last blessed as the baseline of `suite`.
pub fn baseline(conn: &Connection, ws: i64, suite: &str) -> Result<Option<EvalInfo>> {
    let sql = format!(
        "SELECT {} FROM evals WHERE id = (SELECT eval_id FROM baselines WHERE workspace_id = ?1 AND suite = ?2 ORDER BY id DESC LIMIT 1)",
        EVAL_COLUMNS
    );
    Ok(conn
        .query_row(&sql, params![ws, suite], eval_row)
        .optional()?)
}

#[cfg(test)]
#[path = "evals_tests.rs"]
mod tests;

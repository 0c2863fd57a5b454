//! Recorded calls: writing one (the writer thread does), listing the
//! recent ones (the History screen's first page and `pwb history`),
//! showing one in full, finding one by an id prefix, and pruning old ones.

use super::error::{Result, StoreError};
use super::filter::CallFilter;
use super::ids;
use crate::run::{CellOutcome, CellStatus};
use crate::types::{Message, ToolCall};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A call as a listing shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSummary {
    pub uid: i64,
    pub created: i64,
    pub prompt: String,
    /// The prompt version's id (hex).
    pub version: String,
    pub model: String,
    /// `done`, `failed` or `cancelled`.
    pub status: String,
    pub face: String,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cost: Option<f64>,
    pub ttft_ms: Option<i64>,
    pub total_ms: Option<i64>,
    /// The answer's start (the error for a failed call).
    pub preview: String,
}

impl CallSummary {
    pub fn id_short(&self) -> String {
        ids::uid_short(self.uid)
    }
}

/// Everything recorded about one call.
#[derive(Debug, Clone, PartialEq)]
pub struct CallDetail {
    pub summary: CallSummary,
    pub model_name: String,
    pub messages: Vec<Message>,
    pub answer: String,
    pub thinking: String,
    pub params: Value,
    pub usage: Value,
    pub finish_reason: Option<String>,
    pub error: Option<String>,
    pub cached: bool,
    pub attempts: Value,
    pub sample: u32,
    pub samples: u32,
    pub sweep_temperature: Option<f64>,
    /// The tools the model called, as they streamed in.
    pub tool_calls: Vec<ToolCall>,
}

/// How a settled cell ended, as stored.
pub fn status_of(o: &CellOutcome) -> &'static str {
    match o.status {
        CellStatus::Done => "done",
        CellStatus::Cancelled => "cancelled",
        _ => "failed",
    }
}

/// Each attempt: its HTTP status, why it failed, the wait after it
/// (traces are not kept: they are bulky, and headers are no one's business).
fn attempts_json(o: &CellOutcome) -> Value {
    let list: Vec<Value> = o
        .attempts
        .iter()
        .map(|a| {
            json!({
                "status": a.trace.as_ref().and_then(|t| t.status),
                "failure": a.failure,
                "wait_ms": a.wait.map(|w| w.as_millis() as u64),
            })
        })
        .collect();
    Value::Array(list)
}

/// The id of the stored request for `messages`, added when new.
fn request_id(conn: &Connection, messages: &[Message]) -> rusqlite::Result<i64> {
    let text = serde_json::to_string(messages).unwrap_or_default();
    let hash: String = Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(id) = conn
        .query_row("SELECT id FROM requests WHERE hash = ?1", [&hash], |r| {
            r.get(0)
        })
        .optional()?
    {
        return Ok(id);
    }
    crate::store::exec(
        conn,
        "INSERT INTO requests (hash, messages) VALUES (?1, ?2)",
        params![hash, text],
    )?;
    let id = conn.last_insert_rowid();
    let plain: Vec<String> = messages.iter().map(Message::plain_text).collect();
    crate::store::exec(
        conn,
        "INSERT INTO request_text (rowid, messages) VALUES (?1, ?2)",
        params![id, plain.join("\n")],
    )?;
    Ok(id)
}

/// What the writer stores for one call.
pub struct NewCall<'a> {
    pub uid: i64,
    pub created: i64,
    pub workspace: i64,
    pub version: i64,
    pub face: &'a str,
    pub messages: &'a [Message],
    pub outcome: &'a CellOutcome,
    pub cost: Option<f64>,
}

/// Writes one call; returns its row id.
pub fn insert(conn: &Connection, c: &NewCall) -> rusqlite::Result<i64> {
    let o = c.outcome;
    let request = request_id(conn, c.messages)?;
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis() as i64);
    crate::store::exec(
        conn,
        "INSERT INTO calls (uid, created, workspace_id, version_id, request_id, face, model, status,
            input_tokens, output_tokens, cost, ttft_ms, total_ms, wall_ms, cached, retries,
            model_index, sample, samples, sweep_temperature, finish_reason, model_name, params,
            usage, error, attempts, answer, thinking, tool_calls)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
            ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
        params![
            c.uid,
            c.created,
            c.workspace,
            c.version,
            request,
            c.face,
            o.model.to_string(),
            status_of(o),
            o.usage.input_tokens.map(|t| t as i64),
            o.usage.output_tokens.map(|t| t as i64),
            c.cost,
            ms(o.time_to_first_token),
            ms(o.total_time),
            ms(o.wall_time),
            o.cached,
            o.retries().count() as i64,
            o.slot.model as i64,
            o.slot.sample,
            o.slot.samples,
            o.slot.temperature,
            o.finish_reason.as_ref().map(|f| f.as_str()),
            o.name,
            serde_json::to_string(&o.params).unwrap_or_default(),
            serde_json::to_string(&o.usage).unwrap_or_default(),
            o.error(),
            attempts_json(o).to_string(),
            o.text,
            o.thinking,
            (!o.tool_calls.is_empty())
                .then(|| serde_json::to_string(&o.tool_calls).unwrap_or_default()),
        ],
    )?;
    let id = conn.last_insert_rowid();
    if !o.text.is_empty() || !o.thinking.is_empty() {
        crate::store::exec(
            conn,
            "INSERT INTO call_text (rowid, answer, thinking) VALUES (?1, ?2, ?3)",
            params![id, o.text, o.thinking],
        )?;
    }
    Ok(id)
}

pub(crate) const SUMMARY_COLUMNS: &str =
    "c.uid, c.created, v.prompt, v.hash, c.model, c.status, c.face,
    c.input_tokens, c.output_tokens, c.cost, c.ttft_ms, c.total_ms,
    CASE WHEN c.status = 'done' THEN substr(c.answer, 1, 160) ELSE coalesce(c.error, c.status) END";

pub(crate) fn summary_row(r: &rusqlite::Row) -> rusqlite::Result<CallSummary> {
    Ok(CallSummary {
        uid: r.get(0)?,
        created: r.get(1)?,
        prompt: r.get(2)?,
        version: r.get(3)?,
        model: r.get(4)?,
        status: r.get(5)?,
        face: r.get(6)?,
        input_tokens: r.get(7)?,
        output_tokens: r.get(8)?,
        cost: r.get(9)?,
        ttft_ms: r.get(10)?,
        total_ms: r.get(11)?,
        preview: r.get(12)?,
    })
}

/// The most recent calls the filter keeps, newest first: `limit` of them
/// after skipping `offset`.
pub fn recent(
    conn: &Connection,
    f: &CallFilter,
    limit: usize,
    offset: usize,
) -> Result<Vec<CallSummary>> {
    let (cond, mut values) = f.to_sql();
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN prompt_versions v ON v.id = c.version_id
         WHERE {cond} ORDER BY c.id DESC LIMIT ? OFFSET ?"
    );
    values.push((limit as i64).into());
    values.push((offset as i64).into());
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(params_from_iter(values), summary_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The row id and uid of the call in workspace `ws` whose hex id starts
/// with `prefix`.
pub fn resolve(conn: &Connection, ws: i64, prefix: &str) -> Result<(i64, i64)> {
    let (lo, hi) = ids::prefix_range(prefix)?;
    let mut st = conn.prepare_cached(
        "SELECT id, uid FROM calls WHERE uid BETWEEN ?1 AND ?2 AND workspace_id = ?3 LIMIT 2",
    )?;
    let found: Vec<(i64, i64)> = st
        .query_map(params![lo, hi, ws], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(StoreError::not_found(
            format!("no recorded call with id {prefix}"),
            "`pwb history` lists recent calls with their ids",
        )),
        _ => Err(StoreError::not_found(
            format!("call id {prefix} is ambiguous"),
            "give more digits of the id",
        )),
    }
}

/// Everything about the call with row id `id`.
pub fn detail(conn: &Connection, id: i64) -> Result<CallDetail> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, c.model_name, q.messages, c.answer, c.thinking, c.params, c.usage,
            c.finish_reason, c.error, c.cached, c.attempts, c.sample, c.samples, c.sweep_temperature,
            c.tool_calls
         FROM calls c JOIN prompt_versions v ON v.id = c.version_id JOIN requests q ON q.id = c.request_id
         WHERE c.id = ?1"
    );
    let json = |s: String| serde_json::from_str(&s).unwrap_or(Value::Null);
    crate::store::one(conn, &sql, [id], |r| {
        Ok(CallDetail {
            summary: summary_row(r)?,
            model_name: r.get(13)?,
            messages: serde_json::from_str(&r.get::<_, String>(14)?).unwrap_or_default(),
            answer: r.get(15)?,
            thinking: r.get(16)?,
            params: json(r.get(17)?),
            usage: json(r.get(18)?),
            finish_reason: r.get(19)?,
            error: r.get(20)?,
            cached: r.get(21)?,
            attempts: json(r.get(22)?),
            sample: r.get(23)?,
            samples: r.get(24)?,
            sweep_temperature: r.get(25)?,
            tool_calls: r
                .get::<_, Option<String>>(26)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default(),
        })
    })
    .map_err(StoreError::from)
}

/// Deletes the calls of workspace `ws` made before `before` (Unix ms) with
/// their grades and ratings, and requests no call uses any more; returns
/// how many calls went.
pub fn prune(conn: &mut Connection, ws: i64, before: i64) -> Result<usize> {
    let tx = conn.transaction()?;
    tx.execute(
        "DELETE FROM call_text WHERE rowid IN (SELECT id FROM calls WHERE workspace_id = ?1 AND created < ?2)",
        params![ws, before],
    )?;
    let n = tx.execute(
        "DELETE FROM calls WHERE workspace_id = ?1 AND created < ?2",
        params![ws, before],
    )?;
    tx.execute_batch(
        "DELETE FROM request_text WHERE rowid IN (SELECT id FROM requests q WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_id = q.id));
         DELETE FROM requests WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.request_id = requests.id);
         DELETE FROM evals WHERE finished IS NOT NULL AND NOT EXISTS (SELECT 1 FROM eval_results e WHERE e.eval_id = evals.id)
            AND NOT EXISTS (SELECT 1 FROM baselines b WHERE b.eval_id = evals.id);",
    )?;
    tx.commit()?;
    Ok(n)
}

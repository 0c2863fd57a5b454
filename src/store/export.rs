//! Exports of the history. `openai-jsonl`: chat fine-tuning records
//! (`{"messages": [...]}`, OpenAI's chat format, the answer as the last
//! `assistant` turn) from answers rated up or passing their eval case.
//! `dpo`: preference pairs (`prompt`, `chosen`, `rejected`, TRL's
//! conversational shape) from blind votes and ratings, only between
//! answers to the very same messages. `csv`: one row per call.

use super::error::{Result, StoreError};
use super::filter::CallFilter;
use super::ids;
use crate::provider::openai::wire_message;
use crate::types::Message;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Value, json};
use std::io::Write;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    OpenaiJsonl,
    Dpo,
    Csv,
}

fn io(e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(format!("cannot write the export: {e}"))
}

/// The messages in OpenAI's chat format (`model` becomes `assistant`).
fn chat(messages: &[Message]) -> Vec<Value> {
    messages.iter().map(wire_message).collect()
}

fn assistant(text: &str) -> Value {
    json!({"role": "assistant", "content": text})
}

/// Writes `format` for the calls `f` keeps; returns how many records.
pub fn write(
    conn: &Connection,
    f: &CallFilter,
    format: Format,
    out: &mut dyn Write,
) -> Result<usize> {
    match format {
        Format::OpenaiJsonl => openai_jsonl(conn, f, out),
        Format::Dpo => dpo(conn, f, out),
        Format::Csv => csv(conn, f, out),
    }
}

fn openai_jsonl(conn: &Connection, f: &CallFilter, out: &mut dyn Write) -> Result<usize> {
    let (cond, values) = f.to_sql();
    // Without a rating filter: rated up, or passed its eval case.
    let good = if f.rating.is_none() && !f.passed {
        " AND ((SELECT coalesce(r.thumb = 1 OR r.score >= 4, 0) FROM ratings r WHERE r.call_id = c.id ORDER BY r.id DESC LIMIT 1)
              OR EXISTS (SELECT 1 FROM eval_results e WHERE e.call_id = c.id AND e.pass = 1))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT q.messages, c.answer FROM calls c JOIN prompt_versions v ON v.id = c.version_id
         JOIN requests q ON q.id = c.request_id
         WHERE {cond} AND c.status = 'done' AND c.answer != ''{good} ORDER BY c.id"
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(values))?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let messages: Vec<Message> =
            serde_json::from_str(&r.get::<_, String>(0)?).unwrap_or_default();
        let mut turns = chat(&messages);
        turns.push(assistant(&r.get::<_, String>(1)?));
        writeln!(out, "{}", json!({ "messages": turns })).map_err(io)?;
        n += 1;
    }
    Ok(n)
}

/// A preference: which of two answers to the same messages was better.
struct Pair {
    request: i64,
    chosen: String,
    rejected: String,
}

fn dpo(conn: &Connection, f: &CallFilter, out: &mut dyn Write) -> Result<usize> {
    let (cond, values) = f.to_sql();
    let kept = format!(
        "SELECT c.id FROM calls c JOIN prompt_versions v ON v.id = c.version_id WHERE {cond} AND c.status = 'done'"
    );
    let mut pairs = Vec::new();
    // Blind votes between answers to the same request.
    let votes = format!(
        "SELECT ca.request_id, ca.answer, cb.answer, p.vote FROM pairwise_votes p
         JOIN calls ca ON ca.id = p.a_call JOIN calls cb ON cb.id = p.b_call
         WHERE ca.request_id = cb.request_id AND p.vote IN ('a', 'b')
           AND ca.id IN ({kept}) AND cb.id IN ({kept}) ORDER BY p.id"
    );
    let mut both = values.clone();
    both.extend(values.clone());
    let mut st = conn.prepare(&votes)?;
    let mut rows = st.query(params_from_iter(both))?;
    while let Some(r) = rows.next()? {
        let (a, b): (String, String) = (r.get(1)?, r.get(2)?);
        let a_won = r.get::<_, String>(3)? == "a";
        let (chosen, rejected) = if a_won { (a, b) } else { (b, a) };
        pairs.push(Pair {
            request: r.get(0)?,
            chosen,
            rejected,
        });
    }
    // Ratings: an answer rated up against one rated down, same request.
    let latest = |col: &str| {
        format!("(SELECT r.{col} FROM ratings r WHERE r.call_id = c.id ORDER BY r.id DESC LIMIT 1)")
    };
    let rated = format!(
        "SELECT c.request_id, c.answer, CASE WHEN coalesce({t}, 0) = 1 OR coalesce({s}, 0) >= 4 THEN 1
                WHEN coalesce({t}, 0) = -1 OR coalesce({s}, 9) <= 2 THEN -1 ELSE 0 END AS verdict
         FROM calls c WHERE c.id IN ({kept}) AND verdict != 0 ORDER BY c.request_id, c.id",
        t = latest("thumb"),
        s = latest("score")
    );
    let mut st = conn.prepare(&rated)?;
    let rows: Vec<(i64, String, i64)> = st
        .query_map(params_from_iter(values), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        for up in group.iter().filter(|r| r.2 == 1) {
            for down in group.iter().filter(|r| r.2 == -1) {
                pairs.push(Pair {
                    request: up.0,
                    chosen: up.1.clone(),
                    rejected: down.1.clone(),
                });
            }
        }
    }
    let mut messages = conn.prepare_cached("SELECT messages FROM requests WHERE id = ?1")?;
    for p in &pairs {
        let text: String = messages.query_row([p.request], |r| r.get(0))?;
        let sent: Vec<Message> = serde_json::from_str(&text).unwrap_or_default();
        let line = json!({
            "prompt": chat(&sent),
            "chosen": [assistant(&p.chosen)],
            "rejected": [assistant(&p.rejected)],
        });
        writeln!(out, "{line}").map_err(io)?;
    }
    Ok(pairs.len())
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "created",
    "prompt",
    "version",
    "model",
    "face",
    "status",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "ttft_ms",
    "total_ms",
    "finish_reason",
    "rating",
    "eval",
    "answer",
    "error",
];

fn csv(conn: &Connection, f: &CallFilter, out: &mut dyn Write) -> Result<usize> {
    let (cond, values) = f.to_sql();
    let sql = format!(
        "SELECT c.uid, c.created, v.prompt, v.hash, c.model, c.face, c.status, c.input_tokens,
                c.output_tokens, c.cost, c.ttft_ms, c.total_ms, c.finish_reason,
                (SELECT CASE WHEN r.thumb = 1 THEN 'up' WHEN r.thumb = -1 THEN 'down' ELSE r.score END
                   FROM ratings r WHERE r.call_id = c.id ORDER BY r.id DESC LIMIT 1),
                (SELECT e.verdict FROM eval_results e WHERE e.call_id = c.id),
                c.answer, c.error
         FROM calls c JOIN prompt_versions v ON v.id = c.version_id WHERE {cond} ORDER BY c.id"
    );
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS).map_err(io)?;
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(values))?;
    let mut n = 0;
    let text = |v: rusqlite::types::ValueRef| match v {
        rusqlite::types::ValueRef::Null => String::new(),
        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
        rusqlite::types::ValueRef::Real(f) => f.to_string(),
        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        rusqlite::types::ValueRef::Blob(_) => String::new(),
    };
    while let Some(r) = rows.next()? {
        let mut record = vec![ids::uid_hex(r.get(0)?), ids::format_time(r.get(1)?)];
        for i in 2..CSV_COLUMNS.len() {
            record.push(text(r.get_ref(i)?));
        }
        w.write_record(&record).map_err(io)?;
        n += 1;
    }
    w.flush().map_err(io)?;
    Ok(n)
}

//! Full-text search (SQLite FTS5) over answers and their reasoning, the
//! messages sent (indexed once per distinct request) and prompt texts.
//! Words are matched as given (each quoted, all required), newest first.

use super::calls::{CallSummary, SUMMARY_COLUMNS, summary_row};
use super::error::Result;
use rusqlite::{Connection, params};

/// The user's words as an FTS5 query: each quoted (so `-`, `:` or `AND`
/// are plain text), all required. `None` when there is no word.
pub fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The `limit` most recent calls of workspace `ws` whose answer, reasoning
/// or request has every word of `text`.
pub fn calls(conn: &Connection, ws: i64, text: &str, limit: usize) -> Result<Vec<CallSummary>> {
    let Some(q) = fts_query(text) else {
        return Ok(Vec::new());
    };
    let n = limit as i64;
    // Answers: the index walks rowids newest first and stops at the limit
    // (over-fetching for calls of other workspaces).
    let mut ids: Vec<i64> = {
        let mut st = conn.prepare_cached(
            "SELECT rowid FROM call_text WHERE call_text MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
        )?;
        st.query_map(params![q, n * 4], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    // Requests: the newest calls of each matching request.
    let requests: Vec<i64> = {
        let mut st =
            conn.prepare_cached("SELECT rowid FROM request_text WHERE request_text MATCH ?1")?;
        st.query_map([&q], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    let mut per_request = conn.prepare_cached(
        "SELECT id FROM calls WHERE request_id = ?1 AND workspace_id = ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    for r in requests {
        let found = per_request.query_map(params![r, ws, n], |row| row.get::<_, i64>(0))?;
        for id in found {
            ids.push(id?);
        }
    }
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    let mut one = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM calls c JOIN prompt_versions v ON v.id = c.version_id
         WHERE c.id = ?1 AND c.workspace_id = ?2"
    ))?;
    let mut out = Vec::new();
    for id in ids {
        if out.len() >= limit {
            break;
        }
        if let Some(s) = one.query_map(params![id, ws], summary_row)?.next() {
            out.push(s?);
        }
    }
    Ok(out)
}

/// A prompt version whose text matched.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionHit {
    pub prompt: String,
    pub hash: String,
    pub last_used: i64,
}

/// Prompt versions of workspace `ws` whose name or text has every word.
pub fn versions(conn: &Connection, ws: i64, text: &str, limit: usize) -> Result<Vec<VersionHit>> {
    let Some(q) = fts_query(text) else {
        return Ok(Vec::new());
    };
    let mut st = conn.prepare_cached(
        "SELECT v.prompt, v.hash, v.last_used FROM prompt_versions v
         WHERE v.id IN (SELECT rowid FROM version_text WHERE version_text MATCH ?1) AND v.workspace_id = ?2
         ORDER BY v.last_used DESC LIMIT ?3",
    )?;
    let rows = st.query_map(params![q, ws, limit as i64], |r| {
        Ok(VersionHit {
            prompt: r.get(0)?,
            hash: r.get(1)?,
            last_used: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_all_required() {
        assert_eq!(
            fts_query("refund  duplicate"),
            Some("\"refund\" \"duplicate\"".into())
        );
        assert_eq!(
            fts_query("say \"hi\" -x"),
            Some("\"say\" \"\"\"hi\"\"\" \"-x\"".into())
        );
        assert_eq!(fts_query("  "), None);
    }
}

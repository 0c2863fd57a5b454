//! Prompt versions. A version is the exact `.prompt` text as it was run,
//! with the partials it includes (followed through partials that include
//! others) and the examples spliced in; its id is a SHA-256 over all three,
//! so an edit to a partial is a new version of every prompt including it.
//! Unsaved edits that ran are versions too (`saved` says which were).

use super::error::{Result, StoreError};
use super::ids;
use crate::prompt::Example;
use crate::prompt::syntax::scan_template;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};

/// Hex digits of a version id shown and accepted as a short id.
pub const SHORT: usize = 8;

/// One version of a prompt, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptVersion {
    pub prompt: String,
    /// SHA-256 (hex) over the text, included partials and examples.
    pub hash: String,
    pub source: String,
    /// The partials the text includes, (name, text), sorted by name.
    pub partials: Vec<(String, String)>,
    pub examples: Vec<Example>,
    /// Whether it was ever run as saved on disk.
    pub saved: bool,
    pub first_used: i64,
    pub last_used: i64,
}

impl PromptVersion {
    pub fn short(&self) -> &str {
        &self.hash[..SHORT.min(self.hash.len())]
    }
}

/// The partials `source` includes, directly or through other partials,
/// taken from `all` (name, text); names not in `all` are left out.
pub fn included_partials(source: &str, all: &[(String, String)]) -> Vec<(String, String)> {
    let by_name: BTreeMap<&str, &str> = all.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut queue: VecDeque<String> = refs(source).into();
    while let Some(name) = queue.pop_front() {
        if found.contains_key(&name) {
            continue;
        }
        if let Some(text) = by_name.get(name.as_str()) {
            queue.extend(refs(text));
            found.insert(name, text.to_string());
        }
    }
    found.into_iter().collect()
}

fn refs(source: &str) -> Vec<String> {
    scan_template(source)
        .includes
        .all_refs()
        .into_iter()
        .map(|r| r.name.clone())
        .collect()
}

/// The version id of a text with its included partials and examples.
pub fn version_hash(source: &str, partials: &[(String, String)], examples: &[Example]) -> String {
    let mut h = Sha256::new();
    let mut put = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    put(b"pwb prompt version 1");
    put(source.as_bytes());
    for (name, text) in partials {
        put(name.as_bytes());
        put(text.as_bytes());
    }
    put(serde_json::to_string(examples)
        .unwrap_or_default()
        .as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The id of the workspace at `root`, if it ever recorded anything.
pub fn workspace_id(conn: &Connection, root: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM workspaces WHERE path = ?1", [root], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The id of the workspace at `root`, added when new.
pub fn ensure_workspace(conn: &Connection, root: &str) -> rusqlite::Result<i64> {
    crate::store::exec(
        conn,
        "INSERT OR IGNORE INTO workspaces (path) VALUES (?1)",
        [root],
    )?;
    crate::store::one(
        conn,
        "SELECT id FROM workspaces WHERE path = ?1",
        [root],
        |r| r.get(0),
    )
}

/// Records that `v` was used at `v.last_used`; returns its row id.
pub fn upsert(conn: &Connection, ws: i64, v: &PromptVersion) -> rusqlite::Result<i64> {
    let found: Option<i64> = conn
        .query_row(
            "SELECT id FROM prompt_versions WHERE workspace_id = ?1 AND prompt = ?2 AND hash = ?3",
            params![ws, v.prompt, v.hash],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = found {
        crate::store::exec(
            conn,
            "UPDATE prompt_versions SET last_used = max(last_used, ?2), saved = saved OR ?3 WHERE id = ?1",
            params![id, v.last_used, v.saved],
        )?;
        return Ok(id);
    }
    crate::store::exec(
        conn,
        "INSERT INTO prompt_versions (workspace_id, prompt, hash, saved, first_used, last_used, source, partials, examples)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8)",
        params![
            ws,
            v.prompt,
            v.hash,
            v.saved,
            v.first_used,
            v.source,
            serde_json::to_string(&v.partials).unwrap_or_default(),
            serde_json::to_string(&v.examples).unwrap_or_default(),
        ],
    )?;
    let id = conn.last_insert_rowid();
    crate::store::exec(
        conn,
        "INSERT INTO version_text (rowid, prompt, source) VALUES (?1, ?2, ?3)",
        params![id, v.prompt, v.source],
    )?;
    Ok(id)
}

const COLUMNS: &str = "prompt, hash, source, partials, examples, saved, first_used, last_used";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<PromptVersion> {
    let partials: String = r.get(3)?;
    let examples: String = r.get(4)?;
    Ok(PromptVersion {
        prompt: r.get(0)?,
        hash: r.get(1)?,
        source: r.get(2)?,
        partials: serde_json::from_str(&partials).unwrap_or_default(),
        examples: serde_json::from_str(&examples).unwrap_or_default(),
        saved: r.get(5)?,
        first_used: r.get(6)?,
        last_used: r.get(7)?,
    })
}

/// The version of `prompt` whose id starts with `prefix` (at least 4 hex
/// digits), or the most recently used one for `latest`.
pub fn find(conn: &Connection, ws: i64, prompt: &str, prefix: &str) -> Result<PromptVersion> {
    let sql_latest = format!(
        "SELECT {COLUMNS} FROM prompt_versions WHERE workspace_id = ?1 AND prompt = ?2 ORDER BY last_used DESC, id DESC LIMIT 1"
    );
    if prefix == "latest" {
        return conn
            .query_row(&sql_latest, params![ws, prompt], from_row)
            .optional()?
            .ok_or_else(|| {
                StoreError::not_found(
                    format!("no recorded version of `{prompt}`"),
                    "run the prompt once (TUI, pwb run or pwb eval) to record one",
                )
            });
    }
    let p = prefix.to_ascii_lowercase();
    if p.len() < 4 || !p.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(StoreError::not_found(
            format!("`{prompt}@{prefix}`: no label or version of that name"),
            format!(
                "`pwb versions {prompt}` lists the versions; a version id is at least 4 hex digits"
            ),
        ));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM prompt_versions WHERE workspace_id = ?1 AND prompt = ?2 AND hash >= ?3 AND hash < ?3 || 'g' LIMIT 2"
    );
    let mut st = conn.prepare(&sql)?;
    let found: Vec<PromptVersion> = st
        .query_map(params![ws, prompt, p], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => Err(StoreError::not_found(
            format!("`{prompt}@{prefix}`: no label or recorded version of that name"),
            format!("`pwb versions {prompt}` lists the versions"),
        )),
        _ => Err(StoreError::not_found(
            format!("`{prompt}@{prefix}` names more than one version"),
            "give more digits of the id",
        )),
    }
}

/// How one version fared: its calls, errors, eval pass rate, mean cost and
/// latency.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionSummary {
    pub version: PromptVersion,
    pub calls: u64,
    pub errors: u64,
    /// Passed / graded eval cells, when any were graded.
    pub pass_rate: Option<f64>,
    pub graded: u64,
    pub mean_cost: Option<f64>,
    pub mean_latency_ms: Option<f64>,
}

/// Every recorded version of `prompt`, most recently used first.
pub fn list(conn: &Connection, ws: i64, prompt: &str) -> Result<Vec<VersionSummary>> {
    let sql = format!(
        "SELECT {COLUMNS},
            (SELECT count(*) FROM calls c WHERE c.version_id = v.id),
            (SELECT count(*) FROM calls c WHERE c.version_id = v.id AND c.status != 'done'),
            (SELECT avg(e.pass) FROM calls c JOIN eval_results e ON e.call_id = c.id WHERE c.version_id = v.id AND e.pass IS NOT NULL),
            (SELECT count(e.pass) FROM calls c JOIN eval_results e ON e.call_id = c.id WHERE c.version_id = v.id),
            (SELECT avg(c.cost) FROM calls c WHERE c.version_id = v.id),
            (SELECT avg(c.total_ms) FROM calls c WHERE c.version_id = v.id AND c.status = 'done')
         FROM prompt_versions v WHERE workspace_id = ?1 AND prompt = ?2
         ORDER BY last_used DESC, id DESC"
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params![ws, prompt], |r| {
        Ok(VersionSummary {
            version: from_row(r)?,
            calls: r.get::<_, i64>(8)? as u64,
            errors: r.get::<_, i64>(9)? as u64,
            pass_rate: r.get(10)?,
            graded: r.get::<_, i64>(11)? as u64,
            mean_cost: r.get(12)?,
            mean_latency_ms: r.get(13)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A version made now from what a face ran.
pub fn of_text(
    prompt: &str,
    source: &str,
    saved: bool,
    all_partials: &[(String, String)],
    examples: &[Example],
) -> PromptVersion {
    let partials = included_partials(source, all_partials);
    let now = ids::now_ms();
    PromptVersion {
        prompt: prompt.to_string(),
        hash: version_hash(source, &partials, examples),
        source: source.to_string(),
        partials,
        examples: examples.to_vec(),
        saved,
        first_used: now,
        last_used: now,
    }
}

#[cfg(test)]
#[path = "versions_tests.rs"]
mod tests;

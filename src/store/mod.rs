//! The history store: every call pwb makes (TUI, `pwb run`, `pwb eval`)
//! recorded in SQLite with the prompt version that made it; labels,
//! ratings and blind votes, statistics, full-text search and exports.
//!
//! Writing goes through one thread (`HistoryWriter`, a
//! `session::record::Recorder`: faces hand it to the session's collector,
//! so neither `run/` nor `session/` imports the store). Reading opens a
//! `Store`. A database that cannot be used is one line of warning; pwb
//! goes on without history, and commands that need it exit 1.
//!
//! For faces: `writer_for` (record), `Store::for_workspace` (query);
//! `calls::recent`/`search::calls` (the History screen's list),
//! `calls::detail` (one call), `versions::list`/`find` and `diff::unified`
//! (the Versions popup), `stats::by_version`/`stats::trend` (trend lines).

pub mod calls;
pub mod diff;
pub mod error;
pub mod evals;
pub mod export;
pub mod filter;
pub mod ids;
pub mod labels;
pub mod migrations;
pub mod open;
pub mod pairwise;
pub mod ratings;
pub mod search;
pub mod stats;
pub mod versions;
pub mod writer;

#[cfg(test)]
pub mod testing;

pub use error::{Result, StoreError};
pub use writer::HistoryWriter;

use crate::workspace::config::HistorySettings;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Runs a statement through the connection's statement cache (the writer
/// runs the same few for every call: compiling them once matters).
pub(crate) fn exec<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// One row of a cached query.
pub(crate) fn one<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// How a workspace is known in the database: its absolute, canonical path.
pub fn workspace_key(root: &Path) -> String {
    std::fs::canonicalize(root)
        .or_else(|_| std::path::absolute(root))
        .unwrap_or_else(|_| root.to_path_buf())
        .to_string_lossy()
        .into_owned()
}

/// The writer recording the calls of the workspace at `root`, started
/// without waiting (problems opening the file come from `take_problem`);
/// `Err(Disabled)` when pwb.toml turns history off.
pub fn writer_for(root: &Path, settings: &HistorySettings) -> Result<Arc<HistoryWriter>> {
    Ok(HistoryWriter::start(open::location(root, settings)?))
}

/// A connection for reading (and small writes: ratings, labels).
pub struct Store {
    pub path: PathBuf,
    conn: Connection,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store> {
        Ok(Store {
            path: path.to_path_buf(),
            conn: open::open(path)?,
        })
    }

    /// The store the workspace at `root` records to.
    pub fn for_workspace(root: &Path, settings: &HistorySettings) -> Result<Store> {
        Store::open(&open::location(root, settings)?)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The id of the workspace at `root`; `None` if it never recorded.
    pub fn workspace(&self, root: &Path) -> Result<Option<i64>> {
        versions::workspace_id(&self.conn, &workspace_key(root))
    }

    /// The id of the workspace at `root`, added when new.
    pub fn workspace_or_new(&self, root: &Path) -> Result<i64> {
        Ok(versions::ensure_workspace(
            &self.conn,
            &workspace_key(root),
        )?)
    }
}

#[cfg(test)]
#[path = "writer_tests.rs"]
mod writer_tests;

//! What the TUI asks of the history store, carried out off the UI thread:
//! the event loop runs `carry_out` on a worker thread and sends the reply
//! back as `Action::History`. Every failure (the database is locked,
//! damaged, turned off) comes back as one line for the status bar.

use crate::store::calls::{self, CallSummary};
use crate::store::filter::CallFilter;
use crate::store::ratings::{self, BlindPair, BlindVote, RatingValue};
use crate::store::stats::{self, Day};
use crate::store::versions::{self, VersionSummary};
use crate::store::{HistoryWriter, Store, search};
use crate::tui::state::history::OpenedCall;
use std::path::PathBuf;
use std::sync::Arc;

/// Calls the History screen lists at once.
pub const PAGE: usize = 200;
/// Versions the History screen draws trend lines for.
pub const TREND_VERSIONS: usize = 4;

/// Where the history is: the database the TUI records to (or why there is
/// none) and the writer, whose queued calls are written before a query.
#[derive(Clone)]
pub struct HistorySource {
    pub db: Result<PathBuf, String>,
    pub root: PathBuf,
    pub writer: Option<Arc<HistoryWriter>>,
}

impl std::fmt::Debug for HistorySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistorySource")
            .field("db", &self.db)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// The recorded versions of a prompt (the Versions popup).
    Versions { prompt: String },
    /// Recent calls, or those matching `search` (full text); `seq` tells
    /// the newest answer from older ones while typing.
    Calls { search: String, seq: u64 },
    /// One call in full, by its uid.
    Detail { uid: i64 },
    /// Daily figures of the most recent versions of a prompt.
    Trend { prompt: String },
    /// Rate a recorded call (its id as the recorder gave it); `what` names
    /// it in the reply.
    Rate {
        call: String,
        value: RatingValue,
        note: Option<String>,
        what: String,
    },
    /// A blind vote on two answers.
    Vote { pair: BlindPair, vote: BlindVote },
}

/// One version's trend: its short id, whether it was saved, its days.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionTrend {
    pub short: String,
    pub saved: bool,
    pub days: Vec<Day>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Versions {
        prompt: String,
        result: Result<Vec<VersionSummary>, String>,
        /// The prompt's labels in the workspace: (label, version id).
        labels: Vec<(String, String)>,
    },
    Calls {
        seq: u64,
        result: Result<Vec<CallSummary>, String>,
    },
    Detail {
        uid: i64,
        result: Result<Box<OpenedCall>, String>,
    },
    Trend {
        prompt: String,
        result: Result<Vec<VersionTrend>, String>,
    },
    Rated {
        what: String,
        value: RatingValue,
        /// The call rated, as asked, and its ratings after this one.
        call: String,
        result: Result<Vec<ratings::Rating>, String>,
    },
    Voted {
        result: Result<(), String>,
    },
}

/// Runs `query` against the store (blocking: call it off the UI thread).
pub fn carry_out(source: &HistorySource, query: Query) -> Reply {
    if let Some(w) = &source.writer {
        w.wait_written();
    }
    let opened = || -> Result<(Store, Option<i64>), String> {
        let path = source.db.clone()?;
        let store = Store::open(&path).map_err(|e| e.to_string())?;
        let ws = store.workspace(&source.root).map_err(|e| e.to_string())?;
        Ok((store, ws))
    };
    let err = |e: crate::store::StoreError| e.to_string();
    match query {
        Query::Versions { prompt } => {
            let result = opened().and_then(|(s, ws)| match ws {
                None => Ok(Vec::new()),
                Some(ws) => versions::list(s.conn(), ws, &prompt).map_err(err),
            });
            let labels = crate::store::labels::of_prompt(&source.root, &prompt);
            Reply::Versions {
                prompt,
                result,
                labels,
            }
        }
        Query::Calls { search, seq } => {
            let result = opened().and_then(|(s, ws)| {
                let Some(ws) = ws else { return Ok(Vec::new()) };
                if search.trim().is_empty() {
                    calls::recent(s.conn(), &CallFilter::workspace(ws), PAGE, 0).map_err(err)
                } else {
                    search::calls(s.conn(), ws, &search, PAGE).map_err(err)
                }
            });
            Reply::Calls { seq, result }
        }
        Query::Detail { uid } => {
            let result = opened().and_then(|(s, ws)| {
                let ws = ws.ok_or("no recorded call")?;
                let hex = crate::store::ids::uid_hex(uid);
                let (id, _) = calls::resolve(s.conn(), ws, &hex).map_err(err)?;
                let call = calls::detail(s.conn(), id).map_err(err)?;
                let sum = &call.summary;
                let v = versions::find(s.conn(), ws, &sum.prompt, &sum.version).map_err(err)?;
                let ratings = ratings::of_call(s.conn(), id).map_err(err)?;
                Ok(Box::new(OpenedCall {
                    source: v.source,
                    call,
                    ratings,
                }))
            });
            Reply::Detail { uid, result }
        }
        Query::Trend { prompt } => {
            let result = opened().and_then(|(s, ws)| {
                let Some(ws) = ws else { return Ok(Vec::new()) };
                trend(&s, ws, &prompt).map_err(err)
            });
            Reply::Trend { prompt, result }
        }
        Query::Rate {
            call,
            value,
            note,
            what,
        } => {
            let result = opened().and_then(|(s, ws)| {
                let ws = ws.ok_or("the call is not recorded")?;
                let (id, _) = calls::resolve(s.conn(), ws, &call).map_err(err)?;
                ratings::rate(s.conn(), id, value, note.as_deref()).map_err(err)?;
                ratings::of_call(s.conn(), id).map_err(err)
            });
            Reply::Rated {
                what,
                value,
                call,
                result,
            }
        }
        Query::Vote { pair, vote } => {
            let result = opened().and_then(|(s, _)| {
                let ws = s.workspace_or_new(&source.root).map_err(err)?;
                ratings::record_vote(s.conn(), ws, &pair, vote, None).map_err(err)
            });
            Reply::Voted { result }
        }
    }
}

/// The daily figures of the `TREND_VERSIONS` most recent versions.
fn trend(s: &Store, ws: i64, prompt: &str) -> crate::store::Result<Vec<VersionTrend>> {
    let list = versions::list(s.conn(), ws, prompt)?;
    let mut out = Vec::new();
    for v in list.into_iter().take(TREND_VERSIONS) {
        let f = CallFilter {
            prompt: Some(prompt.to_string()),
            versions: Some(vec![v.version.hash.clone()]),
            ..CallFilter::workspace(ws)
        };
        out.push(VersionTrend {
            short: v.version.short().to_string(),
            saved: v.version.saved,
            days: stats::trend(s.conn(), &f)?,
        });
    }
    Ok(out)
}

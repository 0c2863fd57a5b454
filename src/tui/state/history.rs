//! The History screen (F5): recent calls of the workspace, narrowed by a
//! full-text search as it is typed; the call opened (request and answer);
//! trend lines of the highlighted call's prompt, per version.

use crate::store::calls::{CallDetail, CallSummary};
use crate::tui::history_query::VersionTrend;

/// A call opened in full, with the prompt text of its version.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedCall {
    pub call: CallDetail,
    /// The version's `.prompt` text (what "load into editor" restores).
    pub source: String,
    /// Its ratings, oldest first.
    pub ratings: Vec<crate::store::ratings::Rating>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryScreen {
    /// The search words (empty: the most recent calls).
    pub search: String,
    /// Keys go to the search field.
    pub typing: bool,
    /// The newest query sent: older answers are dropped.
    pub seq: u64,
    /// `None` until the store answers.
    pub calls: Option<Vec<CallSummary>>,
    pub cursor: usize,
    /// The call shown in full (Enter), if any.
    pub opened: Option<Box<OpenedCall>>,
    /// Waiting for the store to send this call in full.
    pub opening: Option<i64>,
    pub scroll: usize,
    /// The trend lines shown: (prompt, one per recent version).
    pub trend: Option<(String, Vec<VersionTrend>)>,
    /// The prompt whose trend lines were asked for last.
    pub trend_asked: Option<String>,
}

impl HistoryScreen {
    pub fn selected(&self) -> Option<&CallSummary> {
        self.calls.as_ref()?.get(self.cursor)
    }

    pub fn step(&mut self, delta: isize) {
        let n = self.calls.as_ref().map_or(0, Vec::len);
        if n > 0 {
            self.cursor = (self.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
        }
    }

    /// The prompt whose trend lines should show, when not yet asked for.
    pub fn trend_wanted(&self) -> Option<String> {
        let p = &self.selected()?.prompt;
        (self.trend_asked.as_ref() != Some(p)).then(|| p.clone())
    }
}

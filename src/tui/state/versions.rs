//! The Versions popup (F4): the open prompt's recorded versions, most
//! recently used first, the highlighted one and its unified diff against
//! the editor's text (made when the highlight moves; the editor cannot
//! change while the popup is open).

use crate::store::diff;
use crate::store::versions::VersionSummary;

#[derive(Debug, Clone, PartialEq)]
pub struct VersionsPopup {
    pub prompt: String,
    /// `None` until the store answers.
    pub list: Option<Vec<VersionSummary>>,
    pub cursor: usize,
    /// The highlighted version against the editor (empty: the same text).
    pub diff: String,
    /// First diff line shown.
    pub scroll: usize,
    /// The prompt's labels: (label, version id).
    pub labels: Vec<(String, String)>,
}

impl VersionsPopup {
    pub fn loading(prompt: &str) -> VersionsPopup {
        VersionsPopup {
            prompt: prompt.to_string(),
            list: None,
            cursor: 0,
            diff: String::new(),
            scroll: 0,
            labels: Vec::new(),
        }
    }

    /// The labels naming version `hash`, joined.
    pub fn labels_of(&self, hash: &str) -> String {
        let names: Vec<&str> = self
            .labels
            .iter()
            .filter(|(_, v)| v == hash)
            .map(|(l, _)| l.as_str())
            .collect();
        names.join(",")
    }

    pub fn selected(&self) -> Option<&VersionSummary> {
        self.list.as_ref()?.get(self.cursor)
    }

    /// Moves the highlight by `delta` and diffs it against `editor`.
    pub fn step(&mut self, delta: isize, editor: &str) {
        let n = self.list.as_ref().map_or(0, Vec::len);
        if n == 0 {
            return;
        }
        self.cursor = (self.cursor as isize + delta).clamp(0, n as isize - 1) as usize;
        self.rediff(editor);
    }

    /// The diff of the highlighted version against `editor`.
    pub fn rediff(&mut self, editor: &str) {
        self.scroll = 0;
        self.diff = match self.selected() {
            Some(v) => {
                let name = format!("{}@{}", v.version.prompt, v.version.short());
                diff::unified(&v.version.source, editor, &name, "editor")
            }
            None => String::new(),
        };
    }
}

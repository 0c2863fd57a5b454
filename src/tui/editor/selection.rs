//! Selection, the internal clipboard (exported to the terminal as OSC 52)
//! and literal search for [`EditorState`].

use std::ops::Range;
use std::time::Instant;

use base64::Engine as _;

use super::EditorState;
use super::history::EditKind;

impl EditorState {
    /// Select the whole buffer (the cursor goes to the end).
    pub fn select_all(&mut self) {
        self.history.seal(self.textarea.lines());
        self.textarea.select_all();
    }

    /// Start selecting at the cursor; later moves extend the selection.
    pub fn start_selection(&mut self) {
        self.history.seal(self.textarea.lines());
        self.textarea.start_selection();
    }

    /// Drop the selection (the text stays).
    pub fn cancel_selection(&mut self) {
        self.textarea.cancel_selection();
    }

    /// The selected range `((row, col), (row, col))`, start before end, end
    /// exclusive; `None` when nothing (or an empty range) is selected.
    pub fn selection(&self) -> Option<((usize, usize), (usize, usize))> {
        self.textarea.selection_range().filter(|(s, e)| s != e)
    }

    /// Copy the selection to the clipboard and return it (for OSC 52, see
    /// [`osc52_copy`]); `None` when nothing is selected.
    pub fn copy(&mut self) -> Option<String> {
        self.selection()?;
        self.textarea.copy();
        Some(self.clipboard())
    }

    /// Cut the selection to the clipboard and return it; `None` when nothing
    /// is selected.
    pub fn cut(&mut self) -> Option<String> {
        self.selection()?;
        self.edit(EditKind::Other, Instant::now(), |ta| ta.cut());
        Some(self.clipboard())
    }

    /// Paste the clipboard at the cursor, replacing the selection.
    pub fn paste(&mut self) -> bool {
        self.edit(EditKind::Other, Instant::now(), |ta| ta.paste())
    }

    /// Insert text from outside (a bracketed paste), replacing the selection.
    /// CRLF and lone CR line ends become the buffer's line breaks.
    pub fn paste_text(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        self.edit(EditKind::Other, Instant::now(), |ta| ta.insert_str(text))
    }

    /// Replace the whole text as one edit that undo takes back (restoring
    /// a recorded version); returns whether the text changed.
    pub fn replace_all(&mut self, text: &str) -> bool {
        if self.text() == text {
            return false;
        }
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let clipboard = self.textarea.yank_text();
        let changed = self.edit(EditKind::Other, Instant::now(), |ta| {
            ta.select_all();
            ta.cut();
            ta.insert_str(text);
            true
        });
        self.textarea.set_yank_text(clipboard);
        changed
    }

    /// The internal clipboard (what `copy`, `cut` and kill keys put there).
    pub fn clipboard(&self) -> String {
        self.textarea.yank_text()
    }

    /// Put text on the internal clipboard (e.g. from the system clipboard).
    pub fn set_clipboard(&mut self, text: &str) {
        self.textarea.set_yank_text(text);
    }

    /// Search for `pattern` literally and move to the first match at or after
    /// the cursor. An empty pattern ends the search. Returns whether it matched.
    pub fn start_search(&mut self, pattern: &str) -> bool {
        if !self.set_search(pattern) {
            return false;
        }
        self.textarea.search_forward(true)
    }

    /// Move to the next match, wrapping around. Returns whether one exists.
    pub fn search_next(&mut self) -> bool {
        self.search.is_some() && self.textarea.search_forward(false)
    }

    /// Move to the previous match, wrapping around.
    pub fn search_prev(&mut self) -> bool {
        self.search.is_some() && self.textarea.search_back(false)
    }

    /// End the search; matches are no longer shown.
    pub fn clear_search(&mut self) {
        self.set_search("");
    }

    /// The text being searched for, if a search is on.
    pub fn search_pattern(&self) -> Option<&str> {
        self.search.as_deref()
    }

    /// Byte ranges of the search matches in `line`.
    pub fn search_matches(&self, line: &str) -> Vec<Range<usize>> {
        match self.textarea.search_pattern() {
            Some(re) => re.find_iter(line).map(|m| m.range()).collect(),
            None => Vec::new(),
        }
    }

    /// Set (or with "" clear) the literal search; false when cleared or bad.
    pub(super) fn set_search(&mut self, pattern: &str) -> bool {
        let regex = if pattern.is_empty() {
            String::new()
        } else {
            regex::escape(pattern)
        };
        let ok = self.textarea.set_search_pattern(regex).is_ok() && !pattern.is_empty();
        if !ok {
            let _ = self.textarea.set_search_pattern("");
        }
        self.search = ok.then(|| pattern.to_string());
        ok
    }
}

/// The OSC 52 escape sequence that asks the terminal to put `text` on the
/// system clipboard (the caller writes it to the terminal).
pub fn osc52_copy(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{b64}\x07")
}

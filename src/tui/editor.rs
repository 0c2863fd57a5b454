//! The prompt editor's state: a `TextArea` as the editing model (selection,
//! clipboard, search, cursor moves), our undo history in word-sized steps,
//! the file path, the saved text, an edit version for the highlighter and
//! autosave, and the scroll.

use std::path::PathBuf;
use std::time::Instant;

use history::{EditKind, History};
use ratatui_textarea::{CursorMove, Input, Key, TextArea};

/// Tabs are drawn up to the next multiple of this many columns.
pub const TAB_WIDTH: usize = 4;

/// One open prompt file being edited.
pub struct EditorState {
    textarea: TextArea<'static>,
    /// Undo/redo (the textarea keeps none: it would undo a key at a time).
    history: History,
    /// The file this buffer is saved to.
    pub path: PathBuf,
    saved_text: String,
    version: u64,
    /// Viewport offsets: first visible row, first visible display column.
    pub scroll: (usize, usize),
    /// Every line of the file ended in CRLF; `text()` writes them back.
    /// (A file that mixes line ends keeps each `\r` in its line, so it
    /// is saved byte for byte as it was, but for the edit.)
    crlf: bool,
    search: Option<String>,
    /// The (height, width) last given to `ensure_cursor_visible`, for paging.
    view_size: (usize, usize),
}

impl EditorState {
    /// A buffer holding `text`, which is taken as what is on disk at `path`.
    pub fn new(path: impl Into<PathBuf>, text: &str) -> EditorState {
        let crlf = all_crlf(text);
        let mut state = EditorState {
            textarea: make_textarea(text),
            history: History::default(),
            path: path.into(),
            saved_text: String::new(),
            version: 0,
            scroll: (0, 0),
            crlf,
            search: None,
            view_size: (0, 0),
        };
        state.saved_text = state.text();
        state
    }

    /// The whole buffer, with the file's line ends.
    pub fn text(&self) -> String {
        self.textarea.lines().join(self.line_end())
    }

    /// The buffer's lines (without line ends).
    pub fn lines(&self) -> &[String] {
        self.textarea.lines()
    }

    /// The editing model, for reading (selection, search pattern, ...).
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.textarea
    }

    /// Replace the whole buffer (e.g. the file changed on disk). Clears undo
    /// history; keeps the cursor where it fits; `saved_text` is unchanged, so
    /// call [`EditorState::mark_saved`] too when this is what is on disk.
    pub fn set_text(&mut self, text: &str) {
        if self.text() == text {
            return;
        }
        let (row, col) = self.cursor();
        let search = self.search.take();
        self.crlf = all_crlf(text);
        let clipboard = self.textarea.yank_text();
        self.textarea = make_textarea(text);
        self.textarea.set_yank_text(clipboard);
        self.history.clear();
        self.jump(row, col);
        if let Some(pattern) = search {
            self.set_search(&pattern);
        }
        self.version += 1;
    }

    /// Bumped by every change to the text.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The text as last saved (or loaded).
    pub fn saved_text(&self) -> &str {
        &self.saved_text
    }

    /// Whether the buffer differs from the saved text.
    pub fn is_dirty(&self) -> bool {
        let mut rest = self.saved_text.as_str();
        for (i, line) in self.textarea.lines().iter().enumerate() {
            if i > 0 {
                let Some(r) = rest.strip_prefix(self.line_end()) else {
                    return true;
                };
                rest = r;
            }
            let Some(r) = rest.strip_prefix(line.as_str()) else {
                return true;
            };
            rest = r;
        }
        !rest.is_empty()
    }

    /// Record that the current text is what is on disk now.
    /// The file ended with a line end and the buffer no longer does: a
    /// change no one sees unless the editor says so.
    pub fn lost_final_newline(&self) -> bool {
        self.saved_text.ends_with('\n') && self.lines().last().is_some_and(|l| !l.is_empty())
    }

    pub fn mark_saved(&mut self) {
        self.saved_text = self.text();
    }

    /// Handle one key with the textarea's default bindings (typing, emacs-like
    /// moves, shift+move selects). Paging and the mouse wheel use the last
    /// viewport size. Returns whether the text changed.
    pub fn input(&mut self, input: Input) -> bool {
        self.input_at(input, Instant::now())
    }

    /// [`EditorState::input`] at a given time (typing after a pause starts
    /// a new undo step).
    pub fn input_at(&mut self, input: Input, now: Instant) -> bool {
        match (&input.key, input.ctrl, input.alt) {
            // The textarea's own undo/redo keys use our history.
            (Key::Char('u'), true, false) => return self.undo(),
            (Key::Char('r'), true, false) => return self.redo(),
            _ => {}
        }
        if let Some(kind) = edit_kind(&input, self.selection().is_some()) {
            return self.edit(kind, now, |ta| ta.input(input));
        }
        self.history.seal(self.textarea.lines());
        let page = match (&input.key, input.ctrl, input.alt) {
            (Key::PageDown, ..) | (Key::Char('v'), true, false) => Some(true),
            (Key::PageUp, ..) | (Key::Char('v'), false, true) => Some(false),
            _ => None,
        };
        if let Some(down) = page {
            self.page(down, input.shift);
            return false;
        }
        match input.key {
            Key::MouseScrollDown => return self.wheel(true),
            Key::MouseScrollUp => return self.wheel(false),
            // Ctrl-Home / Ctrl-End: start / end of the document.
            Key::Home | Key::End if input.ctrl => {
                let (doc, line) = if input.key == Key::Home {
                    (CursorMove::Top, CursorMove::Head)
                } else {
                    (CursorMove::Bottom, CursorMove::End)
                };
                if input.shift && !self.textarea.is_selecting() {
                    self.textarea.start_selection();
                } else if !input.shift {
                    self.textarea.cancel_selection();
                }
                self.textarea.move_cursor(doc);
                self.textarea.move_cursor(line);
                return false;
            }
            _ => {}
        }
        let changed = self.textarea.input(input);
        if changed {
            // A key we did not know edits: its change cannot be undone
            // step by step, so start the history afresh from here.
            self.history.clear();
        }
        self.bump_if(changed)
    }

    /// One edit through the history: `kind` decides whether it joins the
    /// undo step being typed.
    fn edit(
        &mut self,
        kind: EditKind,
        now: Instant,
        f: impl FnOnce(&mut TextArea<'static>) -> bool,
    ) -> bool {
        self.history
            .before_edit(kind, self.textarea.lines(), self.cursor(), now);
        let changed = f(&mut self.textarea);
        self.history.after_edit(changed, self.cursor(), now);
        self.bump_if(changed)
    }

    /// Undo the last step (a typed word, a run of deletes, a paste ...);
    /// returns whether the text changed.
    pub fn undo(&mut self) -> bool {
        let mut lines = self.textarea.lines().to_vec();
        let Some(cursor) = self.history.undo(&mut lines) else {
            return false;
        };
        self.replace_lines(lines, cursor);
        self.bump_if(true)
    }

    /// Redo the last undone step; returns whether the text changed.
    pub fn redo(&mut self) -> bool {
        let mut lines = self.textarea.lines().to_vec();
        let Some(cursor) = self.history.redo(&mut lines) else {
            return false;
        };
        self.replace_lines(lines, cursor);
        self.bump_if(true)
    }

    /// The textarea over `lines` with the cursor at `cursor`; keeps the
    /// clipboard and the search.
    fn replace_lines(&mut self, lines: Vec<String>, cursor: (usize, usize)) {
        let clipboard = self.textarea.yank_text();
        self.textarea = textarea_of(lines);
        self.textarea.set_yank_text(clipboard);
        if let Some(pattern) = self.search.take() {
            self.set_search(&pattern);
        }
        self.jump(cursor.0, cursor.1);
    }

    /// Move the cursor (no edit); extends the selection while one is active.
    pub fn move_cursor(&mut self, m: CursorMove) {
        self.history.seal(self.textarea.lines());
        self.textarea.move_cursor(m);
    }

    /// Put the cursor at the start of `line` (1-based, as in the gutter),
    /// clamped to the buffer.
    pub fn goto_line(&mut self, line: usize) {
        self.history.seal(self.textarea.lines());
        self.textarea.cancel_selection();
        self.jump(line.saturating_sub(1), 0);
    }

    /// The cursor as (row, char column), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.textarea.cursor();
        (c.0, c.1)
    }

    fn line_end(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }

    fn bump_if(&mut self, changed: bool) -> bool {
        if changed {
            self.version += 1;
        }
        changed
    }

    fn jump(&mut self, row: usize, col: usize) {
        let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.textarea
            .move_cursor(CursorMove::Jump(clamp(row), clamp(col)));
    }
}

/// Whether every line end of `text` is CRLF (and there is one).
fn all_crlf(text: &str) -> bool {
    let lf = text.matches('\n').count();
    lf > 0 && text.matches("\r\n").count() == lf
}

fn make_textarea(text: &str) -> TextArea<'static> {
    let crlf = all_crlf(text);
    let lines = text
        .split('\n')
        .map(|l| match l.strip_suffix('\r') {
            Some(l) if crlf => l.to_string(),
            _ => l.to_string(),
        })
        .collect();
    textarea_of(lines)
}

fn textarea_of(lines: Vec<String>) -> TextArea<'static> {
    let mut ta = TextArea::new(lines);
    ta.set_tab_length(TAB_WIDTH as u8);
    ta.set_hard_tab_indent(false);
    // Our `History` keeps the undo steps.
    ta.set_max_histories(0);
    ta
}

/// Which edit a key makes with the textarea's bindings, `None` for keys
/// that do not edit (moves, scrolling, copy). With a selection, typing
/// replaces it: a step of its own.
fn edit_kind(input: &Input, selecting: bool) -> Option<EditKind> {
    let one_char = |kind| if selecting { EditKind::Other } else { kind };
    Some(match (&input.key, input.ctrl, input.alt) {
        (Key::Enter, ..) | (Key::Char('m'), true, false) => one_char(EditKind::Type('\n')),
        (Key::Char(c), false, false) => one_char(EditKind::Type(*c)),
        (Key::Tab, false, false) => one_char(EditKind::Type('\t')),
        (Key::Backspace, false, false) | (Key::Char('h'), true, false) => {
            one_char(EditKind::DeleteBack)
        }
        (Key::Delete, false, false) | (Key::Char('d'), true, false) => {
            one_char(EditKind::DeleteForward)
        }
        (Key::Char('k' | 'j' | 'w' | 'y' | 'x'), true, false)
        | (Key::Char('h' | 'd'), false, true)
        | (Key::Backspace | Key::Delete, false, true)
        | (Key::Paste | Key::Cut, ..) => EditKind::Other,
        _ => return None,
    })
}

mod history;
mod selection;
mod viewport;
pub use history::PAUSE as UNDO_PAUSE;
pub use selection::osc52_copy;
pub use viewport::{char_cells, display_col};

#[cfg(test)]
mod tests;

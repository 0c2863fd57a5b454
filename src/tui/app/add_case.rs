//! From a debugging session to a test: `A` in Outputs opens a short menu
//! of checks (state::case_menu) for a case made of the current variables
//! and the focused answer; the case is appended to the prompt's suite (its
//! `tests/` file, else `tests/NAME.yaml`) by the event loop
//! (`workspace::append_case`: the rest of the file kept byte for byte,
//! re-checked as `pwb check` reads it).

use super::{App, Effect, Level, RenderState};
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::state::case_menu::{CaseMenu, KINDS};
use crate::tui::state::popup::Popup;
use crate::workspace::append_case::{NewCase, append_case};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Appends `case` to the suite file at `path` (made when missing). Run
/// by the event loop; `Ok` holds the file's warnings.
pub fn add_case(path: &Path, case: &NewCase) -> Result<Vec<String>, String> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        crate::workspace::save_atomic(path, "").map_err(|e| e.to_string())?;
    }
    append_case(path, case).map(|diags| diags.iter().map(|d| d.to_string()).collect())
}

impl App {
    /// The suite file of the open prompt: the test file that targets it,
    /// else `tests/NAME.yaml`.
    fn suite_file(&self) -> PathBuf {
        let name = self.prompt_name();
        self.session
            .ws
            .tests
            .iter()
            .find(|t| t.target_prompt() == name)
            .map(|t| t.path.clone())
            .unwrap_or_else(|| {
                self.session
                    .ws
                    .root
                    .join("tests")
                    .join(format!("{name}.yaml"))
            })
    }

    /// `A` in Outputs: the menu of checks for the focused answer.
    pub(super) fn open_case_menu(&mut self) {
        let col = self.outputs.focus_col;
        let answer = self
            .outputs
            .columns()
            .get(col)
            .map(|c| c.text.clone())
            .unwrap_or_default();
        let (schema, input) = match &self.rendered {
            RenderState::Ok(r) => (r.output_json_schema(), r.input.clone()),
            RenderState::Err(_) => {
                return self.set_status(Level::Warning, "not added: the prompt does not render");
            }
        };
        let mut vars = self.current.vars.to_input(input.as_ref());
        // A conversation's turns before the checked answer.
        if let Some(turns) = self.conversation_var(col) {
            vars.insert(crate::session::conversation::HISTORY_VAR.to_string(), turns);
        }
        let path = self.suite_file();
        let suite = path
            .strip_prefix(&self.session.ws.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let menu = CaseMenu::new(col, (answer, schema), vars, suite);
        self.popup = Some(Popup::CaseMenu(Box::new(menu)));
    }

    /// Keys of the menu, then of its one-line inputs; Esc adds nothing.
    pub(super) fn case_menu_key(
        &mut self,
        mut m: Box<CaseMenu>,
        key: KeyPress,
        effects: &mut Vec<Effect>,
    ) -> Option<Popup> {
        if key.code == KeyCode::Esc {
            self.set_status(Level::Info, "no case added");
            return None;
        }
        let done = match m.asking.as_mut() {
            Some(ask) => match key.code {
                KeyCode::Enter => m.take_text(),
                KeyCode::Up | KeyCode::Down => {
                    m.step_line(if key.code == KeyCode::Up { -1 } else { 1 });
                    None
                }
                KeyCode::Backspace => {
                    ask.buffer.pop();
                    ask.error = None;
                    None
                }
                KeyCode::Char('u') if key.ctrl => {
                    ask.buffer.clear();
                    ask.error = None;
                    None
                }
                KeyCode::Char(c) if !key.ctrl && !key.alt => {
                    ask.buffer.push(c);
                    ask.error = None;
                    None
                }
                _ => None,
            },
            None => match key.code {
                KeyCode::Enter => m.go_on(),
                KeyCode::Up | KeyCode::Char('k') => {
                    m.step(-1);
                    None
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    m.step(1);
                    None
                }
                KeyCode::Char(' ') => {
                    m.toggle(m.cursor);
                    None
                }
                KeyCode::Char('q') => {
                    self.set_status(Level::Info, "no case added");
                    return None;
                }
                KeyCode::Char(c) if !key.ctrl && !key.alt => {
                    if let Some(i) = KINDS.iter().position(|k| k.key() == c) {
                        m.toggle(i);
                    }
                    None
                }
                _ => None,
            },
        };
        match done {
            Some(asserts) => {
                self.finish_add_case(*m, asserts, effects);
                None
            }
            None => Some(Popup::CaseMenu(m)),
        }
    }

    /// The checks are picked: the case goes to the event loop to append.
    fn finish_add_case(&mut self, m: CaseMenu, asserts: Vec<Value>, effects: &mut Vec<Effect>) {
        let case = NewCase {
            description: None,
            vars: m.vars,
            asserts,
        };
        effects.push(Effect::AddCase {
            path: self.suite_file(),
            case,
        });
    }

    /// The loop appended the case (or could not).
    pub(super) fn on_case_added(&mut self, path: PathBuf, result: Result<Vec<String>, String>) {
        let shown = path
            .strip_prefix(&self.session.ws.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        match result {
            Ok(warnings) if warnings.is_empty() => self.set_status(
                Level::Info,
                format!("added a case to {shown}; pwb check: ok"),
            ),
            Ok(warnings) => self.set_status(
                Level::Warning,
                format!("added a case to {shown}; pwb check: {}", warnings[0]),
            ),
            Err(why) => self.set_status(Level::Error, format!("not added to {shown}: {why}")),
        }
    }
}

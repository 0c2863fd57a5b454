//! Keys of the Variables popup (F3): pick a variable, edit its value in
//! place (a cursor you move, Alt-Enter or Ctrl-J for a newline, Enter to
//! keep it), and `t` to load the next case of the prompt's test file.

use super::{App, Level};
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::state::field::FieldEdit;
use crate::tui::state::popup::Popup;
use crate::tui::state::vars::LoadedCase;

/// Whether `key` puts a newline into a value being edited (Enter alone
/// keeps the value). Terminals send Ctrl-J for a newline character.
pub fn is_newline_key(key: KeyPress) -> bool {
    match key.code {
        KeyCode::Enter => key.alt || key.shift,
        KeyCode::Char('j') => key.ctrl,
        _ => false,
    }
}

impl App {
    pub(super) fn variables_key(&mut self, key: KeyPress) -> Option<Popup> {
        if self.current.vars.editing.is_some() {
            self.variable_edit_key(key);
            return Some(Popup::Variables);
        }
        let vars = &mut self.current.vars;
        match key.code {
            KeyCode::Esc | KeyCode::F(3) => return None,
            KeyCode::Up | KeyCode::Char('k') => vars.cursor = vars.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') if vars.cursor + 1 < vars.entries.len() => {
                vars.cursor += 1;
            }
            KeyCode::Enter => {
                if let Some(e) = vars.entries.get(vars.cursor) {
                    vars.editing = Some(FieldEdit::new(&e.text));
                }
            }
            KeyCode::Char('t') => self.load_next_test_case(),
            KeyCode::Char('x') if !vars.history.is_empty() => {
                vars.history.clear();
                self.inputs_changed();
                self.set_status(
                    Level::Info,
                    "the case's saved turns are dropped: Ctrl-R sends the prompt alone",
                );
            }
            _ => {}
        }
        Some(Popup::Variables)
    }

    fn variable_edit_key(&mut self, key: KeyPress) {
        let vars = &mut self.current.vars;
        let Some(field) = vars.editing.as_mut() else {
            return;
        };
        if is_newline_key(key) {
            field.insert('\n');
            return;
        }
        match key.code {
            KeyCode::Enter => {
                let text = std::mem::take(&mut field.text);
                vars.editing = None;
                vars.set_text(vars.cursor, text);
                self.inputs_changed();
            }
            KeyCode::Esc => vars.editing = None,
            KeyCode::Backspace => field.backspace(),
            KeyCode::Delete => field.delete(),
            KeyCode::Left => field.left(),
            KeyCode::Right => field.right(),
            KeyCode::Home => field.home(),
            KeyCode::End => field.end(),
            KeyCode::Up | KeyCode::Down => {
                field.vertical(key.code == KeyCode::Down);
            }
            KeyCode::Char(c) if !key.ctrl && !key.alt => field.insert(c),
            _ => {}
        }
    }

    /// Fills the variables from the next case of the test file that goes
    /// with this prompt (`tests/NAME.yaml`, or one naming it in `prompt:`).
    fn load_next_test_case(&mut self) {
        let name = self.prompt_name().to_string();
        let Some(file) = self
            .session
            .ws
            .tests
            .iter()
            .find(|t| t.prompt.as_deref() == Some(name.as_str()) || t.name == name)
        else {
            self.set_status(Level::Warning, format!("no test file for '{name}'"));
            return;
        };
        if file.cases.is_empty() {
            let msg = format!("{} has no test cases", self.rel(&file.path));
            self.set_status(Level::Warning, msg);
            return;
        }
        let total = file.cases.len();
        let index = self
            .current
            .vars
            .test_case
            .as_ref()
            .map_or(0, |c| (c.index + 1) % total);
        let case = &file.cases[index];
        let label = case
            .description
            .clone()
            .unwrap_or_else(|| format!("case {}", index + 1));
        let vars = case.vars.clone();
        let loaded = LoadedCase {
            index,
            total,
            label,
        };
        let problem = self.current.vars.load(&vars, loaded);
        self.inputs_changed();
        if let Err(why) = problem {
            self.set_status(Level::Warning, format!("{why} (sent as a variable)"));
        }
    }
}

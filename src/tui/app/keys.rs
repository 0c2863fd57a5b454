//! Routing input: popups first, then an in-place field edit, then the
//! keymap for the focused pane, and finally typing into the editor.

use super::{App, Effect, Level, Pane};
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::layout::{contains, main_layout};
use crate::tui::state::models::Field;
use crate::tui::state::popup::{LinePurpose, Popup};
use ratatui::layout::Rect;

impl App {
    pub(super) fn on_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        if self.popup.is_some() {
            self.popup_key(key, effects);
            return;
        }
        if self.models.edit.is_some() && self.focus == Pane::Models {
            self.field_edit_key(key, effects);
            return;
        }
        if let Some(cmd) = self.keymap.lookup(self.focus.context(), key) {
            self.command(cmd, effects);
            return;
        }
        // Shift-Tab never edits text, even when a keymap unbinds it.
        if self.focus == Pane::Editor && key.code != KeyCode::BackTab {
            self.editor_mut().input(to_textarea(key));
        }
    }

    pub(super) fn on_paste(&mut self, text: String) {
        match &mut self.popup {
            Some(Popup::LineInput { buffer, .. }) => {
                buffer.push_str(text.lines().next().unwrap_or(""))
            }
            Some(Popup::Variables) => {
                if let Some(buf) = self.current.vars.editing.as_mut() {
                    buf.push_str(&text);
                }
            }
            None if self.focus == Pane::Editor => {
                self.editor_mut().paste_text(&text);
            }
            _ => {}
        }
    }

    fn field_edit_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let Some(edit) = self.models.edit.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Enter => self.models.commit_edit(),
            KeyCode::Esc => self.models.edit = None,
            KeyCode::Backspace => {
                edit.buffer.pop();
            }
            KeyCode::Char(c)
                if !key.ctrl
                    && (c.is_ascii_digit()
                        || matches!(c, '.' | '-')
                        || (edit.field == Field::Sweep && matches!(c, ',' | ' '))) =>
            {
                edit.buffer.push(c);
                edit.error = None;
            }
            _ => {
                // Let global commands (run, quit) still work mid-edit.
                if let Some(cmd) = self.keymap.lookup(self.focus.context(), key) {
                    self.models.commit_edit();
                    self.command(cmd, effects);
                }
            }
        }
    }

    fn popup_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let Some(popup) = self.popup.take() else {
            return;
        };
        let close = matches!(key.code, KeyCode::Esc)
            || (key.code == KeyCode::Char('q')
                && !matches!(popup, Popup::LineInput { .. } | Popup::Variables));
        self.popup = match popup {
            Popup::Help { scroll } | Popup::Inspector { scroll } if !close => {
                let scroll = scroll_key(scroll, key);
                let help = matches!(popup, Popup::Help { .. });
                Some(if help {
                    Popup::Help { scroll }
                } else {
                    Popup::Inspector { scroll }
                })
            }
            Popup::SwitchPrompt { cursor } if !close => match key.code {
                KeyCode::Up | KeyCode::Char('k') => Some(Popup::SwitchPrompt {
                    cursor: cursor.saturating_sub(1),
                }),
                KeyCode::Down | KeyCode::Char('j') => Some(Popup::SwitchPrompt {
                    cursor: (cursor + 1).min(self.session.ws.prompts.len().saturating_sub(1)),
                }),
                KeyCode::Enter => {
                    self.open_prompt(cursor);
                    None
                }
                _ => Some(Popup::SwitchPrompt { cursor }),
            },
            Popup::Recovery { prompt, text } => match key.code {
                KeyCode::Char('r') | KeyCode::Enter => {
                    self.open_prompt(prompt);
                    self.editor_mut().set_text(&text);
                    self.set_status(Level::Info, "recovered unsaved edits: Ctrl-S to keep them");
                    None
                }
                // Discarding work takes its own key; Esc only decides later
                // (the recovery file stays and is offered again next time).
                KeyCode::Char('d') => {
                    if let Some(p) = self.session.ws.prompts.get(prompt) {
                        effects.push(Effect::ClearRecovery {
                            path: p.path.clone(),
                        });
                    }
                    self.set_status(Level::Info, "discarded the recovered edits");
                    None
                }
                KeyCode::Esc => {
                    self.set_status(
                        Level::Info,
                        "recovered edits kept for later: they are offered again next start",
                    );
                    None
                }
                _ => Some(Popup::Recovery { prompt, text }),
            },
            Popup::ConfirmQuit => match key.code {
                // Quit again (Ctrl-Q / Ctrl-C): leave, keeping the edits in
                // recovery files so the next start offers them back.
                KeyCode::Char('q') | KeyCode::Char('c') if key.ctrl => {
                    self.autosave(effects);
                    self.quit = true;
                    None
                }
                KeyCode::Char('y') => {
                    for ed in self
                        .prompt_states()
                        .map(|(_, p)| &p.editor)
                        .filter(|e| e.is_dirty())
                    {
                        effects.push(Effect::ClearRecovery {
                            path: ed.path.as_path().to_path_buf(),
                        });
                    }
                    self.quit = true;
                    None
                }
                KeyCode::Char('s') => {
                    self.save_all(effects);
                    self.quit = true;
                    None
                }
                KeyCode::Esc | KeyCode::Char('n') => None,
                _ => Some(Popup::ConfirmQuit),
            },
            Popup::LineInput {
                purpose,
                mut buffer,
            } => match key.code {
                KeyCode::Esc => None,
                KeyCode::Enter => {
                    self.finish_line_input(purpose, &buffer, effects);
                    None
                }
                KeyCode::Backspace => {
                    buffer.pop();
                    Some(Popup::LineInput { purpose, buffer })
                }
                KeyCode::Char(c) if !key.ctrl => {
                    buffer.push(c);
                    Some(Popup::LineInput { purpose, buffer })
                }
                _ => Some(Popup::LineInput { purpose, buffer }),
            },
            Popup::Variables => self.variables_key(key),
            _ => None,
        };
    }

    fn finish_line_input(&mut self, purpose: LinePurpose, buffer: &str, effects: &mut Vec<Effect>) {
        if let LinePurpose::SaveColumn { col, overwrite } = purpose {
            self.finish_answer_file(col, overwrite, buffer, effects);
            return;
        }
        let ed = self.editor_mut();
        match purpose {
            LinePurpose::Search => {
                if buffer.is_empty() {
                    return;
                }
                let found = ed.start_search(buffer);
                if !found {
                    self.set_status(Level::Warning, format!("'{buffer}' not found"));
                }
            }
            LinePurpose::GotoLine => match buffer.trim().parse::<usize>() {
                Ok(n) if n > 0 => ed.goto_line(n),
                _ => self.set_status(Level::Warning, "type a line number"),
            },
            LinePurpose::SaveColumn { .. } => {}
        }
    }

    /// Keys of the Variables popup: up/down pick, Enter edits/commits,
    /// `t` loads the next test case of the prompt's test file.
    fn variables_key(&mut self, key: KeyPress) -> Option<Popup> {
        if let Some(buf) = self.current.vars.editing.as_mut() {
            match key.code {
                KeyCode::Enter => {
                    let text = std::mem::take(buf);
                    self.current.vars.editing = None;
                    if let Some(e) = self.current.vars.entries.get_mut(self.current.vars.cursor) {
                        e.text = text;
                        e.source = "edited".into();
                    }
                    self.inputs_changed();
                }
                KeyCode::Esc => self.current.vars.editing = None,
                KeyCode::Backspace => {
                    buf.pop();
                }
                KeyCode::Char(c) if !key.ctrl => buf.push(c),
                _ => {}
            }
            return Some(Popup::Variables);
        }
        match key.code {
            KeyCode::Esc | KeyCode::F(3) => return None,
            KeyCode::Up | KeyCode::Char('k') => {
                self.current.vars.cursor = self.current.vars.cursor.saturating_sub(1)
            }
            KeyCode::Down | KeyCode::Char('j')
                if self.current.vars.cursor + 1 < self.current.vars.entries.len() =>
            {
                self.current.vars.cursor += 1;
            }
            KeyCode::Enter => {
                if let Some(e) = self.current.vars.entries.get(self.current.vars.cursor) {
                    self.current.vars.editing = Some(e.text.clone());
                }
            }
            KeyCode::Char('t') => self.load_next_test_case(),
            _ => {}
        }
        Some(Popup::Variables)
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
            return;
        }
        let i = self
            .current
            .vars
            .test_case
            .map(|i| (i + 1) % file.cases.len())
            .unwrap_or(0);
        let case = &file.cases[i];
        let label = case
            .description
            .clone()
            .unwrap_or_else(|| format!("case {}", i + 1));
        let vars = case.vars.clone();
        self.current.vars.load(&vars, &format!("test: {label}"));
        self.current.vars.test_case = Some(i);
        self.inputs_changed();
    }

    pub(super) fn on_click(&mut self, col: u16, row: u16) {
        if self.popup.is_some() {
            return;
        }
        let l = main_layout(Rect::new(0, 0, self.size.0, self.size.1));
        for (rect, pane) in [
            (l.editor, Pane::Editor),
            (l.examples, Pane::Examples),
            (l.models, Pane::Models),
            (l.outputs, Pane::Outputs),
        ] {
            if contains(rect, col, row) {
                self.focus = pane;
                // A click on a list row moves the cursor there.
                let line = row.saturating_sub(rect.y + 1) as usize;
                match pane {
                    Pane::Examples if line < self.current.examples.items.len() => {
                        self.current.examples.cursor = line
                    }
                    Pane::Models if line < self.models.rows.len() => self.models.cursor = line,
                    _ => {}
                }
            }
        }
    }

    pub(super) fn on_scroll(&mut self, col: u16, row: u16, down: bool) {
        let l = main_layout(Rect::new(0, 0, self.size.0, self.size.1));
        if contains(l.outputs, col, row) {
            self.outputs.scroll_by(if down { 3 } else { -3 });
        } else if contains(l.editor, col, row) {
            let ed = self.editor_mut();
            let key = if down {
                ratatui_textarea::Key::MouseScrollDown
            } else {
                ratatui_textarea::Key::MouseScrollUp
            };
            ed.input(ratatui_textarea::Input {
                key,
                ..Default::default()
            });
        }
    }
}

fn scroll_key(scroll: usize, key: KeyPress) -> usize {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => scroll.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => scroll + 1,
        KeyCode::PageUp => scroll.saturating_sub(10),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll + 10,
        KeyCode::Home => 0,
        _ => scroll,
    }
}

/// Our key -> the editing model's input.
fn to_textarea(key: KeyPress) -> ratatui_textarea::Input {
    use ratatui_textarea::Key;
    let k = match key.code {
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::F(n) => Key::F(n),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab | KeyCode::BackTab => Key::Tab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Delete => Key::Delete,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
    };
    ratatui_textarea::Input {
        key: k,
        ctrl: key.ctrl,
        alt: key.alt,
        shift: key.shift,
    }
}

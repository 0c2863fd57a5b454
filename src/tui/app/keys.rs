//! Routing input: popups first, then an in-place field edit, then the
//! keymap for the focused pane, and finally typing into the editor.

use super::{App, Effect, Level, Pane};
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::layout::{contains, main_layout};
use crate::tui::state::models::Field;
use crate::tui::state::popup::{LinePurpose, Popup};
use crate::tui::state::scroll::PopupScroll;
use crate::tui::state::switcher::Switcher;
use ratatui::layout::Rect;

impl App {
    pub(super) fn on_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        if self.popup.is_some() {
            self.popup_key(key, effects);
            return;
        }
        if self.blind.is_some() {
            self.blind_key(key, effects);
            return;
        }
        if self.history_screen.is_some() {
            if !self.history_rating_key(key, effects) {
                self.history_key(key, effects);
            }
            return;
        }
        if self.tests.shown && self.focus == Pane::Outputs {
            self.tests_key(key, effects);
            return;
        }
        if self.convo.picked.is_some() && self.focus == Pane::Outputs {
            self.turn_key(key, effects);
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
            Some(Popup::CaseMenu(m)) => {
                if let Some(ask) = m.asking.as_mut() {
                    ask.buffer.push_str(text.lines().next().unwrap_or(""));
                }
            }
            Some(Popup::Variables) => {
                if let Some(field) = self.current.vars.editing.as_mut() {
                    field.insert_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
                }
            }
            Some(Popup::SwitchPrompt(switcher)) => text
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .for_each(|c| switcher.type_char(c)),
            None if self.history_screen.as_ref().is_some_and(|s| s.typing) => {
                if let Some(s) = self.history_screen.as_mut() {
                    s.search.push_str(text.lines().next().unwrap_or(""));
                }
            }
            None if self.history_screen.is_some() => {}
            None if self.tests.shown && self.tests.typing => {
                self.tests
                    .filter
                    .push_str(text.lines().next().unwrap_or(""));
                self.tests.refresh();
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
        // `q` closes a popup that does not take typing.
        let close = matches!(key.code, KeyCode::Esc)
            || (key.code == KeyCode::Char('q')
                && !matches!(
                    popup,
                    Popup::LineInput { .. } | Popup::Variables | Popup::SwitchPrompt(_)
                ));
        self.popup = match popup {
            Popup::Help { mut scroll } if !close => {
                scroll_key(&mut scroll, key);
                Some(Popup::Help { scroll })
            }
            Popup::Inspector { mut scroll } if !close => {
                scroll_key(&mut scroll, key);
                Some(Popup::Inspector { scroll })
            }
            Popup::TestCell { .. } if key.code == KeyCode::Char('e') => {
                // The cell opened is the one under the Tests cursor.
                self.load_test_case();
                None
            }
            Popup::TestCell {
                case,
                col,
                mut sample,
                mut scroll,
            } if !close => {
                if !self.test_cell_key((case, col, &mut sample), key, effects) {
                    scroll_key(&mut scroll, key);
                }
                // R replaced the cell with the rating's line.
                if self.popup.is_some() {
                    return;
                }
                Some(Popup::TestCell {
                    case,
                    col,
                    sample,
                    scroll,
                })
            }
            Popup::SwitchPrompt(switcher) if !close => self.switcher_key(switcher, key),
            Popup::Versions(p) => self.versions_key(p, key),
            Popup::VariantPicker(p) => self.variant_picker_key(p, key),
            Popup::CaseMenu(m) => self.case_menu_key(m, key, effects),
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
                    // What it finished may open a popup (a rated cell again).
                    self.popup.take()
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

    /// Keys of the prompt switcher: typing filters, Up/Down move the
    /// highlight, Enter opens it.
    fn switcher_key(&mut self, mut s: Switcher, key: KeyPress) -> Option<Popup> {
        let names = self.prompt_names();
        match key.code {
            KeyCode::Enter => {
                let pick = s.selected(&names);
                if let Some(idx) = pick {
                    self.open_prompt(idx);
                    return None;
                }
            }
            KeyCode::Up => s.step(false, s.matches(&names).len()),
            KeyCode::Down => s.step(true, s.matches(&names).len()),
            KeyCode::Backspace => s.backspace(),
            KeyCode::Char(c) if !key.ctrl && !key.alt => s.type_char(c),
            _ => {}
        }
        Some(Popup::SwitchPrompt(s))
    }

    fn finish_line_input(&mut self, purpose: LinePurpose, buffer: &str, effects: &mut Vec<Effect>) {
        if let LinePurpose::SaveColumn { col, overwrite } = purpose {
            self.finish_answer_file(col, overwrite, buffer, effects);
            return;
        }
        if let LinePurpose::Rate { col } = purpose {
            return self.finish_rating(col, buffer, effects);
        }
        if let LinePurpose::RateTest { case, col, sample } = purpose {
            return self.finish_test_rating((case, col, sample), buffer, effects);
        }
        if let LinePurpose::RateHistory { uid } = purpose {
            return self.finish_history_rating(uid, buffer, effects);
        }
        if let LinePurpose::Continue { col } = purpose {
            return self.finish_continue(col, buffer, effects);
        }
        if let LinePurpose::ToolResult { col } = purpose {
            return self.finish_tool_result(col, buffer, effects);
        }
        if let LinePurpose::EditTurn { col, turn } = purpose {
            return self.finish_edit_turn(col, turn, buffer, effects);
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
            LinePurpose::SaveColumn { .. }
            | LinePurpose::Rate { .. }
            | LinePurpose::RateTest { .. }
            | LinePurpose::RateHistory { .. }
            | LinePurpose::Continue { .. }
            | LinePurpose::EditTurn { .. }
            | LinePurpose::ToolResult { .. } => {}
        }
    }

    pub(super) fn on_click(&mut self, col: u16, row: u16) {
        if self.popup.is_some() || self.history_screen.is_some() || self.blind.is_some() {
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
        // The wheel over help or the inspector scrolls it, not what is under.
        if let Some(
            Popup::Help { scroll } | Popup::Inspector { scroll } | Popup::TestCell { scroll, .. },
        ) = &mut self.popup
        {
            scroll.by(if down { 3 } else { -3 });
            return;
        }
        if let Some(s) = self.history_screen.as_mut() {
            match s.opened {
                Some(_) if down => s.scroll += 3,
                Some(_) => s.scroll = s.scroll.saturating_sub(3),
                None => s.step(if down { 3 } else { -3 }),
            }
            return;
        }
        let l = main_layout(Rect::new(0, 0, self.size.0, self.size.1));
        if contains(l.outputs, col, row) && self.tests.shown {
            self.tests.step(if down { 3 } else { -3 }, 0);
        } else if contains(l.outputs, col, row) {
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

/// Keys of a scrolling popup (help, inspector): lines, pages, Home/End,
/// and n/N (or Tab/Shift-Tab) to the next/previous section (model).
fn scroll_key(scroll: &mut PopupScroll, key: KeyPress) {
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => scroll.by(-1),
        KeyCode::Down | KeyCode::Char('j') => scroll.by(1),
        KeyCode::PageUp => scroll.page(false),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll.page(true),
        KeyCode::Home | KeyCode::Char('g') => scroll.top(),
        KeyCode::End | KeyCode::Char('G') => scroll.bottom(),
        KeyCode::Char('n') | KeyCode::Tab => {
            scroll.jump_section(true);
        }
        KeyCode::Char('N') | KeyCode::BackTab => {
            scroll.jump_section(false);
        }
        _ => {}
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

//! The History screen's keys and answers: search as you type, open a call
//! (request and answer), load its prompt version into the editor or re-run
//! it on its model, and trend lines for the highlighted call's prompt.

use super::{App, Effect, Level, Pane};
use crate::tui::action::{Command, KeyCode, KeyPress};
use crate::tui::history_query::{Query, Reply};
use crate::tui::keymap::Context;
use crate::tui::state::history::{HistoryScreen, OpenedCall};

impl App {
    /// F5: shows the History screen (or goes back to the workbench).
    pub(super) fn toggle_history(&mut self, effects: &mut Vec<Effect>) {
        if self.history_screen.take().is_some() {
            return;
        }
        let screen = HistoryScreen {
            seq: 1,
            ..Default::default()
        };
        self.history_screen = Some(Box::new(screen));
        self.ask_history(
            Query::Calls {
                search: String::new(),
                seq: 1,
            },
            effects,
        );
    }

    /// Keys while the History screen shows: its own, then quit, help and
    /// the key that leaves it.
    pub(super) fn history_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let Some(mut s) = self.history_screen.take() else {
            return;
        };
        let page = (self.size.1 / 2).max(1) as isize;
        let plain = !key.ctrl && !key.alt;
        if s.typing {
            match key.code {
                KeyCode::Enter => s.typing = false,
                KeyCode::Esc => {
                    s.typing = false;
                    if !s.search.is_empty() {
                        s.search.clear();
                        self.search_calls(&mut s, effects);
                    }
                }
                KeyCode::Backspace => {
                    s.search.pop();
                    self.search_calls(&mut s, effects);
                }
                KeyCode::Char(c) if plain => {
                    s.search.push(c);
                    self.search_calls(&mut s, effects);
                }
                _ => {}
            }
            self.history_screen = Some(s);
            return;
        }
        if let Some(opened) = s.opened.take() {
            match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Left | KeyCode::Backspace => {
                    s.scroll = 0;
                }
                KeyCode::Char('e') if plain => return self.load_call(&opened),
                KeyCode::Char('r') if plain => return self.rerun_call(&opened, effects),
                code => {
                    match code {
                        KeyCode::Up | KeyCode::Char('k') => s.scroll = s.scroll.saturating_sub(1),
                        KeyCode::Down | KeyCode::Char('j') => s.scroll += 1,
                        KeyCode::PageUp => s.scroll = s.scroll.saturating_sub(page as usize),
                        KeyCode::PageDown | KeyCode::Char(' ') => s.scroll += page as usize,
                        KeyCode::Home | KeyCode::Char('g') => s.scroll = 0,
                        _ => {}
                    }
                    s.opened = Some(opened);
                }
            }
            self.history_screen = Some(s);
            if s_is_unhandled(key) {
                self.history_global(key, effects);
            }
            return;
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') if plain || key.code == KeyCode::Esc => return,
            KeyCode::Up | KeyCode::Char('k') => s.step(-1),
            KeyCode::Down | KeyCode::Char('j') => s.step(1),
            KeyCode::PageUp => s.step(-page),
            KeyCode::PageDown => s.step(page),
            KeyCode::Home | KeyCode::Char('g') => s.cursor = 0,
            KeyCode::End | KeyCode::Char('G') => s.step(isize::MAX / 2),
            KeyCode::Char('/') => s.typing = true,
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('o') => {
                if let Some(c) = s.selected() {
                    let uid = c.uid;
                    s.opening = Some(uid);
                    self.ask_history(Query::Detail { uid }, effects);
                }
            }
            _ => {
                self.history_screen = Some(s);
                return self.history_global(key, effects);
            }
        }
        self.ask_trend(&mut s, effects);
        self.history_screen = Some(s);
    }

    /// Quit, help and the History key itself work on the screen too.
    fn history_global(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        if let Some(cmd) = self.keymap.lookup(Context::Global, key)
            && matches!(cmd, Command::Quit | Command::Help | Command::History)
        {
            self.command(cmd, effects);
        }
    }

    fn search_calls(&mut self, s: &mut HistoryScreen, effects: &mut Vec<Effect>) {
        s.seq += 1;
        s.cursor = 0;
        self.ask_history(
            Query::Calls {
                search: s.search.clone(),
                seq: s.seq,
            },
            effects,
        );
    }

    fn ask_trend(&mut self, s: &mut HistoryScreen, effects: &mut Vec<Effect>) {
        if let Some(prompt) = s.trend_wanted() {
            s.trend_asked = Some(prompt.clone());
            self.ask_history(Query::Trend { prompt }, effects);
        }
    }

    /// Puts the call's prompt version into the editor (an unsaved edit
    /// undo takes back) and goes back to the workbench.
    fn load_call(&mut self, opened: &OpenedCall) {
        let sum = &opened.call.summary;
        let Some(idx) = self
            .session
            .ws
            .prompts
            .iter()
            .position(|p| p.name == sum.prompt)
        else {
            self.history_screen = None;
            let msg = format!("`{}` is no longer a prompt of this workspace", sum.prompt);
            return self.set_status(Level::Warning, msg);
        };
        self.history_screen = None;
        self.open_prompt(idx);
        self.focus = Pane::Editor;
        let short = &sum.version[..sum.version.len().min(8)];
        let msg = if self.editor_mut().replace_all(&opened.source) {
            let undo = self
                .keymap
                .key_for(Context::Editor, Command::Undo)
                .unwrap_or("undo");
            format!(
                "loaded {}@{short} into the editor (unsaved; {undo} takes it back)",
                sum.prompt
            )
        } else {
            format!("the editor already holds {}@{short}", sum.prompt)
        };
        self.set_status(Level::Info, msg);
    }

    /// Loads the call's version and runs it on the call's model (the
    /// variables are the workbench's: calls do not record them).
    fn rerun_call(&mut self, opened: &OpenedCall, effects: &mut Vec<Effect>) {
        self.load_call(opened);
        if self.history_screen.is_some() || self.prompt_name() != opened.call.summary.prompt {
            return;
        }
        let model = &opened.call.model_name;
        if self.models.rows.iter().any(|r| &r.model.name == model) {
            for r in &mut self.models.rows {
                r.checked = &r.model.name == model;
            }
        } else {
            let msg = format!("{model} is not in the Models list: running on the models picked");
            self.set_status(Level::Warning, msg);
        }
        self.focus = Pane::Outputs;
        self.command(Command::Run, effects);
    }

    pub(super) fn on_history_screen_reply(&mut self, reply: Reply, effects: &mut Vec<Effect>) {
        let Some(mut s) = self.history_screen.take() else {
            return;
        };
        match reply {
            Reply::Calls { seq, result } if seq == s.seq => match result {
                Ok(calls) => {
                    s.cursor = s.cursor.min(calls.len().saturating_sub(1));
                    s.calls = Some(calls);
                    self.ask_trend(&mut s, effects);
                }
                Err(e) => {
                    s.calls = Some(Vec::new());
                    self.set_status(Level::Warning, e);
                }
            },
            Reply::Detail { uid, result } if s.opening == Some(uid) => {
                s.opening = None;
                match result {
                    Ok(opened) => {
                        s.opened = Some(opened);
                        s.scroll = 0;
                    }
                    Err(e) => self.set_status(Level::Warning, e),
                }
            }
            Reply::Trend { prompt, result } => match result {
                Ok(t) => s.trend = Some((prompt, t)),
                Err(e) => self.set_status(Level::Warning, e),
            },
            _ => {}
        }
        self.history_screen = Some(s);
    }

    /// The status bar's keys on the History screen.
    pub(super) fn history_hints(&self) -> Vec<(String, &'static str)> {
        let s = self.history_screen.as_deref();
        let mut out: Vec<(String, &'static str)> = match s {
            Some(s) if s.typing => vec![("enter".into(), "done"), ("esc".into(), "clear")],
            Some(s) if s.opened.is_some() => vec![
                ("e".into(), "to editor"),
                ("r".into(), "re-run"),
                (self.rating_keys(), "rate"),
                ("↑↓".into(), "scroll"),
                ("esc".into(), "back"),
            ],
            _ => vec![
                ("/".into(), "search"),
                ("enter".into(), "open"),
                ("↑↓".into(), "move"),
                ("esc".into(), "workbench"),
            ],
        };
        for c in [Command::Help, Command::Quit] {
            if let Some(k) = self.keymap.key_for(Context::Global, c) {
                out.push((k.to_string(), super::short(c)));
            }
        }
        out
    }
}

/// Keys the opened call's view leaves to the global bindings.
fn s_is_unhandled(key: KeyPress) -> bool {
    key.ctrl || matches!(key.code, KeyCode::F(_))
}

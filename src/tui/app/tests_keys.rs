//! The Tests screen's keys: moving over the grid, running, the failing
//! filter, the text filter typed after `/`, the sort, rating the cell
//! under the cursor, and the status bar's hints for all of them.

use super::{App, Effect, Level};
use crate::tui::action::{Command, KeyCode, KeyPress};
use crate::tui::keymap::Context;

impl App {
    /// Keys while Tests is shown in the focused lower pane.
    pub(super) fn tests_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let page = (self.size.1 / 3).max(1) as isize;
        let plain = !key.ctrl && !key.alt;
        if self.tests.typing {
            return self.tests_filter_key(key);
        }
        if let Some(cmd) = self.rating_key(key) {
            return match self.tests.selected() {
                Some((case, col)) => self.rate_test_sample((case, col, 0), cmd, effects),
                None => self.set_status(Level::Warning, "no answer to rate"),
            };
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') if plain => self.tests.step(-1, 0),
            KeyCode::Down | KeyCode::Char('j') if plain => self.tests.step(1, 0),
            KeyCode::Left | KeyCode::Char('h') if plain => self.tests.step(0, -1),
            KeyCode::Right | KeyCode::Char('l') if plain => self.tests.step(0, 1),
            KeyCode::PageUp => self.tests.step(-page, 0),
            KeyCode::PageDown => self.tests.step(page, 0),
            KeyCode::Home | KeyCode::Char('g') if plain => self.tests.row = 0,
            KeyCode::End | KeyCode::Char('G') if plain => self.tests.step(isize::MAX / 2, 0),
            KeyCode::Enter => self.open_test_cell(),
            KeyCode::Char('r') if plain => self.run_tests(false, effects),
            KeyCode::Char('F') if plain => self.run_tests(true, effects),
            KeyCode::Char('f') if plain => {
                self.tests.failing_only = !self.tests.failing_only;
                self.tests.refresh();
            }
            KeyCode::Char('/') if plain => self.tests.typing = true,
            KeyCode::Char('s') if plain => {
                self.tests.sort = self.tests.sort.next();
                self.tests.refresh();
                let msg = format!("tests sorted: {}", self.tests.sort.describe());
                self.set_status(Level::Info, msg);
            }
            KeyCode::Char('e') if plain => self.load_test_case(),
            KeyCode::Char('v') if plain => self.open_variant_picker(effects),
            KeyCode::Char('B') if plain => self.open_blind_suite(),
            KeyCode::Char('n') if plain && !self.tests.suites.is_empty() => {
                if self.tests.running.is_none() {
                    self.tests.suite = (self.tests.suite + 1) % self.tests.suites.len();
                    self.tests.reload();
                }
            }
            KeyCode::Esc if self.tests.running.is_some() => {
                effects.push(Effect::CancelEval);
                self.set_status(Level::Info, "stopping the test run");
            }
            KeyCode::Esc if !self.tests.filter.is_empty() => {
                self.tests.filter.clear();
                self.tests.refresh();
            }
            _ => {
                if let Some(cmd) = self.keymap.lookup(Context::Global, key) {
                    self.command(cmd, effects);
                }
            }
        }
    }

    /// `/` typed: the text filter, applied as it is typed; enter keeps
    /// it, esc clears it.
    fn tests_filter_key(&mut self, key: KeyPress) {
        let s = &mut self.tests;
        match key.code {
            KeyCode::Enter => s.typing = false,
            KeyCode::Esc => {
                s.typing = false;
                s.filter.clear();
            }
            KeyCode::Backspace => {
                s.filter.pop();
            }
            KeyCode::Char(c) if !key.ctrl && !key.alt => s.filter.push(c),
            _ => return,
        }
        s.refresh();
    }

    /// The status bar's keys while Tests has the keys.
    pub(super) fn tests_hints(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        if self.tests.typing {
            return vec![
                ("enter".into(), "keep filter"),
                ("esc".into(), "clear filter"),
            ];
        }
        if self.tests.running.is_some() {
            out.push(("esc".into(), "stop"));
        } else if !self.tests.filter.is_empty() {
            out.push(("esc".into(), "clear filter"));
        }
        out.extend([
            ("r".into(), "run all"),
            ("F".into(), "re-run failing"),
            ("f".into(), "failing only"),
            ("enter".into(), "open"),
            ("e".into(), "to workbench"),
            ("v".into(), "variant B"),
            ("B".into(), "blind"),
            ("/".into(), "filter"),
            ("s".into(), "sort"),
            (self.rating_keys(), "rate"),
        ]);
        if self.tests.suites.len() > 1 {
            out.push(("n".into(), "next suite"));
        }
        for c in [
            Command::Tests,
            Command::FocusNext,
            Command::Help,
            Command::Quit,
        ] {
            if let Some(k) = self.keymap.key_for(Context::Global, c) {
                out.push((
                    k.to_string(),
                    if c == Command::Tests {
                        "outputs"
                    } else {
                        super::short(c)
                    },
                ));
            }
        }
        out
    }
}

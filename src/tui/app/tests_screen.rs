//! The Tests screen's keys and results: the open prompt's suites loaded
//! as `pwb eval` loads them, a run of the suite (or of its failing cases)
//! with the editor's unsaved text, each graded cell as it arrives, a
//! cell opened, and a case loaded into the workbench to debug it.

use super::{App, Effect, Level, Pane};
use crate::eval::matrix::{DotpromptVariant, Variant};
use crate::eval::setup::{self, Prepared, SetupOptions};
use crate::eval::suite::{self, SuitePrompt};
use crate::run::CacheMode;
use crate::tui::action::{Command, KeyCode, KeyPress};
use crate::tui::eval_job::{EvalEvent, EvalJob};
use crate::tui::keymap::Context;
use crate::tui::state::popup::Popup;
use crate::tui::state::test_grid::{Column, SuiteGrid};
use crate::tui::state::vars::LoadedCase;
use std::path::Path;

impl App {
    /// F6: Tests in place of Outputs (loading the open prompt's suites),
    /// or back to Outputs; from another pane while Tests is shown (the
    /// editor after `e`), to Tests, so `f6 F` re-runs the failing cases.
    pub(super) fn toggle_tests(&mut self) {
        if self.tests.shown && self.focus != Pane::Outputs {
            self.focus = Pane::Outputs;
            return;
        }
        if self.tests.shown {
            self.tests.shown = false;
            return;
        }
        if self.tests.prompt != self.prompt_name() && self.tests.running.is_none() {
            self.load_suites();
        }
        self.tests.shown = true;
        self.focus = Pane::Outputs;
    }

    /// The workspace's suites whose prompts include the open prompt, with
    /// their cases, before any run: in the background under the event
    /// loop (the list says "loading…" until `on_suites_loaded`), else now.
    pub(super) fn load_suites(&mut self) {
        let prompt = self.prompt_name().to_string();
        self.tests = crate::tui::state::test_grid::TestsScreen {
            prompt: prompt.clone(),
            ..Default::default()
        };
        if self.suites_in_background {
            let id = self.next_run_id();
            self.tests.loading = Some(id);
            self.suite_load_due = Some(id);
            return;
        }
        let result = load_grids(&self.session.ws.root, &prompt);
        self.show_suites(result);
    }

    /// The background load `id` is done (an older one is ignored).
    pub(super) fn on_suites_loaded(&mut self, id: u64, result: Result<Vec<SuiteGrid>, String>) {
        if self.tests.loading != Some(id) {
            return;
        }
        self.tests.loading = None;
        self.show_suites(result);
    }

    fn show_suites(&mut self, result: Result<Vec<SuiteGrid>, String>) {
        match result {
            Ok(found) if found.is_empty() => {
                let prompt = &self.tests.prompt;
                self.tests.problem = Some(format!(
                    "no suite tests `{prompt}`: add tests/{prompt}.yaml (pwb check checks it)"
                ));
            }
            Ok(found) => self.tests.suites = found,
            Err(e) => self.tests.problem = Some(e),
        }
    }

    /// Loads and prepares the suites of `prompt`, as `pwb eval` would.
    fn prepare_suites(&self, prompt: &str) -> Result<Vec<Prepared>, String> {
        prepare_at(&self.session.ws.root, prompt)
    }

    /// Runs the shown suite: every case, or only those failing now.
    fn run_tests(&mut self, failing: bool, effects: &mut Vec<Effect>) {
        if self.tests.running.is_some() {
            return self.set_status(Level::Warning, "a test run is in progress (esc stops it)");
        }
        if self.tests.loading.is_some() {
            return self.set_status(Level::Info, "the suites are still loading");
        }
        let Some(grid) = self.tests.grid() else {
            return self.set_status(Level::Warning, "no suite to run");
        };
        let path = grid.path.clone();
        let prompt = self.tests.prompt.clone();
        let prepared = match self.prepare_suites(&prompt) {
            Ok(found) => found.into_iter().find(|p| p.suite.path == path),
            Err(e) => return self.set_status(Level::Error, e),
        };
        let Some(mut prepared) = prepared else {
            let msg = format!("{} no longer tests `{prompt}`", self.rel(&path));
            return self.set_status(Level::Warning, msg);
        };
        // The file changed since it was loaded: its grid starts again.
        let fresh = grid_of(&prepared);
        if fresh.cases != grid.cases || fresh.columns != grid.columns {
            let idx = self.tests.suite;
            self.tests.suites[idx] = fresh;
        }
        let grid = &self.tests.suites[self.tests.suite];
        let case_index: Vec<usize> = (0..grid.cases.len())
            .filter(|&c| !failing || grid.is_failing(c))
            .collect();
        if case_index.is_empty() {
            return self.set_status(Level::Info, "no failing case to re-run");
        }
        let all = std::mem::take(&mut prepared.cases);
        prepared.cases = case_index.iter().map(|&i| all[i].clone()).collect();
        let variants = self.variants_of(&prepared);
        let id = self.next_run_id();
        let cache = if self.cache_on {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        };
        if let Some(g) = self.tests.grid_mut() {
            g.begin(&case_index);
        }
        self.tests.running = Some(id);
        let what = if failing { "failing cases" } else { "cases" };
        let calls = case_index.len() * prepared.models.len() * variants.len();
        self.set_status(
            Level::Info,
            format!("testing {} {what}: {calls} call(s)", case_index.len()),
        );
        let ed = self.editor();
        let contexts =
            crate::tui::eval_job::contexts(&prepared, &prompt, &ed.text(), !ed.is_dirty());
        effects.push(Effect::StartEval(Box::new(EvalJob {
            id,
            prepared,
            variants,
            case_index,
            cache,
            history: self.history.clone(),
            contexts,
        })));
    }

    /// The suite's variants; the open prompt's is the editor's text, saved
    /// or not.
    fn variants_of(&self, p: &Prepared) -> Vec<Box<dyn Variant>> {
        let open = self.prompt_name();
        p.suite
            .prompts
            .iter()
            .filter_map(|sp| match sp {
                SuitePrompt::Workspace { name } if name == open => {
                    let v: Box<dyn Variant> = Box::new(DotpromptVariant {
                        name: name.clone(),
                        source: self.editor().text(),
                    });
                    Some(v)
                }
                other => other.variant(&p.session).ok(),
            })
            .collect()
    }

    /// A graded cell, or the end, of a Tests run.
    pub(super) fn on_eval(&mut self, id: u64, event: EvalEvent) {
        if self.tests.running != Some(id) {
            return;
        }
        match event {
            EvalEvent::Cell { case, cell } => {
                if let Some(g) = self.tests.grid_mut() {
                    g.put(case, *cell);
                }
            }
            EvalEvent::Finished { interrupted } => {
                self.tests.running = None;
                let Some(g) = self.tests.grid_mut() else {
                    return;
                };
                g.settle();
                let p = g.progress();
                let (fixed, broken) = g.change_counts();
                let mut text = format!(
                    "tests {}: ✓ {} ✗ {} ! {}",
                    if interrupted { "stopped" } else { "finished" },
                    p.pass,
                    p.fail,
                    p.error
                );
                if !g.previous.is_empty() {
                    text.push_str(&format!(" · fixed {fixed} · broken {broken}"));
                }
                let level = if broken > 0 || p.fail + p.error > 0 {
                    Level::Warning
                } else {
                    Level::Info
                };
                self.set_status(level, text);
            }
        }
    }

    /// Keys while Tests is shown in the focused lower pane.
    pub(super) fn tests_key(&mut self, key: KeyPress, effects: &mut Vec<Effect>) {
        let page = (self.size.1 / 3).max(1) as isize;
        let plain = !key.ctrl && !key.alt;
        match key.code {
            KeyCode::Up | KeyCode::Char('k') if plain => self.tests.step(-1, 0),
            KeyCode::Down | KeyCode::Char('j') if plain => self.tests.step(1, 0),
            KeyCode::Left | KeyCode::Char('h') if plain => self.tests.step(0, -1),
            KeyCode::Right | KeyCode::Char('l') if plain => self.tests.step(0, 1),
            KeyCode::PageUp => self.tests.step(-page, 0),
            KeyCode::PageDown => self.tests.step(page, 0),
            KeyCode::Home | KeyCode::Char('g') if plain => self.tests.row = 0,
            KeyCode::Enter => self.open_test_cell(),
            KeyCode::Char('r') if plain => self.run_tests(false, effects),
            KeyCode::Char('F') if plain => self.run_tests(true, effects),
            KeyCode::Char('f') if plain => {
                self.tests.failing_only = !self.tests.failing_only;
                self.tests.step(0, 0);
            }
            KeyCode::Char('e') if plain => self.load_test_case(),
            KeyCode::Char('n') if plain && !self.tests.suites.is_empty() => {
                if self.tests.running.is_none() {
                    self.tests.suite = (self.tests.suite + 1) % self.tests.suites.len();
                    self.tests.step(0, 0);
                }
            }
            KeyCode::Esc if self.tests.running.is_some() => {
                effects.push(Effect::CancelEval);
                self.set_status(Level::Info, "stopping the test run");
            }
            _ => {
                if let Some(cmd) = self.keymap.lookup(Context::Global, key) {
                    self.command(cmd, effects);
                }
            }
        }
    }

    /// Enter: the cell under the cursor, in full.
    fn open_test_cell(&mut self) {
        match self.tests.selected() {
            Some((case, col))
                if self
                    .tests
                    .grid()
                    .is_some_and(|g| g.result(case, col).is_some()) =>
            {
                self.popup = Some(Popup::TestCell {
                    case,
                    col,
                    scroll: Default::default(),
                });
            }
            Some(_) => self.set_status(Level::Info, "no result in this cell yet: r runs the suite"),
            None => {}
        }
    }

    /// `e`: the case's vars into the Variables and its column's model as
    /// the one checked in Models, the editor focused, ready to fix.
    pub(super) fn load_test_case(&mut self) {
        let Some((case, col)) = self.tests.selected() else {
            return;
        };
        let Some(g) = self.tests.grid() else { return };
        let (vars, total, label) = (g.cases[case].vars.clone(), g.cases.len(), g.row_label(case));
        let model = g.columns[col].model.clone();
        self.current.vars.load(
            &vars,
            LoadedCase {
                index: case,
                total,
                label: label.clone(),
            },
        );
        self.inputs_changed();
        let known = self.models.rows.iter().any(|r| r.model.name == model);
        if known {
            for r in &mut self.models.rows {
                r.checked = r.model.name == model;
            }
        }
        self.focus = Pane::Editor;
        let keys = self.tests_key_name();
        let msg = if known {
            format!(
                "loaded “{label}” on {model}: edit the prompt, then {keys} and F re-runs the failing cases"
            )
        } else {
            format!("loaded “{label}”; {model} is not in the Models list")
        };
        self.set_status(if known { Level::Info } else { Level::Warning }, msg);
    }

    fn tests_key_name(&self) -> String {
        let k = self
            .keymap
            .key_for(Context::Global, Command::Tests)
            .unwrap_or("tests");
        format!("{k} (tests)")
    }

    /// The status bar's keys while Tests has the keys.
    pub(super) fn tests_hints(&self) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        if self.tests.running.is_some() {
            out.push(("esc".into(), "stop"));
        }
        out.extend([
            ("r".into(), "run all"),
            ("F".into(), "re-run failing"),
            ("f".into(), "failing only"),
            ("enter".into(), "open"),
            ("e".into(), "to workbench"),
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

/// The grids of the suites of `prompt` in the workspace at `root`, before
/// any run (files read, `file://` vars and CSV cases loaded: off the UI
/// thread under the event loop).
pub fn load_grids(root: &Path, prompt: &str) -> Result<Vec<SuiteGrid>, String> {
    Ok(prepare_at(root, prompt)?.iter().map(grid_of).collect())
}

/// Loads and prepares the suites of `prompt` in the workspace at `root`,
/// as `pwb eval` would.
fn prepare_at(root: &Path, prompt: &str) -> Result<Vec<Prepared>, String> {
    if !root.join("tests").is_dir() {
        return Ok(Vec::new());
    }
    // `root` may be relative (`pwb sample-workspace`): it is loaded as
    // "." inside it, not as a path under itself.
    let suites = suite::load(Path::new("."), root).map_err(|diags| {
        let first = diags.first().map(|d| d.to_string()).unwrap_or_default();
        format!("the suites have errors (pwb check lists them): {first}")
    })?;
    let mut out = Vec::new();
    for s in suites {
        let tests_it = s
            .prompts
            .iter()
            .any(|p| matches!(p, SuitePrompt::Workspace { name } if name == prompt));
        if !tests_it {
            continue;
        }
        if let Some(p) = setup::prepare(s, &SetupOptions::default(), Ok)? {
            out.push(p);
        }
    }
    Ok(out)
}

/// A prepared suite's grid: its cases, and a column per (prompt, model).
fn grid_of(p: &Prepared) -> SuiteGrid {
    let mut columns = Vec::new();
    for sp in &p.suite.prompts {
        for m in &p.models {
            columns.push(Column {
                prompt: sp.label().to_string(),
                model: m.model.name.clone(),
            });
        }
    }
    SuiteGrid {
        name: p.suite.name.clone(),
        path: p.suite.path.clone(),
        cases: p.cases.clone(),
        columns,
        ..Default::default()
    }
}

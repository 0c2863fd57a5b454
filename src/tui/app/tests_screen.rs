//! The Tests screen's runs and results: the open prompt's suites loaded
//! as `pwb eval` loads them, a run of the suite (or of its failing cases)
//! with the editor's unsaved text, each graded cell as it arrives, a
//! cell opened, and a case loaded into the workbench to debug it (its
//! keys are in tests_keys.rs).

use super::{App, Effect, Level, Pane};
use crate::eval::matrix::{DotpromptVariant, Variant};
use crate::eval::setup::{self, Prepared, SetupOptions};
use crate::eval::suite::{self, SuitePrompt};
use crate::run::CacheMode;
use crate::tui::action::Command;
use crate::tui::eval_job::{EvalEvent, EvalJob};
use crate::tui::keymap::Context;
use crate::tui::state::popup::Popup;
use crate::tui::state::test_grid::{Column, SuiteGrid, TestsScreen};
use crate::tui::state::variants::{VariantB, with_variant};
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
        self.tests = TestsScreen::of_prompt(prompt.clone());
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
        self.tests.reload();
    }

    /// Loads and prepares the suites of `prompt`, as `pwb eval` would.
    fn prepare_suites(&self, prompt: &str) -> Result<Vec<Prepared>, String> {
        prepare_at(&self.session.ws.root, prompt)
    }

    /// Runs the shown suite: every case, or only those failing now.
    pub(super) fn run_tests(&mut self, failing: bool, effects: &mut Vec<Effect>) {
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
        let fresh = grid_of(&prepared, &prompt, self.tests.variant.as_ref());
        if fresh.cases != grid.cases || fresh.columns != grid.columns {
            let idx = self.tests.suite;
            self.tests.suites[idx] = fresh;
            self.tests.reload();
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
        let repeats = self.models.repeats.max(1);
        if let Some(g) = self.tests.grid_mut() {
            g.begin(&case_index, repeats as usize);
        }
        self.tests.refresh();
        self.tests.running = Some(id);
        let what = if failing { "failing cases" } else { "cases" };
        let calls = case_index.len() * prepared.models.len() * variants.len() * repeats as usize;
        let times = if repeats > 1 {
            format!(" × {repeats} samples")
        } else {
            String::new()
        };
        self.set_status(
            Level::Info,
            format!(
                "testing {} {what}{times}: {calls} call(s)",
                case_index.len()
            ),
        );
        let ed = self.editor();
        let mut contexts =
            crate::tui::eval_job::contexts(&prepared, &prompt, &ed.text(), !ed.is_dirty());
        // Variant B, last of the variants, is recorded as a version of its
        // prompt (`greet@1a2b` is a version of greet).
        if let Some(b) = self
            .tests
            .variant
            .as_ref()
            .filter(|_| variants.len() > contexts.len())
        {
            let name = b.label.split('@').next().unwrap_or(&b.label);
            let recorded = crate::session::record::PromptText::of(
                &prepared.session,
                name,
                &b.source,
                !b.label.contains('@'),
                Vec::new(),
            );
            contexts.push(crate::session::record::RunContext {
                face: crate::session::record::Face::Tui,
                workspace: prepared.session.ws.root.clone(),
                prompt: std::sync::Arc::new(recorded),
            });
        }
        effects.push(Effect::StartEval(Box::new(EvalJob {
            id,
            prepared,
            variants,
            case_index,
            cache,
            repeats,
            history: self.history.clone(),
            contexts,
        })));
    }

    /// The suite's variants; the open prompt's is the editor's text, saved
    /// or not.
    fn variants_of(&self, p: &Prepared) -> Vec<Box<dyn Variant>> {
        let open = self.prompt_name();
        let mut out: Vec<Box<dyn Variant>> = p
            .suite
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
            .collect();
        out.extend(self.variant_b(&out));
        out
    }

    /// A graded cell, or the end, of a Tests run.
    pub(super) fn on_eval(&mut self, id: u64, event: EvalEvent) {
        if self.tests.running != Some(id) {
            return;
        }
        match event {
            EvalEvent::Cell { case, cell } => self.tests.put(case, *cell),
            EvalEvent::Finished { interrupted } => {
                self.tests.running = None;
                self.refresh_paired();
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
                self.tests.refresh();
                self.set_status(level, text);
            }
        }
    }

    /// Enter: the cell under the cursor, in full.
    pub(super) fn open_test_cell(&mut self) {
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
                    sample: 0,
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
        let saved_turns = self.current.vars.load(
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
        if let Err(why) = saved_turns {
            self.set_status(Level::Warning, format!("{why} (sent as a variable)"));
        }
    }

    fn tests_key_name(&self) -> String {
        let k = self
            .keymap
            .key_for(Context::Global, Command::Tests)
            .unwrap_or("tests");
        format!("{k} (tests)")
    }
}

/// The grids of the suites of `prompt` in the workspace at `root`, before
/// any run (files read, `file://` vars and CSV cases loaded: off the UI
/// thread under the event loop).
pub fn load_grids(root: &Path, prompt: &str) -> Result<Vec<SuiteGrid>, String> {
    Ok(prepare_at(root, prompt)?
        .iter()
        .map(|p| grid_of(p, prompt, None))
        .collect())
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
fn grid_of(p: &Prepared, open: &str, b: Option<&VariantB>) -> SuiteGrid {
    let mut columns = Vec::new();
    for sp in &p.suite.prompts {
        for m in &p.models {
            columns.push(Column {
                prompt: sp.label().to_string(),
                model: m.model.name.clone(),
            });
        }
    }
    SuiteGrid::new(
        p.suite.name.clone(),
        p.suite.path.clone(),
        p.cases.clone(),
        with_variant(columns, open, b),
    )
}

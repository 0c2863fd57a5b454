//! `App`: all TUI state and the one place it changes. `update` takes an
//! `Action` and returns `Effect`s (start a run, save a file) for the event
//! loop to carry out; results come back as actions.

mod add_case;
mod blind;
mod commands;
mod conversation;
mod export;
mod history;
mod history_screen;
mod keys;
mod preflight;
mod render;
mod saved_turns;
mod tests_cell;
mod tests_keys;
mod tests_screen;
mod tools;
mod turns;
mod variants;
mod vars;
mod versions;

pub use add_case::add_case;
pub use export::{WriteOutcome, write_answer};
pub use tests_screen::load_grids;

use super::action::{Action, Command};
use super::editor::EditorState;
use super::highlight::Highlighter;
use super::keymap::{Context, Keymap};
use super::state::examples::{ExampleItem, ExamplePicker};
use super::state::models::{ModelPicker, ModelRow};
use super::state::outputs::Outputs;
use super::state::popup::Popup;
use super::state::vars::Variables;
use super::theme::Theme;
use crate::prompt::{self, RenderedPrompt};
use crate::run::event::RunId;
use crate::run::{CacheMode, PlannedCell};
use crate::session::Session;
use crate::session::context::ContextCut;
use crate::types::GenParams;
use crate::workspace::Workspace;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Editor,
    Examples,
    Models,
    Outputs,
}

impl Pane {
    pub const ORDER: [Pane; 4] = [Pane::Editor, Pane::Examples, Pane::Models, Pane::Outputs];

    pub fn context(self) -> Context {
        match self {
            Pane::Editor => Context::Editor,
            Pane::Examples | Pane::Models => Context::List,
            Pane::Outputs => Context::Outputs,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Editor => "Prompt",
            Pane::Examples => "Examples",
            Pane::Models => "Models",
            Pane::Outputs => "Outputs",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusMsg {
    pub level: Level,
    pub text: String,
    /// The message is about the prompt not rendering: it goes once the
    /// prompt renders again, so the bar never reports a fixed problem.
    pub until_renders: bool,
}

/// Work for the event loop; its outcome comes back as an `Action`.
#[derive(Debug)]
pub enum Effect {
    StartRun {
        run: RunId,
        cells: Vec<PlannedCell>,
        cache: CacheMode,
    },
    CancelRun,
    /// Start `cells` as run `run` beside the run in flight (sharing its
    /// cancel): a conversation's next step.
    JoinRun {
        run: RunId,
        cells: Vec<PlannedCell>,
        cache: CacheMode,
    },
    Save {
        path: PathBuf,
        text: String,
    },
    WriteRecovery {
        path: PathBuf,
        text: String,
    },
    ClearRecovery {
        path: PathBuf,
    },
    /// Put text on the system clipboard (OSC 52).
    Clipboard(String),
    /// Ask the history store (off the UI thread: `history_query::carry_out`);
    /// the answer comes back as `Action::History`.
    History {
        source: crate::tui::history_query::HistorySource,
        query: crate::tui::history_query::Query,
    },
    /// Write column `col`'s answer to a file (`write_answer`); the result
    /// comes back as `Action::AnswerWritten`.
    WriteAnswer {
        col: usize,
        path: PathBuf,
        text: String,
        overwrite: bool,
    },
    /// Append a case to a suite file (`workspace::append_case`); the
    /// result comes back as `Action::CaseAdded`.
    AddCase {
        path: PathBuf,
        case: crate::workspace::append_case::NewCase,
    },
    /// Run a suite for the Tests screen (`eval_job::run`); its cells come
    /// back as `Action::Eval`.
    StartEval(Box<crate::tui::eval_job::EvalJob>),
    /// Stop the Tests run in progress.
    CancelEval,
    /// Load the suites of `prompt` (`tests_screen::load_grids`); they
    /// come back as `Action::SuitesLoaded`.
    LoadSuites {
        id: u64,
        root: PathBuf,
        prompt: String,
    },
}

/// The result of the last render of the current prompt.
#[derive(Debug, Clone)]
pub enum RenderState {
    Ok(Box<RenderedPrompt>),
    Err(prompt::PromptError),
}

/// What the user set up for one prompt: its editor, picked examples and
/// variables. Kept when switching to another prompt and back.
pub struct PromptState {
    pub editor: EditorState,
    pub examples: ExamplePicker,
    pub vars: Variables,
}

pub struct App {
    /// The workspace, its renderer and catalog: how every run is built.
    pub session: Session,
    pub prompt_idx: usize,
    /// The open prompt's editor, examples and variables.
    pub current: PromptState,
    /// Prompts visited before, by index, waiting to be switched back to.
    parked: HashMap<usize, PromptState>,
    pub models: ModelPicker,
    pub outputs: Outputs,
    /// Conversations continued in the Outputs columns.
    pub convo: super::state::conversation::Conversations,
    pub focus: Pane,
    pub popup: Option<Popup>,
    pub status: Option<StatusMsg>,
    pub rendered: RenderState,
    pub keymap: Keymap,
    pub theme: Theme,
    pub quit: bool,
    pub size: (u16, u16),
    /// Syntax highlighting cache of the editor view.
    pub hl: Highlighter,
    /// Runs read and write the response cache (ctrl-k; off by default).
    pub cache_on: bool,
    next_run: RunId,
    /// (prompt, editor version, inputs version) of `rendered`.
    render_key: (usize, u64, u64),
    /// How long the last render took, and when a deferred one is due.
    last_render_cost: std::time::Duration,
    render_due: Option<std::time::Instant>,
    inputs_version: u64,
    /// Editor version last written to the recovery file, per prompt.
    autosaved: HashMap<usize, u64>,
    /// Records every call of every run (`None`: history is off).
    pub history: Option<std::sync::Arc<crate::store::HistoryWriter>>,
    /// The History screen, when it is shown instead of the workbench.
    pub history_screen: Option<Box<super::state::history::HistoryScreen>>,
    /// The blind pairwise screen, when shown.
    pub blind: Option<Box<super::state::blind::BlindScreen>>,
    /// The Tests screen (F6): suites of the open prompt as a grid.
    pub tests: super::state::test_grid::TestsScreen,
    /// Draws the blind order (seeded in tests).
    pub rng: fastrand::Rng,
    /// Tokens, cost and window fit of the next run (`refresh_preflight`).
    pub preflight: super::state::preflight::PreflightState,
    /// Suites load off the UI thread (`Effect::LoadSuites`), as under the
    /// event loop; else at once (`App::new`'s default).
    pub suites_in_background: bool,
    /// A background load of the suites asked for, not yet an effect.
    suite_load_due: Option<u64>,
}

impl App {
    pub fn new(ws: Workspace, keymap: Keymap, theme: Theme) -> App {
        let session = Session::new(ws);
        let mut rows: Vec<ModelRow> = session.models().into_iter().map(ModelRow::new).collect();
        if !rows.iter().any(|r| r.checked)
            && let Some(first) = rows.first_mut()
        {
            first.checked = true;
        }
        let prompt_idx = session
            .ws
            .first_prompt()
            .and_then(|p| session.ws.prompts.iter().position(|q| q.name == p.name))
            .unwrap_or(0);
        let current = new_prompt_state(&session, prompt_idx);
        let partial_error = session.partial_problems.first().map(|e| e.report());
        let mut app = App {
            session,
            prompt_idx,
            current,
            parked: HashMap::new(),
            models: ModelPicker {
                rows,
                ..Default::default()
            },
            outputs: Outputs::default(),
            convo: Default::default(),
            focus: Pane::Editor,
            popup: None,
            status: None,
            rendered: RenderState::Err(prompt::PromptError::new(
                prompt::PromptErrorKind::Render,
                1,
                1,
                "not rendered yet",
                "",
            )),
            keymap,
            theme,
            quit: false,
            size: (80, 24),
            hl: Highlighter::new(),
            cache_on: false,
            next_run: 1,
            render_key: (usize::MAX, 0, 0),
            last_render_cost: std::time::Duration::ZERO,
            render_due: None,
            inputs_version: 0,
            autosaved: HashMap::new(),
            history: None,
            history_screen: None,
            blind: None,
            tests: Default::default(),
            rng: fastrand::Rng::new(),
            preflight: Default::default(),
            suites_in_background: false,
            suite_load_due: None,
        };
        app.refresh_render();
        app.refresh_preflight();
        if let Some(e) = partial_error {
            app.set_status(Level::Warning, format!("partial skipped: {e}"));
        }
        app
    }

    /// The open prompt's editor.
    pub fn editor(&self) -> &EditorState {
        &self.current.editor
    }

    pub fn editor_mut(&mut self) -> &mut EditorState {
        &mut self.current.editor
    }

    /// The state of prompt `idx`, open or parked (`None` if never opened).
    pub fn prompt_state(&self, idx: usize) -> Option<&PromptState> {
        if idx == self.prompt_idx {
            Some(&self.current)
        } else {
            self.parked.get(&idx)
        }
    }

    /// Every prompt opened so far, with its index.
    pub fn prompt_states(&self) -> impl Iterator<Item = (usize, &PromptState)> {
        std::iter::once((self.prompt_idx, &self.current))
            .chain(self.parked.iter().map(|(i, p)| (*i, p)))
    }

    /// The workspace's prompt names, in order.
    pub fn prompt_names(&self) -> Vec<&str> {
        self.session
            .ws
            .prompts
            .iter()
            .map(|p| p.name.as_str())
            .collect()
    }

    pub fn prompt_name(&self) -> &str {
        self.session
            .ws
            .prompts
            .get(self.prompt_idx)
            .map(|p| p.name.as_str())
            .unwrap_or("untitled")
    }

    /// Opens (or returns to) a prompt: its editor, examples and variables
    /// are as the user left them.
    pub fn open_prompt(&mut self, idx: usize) {
        if idx == self.prompt_idx {
            return;
        }
        let next = self
            .parked
            .remove(&idx)
            .unwrap_or_else(|| new_prompt_state(&self.session, idx));
        let prev = std::mem::replace(&mut self.current, next);
        self.parked.insert(self.prompt_idx, prev);
        self.prompt_idx = idx;
        self.refresh_render();
        // Tests follow the open prompt (a run in progress keeps its grid).
        if self.tests.shown && self.tests.running.is_none() {
            self.load_suites();
            self.tests.shown = true;
        }
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusMsg {
            level,
            text: text.into(),
            until_renders: false,
        });
    }

    /// A status that lasts while the prompt does not render.
    pub fn set_render_status(&mut self, text: impl Into<String>) {
        self.status = Some(StatusMsg {
            level: Level::Error,
            text: text.into(),
            until_renders: true,
        });
    }

    /// Replaces "running …" in the status bar with how the run ended.
    fn run_finished(&mut self) {
        self.note_outputs();
        let tally = self.outputs.results.tally();
        let (done, failed, cancelled) = (tally.done, tally.failed, tally.cancelled);
        let mut text = format!("run finished: {done} answer(s)");
        if failed > 0 {
            text.push_str(&format!(", {failed} failed (reason in the column)"));
        }
        if cancelled > 0 {
            text.push_str(&format!(", {cancelled} cancelled"));
        }
        // Keep the warning the run started with ("running with unset …").
        let warned = self
            .status
            .as_ref()
            .and_then(|s| s.text.strip_prefix("running with "));
        if let Some(rest) = warned {
            text = format!("{text}, ran with {rest}");
        }
        let level = if failed > 0 || warned.is_some() {
            Level::Warning
        } else {
            Level::Info
        };
        self.set_status(level, text);
    }

    pub fn is_dirty(&self) -> bool {
        self.prompt_states().any(|(_, p)| p.editor.is_dirty())
    }

    /// Marks template inputs (variables, examples) changed.
    fn inputs_changed(&mut self) {
        self.inputs_version += 1;
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let mut effects = Vec::new();
        match action {
            Action::Key(key) => self.on_key(key, &mut effects),
            Action::Paste(text) => self.on_paste(text),
            Action::Command(cmd) => self.command(cmd, &mut effects),
            Action::Click { col, row } => self.on_click(col, row),
            Action::Scroll { col, row, down } => self.on_scroll(col, row, down),
            Action::Resize { width, height } => self.size = (width, height),
            Action::Run(ev) if self.convo.owns(ev.run()) => {
                self.on_conversation_event(ev, &mut effects)
            }
            Action::Run(ev) => {
                let (terminal, cell) = (ev.is_terminal(), ev.cell());
                if self.outputs.apply(ev) && terminal {
                    self.main_cell_settled(cell);
                    if !self.outputs.is_running() {
                        self.run_finished();
                    }
                }
            }
            Action::Tick => {
                self.autosave(&mut effects);
                self.poll_history();
            }
            Action::RenderDue => {
                self.refresh_render();
                // Typing paused: a deferred preflight is due too.
                self.preflight.due = Some(std::time::Instant::now());
            }
            Action::Saved { path, error } => self.on_saved(path, error, &mut effects),
            Action::History(reply) => self.on_history(reply, &mut effects),
            Action::AnswerWritten { col, path, outcome } => {
                self.on_answer_written(col, path, outcome)
            }
            Action::CaseAdded { path, result } => self.on_case_added(path, result),
            Action::Eval { id, event } => self.on_eval(id, event),
            Action::SuitesLoaded { id, result } => self.on_suites_loaded(id, result),
        }
        if let Some(id) = self.suite_load_due.take() {
            effects.push(Effect::LoadSuites {
                id,
                root: self.session.ws.root.clone(),
                prompt: self.tests.prompt.clone(),
            });
        }
        self.refresh_render_soon();
        self.refresh_preflight();
        self.outputs.refresh_diffs(std::time::Instant::now());
        effects
    }

    fn on_saved(&mut self, path: PathBuf, error: Option<String>, effects: &mut Vec<Effect>) {
        match error {
            None => {
                let mut found = None;
                let idx = self.prompt_idx;
                let states = std::iter::once((idx, &mut self.current))
                    .chain(self.parked.iter_mut().map(|(i, p)| (*i, p)));
                for (idx, p) in states {
                    if p.editor.path.as_path() == path.as_path() {
                        let text = p.editor.text();
                        p.editor.mark_saved();
                        found = Some((idx, text));
                    }
                }
                if let Some((idx, text)) = found
                    && let Some(p) = self.session.ws.prompts.get_mut(idx)
                {
                    p.source = text;
                }
                self.set_status(Level::Info, format!("saved {}", self.rel(&path)));
                effects.push(Effect::ClearRecovery { path });
            }
            Some(e) => self.set_status(
                Level::Error,
                format!(
                    "could not save {}: {e} (your edits are kept)",
                    self.rel(&path)
                ),
            ),
        }
    }

    /// A path relative to the workspace root, for messages.
    pub fn rel(&self, path: &std::path::Path) -> String {
        path.strip_prefix(&self.session.ws.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Writes recovery files for editors changed since the last autosave.
    pub(super) fn autosave(&mut self, effects: &mut Vec<Effect>) {
        let mut written = Vec::new();
        for (idx, p) in self.prompt_states() {
            let ed = &p.editor;
            let last = self.autosaved.get(&idx).copied().unwrap_or(0);
            if ed.is_dirty() && ed.version() != last {
                effects.push(Effect::WriteRecovery {
                    path: ed.path.as_path().to_path_buf(),
                    text: ed.text(),
                });
                written.push((idx, ed.version()));
            }
        }
        self.autosaved.extend(written);
    }

    /// Offers a recovered text for a prompt (called at start-up by the loop
    /// when a recovery file differs from the file on disk).
    pub fn offer_recovery(&mut self, prompt: usize, text: String) {
        self.popup = Some(Popup::Recovery { prompt, text });
    }

    /// The rendered prompt, when the current text renders.
    pub fn rendered_prompt(&self) -> Option<&RenderedPrompt> {
        match &self.rendered {
            RenderState::Ok(r) => Some(r),
            RenderState::Err(_) => None,
        }
    }

    /// The parameters a model row's calls are sent with (before a sweep).
    pub fn effective_params(&self, row: &ModelRow) -> GenParams {
        let pick = crate::session::ModelPick {
            model: row.model.clone(),
            overrides: row.overrides.clone(),
            sweep: Vec::new(),
        };
        self.session.params_for(self.rendered_prompt(), &pick)
    }

    /// The cells a run would send now: used by Run and by the inspector.
    pub fn planned_cells(&self) -> Result<Vec<PlannedCell>, String> {
        Ok(self.planned_fitted()?.0)
    }

    /// `planned_cells`, with what the `context:` policy cut for each
    /// column (`None`: nothing).
    pub fn planned_fitted(&self) -> Result<(Vec<PlannedCell>, Vec<Option<ContextCut>>), String> {
        let r = match &self.rendered {
            RenderState::Ok(r) => r,
            RenderState::Err(e) => return Err(format!("the prompt does not render: {e}")),
        };
        let (cells, cuts) = self
            .session
            .plan_fitted(r, &self.models.picks(), self.models.repeats);
        let cuts = cells
            .iter()
            .map(|c| cuts.get(c.slot.model).cloned().flatten())
            .collect();
        Ok((cells, cuts))
    }

    fn next_run_id(&mut self) -> RunId {
        let id = self.next_run;
        self.next_run += 1;
        id
    }

    pub fn focus_next(&mut self, forward: bool) {
        let i = Pane::ORDER
            .iter()
            .position(|p| *p == self.focus)
            .unwrap_or(0);
        let n = Pane::ORDER.len();
        self.focus = Pane::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }

    /// Key hints for the status bar: the commands that work in the focused
    /// pane, with their keys from the keymap.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        if self.history_screen.is_some() {
            return self.history_hints();
        }
        if self.focus == Pane::Outputs && self.tests.shown {
            return self.tests_hints();
        }
        let ctx = self.focus.context();
        let cmds: &[Command] = match self.focus {
            Pane::Editor => &[
                Command::Run,
                Command::Save,
                Command::Variables,
                Command::Inspector,
                Command::Versions,
            ],
            Pane::Examples => &[Command::Toggle, Command::MoveUp, Command::Run],
            Pane::Models => &[
                Command::Toggle,
                Command::EditTemperature,
                Command::EditSweep,
                Command::MoreSamples,
                Command::FewerSamples,
                Command::Run,
            ],
            Pane::Outputs => &[
                Command::ColumnNext,
                Command::CycleDiff,
                Command::SetReference,
                Command::Rate,
                Command::Blind,
                Command::Run,
            ],
        };
        let mut out: Vec<(String, &'static str)> = cmds
            .iter()
            .filter_map(|c| Some((self.keymap.key_for(ctx, *c)?.to_string(), short(*c))))
            .collect();
        if self.outputs.is_running()
            && let Some(k) = self.keymap.key_for(ctx, Command::Cancel)
        {
            out.insert(0, (k.to_string(), "cancel"));
        }
        for c in [
            Command::History,
            Command::Tests,
            Command::SwitchPrompt,
            Command::FocusNext,
            Command::Help,
            Command::Quit,
        ] {
            if let Some(k) = self.keymap.key_for(ctx, c) {
                out.push((k.to_string(), short(c)));
            }
        }
        out
    }
}

/// A prompt opened for the first time: its text as on disk (an empty
/// scratch buffer at `prompts/untitled.prompt` in a workspace without
/// prompts), its own examples, no variables set yet.
fn new_prompt_state(session: &Session, idx: usize) -> PromptState {
    let (editor, name) = match session.ws.prompts.get(idx) {
        Some(p) => (EditorState::new(p.path.clone(), &p.source), p.name.as_str()),
        None => (
            EditorState::new(session.ws.root.join("prompts").join("untitled.prompt"), ""),
            "untitled",
        ),
    };
    let items = session
        .examples(name)
        .iter()
        .map(|e| ExampleItem::new(name.to_string(), e.clone()))
        .collect();
    PromptState {
        editor,
        examples: ExamplePicker::new(items),
        vars: Variables::default(),
    }
}

fn short(c: Command) -> &'static str {
    match c {
        Command::Run => "run",
        Command::Save => "save",
        Command::Variables => "vars",
        Command::Inspector => "inspect",
        Command::Toggle => "pick",
        Command::MoveUp => "reorder",
        Command::EditTemperature => "temp",
        Command::EditMaxTokens => "max tok",
        Command::ColumnNext => "column",
        Command::CycleDiff => "diff",
        Command::SetReference => "reference",
        Command::TogglePretty => "pretty",
        Command::Zoom => "zoom",
        Command::ToggleWrap => "wrap",
        Command::CopyColumn => "copy",
        Command::SaveColumn => "to file",
        Command::MoreSamples => "samples+",
        Command::FewerSamples => "samples-",
        Command::EditSweep => "sweep",
        Command::ToggleSync => "sync scroll",
        Command::PageDown => "scroll",
        Command::SwitchPrompt => "prompts",
        Command::Versions => "versions",
        Command::History => "history",
        Command::Rate => "rate",
        Command::Blind => "blind",
        Command::Tests => "tests",
        Command::Continue => "next turn",
        Command::PickTurn => "turns",
        Command::FocusNext => "pane",
        Command::Help => "help",
        Command::Quit => "quit",
        other => other.describe(),
    }
}

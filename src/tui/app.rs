//! `App`: all TUI state and the one place it changes. `update` takes an
//! `Action` and returns `Effect`s (start a run, save a file) for the event
//! loop to carry out; results come back as actions.

mod commands;
mod export;
mod keys;
mod render;

pub use export::{WriteOutcome, write_answer};

use super::action::{Action, Command};
use super::editor::EditorState;
use super::highlight::Highlighter;
use super::keymap::{Context, Keymap};
use super::state::examples::{ExampleItem, ExamplePicker};
use super::state::models::{ModelPicker, ModelRow};
use super::state::outputs::{CellStatus, Outputs};
use super::state::popup::Popup;
use super::state::vars::Variables;
use super::theme::Theme;
use crate::prompt::{self, RenderedPrompt};
use crate::provider::{Endpoint, GenParams};
use crate::run::event::RunId;
use crate::run::{CacheMode, PlannedCell};
use crate::usage::Catalog;
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
    /// Write column `col`'s answer to a file (`write_answer`); the result
    /// comes back as `Action::AnswerWritten`.
    WriteAnswer {
        col: usize,
        path: PathBuf,
        text: String,
        overwrite: bool,
    },
}

/// The result of the last render of the current prompt.
#[derive(Debug, Clone)]
pub enum RenderState {
    Ok(Box<RenderedPrompt>),
    Err(prompt::PromptError),
}

pub struct App {
    pub ws: Workspace,
    pub prompt_idx: usize,
    /// One editor per prompt, opened on first visit, so switching prompts
    /// never loses edits.
    pub editors: HashMap<usize, EditorState>,
    pub examples: ExamplePicker,
    pub models: ModelPicker,
    pub vars: Variables,
    pub outputs: Outputs,
    pub focus: Pane,
    pub popup: Option<Popup>,
    pub status: Option<StatusMsg>,
    pub rendered: RenderState,
    pub keymap: Keymap,
    pub theme: Theme,
    pub quit: bool,
    pub size: (u16, u16),
    /// Handlebars with the workspace's partials, built once.
    pub renderer: prompt::Renderer,
    /// Syntax highlighting cache of the editor view.
    pub hl: Highlighter,
    /// Workspace defaults as generation parameters.
    pub defaults: GenParams,
    /// Context windows and prices (built-in + `[pricing]` of pwb.toml).
    pub catalog: Catalog,
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
}

impl App {
    pub fn new(ws: Workspace, keymap: Keymap, theme: Theme) -> App {
        let (renderer, partial_errors) = prompt::partials::load_renderer(&ws.root);

        let mut rows: Vec<ModelRow> = ws
            .config
            .models
            .iter()
            .map(|m| ModelRow {
                id: m.id.clone(),
                label: m.label.clone(),
                endpoint: Endpoint {
                    id: m.id.clone(),
                    base_url: m.base_url.clone(),
                    api_key_env: m.api_key_env.clone(),
                    api_key: m.api_key.clone(),
                },
                checked: m.selected,
                params: GenParams {
                    temperature: m.temperature,
                    max_tokens: m.max_tokens,
                    top_p: m.top_p,
                    ..Default::default()
                },
                sweep: Vec::new(),
            })
            .collect();
        if !rows.iter().any(|r| r.checked)
            && let Some(first) = rows.first_mut()
        {
            first.checked = true;
        }
        let defaults = GenParams {
            temperature: ws.config.defaults.temperature,
            max_tokens: ws.config.defaults.max_tokens,
            ..Default::default()
        };
        let prompt_idx = ws
            .config
            .defaults
            .prompt
            .as_ref()
            .and_then(|name| ws.prompts.iter().position(|p| &p.name == name))
            .unwrap_or(0);
        let catalog = Catalog::with_overrides(&ws.config.pricing);
        let mut app = App {
            ws,
            prompt_idx,
            editors: HashMap::new(),
            examples: ExamplePicker::default(),
            models: ModelPicker {
                rows,
                ..Default::default()
            },
            vars: Variables::default(),
            outputs: Outputs::default(),
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
            renderer,
            hl: Highlighter::new(),
            defaults,
            catalog,
            cache_on: false,
            next_run: 1,
            render_key: (usize::MAX, 0, 0),
            last_render_cost: std::time::Duration::ZERO,
            render_due: None,
            inputs_version: 0,
            autosaved: HashMap::new(),
        };
        app.open_prompt(prompt_idx);
        if let Some(e) = partial_errors.first() {
            app.set_status(Level::Warning, format!("partial skipped: {}", e.report()));
        }
        app
    }

    /// The editor of the current prompt (a workspace without prompts gets
    /// an empty scratch buffer at `prompts/untitled.prompt`).
    pub fn editor(&self) -> Option<&EditorState> {
        self.editors.get(&self.prompt_idx)
    }

    pub fn editor_mut(&mut self) -> Option<&mut EditorState> {
        self.editors.get_mut(&self.prompt_idx)
    }

    pub fn prompt_name(&self) -> &str {
        self.ws
            .prompts
            .get(self.prompt_idx)
            .map(|p| p.name.as_str())
            .unwrap_or("untitled")
    }

    /// Opens (or returns to) a prompt's editor.
    pub fn open_prompt(&mut self, idx: usize) {
        if let Some(p) = self.ws.prompts.get(idx) {
            let (path, source) = (p.path.clone(), p.source.clone());
            self.editors
                .entry(idx)
                .or_insert_with(|| EditorState::new(path, &source));
        } else {
            let path = self.ws.root.join("prompts").join("untitled.prompt");
            self.editors
                .entry(idx)
                .or_insert_with(|| EditorState::new(path, ""));
        }
        self.prompt_idx = idx;
        self.vars = Variables::default();
        self.examples = ExamplePicker::new(example_items(&self.ws, self.prompt_name()));
        self.refresh_render();
    }

    pub fn set_status(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(StatusMsg {
            level,
            text: text.into(),
        });
    }

    /// Replaces "running …" in the status bar with how the run ended.
    fn run_finished(&mut self) {
        let count = |f: fn(&CellStatus) -> bool| {
            self.outputs.columns.iter().filter(|c| f(&c.status)).count()
        };
        let done = count(|s| matches!(s, CellStatus::Done));
        let failed = count(|s| matches!(s, CellStatus::Failed(_)));
        let cancelled = count(|s| matches!(s, CellStatus::Cancelled));
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
        self.editors.values().any(|e| e.is_dirty())
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
            Action::Run(ev) => {
                let terminal = ev.is_terminal();
                if self.outputs.apply(ev) && terminal && !self.outputs.is_running() {
                    self.run_finished();
                }
            }
            Action::Tick => self.autosave(&mut effects),
            Action::RenderDue => self.refresh_render(),
            Action::Saved { path, error } => self.on_saved(path, error, &mut effects),
            Action::AnswerWritten { col, path, outcome } => {
                self.on_answer_written(col, path, outcome)
            }
        }
        self.refresh_render_soon();
        self.outputs.refresh_diffs(std::time::Instant::now());
        effects
    }

    fn on_saved(&mut self, path: PathBuf, error: Option<String>, effects: &mut Vec<Effect>) {
        match error {
            None => {
                let mut found = None;
                for (idx, ed) in self.editors.iter_mut() {
                    if ed.path.as_path() == path.as_path() {
                        let text = ed.text();
                        ed.mark_saved();
                        found = Some((*idx, text));
                    }
                }
                if let Some((idx, text)) = found
                    && let Some(p) = self.ws.prompts.get_mut(idx)
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
        path.strip_prefix(&self.ws.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Writes recovery files for editors changed since the last autosave.
    pub(super) fn autosave(&mut self, effects: &mut Vec<Effect>) {
        for (idx, ed) in &self.editors {
            let last = self.autosaved.get(idx).copied().unwrap_or(0);
            if ed.is_dirty() && ed.version() != last {
                effects.push(Effect::WriteRecovery {
                    path: ed.path.as_path().to_path_buf(),
                    text: ed.text(),
                });
                self.autosaved.insert(*idx, ed.version());
            }
        }
    }

    /// Offers a recovered text for a prompt (called at start-up by the loop
    /// when a recovery file differs from the file on disk).
    pub fn offer_recovery(&mut self, prompt: usize, text: String) {
        self.popup = Some(Popup::Recovery { prompt, text });
    }

    /// The generation parameters the prompt's frontmatter asks for, over
    /// the workspace defaults.
    pub fn base_params(&self) -> GenParams {
        match &self.rendered {
            RenderState::Ok(r) => self.defaults.overlay(&r.gen_params()),
            RenderState::Err(_) => self.defaults.clone(),
        }
    }

    /// The cells a run would send now: used by Run and by the inspector.
    pub fn planned_cells(&self) -> Result<Vec<PlannedCell>, String> {
        let r = match &self.rendered {
            RenderState::Ok(r) => r,
            RenderState::Err(e) => return Err(format!("the prompt does not render: {e}")),
        };
        let choices = self.models.choices(&self.base_params());
        let schema = r.output_json_schema();
        Ok(crate::run::plan::plan(
            &r.messages,
            schema.as_ref(),
            &choices,
            self.models.repeats,
        ))
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
        let ctx = self.focus.context();
        let cmds: &[Command] = match self.focus {
            Pane::Editor => &[
                Command::Run,
                Command::Save,
                Command::Variables,
                Command::Inspector,
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

/// The examples offered for a prompt: those of `examples/NAME.yaml` when
/// it exists, else every example of the workspace.
fn example_items(ws: &Workspace, prompt: &str) -> Vec<ExampleItem> {
    let files: Vec<_> = match ws.examples_for(prompt) {
        Some(f) => vec![f],
        None => ws.examples.iter().collect(),
    };
    files
        .into_iter()
        .flat_map(|f| {
            f.examples
                .iter()
                .map(|e| ExampleItem::new(f.name.clone(), e.clone()))
        })
        .collect()
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
        Command::FocusNext => "pane",
        Command::Help => "help",
        Command::Quit => "quit",
        other => other.describe(),
    }
}

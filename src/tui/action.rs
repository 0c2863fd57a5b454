//! `Action`: everything that can change the App. Keys map to the bindable
//! actions (named in `themes/keymap.toml`); input, resizes and run events
//! arrive as the non-bindable ones. Only `App::update` consumes them.

use crate::run::RunEvent;
use serde::{Deserialize, Serialize};

/// Actions a key can be bound to (their snake_case names are the keymap's
/// vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Run,
    Cancel,
    Save,
    Quit,
    FocusNext,
    FocusPrev,
    Help,
    Inspector,
    Variables,
    SwitchPrompt,
    Undo,
    Redo,
    SelectAll,
    Copy,
    Cut,
    Paste,
    Search,
    SearchNext,
    GotoLine,
    Up,
    Down,
    Toggle,
    MoveUp,
    MoveDown,
    EditTemperature,
    EditMaxTokens,
    PageUp,
    PageDown,
    Top,
    Bottom,
    ColumnPrev,
    ColumnNext,
    ToggleCache,
    CycleDiff,
    SetReference,
    TogglePretty,
    Zoom,
    ToggleWrap,
    CopyColumn,
    ToggleSync,
    SaveColumn,
    MoreSamples,
    FewerSamples,
    EditSweep,
    Versions,
    History,
    Rate,
    RateUp,
    RateDown,
    Blind,
    Tests,
    AddCase,
    Continue,
    ContinueAll,
    PickTurn,
    StepTools,
    RunTools,
}

impl Command {
    /// Short label for the status bar and help.
    pub fn describe(self) -> &'static str {
        match self {
            Command::Run => "run prompt on selected models",
            Command::Cancel => "cancel run / close popup",
            Command::Save => "save prompt",
            Command::Quit => "quit",
            Command::FocusNext => "next pane",
            Command::FocusPrev => "previous pane",
            Command::Help => "all key bindings",
            Command::Inspector => "inspect what will be sent",
            Command::Variables => "set template variables",
            Command::SwitchPrompt => "open another prompt",
            Command::Undo => "undo",
            Command::Redo => "redo",
            Command::SelectAll => "select all",
            Command::Copy => "copy",
            Command::Cut => "cut",
            Command::Paste => "paste",
            Command::Search => "search",
            Command::SearchNext => "next match",
            Command::GotoLine => "go to line",
            Command::Up => "up",
            Command::Down => "down",
            Command::Toggle => "toggle",
            Command::MoveUp => "move up",
            Command::MoveDown => "move down",
            Command::EditTemperature => "edit temperature",
            Command::EditMaxTokens => "edit max tokens",
            Command::PageUp => "page up",
            Command::PageDown => "page down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::ColumnPrev => "previous column",
            Command::ColumnNext => "next column",
            Command::ToggleCache => "toggle response cache",
            Command::CycleDiff => "cycle diff: off, words, unified, previous run",
            Command::SetReference => "make the focused column the diff reference",
            Command::TogglePretty => "pretty-print JSON answers",
            Command::Zoom => "zoom: focused column full width",
            Command::ToggleWrap => "wrap or clip long lines",
            Command::CopyColumn => "copy the focused answer",
            Command::ToggleSync => "scroll columns together or apart",
            Command::SaveColumn => "write the focused answer to a file",
            Command::MoreSamples => "one more sample per model (repeats)",
            Command::FewerSamples => "one sample fewer per model",
            Command::EditSweep => "temperature sweep of this model (0,0.7,1.2)",
            Command::Versions => "recorded versions of this prompt: diff, restore",
            Command::History => "history: recent calls, search, trends",
            Command::Rate => "rate the focused answer (up/down/1-5, a note)",
            Command::RateUp => "thumbs up for the focused answer",
            Command::RateDown => "thumbs down for the focused answer",
            Command::Blind => "blind A/B vote on two models' answers",
            Command::Tests => "tests: the prompt's suites run as a grid",
            Command::AddCase => "add the vars as a test case (menu of checks)",
            Command::Continue => "the next turn of the focused conversation",
            Command::ContinueAll => "the same next turn to every column",
            Command::StepTools => "answer the tool calls (mock or typed), one step",
            Command::RunTools => "answer tool calls to the end (step limit)",
            Command::PickTurn => "pick an earlier turn: e edits it, d removes it",
        }
    }
}

/// A key press with modifiers, terminal-neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyPress {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl KeyPress {
    pub fn plain(code: KeyCode) -> Self {
        KeyPress {
            code,
            ctrl: false,
            alt: false,
            shift: false,
        }
    }
    pub fn ctrl(c: char) -> Self {
        KeyPress {
            ctrl: true,
            ..KeyPress::plain(KeyCode::Char(c))
        }
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    /// A key as typed; `App::update` resolves it through the keymap for the
    /// focused pane, or types it into the editor / a field.
    Key(KeyPress),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// A bound command, already resolved.
    Command(Command),
    /// A mouse click at a screen position.
    Click {
        col: u16,
        row: u16,
    },
    Scroll {
        col: u16,
        row: u16,
        down: bool,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// Background work reporting back.
    Run(RunEvent),
    /// Periodic tick (autosave, spinner).
    Tick,
    /// A render deferred while typing is due.
    RenderDue,
    /// A save finished (`error` is None on success).
    Saved {
        path: std::path::PathBuf,
        error: Option<String>,
    },
    /// The history store answered a query.
    History(crate::tui::history_query::Reply),
    /// A case was appended to a suite file (`Ok`: the file's warnings, if
    /// any), or why not.
    CaseAdded {
        path: std::path::PathBuf,
        result: Result<Vec<String>, String>,
    },
    /// An answer was written to a file (or not).
    AnswerWritten {
        col: usize,
        path: std::path::PathBuf,
        outcome: crate::tui::app::WriteOutcome,
    },
    /// A Tests run (`id`) reporting a graded cell or its end.
    Eval {
        id: u64,
        event: crate::tui::eval_job::EvalEvent,
    },
    /// The suites loaded in the background (`Effect::LoadSuites` `id`).
    SuitesLoaded {
        id: u64,
        result: Result<Vec<crate::tui::state::test_grid::SuiteGrid>, String>,
    },
}

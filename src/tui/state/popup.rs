//! The popups over the main screen; at most one is open at a time and it
//! takes the keys while open.

use super::scroll::PopupScroll;
use super::switcher::Switcher;
use super::versions::VersionsPopup;

#[derive(Debug, Clone, PartialEq)]
pub enum Popup {
    Help {
        scroll: PopupScroll,
    },
    Inspector {
        scroll: PopupScroll,
    },
    Variables,
    /// Ctrl-P: open another prompt, filtered by what is typed.
    SwitchPrompt(Switcher),
    /// Unsaved edits of a prompt were found in a recovery file.
    Recovery {
        prompt: usize,
        text: String,
    },
    /// A one-line prompt at the bottom (search, go to line, answer file).
    LineInput {
        purpose: LinePurpose,
        buffer: String,
    },
    /// F4: the open prompt's recorded versions.
    Versions(Box<VersionsPopup>),
    /// Enter on a Tests cell: the case, request, answer and every
    /// assertion of (case, column) of the shown suite.
    TestCell {
        case: usize,
        col: usize,
        /// With repeats, the sample that rating keys rate (tab: next).
        sample: usize,
        scroll: PopupScroll,
    },
    /// `v` in Tests: variant B (another prompt, or a recorded version).
    VariantPicker(Box<super::variants::VariantPicker>),
    /// `A` in Outputs: the checks of a case made from the focused answer.
    CaseMenu(Box<super::case_menu::CaseMenu>),
    /// Quit with unsaved edits?
    ConfirmQuit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinePurpose {
    Search,
    GotoLine,
    /// The file to write output column `col` to; `overwrite` once the
    /// user was told the file exists.
    SaveColumn {
        col: usize,
        overwrite: bool,
    },
    /// How to rate output column `col`'s answer.
    Rate {
        col: usize,
    },
    /// How to rate sample `sample` of Tests cell (`case`, `col`).
    RateTest {
        case: usize,
        col: usize,
        sample: usize,
    },
    /// How to rate the call opened on the History screen.
    RateHistory {
        uid: i64,
    },
    /// The next user turn of column `col`'s conversation (`None`: of
    /// every column).
    Continue {
        col: Option<usize>,
    },
    /// The result of column `col`'s tool call that has no mock.
    ToolResult {
        col: usize,
    },
    /// New text of turn `turn` of column `col`'s conversation.
    EditTurn {
        col: usize,
        turn: usize,
    },
}

//! The help popup (F1): every key, grouped by where it works: the keymap's
//! bindings (the user's included), then the keys built into the editor,
//! the popups and the mouse. Built-in editor keys the keymap takes over
//! are left out, so the list says what a key does now.

use crate::tui::action::Command;
use crate::tui::app::App;
use crate::tui::keymap::{Context, parse_key};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// Cells of the key column.
const KEY_W: usize = 26;

/// Keys of the editing model that no keymap entry names: (keys, what).
const EDITOR_KEYS: &[(&[&str], &str)] = &[
    (&["←↑→↓"], "move the cursor"),
    (&["shift+arrows"], "select: shift with any move key below"),
    (&["home", "end"], "start / end of the line"),
    (&["ctrl-home", "ctrl-end"], "start / end of the prompt"),
    (&["ctrl-left", "ctrl-right"], "word left / right"),
    (&["ctrl-up", "ctrl-down"], "paragraph up / down"),
    (&["pageup", "pagedown"], "page up / down"),
    (&["enter"], "new line"),
    (&["tab"], "indent (4 spaces)"),
    (&["backspace", "ctrl-h"], "delete back"),
    (&["delete", "ctrl-d"], "delete forward"),
    (&["ctrl-w", "alt-backspace"], "delete the word before"),
    (&["alt-d", "alt-delete"], "delete the word after"),
    (&["ctrl-k"], "delete to the end of the line"),
    (&["ctrl-j"], "delete to the start of the line"),
    (&["ctrl-u"], "undo (a word or a run of deletes at a time)"),
    (&["ctrl-e"], "end of the line"),
    (&["ctrl-b", "alt-b"], "back a character / a word"),
    (&["alt-f"], "forward a word"),
    (&["alt-<", "alt->"], "start / end of the prompt"),
];

/// Help lines, and the first line of each group (to jump between).
pub fn lines(app: &App) -> (Vec<Line<'static>>, Vec<(usize, String)>) {
    let t = &app.theme;
    let mut h = Help {
        lines: Vec::new(),
        sections: Vec::new(),
        t,
    };
    let key = |cmd| app.keymap.key_for(Context::Global, cmd).unwrap_or("?");
    let rate = app.rating_keys();
    for (ctx, title) in [
        (Context::Global, "everywhere".to_string()),
        (Context::Editor, "prompt editor".to_string()),
        (Context::List, "examples and models lists".to_string()),
        (Context::Outputs, "outputs".to_string()),
    ] {
        h.group(&title);
        for (keys, cmd) in app.keymap.bindings_of(ctx) {
            h.row(&keys, cmd.describe());
        }
        if ctx == Context::Editor {
            h.row("", "");
            for (keys, what) in EDITOR_KEYS {
                // A key the keymap takes does what the keymap says.
                let free: Vec<&str> = keys
                    .iter()
                    .copied()
                    .filter(|k| parse_key(k).is_none_or(|p| app.keymap.lookup(ctx, p).is_none()))
                    .collect();
                if !free.is_empty() {
                    h.row(&free.join(" / "), what);
                }
            }
        }
    }
    h.group(&format!("variables ({})", key(Command::Variables)));
    h.row("↑↓ / j k", "pick a variable");
    h.row("enter", "edit its value; enter again keeps it");
    h.row("alt-enter / ctrl-j", "new line inside the value");
    h.row("←→↑↓ home end", "move in the value being edited");
    h.row("backspace / delete", "delete in the value");
    h.row("esc", "stop editing (the value stays as it was) / close");
    h.row("t", "load the next test case of tests/PROMPT.yaml");
    h.group(&format!(
        "inspector ({}) and this help",
        key(Command::Inspector)
    ));
    h.row("↑↓ / j k", "scroll a line");
    h.row("pageup / pagedown / space", "scroll a page");
    h.row("home / end (g / G)", "top / bottom");
    h.row("n / tab", "next model's request (next attempt in a trace)");
    h.row("N / shift-tab", "previous model's request");
    h.row("esc / q", "close");
    h.group(&format!("prompt switcher ({})", key(Command::SwitchPrompt)));
    h.row("type", "filter the prompts by name (any case)");
    h.row("backspace", "edit the filter");
    h.row("↑↓", "move the highlight");
    h.row("enter", "open the highlighted prompt");
    h.row("esc", "close");
    h.group(&format!("prompt versions ({})", key(Command::Versions)));
    h.row("↑↓ / j k", "pick a version: its diff against the editor");
    h.row("pageup / pagedown / space", "scroll the diff");
    h.row("enter", "restore it as an unsaved edit (undo: back)");
    h.row("esc / q", "close");
    h.group(&format!(
        "conversation turns ({} in outputs)",
        app.keymap
            .key_for(Context::Outputs, Command::PickTurn)
            .unwrap_or("?")
    ));
    h.row("↑↓ / j k", "pick a turn of the focused column");
    h.row("e", "edit it; the later turns are asked again");
    h.row("d", "remove it and its answer (or question)");
    h.row("esc", "done picking");
    h.group(&format!("history screen ({})", key(Command::History)));
    h.row("/", "search as you type (enter ends, esc clears)");
    h.row(
        "↑↓ j k pageup pagedown",
        "pick a call (trend lines of its prompt)",
    );
    h.row("enter / o", "open the call: request and answer");
    h.row("e", "(opened) load its prompt version into the editor");
    h.row("r", "(opened) re-run it on its model");
    h.row(&rate, "(opened) rate it: thumbs, or 1-5 and a note");
    h.row("esc / q", "back to the list / to the workbench");
    h.group(&format!(
        "tests ({}, in place of outputs)",
        key(Command::Tests)
    ));
    h.row("r", "run the suite (the editor's text, saved or not)");
    h.row("F", "re-run the failing cases (marks fixed / broken)");
    h.row("f", "show failing cases only (again: all)");
    h.row("/", "filter rows by text as you type (esc clears)");
    h.row("s", "sort: cases, failures first, score ascending");
    h.row("←↑→↓ / h j k l", "move between cases and columns");
    h.row("enter", "open the cell: vars, request, answer, assertions");
    h.row("tab", "(opened) the next sample, with repeats");
    h.row(&rate, "rate the answer: thumbs, or 1-5 and a note");
    h.row("e", "load the case into the workbench (vars, model)");
    h.row("n", "next suite of this prompt");
    h.row("v", "variant B: another prompt or a recorded version");
    h.row("B", "blind comparison of two columns, case by case");
    h.row("esc", "stop the run, else clear the filter");
    h.row("c", "(after a mark) the answer came from the cache");
    h.row("fixed / broken", "✗→✓ / ✓→✗ since the previous run");
    h.row(
        "summary rows",
        "pass rate [95% CI], score · cost, p50 latency",
    );
    h.group(&format!(
        "blind comparison ({} in outputs)",
        app.keymap
            .key_for(Context::Outputs, Command::Blind)
            .unwrap_or("?")
    ));
    h.row("a / b", "A / B is better (names stay hidden)");
    h.row("t / x", "a tie / both are bad");
    h.row("↑↓ / j k", "scroll the answers");
    h.row("esc / q", "stop (votes given are kept)");
    h.group("rating prompt (outputs)");
    h.row(
        "up / down / 1-5, a note",
        "e.g. \"4 good but long\", then enter",
    );
    h.group("search and go-to-line prompts");
    h.row("enter / esc", "go / give up");
    h.group("tokens and cost before a run");
    h.row("status bar", "input · output tokens · cost range of ctrl-r");
    h.row("≈1,234", "an estimate (o200k_base, not the model's own)");
    h.row(
        "1,234 (no ≈)",
        "exact: OpenAI models (o200k_base, cl100k_base)",
    );
    h.row("≤512 out", "max tokens; ≈N out: the recent average");
    h.row("cost ?", "a price is unknown: add it under [pricing]");
    h.row(
        "over ctx ≈+N",
        "(models) the request is over the window by N",
    );
    h.row(
        "trimmed / truncated",
        "cut to fit by the prompt's context: policy",
    );
    h.row(
        "examples ██▆▆ bar",
        "where input tokens go (inspector: per part)",
    );
    h.group("mouse");
    h.row("click", "focus a pane (and pick a list row)");
    h.row("wheel", "scroll the editor and the outputs");
    (h.lines, h.sections)
}

struct Help<'a> {
    lines: Vec<Line<'static>>,
    sections: Vec<(usize, String)>,
    t: &'a Theme,
}

impl Help<'_> {
    fn group(&mut self, title: &str) {
        if !self.lines.is_empty() {
            self.lines.push(Line::from(""));
        }
        self.sections.push((self.lines.len(), title.to_string()));
        self.lines.push(Line::from(Span::styled(
            title.to_string(),
            self.t.title_focused,
        )));
    }

    fn row(&mut self, keys: &str, what: &str) {
        if keys.is_empty() {
            self.lines.push(Line::from(""));
            return;
        }
        self.lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<KEY_W$}"), self.t.status_key),
            Span::raw(what.to_string()),
        ]));
    }
}

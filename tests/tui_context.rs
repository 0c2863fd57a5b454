//! The context window and the cost of a run, before it starts, in the TUI:
//! a model whose request is over its window is flagged (and still sent
//! when asked), a `context:` policy cuts to fit and says so, the status
//! bar prices Ctrl-R, and the Examples border and the inspector show where
//! the input tokens go.

mod support;

use pwb::tui::action::{Action, Command, KeyCode};
use pwb::tui::app::{App, Effect};
use support::tui::{cmd, ctrl, key, open, screen_sized, write_files};

const PROMPT: &str = "---\ninput:\n  schema:\n    document: string\n---\n\
{{role \"system\"}}You summarize documents for a support team in three short bullet points, \
plain words, no preamble, and you never invent facts that are not in the document.\n\
{{role \"user\"}}Document: {{document}}\n";

/// A workspace with a model whose window is 120 tokens (`openai:tiny`, not
/// one of OpenAI's models, so estimated) and gpt-4o-mini (exact, priced).
fn workspace(dir: &std::path::Path, prompt: &str, document: &str) -> App {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                "[defaults]\nmax_tokens = 100\n\n\
                 [[models]]\nid = \"openai:tiny\"\nselected = true\nbase_url = \"http://127.0.0.1:9/v1\"\n\n\
                 [[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n\n\
                 [history]\nenabled = false\n\n\
                 [pricing.\"openai:tiny\"]\ninput = 1\noutput = 2\ncontext = 120\n",
            ),
            ("prompts/summarize.prompt", prompt),
            (
                "examples/summarize.yaml",
                "- name: outage\n  input:\n    document: \"The login service was down for an hour on Monday.\"\n  output: \"- Login was down for an hour on Monday.\"\n",
            ),
        ],
    );
    // The TUI loads the tokenizer in the background; here, up front.
    pwb::prompt::tokens::warm_up();
    let mut app = open(dir);
    set_document(&mut app, document);
    app
}

const SHORT: &str = "The new billing page shows the wrong currency for customers in Canada.";

/// About 200 tokens: over `openai:tiny`'s window with the prompt.
fn long() -> String {
    (1..=12)
        .map(|i| format!("Ticket {i}: the billing page shows the wrong currency."))
        .collect::<Vec<_>>()
        .join(" ")
}

fn set_document(app: &mut App, value: &str) {
    app.update(cmd(Command::Variables));
    app.update(key(KeyCode::Enter));
    for c in value.chars() {
        app.update(key(KeyCode::Char(c)));
    }
    app.update(key(KeyCode::Enter));
    app.update(key(KeyCode::Esc));
}

fn screen(app: &mut App) -> String {
    screen_sized(app, 140, 32)
}

#[test]
fn a_request_over_the_window_is_flagged_before_any_call_and_still_sent() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = workspace(dir.path(), PROMPT, &long());
    let tiny = app
        .preflight
        .pick("openai:tiny")
        .expect("tiny is checked")
        .clone();
    let over = tiny.over_window().expect("over its 120-token window");
    assert_eq!(over, tiny.input_tokens - 120);
    let s = screen(&mut app);
    assert!(s.contains(&format!("openai:tiny over ctx ≈+{over}")), "{s}");
    assert!(s.contains("1 over window"), "{s}");
    insta::assert_snapshot!("over_the_window", s);
    // Ctrl-R still sends both; the status says which one is over.
    let effects = app.update(ctrl('r'));
    let sent = effects.iter().find_map(|e| match e {
        Effect::StartRun { cells, .. } => Some(cells.len()),
        _ => None,
    });
    assert_eq!(sent, Some(2), "sent anyway: the provider decides");
    let status = app.status.as_ref().unwrap().text.clone();
    assert_eq!(
        status,
        format!("sent over the window: openai:tiny (by ≈{over} tokens)")
    );
}

#[test]
fn a_truncate_policy_cuts_the_variable_to_fit_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let prompt = PROMPT.replace(
        "---\ninput:",
        "---\ncontext: {fit: truncate, var: document, reserve: 0}\ninput:",
    );
    let mut app = workspace(dir.path(), &prompt, &long());
    let tiny = app.preflight.pick("openai:tiny").unwrap().clone();
    let cut = tiny.cut.clone().expect("the policy cut the document");
    assert!(cut.fits(), "{cut:?}");
    assert_eq!(tiny.over_window(), None);
    assert!(cut.what.starts_with("truncated `document`"), "{cut:?}");
    // gpt-4o-mini's window is large: its request is whole.
    assert_eq!(app.preflight.pick("openai:gpt-4o-mini").unwrap().cut, None);
    let s = screen(&mut app);
    assert!(
        s.contains(&format!(
            "openai:tiny truncated {}→{}",
            cut.tokens_before, cut.tokens_after
        )),
        "{s}"
    );
    // What is sent is what was cut, and the inspector says so.
    let cells = app.planned_cells().unwrap();
    let user = cells[0].request.messages[1].plain_text();
    assert!(
        user.starts_with("Document: Ticket 1: the billing"),
        "{user}"
    );
    assert!(
        user.contains("tokens cut to fit the context window]"),
        "{user}"
    );
    assert!(
        !cells[1].request.messages[1]
            .plain_text()
            .contains("tokens cut")
    );
    // Ctrl-R sends the cut request and says so.
    let effects = app.update(ctrl('r'));
    assert!(effects.iter().any(|e| matches!(e, Effect::StartRun { .. })));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "running on 2 model(s) · context cut for openai:tiny (the inspector shows what)"
    );
    app.update(Action::Command(Command::Inspector));
    let s = screen(&mut app);
    assert!(s.contains(&cut.describe()), "{s}");
    insta::assert_snapshot!("truncated_in_the_inspector", s);
}

#[test]
fn the_status_bar_prices_ctrl_r_for_the_checked_models_and_samples() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = workspace(dir.path(), PROMPT, SHORT);
    // Only gpt-4o-mini, three samples: exact tokens and a known price.
    app.update(cmd(Command::FocusNext));
    app.update(cmd(Command::FocusNext));
    app.update(key(KeyCode::Char(' ')));
    app.update(key(KeyCode::Char('+')));
    app.update(key(KeyCode::Char('+')));
    let p = app.preflight.value.clone().unwrap();
    assert_eq!(p.picks.len(), 1);
    assert_eq!(p.calls(), 3);
    assert!(p.exact());
    let line = pwb::tui::view::status::run_estimate(&p);
    let input = p.input_tokens();
    assert!(
        line.starts_with(&format!("3 calls · {input} in · ≤300 out · $")),
        "{line}"
    );
    let s = screen(&mut app);
    assert!(s.contains(&line), "{s}");
    insta::assert_snapshot!("status_bar_estimate", s);
}

#[test]
fn the_examples_border_and_the_inspector_show_where_the_tokens_go() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = workspace(dir.path(), PROMPT, SHORT);
    app.update(cmd(Command::FocusNext));
    app.update(key(KeyCode::Char(' ')));
    let labels: Vec<&str> = app
        .preflight
        .parts
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "system prompt",
            "prompt text",
            "example: outage",
            "variable: document"
        ]
    );
    let s = screen(&mut app);
    assert!(s.contains("■sys "), "{s}");
    insta::assert_snapshot!("examples_token_bar", s);
    app.update(Action::Command(Command::Inspector));
    // Jump to the last section: the breakdown (a draw tells the popup
    // where its sections are).
    for _ in 0..2 {
        screen(&mut app);
        app.update(key(KeyCode::Char('n')));
    }
    let s = screen(&mut app);
    assert!(s.contains("where the input tokens go"), "{s}");
    insta::assert_snapshot!("inspector_token_breakdown", s);
}

#[test]
fn the_column_of_a_cut_request_says_what_was_cut() {
    let dir = tempfile::tempdir().unwrap();
    let prompt = PROMPT.replace(
        "---\ninput:",
        "---\ncontext: {fit: truncate, var: document, reserve: 0}\ninput:",
    );
    let mut app = workspace(dir.path(), &prompt, &long());
    let cut = app
        .preflight
        .pick("openai:tiny")
        .unwrap()
        .cut
        .clone()
        .unwrap();
    app.update(ctrl('r'));
    assert!(app.outputs.cuts[0].is_some() && app.outputs.cuts[1].is_none());
    let s = screen(&mut app);
    let line = format!("context: {}", cut.what);
    assert_eq!(s.matches(&line).count(), 1, "only tiny's column:\n{s}");
    insta::assert_snapshot!("cut_under_the_readout", s);
    // The next run of a prompt without a policy cuts nothing and says so.
    app.outputs.begin(pwb::session::Collector::default());
    assert!(app.outputs.cuts.is_empty());
}

//! What the TUI pays when the prompt changes to keep the next run's
//! preflight current (`Session::plan_fitted`, `Preflight::of`, the token
//! breakdown) for three models, with a variable of about 1k, 10k and 100k
//! tokens; and one keystroke in the editor, render included.
//! Run: `cargo bench --bench preflight`. Prints figures; asserts nothing.

use pwb::session::preflight::Preflight;
use pwb::session::{ModelOption, PromptInputs, Session};
use pwb::tui::action::{Action, KeyCode, KeyPress};
use pwb::tui::app::App;
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::types::ModelId;
use pwb::workspace::Workspace;
use std::time::Instant;

const PROMPT: &str = "---\ninput:\n  schema:\n    document: string\n---\n\
{{role \"system\"}}You summarize documents in three bullet points.\n\
{{role \"user\"}}Document: {{document}}\n";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    pwb::prompt::tokens::warm_up();
    let session = Session::new(Workspace::default());
    let picks: Vec<_> = [
        "openai:gpt-4o-mini",
        "anthropic:claude-sonnet-4-5",
        "gemini:gemini-2.5-flash",
    ]
    .iter()
    .map(|id| ModelOption::ad_hoc(ModelId::parse(id).expect("id")).pick())
    .collect();
    let sentence = "The billing page shows the wrong currency for customers in Canada. ";
    for repeat in [80usize, 800, 8000] {
        let document = sentence.repeat(repeat);
        let vars = serde_json::json!({ "document": document });
        let inputs = PromptInputs {
            vars: vars.as_object().expect("object").clone(),
            ..Default::default()
        };
        let rendered = session.render(PROMPT, &inputs).expect("renders");
        let mut samples = Vec::new();
        let mut tokens = 0;
        for _ in 0..9 {
            let t = Instant::now();
            let (cells, cuts) = session.plan_fitted(&rendered, &picks, 1);
            let p = Preflight::of(&picks, &cells, &cuts, &session.catalog, |_| None);
            let parts = pwb::session::tokens::breakdown(&rendered, &rendered.values);
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
            tokens = p.picks[0].input_tokens;
            std::hint::black_box(parts);
        }
        println!(
            "preflight of 3 models, {tokens} input tokens: median {:.2} ms",
            median(samples)
        );
    }

    // One keystroke in the editor of the sample workspace: render and
    // preflight, as the event loop would do it.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let (ws, _) = Workspace::load(&root).expect("sample workspace loads");
    let mut app = App::new(
        ws,
        Keymap::builtin(),
        Theme::builtin("dark").expect("theme"),
    );
    let mut samples = Vec::new();
    for i in 0..40 {
        let c = if i % 2 == 0 { 'x' } else { '\u{8}' };
        let key = if c == 'x' {
            KeyPress::plain(KeyCode::Char('x'))
        } else {
            KeyPress::plain(KeyCode::Backspace)
        };
        let t = Instant::now();
        app.update(Action::Key(key));
        if app.render_due().is_some() {
            app.update(Action::RenderDue);
        }
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "one keystroke in the sample workspace's editor (render + preflight): median {:.2} ms",
        median(samples)
    );
}

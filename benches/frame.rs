//! Draw time of one full frame with four 2,000-line outputs (the Outputs
//! pane's worst everyday case), on ratatui's TestBackend at 200x50.
//! Run: `cargo bench --bench frame`. Prints figures; asserts nothing.

use pwb::provider::{GenParams, Usage};
use pwb::run::{CellOutcome, CellStatus};
use pwb::session::Collector;
use pwb::tui::action::Action;
use pwb::tui::app::App;
use pwb::tui::keymap::Keymap;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::types::ModelId;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let (ws, _) = Workspace::load(&root).expect("sample workspace loads");
    let theme = Theme::builtin("dark").expect("dark theme");
    let mut app = App::new(ws, Keymap::builtin(), theme);
    let (w, h) = (200u16, 50u16);
    app.update(Action::Resize {
        width: w,
        height: h,
    });

    let line = "The quick brown fox jumps over the lazy dog while the model explains its answer, step by step.";
    let text: String = (0..2000).map(|i| format!("{i:04} {line}\n")).collect();
    let columns = (0..4)
        .map(|i| {
            let id = ModelId::parse(&format!("openai:model-{i}")).expect("id");
            let mut c = CellOutcome::new(id.to_string(), id, GenParams::default());
            c.text = text.clone();
            c.status = CellStatus::Done;
            c.usage = Usage {
                input_tokens: Some(1200),
                output_tokens: Some(48_000),
                ..Default::default()
            };
            c
        })
        .collect();
    app.outputs.begin(Collector::of_outcomes(1, columns, None));

    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    for _ in 0..5 {
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
    }
    let mut samples = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    println!(
        "frame with 4 x 2,000-line outputs at {w}x{h}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms ({} frames)",
        samples[samples.len() / 2],
        samples[samples.len() * 9 / 10],
        samples[0],
        samples.len()
    );
}

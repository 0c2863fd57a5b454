//! Diff costs of the comparison view: re-diffing two 50 KB answers word by
//! word, and drawing one frame (200x50) of four 2,000-line columns with the
//! word diff on. Run: `cargo bench --bench diff`. Prints figures only.

use pwb::provider::{GenParams, Usage};
use pwb::run::{CellOutcome, CellStatus};
use pwb::session::Collector;
use pwb::tui::action::Action;
use pwb::tui::app::App;
use pwb::tui::keymap::Keymap;
use pwb::tui::state::diffs::DiffMode;
use pwb::tui::theme::Theme;
use pwb::tui::view;
use pwb::types::ModelId;
use pwb::workspace::Workspace;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::time::Instant;

/// Sorted samples -> (median, p90, min) in ms.
fn stats(mut s: Vec<f64>) -> (f64, f64, f64) {
    s.sort_by(|a, b| a.total_cmp(b));
    (s[s.len() / 2], s[s.len() * 9 / 10], s[0])
}

/// `n` words of prose, 12 a line; `variant` changes every 7th word.
fn answer(n: u32, variant: u32) -> String {
    let words = [
        "the", "model", "explains", "its", "answer", "step", "by", "careful", "step,", "citing",
        "sources", "where", "it", "can.",
    ];
    let mut s = String::new();
    let mut i = 0u32;
    while i < n {
        if variant > 0 && i % 7 == variant % 7 {
            s.push_str("different");
            s.push(if i % 12 == 11 { '\n' } else { ' ' });
        } else {
            s.push_str(words[i as usize % words.len()]);
            s.push(if i % 12 == 11 { '\n' } else { ' ' });
        }
        i += 1;
    }
    s
}

fn main() {
    // 8,800 words: about 50 KB.
    let a = answer(8800, 0);
    let b = answer(8800, 3);
    // A rewrite: every 7th word changed and a sentence dropped, so no
    // line matches line for line.
    let c: String = answer(8800, 5).replacen("citing sources ", "", 40);
    for (what, other) in [("every 7th word changed", &b), ("rewritten", &c)] {
        let mut samples = Vec::new();
        let mut segments = 0;
        for _ in 0..20 {
            let t = Instant::now();
            segments = pwb::diff::word_diff(&a, other).len();
            samples.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let (med, p90, min) = stats(samples);
        println!(
            "word diff of {} KB vs {} KB, {what} ({segments} segments): median {med:.2} ms, p90 {p90:.2} ms, min {min:.2} ms (20 runs)",
            a.len() / 1000,
            other.len() / 1000
        );
    }

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
    let columns = (0..4)
        .map(|i| {
            let text: String = (0..2000)
                .map(|n| {
                    if i > 0 && n % 10 == i {
                        format!("{n:04} A slow red fox walks past the lazy dog.\n")
                    } else {
                        format!("{n:04} {line}\n")
                    }
                })
                .collect();
            let id = ModelId::parse(&format!("openai:model-{i}")).expect("id");
            let mut c = CellOutcome::new(id.to_string(), id, GenParams::default());
            c.text = text;
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
    app.outputs.diffs.mode = DiffMode::Words;
    let t = Instant::now();
    app.update(Action::Tick);
    println!(
        "diffing 3 x 2,000-line columns against the reference: {:.2} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );

    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    for _ in 0..3 {
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
    }
    let mut samples = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (med, p90, min) = stats(samples);
    println!(
        "frame with 4 x 2,000-line columns, word diff on, at {w}x{h}: median {med:.2} ms, p90 {p90:.2} ms, min {min:.2} ms (30 frames)"
    );
}

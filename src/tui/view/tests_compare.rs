//! Variants in the Tests grid: the paired rows under the summary (each
//! column of another prompt against the open prompt's on the same model:
//! wins, losses, ties, McNemar's exact p, the score difference with its
//! 95% interval) and the lines of the variant picker.

use crate::tui::app::App;
use crate::tui::state::test_grid::{SuiteGrid, TestsScreen};
use crate::tui::state::variants::{Choice, VariantPicker, VersionsState, has_pairs, variant_a};
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};

/// Two rows aligned with the grid's columns, as of the last finished run
/// (one line saying so while a run goes on; none when no column has a
/// partner): `+W -L =T p P` and `Δ D [lo, hi]`, each for B − A.
pub fn paired_lines(
    s: &TestsScreen,
    g: &SuiteGrid,
    t: &Theme,
    label_w: usize,
    cell_w: usize,
    pad: fn(&str, usize) -> String,
) -> Vec<Line<'static>> {
    if !has_pairs(g, &s.prompt) {
        return Vec::new();
    }
    let first = variant_a(&g.columns, &s.prompt).unwrap_or("");
    let ready = s
        .paired
        .of(s.suite, g.columns.len())
        .filter(|st| s.running.is_none() && st.iter().any(Option::is_some));
    let stats = match ready {
        Some(stats) => stats,
        None => {
            let why = if s.running.is_some() {
                "paired comparison when the run ends"
            } else {
                "paired comparison after a run (r)"
            };
            return vec![Line::from(vec![
                Span::styled(pad(&format!("vs {first}"), label_w), t.title),
                Span::styled(why, t.dim),
            ])];
        }
    };
    let mut counts = vec![Span::styled(
        pad(&format!("vs {first}: +won -lost =tied"), label_w),
        t.title,
    )];
    let mut diffs = vec![Span::styled(pad("score Δ, 95% CI", label_w), t.title)];
    for st in stats {
        let (c, d) = match st {
            None => (String::new(), String::new()),
            Some(s) => (
                format!(
                    "+{} -{} ={} p {}",
                    s.wins,
                    s.losses,
                    s.ties,
                    p_text(s.p_value)
                ),
                match (s.score_diff, s.score_ci) {
                    (Some(d), Some(ci)) => {
                        format!("{} [{}, {}]", signed(d), signed(ci.low), signed(ci.high))
                    }
                    _ => "–".into(),
                },
            ),
        };
        counts.push(Span::styled(pad(&c, cell_w), t.readout));
        diffs.push(Span::styled(pad(&d, cell_w), t.readout));
    }
    vec![Line::from(counts), Line::from(diffs)]
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "<.001".into()
    } else {
        format!("{p:.3}")
    }
}

fn signed(x: f64) -> String {
    // -0.00 reads as +0.00.
    let x = if x.abs() < 0.005 { 0.0 } else { x };
    format!("{x:+.2}")
}

/// The picker: the open prompt's other choices, then its versions.
pub fn picker_lines(app: &App, p: &VariantPicker, width: usize) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "A is {} as edited; B runs on the same cases and models:",
            p.prompt
        ),
        t.dim,
    ))];
    let heading = |lines: &mut Vec<Line<'static>>, text: &str| {
        lines.push(Line::from(Span::styled(text.to_string(), t.title)));
    };
    let mut in_versions = false;
    if !p.choices.iter().any(|c| matches!(c, Choice::Prompt { .. })) {
        heading(&mut lines, "prompts: no other prompt in the workspace");
    }
    for (i, c) in p.choices.iter().enumerate() {
        let text = match c {
            Choice::Clear => "none: the open prompt alone".to_string(),
            Choice::Prompt { name, .. } => {
                if i == 0 || matches!(p.choices[i - 1], Choice::Clear) {
                    heading(&mut lines, "prompts");
                }
                format!("  {name}")
            }
            Choice::Version(v) => {
                if !in_versions {
                    in_versions = true;
                    heading(&mut lines, &format!("versions of {}", p.prompt));
                }
                let saved = if v.version.saved { "saved" } else { "edited" };
                let rate = v
                    .pass_rate
                    .map_or(String::new(), |r| format!(" · pass {:.0}%", r * 100.0));
                format!(
                    "  {}@{} · {saved} · {} call(s){rate}",
                    v.version.prompt,
                    v.version.short(),
                    v.calls,
                )
            }
        };
        let style = if i == p.cursor {
            t.list_selected
        } else {
            t.popup
        };
        lines.push(Line::from(Span::styled(
            super::text::clip_ellipsis(&text, width),
            style,
        )));
    }
    match &p.versions {
        VersionsState::Loading => heading(&mut lines, "versions: asking the history…"),
        VersionsState::Loaded if !in_versions => heading(
            &mut lines,
            &format!("versions of {}: none recorded", p.prompt),
        ),
        VersionsState::Loaded => {}
        VersionsState::Unavailable(why) => heading(&mut lines, &format!("versions: {why}")),
    }
    lines
}

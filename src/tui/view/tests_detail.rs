//! A Tests cell opened (Enter): the case's vars, the request as rendered,
//! then per sample (K with repeats, and how many passed) the answer with
//! what each assertion found highlighted, every assertion with pass/fail,
//! score, threshold and reason (the grader's for model-graded ones), the
//! ratings given, tokens, cost and latency; in sections to jump between.

use super::inspector::Sectioned;
use super::tests_highlight::{self, Hit, Marks};
use super::text::{wrap, wrap_tagged};
use crate::eval::{CellResult, GradingResult, Verdict};
use crate::tui::app::App;
use crate::tui::state::popup::Popup;
use crate::tui::state::test_grid::plain_value;
use crate::tui::theme::Theme;
use crate::usage::{fmt_cost, fmt_duration};
use crate::workspace::testfile::AssertSpec;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The popup's title: the keys it takes.
pub fn title(app: &App) -> String {
    let mut keys = vec!["e loads it into the workbench".to_string()];
    let rate = app.rating_keys();
    if !rate.is_empty() {
        keys.push(format!("{rate} rate"));
    }
    if let Some(Popup::TestCell { case, col, .. }) = &app.popup
        && app
            .tests
            .grid()
            .is_some_and(|g| g.samples(*case, *col).len() > 1)
    {
        keys.push("tab next sample".into());
    }
    format!(" Test case · {}", keys.join(" · "))
}

pub fn lines(app: &App, (case, col, focus): (usize, usize, usize), width: usize) -> Sectioned {
    let t = &app.theme;
    let mut d = Detail {
        lines: Vec::new(),
        sections: Vec::new(),
        width: width.max(20),
        t,
    };
    let Some(g) = app.tests.grid() else {
        return d.done();
    };
    let samples = g.samples(case, col);
    let Some(r) = samples.first() else {
        d.text("no result yet", t.dim);
        return d.done();
    };
    let cell = g.cell(case, col);
    let (mark, style) = verdict_mark(cell.and_then(|c| c.verdict()).unwrap_or(r.verdict), t);
    let score = cell
        .and_then(|c| c.mean_score())
        .map_or(String::new(), |s| format!(" · score {s:.2}"));
    d.text(
        &format!(
            "{mark}{score} · case {}: {} · {} on {}",
            case + 1,
            g.row_label(case),
            r.prompt,
            r.model
        ),
        style,
    );
    if samples.len() > 1 {
        let passed = samples
            .iter()
            .filter(|s| s.verdict == Verdict::Pass)
            .count();
        let agree = if passed == 0 || passed == samples.len() {
            "they agree"
        } else {
            "they disagree"
        };
        d.text(
            &format!("{passed} of {} samples passed: {agree}", samples.len()),
            t.readout,
        );
    }
    d.section("vars");
    for (k, v) in &r.vars {
        d.text(&format!("{k}: {}", plain_value(v)), t.base);
    }
    d.section("request");
    for m in &r.messages {
        d.text(&format!("[{}]", m.role), t.readout);
        d.text(&m.plain_text(), t.base);
    }
    let specs = g.cases.get(case).map_or(&[][..], |c| c.asserts.as_slice());
    for (i, s) in samples.iter().enumerate() {
        let head = if samples.len() > 1 {
            let (m, _) = verdict_mark(s.verdict, t);
            let pointer = if i == focus.min(samples.len() - 1) {
                "▶ "
            } else {
                ""
            };
            Some(format!("{pointer}sample {}/{} {m}", i + 1, samples.len()))
        } else {
            None
        };
        sample(&mut d, app, s, specs, head);
    }
    d.done()
}

/// One sample: its answer highlighted, its assertions, ratings, usage.
fn sample(d: &mut Detail, app: &App, r: &CellResult, specs: &[AssertSpec], head: Option<String>) {
    let t = d.t;
    if let Some(e) = r.outcome.error() {
        d.text(&format!("the call failed: {e}"), t.error);
    }
    let results = r.grade.as_ref().map_or(&[][..], |g| g.results.as_slice());
    let marks: Vec<Marks> = results
        .iter()
        .map(|a| tests_highlight::marks(a, &r.outcome.text))
        .collect();
    d.section(head.as_deref().unwrap_or("answer"));
    let ranges: Vec<_> = marks.iter().flat_map(|m| m.ranges.clone()).collect();
    d.answer(&r.outcome.text, &ranges);
    if head.is_none() {
        d.section("assertions");
    }
    if r.grade.is_some() {
        for (i, a) in results.iter().enumerate() {
            let spec = specs.get(i).filter(|s| s.kind == a.kind);
            assertion(d, a, spec, marks.get(i), 0);
        }
        if results.is_empty() {
            d.text("(no assertion)", t.dim);
        }
    } else {
        d.text("not graded: the call gave no answer", t.dim);
    }
    if let Some(list) = r.call_id.as_ref().and_then(|c| app.tests.ratings.get(c)) {
        let rated: Vec<String> = list.iter().map(|x| x.describe()).collect();
        d.text(&format!("rated: {}", rated.join(" · ")), t.readout);
    }
    if head.is_none() {
        d.section("usage");
    }
    d.text(&usage_line(r), t.readout);
}

fn verdict_mark(v: Verdict, t: &Theme) -> (&'static str, Style) {
    match v {
        Verdict::Pass => ("✓ pass", t.ok),
        Verdict::Fail => ("✗ fail", t.error),
        Verdict::Error => ("! error", t.warning),
    }
}

/// One assertion (and an assert-set's members, indented): mark, type,
/// value, score against its threshold, what it found or missed.
fn assertion(
    d: &mut Detail,
    a: &GradingResult,
    spec: Option<&AssertSpec>,
    marks: Option<&Marks>,
    depth: usize,
) {
    let t = d.t;
    let indent = "  ".repeat(depth);
    let (mark, style) = match (&a.error, a.pass) {
        (Some(_), _) => ("!", t.warning),
        (None, true) => ("✓", t.ok),
        (None, false) => ("✗", t.error),
    };
    let value = a
        .value
        .as_ref()
        .map(|v| match v {
            serde_json::Value::String(s) => format!(" {s:?}"),
            other => format!(" {other}"),
        })
        .unwrap_or_default();
    let threshold = spec
        .and_then(|s| s.threshold)
        .map_or(String::new(), |th| format!(" (threshold {th})"));
    let mut line = format!(
        "{indent}{mark} {}{value} · score {:.2}{threshold}",
        a.kind, a.score
    );
    let found = marks.is_some_and(|m| !m.ranges.is_empty());
    if found {
        line.push_str(" · highlighted in the answer");
    }
    if let Some(note) = marks.and_then(|m| m.note.as_ref()) {
        line.push_str(&format!(" · {note}"));
    }
    d.text(&line, style);
    if let Some(e) = &a.error {
        d.text(&format!("{indent}    error: {e}"), t.warning);
    }
    if !a.reason.is_empty() {
        let who = if a.grader.is_some() {
            "grader"
        } else {
            "reason"
        };
        d.text(&format!("{indent}    {who}: {}", a.reason), t.dim);
    }
    for (i, m) in a.members.iter().enumerate() {
        let member_spec = spec
            .and_then(|s| s.members.get(i))
            .filter(|s| s.kind == m.kind);
        assertion(d, m, member_spec, None, depth + 1);
    }
}

fn usage_line(r: &CellResult) -> String {
    let u = &r.outcome.usage;
    let n = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    let mut s = format!(
        "tokens in {} · out {} · cost {}",
        n(u.input_tokens),
        n(u.output_tokens),
        fmt_cost(r.cost)
    );
    if r.grader_cost.is_some() || r.grader_usage.output_tokens.is_some() {
        s.push_str(&format!(" · grader {}", fmt_cost(r.grader_cost)));
    }
    if let Some(d) = r.outcome.total_time.or(r.outcome.wall_time) {
        s.push_str(&format!(" · latency {}", fmt_duration(d)));
    }
    if r.outcome.cached {
        s.push_str(" · from the cache");
    }
    s
}

struct Detail<'a> {
    lines: Vec<Line<'static>>,
    sections: Vec<(usize, String)>,
    width: usize,
    t: &'a Theme,
}

impl Detail<'_> {
    fn section(&mut self, name: &str) {
        self.lines.push(Line::from(""));
        self.sections.push((self.lines.len(), name.to_string()));
        self.lines.push(Line::from(Span::styled(
            format!("── {name} ──"),
            self.t.title_focused,
        )));
    }

    fn text(&mut self, text: &str, style: Style) {
        for l in text.lines() {
            for w in wrap(l, self.width) {
                self.lines.push(Line::from(Span::styled(w, style)));
            }
        }
    }

    /// The answer, wrapped, with the found text in the diff colours:
    /// inserted for what an assertion wanted, deleted for what a `not-`
    /// assertion found.
    fn answer(&mut self, text: &str, marks: &[(std::ops::Range<usize>, Hit)]) {
        let t = self.t;
        let runs = tests_highlight::runs(text.trim_end_matches('\n'), marks);
        for line in wrap_tagged(runs, self.width) {
            let spans: Vec<Span<'static>> = line
                .into_iter()
                .map(|(s, hit)| {
                    let style = match hit {
                        None => t.base,
                        Some(Hit::Found) => t.diff_insert,
                        Some(Hit::Against) => t.diff_delete,
                    };
                    Span::styled(s, style)
                })
                .collect();
            self.lines.push(Line::from(spans));
        }
    }

    fn done(self) -> Sectioned {
        Sectioned {
            lines: self.lines,
            sections: self.sections,
        }
    }
}

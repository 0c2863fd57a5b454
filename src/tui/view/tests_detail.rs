//! A Tests cell opened (Enter): the case's vars, the request as rendered,
//! the answer, every assertion with pass/fail, score and reason (the
//! grader's reason for model-graded ones), then tokens, cost and latency;
//! in sections to jump between.

use super::inspector::Sectioned;
use super::text::wrap;
use crate::eval::{CellResult, GradingResult, Verdict};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::usage::{fmt_cost, fmt_duration};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub fn lines(app: &App, case: usize, col: usize, width: usize) -> Sectioned {
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
    let Some(r) = g.result(case, col) else {
        d.text("no result yet", t.dim);
        return d.done();
    };
    let (mark, style) = match r.verdict {
        Verdict::Pass => ("✓ pass", t.ok),
        Verdict::Fail => ("✗ fail", t.error),
        Verdict::Error => ("! error", t.warning),
    };
    let score = r
        .grade
        .as_ref()
        .map_or(String::new(), |g| format!(" · score {:.2}", g.score));
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
    if let Some(e) = r.outcome.error() {
        d.text(&format!("the call failed: {e}"), t.error);
    }
    d.section("vars");
    for (k, v) in &r.vars {
        let v = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        d.text(&format!("{k}: {v}"), t.base);
    }
    d.section("request");
    for m in &r.messages {
        d.text(&format!("[{}]", m.role), t.readout);
        d.text(&m.plain_text(), t.base);
    }
    d.section("answer");
    d.text(&r.outcome.text, t.base);
    d.section("assertions");
    if let Some(grade) = &r.grade {
        for a in &grade.results {
            assertion(&mut d, a, 0);
        }
        if grade.results.is_empty() {
            d.text("(no assertion)", t.dim);
        }
    } else {
        d.text("not graded: the call gave no answer", t.dim);
    }
    d.section("usage");
    d.text(&usage_line(r), t.readout);
    d.done()
}

/// One assertion (and an assert-set's members, indented).
fn assertion(d: &mut Detail, a: &GradingResult, depth: usize) {
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
    d.text(
        &format!("{indent}{mark} {}{value} · score {:.2}", a.kind, a.score),
        style,
    );
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
    for m in &a.members {
        assertion(d, m, depth + 1);
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

    fn done(self) -> Sectioned {
        Sectioned {
            lines: self.lines,
            sections: self.sections,
        }
    }
}

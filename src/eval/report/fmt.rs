//! How reports write figures and names: rates, intervals, scores, costs,
//! token counts, case labels, one-line excerpts of answers and values,
//! and aligned text tables and Markdown tables.

use super::analysis::Cost;
use crate::eval::stats::Interval;
use crate::eval::{CellResult, GradingResult};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// `83.3%`.
pub fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

/// `55–95%`: a Wilson interval in whole percent.
pub fn interval(i: Option<Interval>) -> String {
    i.map_or_else(
        || "-".into(),
        |i| format!("{:.0}–{:.0}%", i.low * 100.0, i.high * 100.0),
    )
}

pub fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "-".into(), |s| format!("{s:.2}"))
}

/// `+0.12` / `−0.05`: a difference, always signed.
pub fn signed(d: f64) -> String {
    if d < 0.0 {
        format!("−{:.2}", -d)
    } else {
        format!("+{d:.2}")
    }
}

/// `p = 0.18`, `p < 0.001`, `p = 1`.
pub fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".into()
    } else if p >= 0.995 {
        "p = 1".into()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        format!("p = {p:.2}")
    }
}

/// `$0.0123`, `$?` when nothing was priced, `≥$0.0123` when some calls
/// had no price.
pub fn cost(c: Cost) -> String {
    let known = crate::usage::fmt_cost(Some(c.known));
    match (c.unpriced, c.known > 0.0) {
        (0, _) => known,
        (_, false) => "$?".into(),
        (_, true) => format!("≥{known}"),
    }
}

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn duration(d: Option<std::time::Duration>) -> String {
    d.map_or_else(|| "-".into(), crate::usage::fmt_duration)
}

/// `text` on one line (line breaks as `\n`), cut to `max` characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let one: String = text
        .chars()
        .flat_map(|c| match c {
            '\n' => vec!['\\', 'n'],
            '\r' => vec!['\\', 'r'],
            '\t' => vec![' '],
            c => vec![c],
        })
        .collect();
    if one.chars().count() <= max {
        one
    } else {
        let cut: String = one.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// `case 4 "refund request"` (1-based, as a person counts the file's
/// cases), or the vars when the case has no description.
pub fn case_label(c: &CellResult) -> String {
    match &c.description {
        Some(d) => format!("case {} \"{}\"", c.case + 1, excerpt(d, 60)),
        None if c.vars.is_empty() => format!("case {}", c.case + 1),
        None => format!(
            "case {} {}",
            c.case + 1,
            excerpt(&Value::Object(c.vars.clone()).to_string(), 60)
        ),
    }
}

/// `repeat 2/5` when the case repeats.
pub fn repeat_label(c: &CellResult) -> Option<String> {
    (c.repeats > 1).then(|| format!("repeat {}/{}", c.repeat + 1, c.repeats))
}

/// `contains "refund"`: an assertion's type and its value, briefly.
pub fn assert_label(r: &GradingResult) -> String {
    match &r.value {
        None | Some(Value::Null) => r.kind.clone(),
        Some(Value::String(s)) => format!("{} \"{}\"", r.kind, excerpt(s, 60)),
        Some(v) => format!("{} {}", r.kind, excerpt(&v.to_string(), 60)),
    }
}

/// A table with columns padded to their widest cell; `right[i]` aligns
/// column `i` to the right (figures).
pub fn aligned(head: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = head.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(w - cell.width());
            if i > 0 {
                l.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                l.push_str(&pad);
                l.push_str(cell);
            } else {
                l.push_str(cell);
                if i + 1 < cells.len() {
                    l.push_str(&pad);
                }
            }
        }
        l.push('\n');
        l
    };
    let mut out = line(head.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// Text made safe for one Markdown table cell: no pipes or line breaks.
pub fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Prose from outside (a reason, a description) as Markdown text: the
/// characters Markdown or HTML would read as markup are escaped, and it
/// stays on one line.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table; `right[i]` aligns column `i` to the right.
pub fn md_table(head: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut out = format!("| {} |\n", head.join(" | "));
    let rule: Vec<&str> = (0..head.len())
        .map(|i| {
            if right.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Inline code safe for Markdown: a backtick fence longer than any run
/// inside.
pub fn md_code(s: &str) -> String {
    if s.is_empty() {
        return String::new();
    }
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(p_value(0.1796875), "p = 0.18");
        assert_eq!(p_value(0.001953125), "p = 0.002");
        assert_eq!(p_value(0.0001), "p < 0.001");
        assert_eq!(p_value(1.0), "p = 1");
        assert_eq!(signed(-0.054), "−0.05");
        assert_eq!(signed(0.0), "+0.00");
        assert_eq!(pct(Some(5.0 / 6.0)), "83.3%");
        assert_eq!(pct(None), "-");
        let partial = Cost {
            known: 0.0123,
            unpriced: 2,
        };
        assert_eq!(cost(partial), "≥$0.0123");
        assert_eq!(
            cost(Cost {
                known: 0.0,
                unpriced: 1
            }),
            "$?"
        );
        assert_eq!(cost(Cost::default()), "$0");
    }

    #[test]
    fn excerpts_stay_on_one_line_and_cut_on_characters() {
        assert_eq!(excerpt("a\nb\tc", 10), "a\\nb c");
        assert_eq!(excerpt("héllo wörld", 6), "héllo…");
        assert_eq!(excerpt("", 5), "");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_cell("a|b\nc"), "a\\|b c");
        assert_eq!(
            md_text("<b>*x*</b> a_b\n"),
            "&lt;b&gt;\\*x\\*&lt;/b&gt; a\\_b "
        );
    }
}

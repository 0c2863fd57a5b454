//! The run as JUnit XML (`--output FILE.xml`) in the shape Jenkins' and
//! GitLab's readers take: a `<testsuite>` per (prompt, model), a
//! `<testcase>` per cell, `<failure>` for a failed case and `<error>` for
//! an errored one (with the reasons), the answer in `<system-out>`.

use super::analysis::Analysis;
use super::failures::{answer_line, why};
use super::fmt::{case_label, repeat_label};
use crate::eval::{CellResult, EvalRun, Verdict};
use quick_xml::Writer;
use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

/// Characters XML 1.0 cannot hold even escaped (most control characters
/// a model may emit) written as `\u{1b}`, so the file always parses.
pub fn xml_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let ok = matches!(c, '\t' | '\n' | '\r')
            || matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        if ok {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// Element text, with only `<`, `>` and `&` escaped (quotes stay quotes).
fn text(s: &str) -> BytesText<'static> {
    BytesText::from_escaped(partial_escape(xml_safe(s)).into_owned())
}

fn secs(d: Option<std::time::Duration>) -> String {
    format!("{:.3}", d.map_or(0.0, |d| d.as_secs_f64()))
}

/// Jenkins splits a classname at its last dot into package and class:
/// the prompt is the package and the model the class, so dots inside
/// either become `_`.
fn classname(prompt: &str, model: &str) -> String {
    format!("{}.{}", prompt.replace('.', "_"), model.replace('.', "_"))
}

fn testcase_name(c: &CellResult) -> String {
    match repeat_label(c) {
        Some(r) => format!("{} ({r})", case_label(c)),
        None => case_label(c),
    }
}

/// The JUnit XML of a run.
pub fn junit(run: &EvalRun) -> io::Result<String> {
    let an = Analysis::groups_only(run);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let t = an.total;
    w.create_element("testsuites")
        .with_attributes([
            (
                "name",
                xml_safe(&format!("pwb eval {}", run.suite)).as_str(),
            ),
            ("tests", &t.total().to_string()),
            ("failures", &t.failed.to_string()),
            ("errors", &t.errors.to_string()),
            ("time", &secs(Some(run.wall_time))),
        ])
        .write_inner_content(|w| {
            for g in &an.groups {
                let time: f64 = g
                    .cells
                    .iter()
                    .filter_map(|&i| run.cells[i].outcome.wall_time)
                    .map(|d| d.as_secs_f64())
                    .sum();
                w.create_element("testsuite")
                    .with_attributes([
                        (
                            "name",
                            xml_safe(&format!("{} · {}", g.prompt, g.model)).as_str(),
                        ),
                        ("tests", &g.tally.total().to_string()),
                        ("failures", &g.tally.failed.to_string()),
                        ("errors", &g.tally.errors.to_string()),
                        ("skipped", "0"),
                        ("time", &format!("{time:.3}")),
                    ])
                    .write_inner_content(|w| {
                        w.create_element("properties").write_inner_content(|w| {
                            for (k, v) in [
                                ("prompt", &g.prompt),
                                ("model", &g.model),
                                ("model_id", &g.model_id),
                            ] {
                                w.create_element("property")
                                    .with_attributes([("name", k), ("value", &xml_safe(v))])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                        for &i in &g.cells {
                            testcase(w, &run.cells[i])?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    String::from_utf8(bytes).map_err(io::Error::other)
}

fn testcase(w: &mut Writer<Vec<u8>>, c: &CellResult) -> io::Result<()> {
    let name = xml_safe(&testcase_name(c));
    let class = xml_safe(&classname(&c.prompt, &c.model));
    let time = secs(c.outcome.wall_time.or(c.outcome.total_time));
    w.create_element("testcase")
        .with_attributes([
            ("name", name.as_str()),
            ("classname", &class),
            ("time", &time),
        ])
        .write_inner_content(|w| {
            let reasons: Vec<String> = why(c)
                .into_iter()
                .map(|y| format!("{}{}", "  ".repeat(y.depth), y.text))
                .collect();
            let tag = match c.verdict {
                Verdict::Pass => None,
                Verdict::Fail => Some(("failure", "assertion")),
                Verdict::Error if c.outcome.error().is_some() => Some(("error", "call")),
                Verdict::Error => Some(("error", "assertion")),
            };
            if let Some((tag, kind)) = tag {
                let message = reasons
                    .first()
                    .map(|m| m.trim_start_matches(['✗', '!', ' ']).to_string())
                    .unwrap_or_else(|| "failed".into());
                let mut body = reasons.join("\n");
                if let Some(a) = answer_line(c, 500) {
                    body.push('\n');
                    body.push_str(&a);
                }
                w.create_element(tag)
                    .with_attributes([("message", xml_safe(&message).as_str()), ("type", kind)])
                    .write_text_content(text(&body))?;
            }
            if !c.outcome.text.is_empty() {
                w.create_element("system-out")
                    .write_text_content(text(&c.outcome.text))?;
            }
            Ok(())
        })?;
    Ok(())
}

//! Every output format parsed back (JSON and JSONL with serde_json, CSV
//! with the csv crate; JUnit is in `junit.rs`); the file name picks the
//! format; keys in a call's trace reach no report.

use super::{repeats, two_prompts};
use crate::eval::EvalRun;
use crate::eval::report::{Format, ReportError, render, write};
use crate::provider::Trace;
use crate::run::Attempt;
use serde_json::{Value, json};
use std::path::Path;

fn parse_json(run: &EvalRun) -> Value {
    serde_json::from_str(&render(run, Format::Json).unwrap()).unwrap()
}

#[test]
fn json_holds_each_cell_with_its_asserts_in_order_and_the_statistics() {
    let v = parse_json(&two_prompts());
    assert_eq!(v["pwb_eval"], 1);
    assert_eq!(v["suite"], "tests/triage.yaml");
    assert_eq!(
        v["stats"],
        json!({"cells": 8, "passed": 4, "failed": 3, "errors": 1, "pass_rate": 0.5, "repeats": 1})
    );
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 8);
    let first = &results[0];
    assert_eq!(first["description"], "refund request");
    assert_eq!(
        first["vars"],
        json!({"ticket": "I was charged twice for INV-4821.", "channel": "email"})
    );
    assert_eq!(first["prompt"], "triage");
    assert_eq!(first["model_id"], "openai:gpt-4o-mini");
    assert_eq!(
        first["messages"][1]["content"][0]["text"],
        "I was charged twice for INV-4821."
    );
    assert_eq!(first["output"], "Queue: billing. A refund is due.");
    assert_eq!(first["pass"], true);
    assert_eq!(first["verdict"], "pass");
    assert_eq!(first["score"], 1.0);
    assert_eq!(first["usage"]["input_tokens"], 120);
    assert_eq!(first["timings"]["wall_ms"], 310.0);
    assert_eq!(first["finish_reason"], "stop");
    let types: Vec<&str> = first["asserts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["contains", "not-icontains"], "as written, in order");
    // An assert-set is one entry holding its members.
    let set = &results[2]["asserts"][0];
    assert_eq!(set["type"], "assert-set");
    assert_eq!(set["pass"], false);
    assert_eq!(set["members"][0]["type"], "regex");
    assert_eq!(
        set["members"][0]["reason"],
        "Expected output to match regex \"^account\""
    );
    assert_eq!(set["members"][1]["pass"], true);
    // The grader's call is kept with its assertion, its cost apart.
    let rubric = &results[6]["asserts"][1];
    assert_eq!(rubric["grader"]["model"], "openai:gpt-4o");
    assert_eq!(results[6]["grader_usage"]["input_tokens"], 210);
    assert_eq!(results[6]["grader_cost"], 0.00078);
    // A provider error: not a pass, no score, the error kept.
    let err = &results[7];
    assert_eq!(
        (err["pass"].clone(), err["verdict"].clone()),
        (json!(false), json!("error"))
    );
    assert!(err["score"].is_null());
    assert!(err["error"].as_str().unwrap().starts_with("HTTP 500"));
    // Statistics per (prompt, model) and the comparison.
    let g = &v["groups"][1];
    assert_eq!(
        (
            g["passed"].clone(),
            g["failed"].clone(),
            g["errors"].clone()
        ),
        (json!(2), json!(1), json!(1))
    );
    assert_eq!(g["pass_rate"], 0.5);
    assert_eq!(g["pass_rate_wilson95"].as_array().unwrap().len(), 2);
    let cmp = &v["comparisons"][0];
    assert_eq!(
        (cmp["a"].clone(), cmp["b"].clone()),
        (json!("triage"), json!("triage-v2"))
    );
    assert_eq!(
        (
            cmp["b_wins"].clone(),
            cmp["b_loses"].clone(),
            cmp["ties"].clone()
        ),
        (json!(1), json!(1), json!(2))
    );
    assert_eq!(cmp["p_value"], 1.0);
}

#[test]
fn json_states_repeat_statistics_per_case() {
    let v = parse_json(&repeats());
    let local = &v["groups"][1];
    assert_eq!(local["model"], "local:smollm2-135m");
    assert_eq!(
        (
            local["cases_pass_all"].clone(),
            local["cases_pass_any"].clone(),
            local["flaky"].clone()
        ),
        (json!(0), json!(2), json!(2))
    );
    let case2 = &local["cases"][2];
    assert_eq!(case2["runs"], 3);
    assert_eq!(
        (case2["passed"].clone(), case2["errors"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(case2["flaky"], true);
    assert_eq!(v["comparisons"][0]["test"], "exact sign test over cases");
    assert_eq!(v["results"][4]["repeat"], 1);
    assert_eq!(v["results"][4]["repeats"], 3);
}

#[test]
fn jsonl_is_one_cell_per_line_as_in_the_json() {
    let run = two_prompts();
    let text = render(&run, Format::Jsonl).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), run.cells.len());
    assert_eq!(Value::Array(lines), parse_json(&run)["results"]);
}

#[test]
fn csv_parses_back_a_row_per_cell_with_var_columns() {
    let mut run = two_prompts();
    run.cells[0].outcome.text = "line one\nline \"two\", with a comma".into();
    let text = render(&run, Format::Csv).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&head[..4], ["prompt", "model", "model_id", "case"]);
    assert_eq!(&head[head.len() - 2..], ["var:ticket", "var:channel"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &rows[0][col("output")],
        "line one\nline \"two\", with a comma"
    );
    assert_eq!(&rows[0][col("verdict")], "pass");
    assert_eq!(
        &rows[0][col("var:ticket")],
        "I was charged twice for INV-4821."
    );
    assert_eq!(
        &rows[1][col("reason")],
        "✗ contains \"feature\": Expected output to contain \"feature\""
    );
    assert_eq!(&rows[7][col("verdict")], "error");
    assert!(rows[7][col("error")].starts_with("HTTP 500"));
    assert_eq!(&rows[7][col("score")], "");
    assert_eq!(&rows[6][col("grader_tokens")], "235");
    assert_eq!(&rows[3][col("case")], "4");
}

#[test]
fn the_extension_picks_the_format_and_an_unknown_one_is_refused_with_a_hint() {
    for (name, f) in [
        ("r.json", Format::Json),
        ("r.JSONL", Format::Jsonl),
        ("r.xml", Format::Xml),
        ("r.md", Format::Markdown),
        ("r.csv", Format::Csv),
    ] {
        assert_eq!(Format::from_path(Path::new(name)).unwrap(), f);
    }
    let e = Format::from_path(Path::new("out/results.html")).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, ReportError::UnknownFormat { .. }));
    assert!(
        msg.contains("out/results.html") && msg.contains("`.html` is not one pwb writes"),
        "{msg}"
    );
    assert!(
        msg.contains("hint: end the name in .json, .jsonl, .xml (JUnit), .md or .csv"),
        "{msg}"
    );
    assert!(
        Format::from_path(Path::new("results"))
            .unwrap_err()
            .to_string()
            .contains("hint:")
    );
}

#[test]
fn write_puts_the_file_in_place_and_says_why_it_could_not() {
    let dir = tempfile::tempdir().unwrap();
    let run = two_prompts();
    for f in Format::ALL {
        let ext = match f {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Xml => "xml",
            Format::Markdown => "md",
            Format::Csv => "csv",
        };
        let path = dir.path().join(format!("report.{ext}"));
        assert_eq!(write(&run, &path).unwrap(), f);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            render(&run, f).unwrap()
        );
    }
    let missing = dir.path().join("no/such/folder/r.json");
    let e = write(&run, &missing).unwrap_err().to_string();
    assert!(
        e.contains("cannot write the report") && e.contains("hint:"),
        "{e}"
    );
}

#[test]
fn no_report_carries_a_key_from_a_calls_trace() {
    let mut run = two_prompts();
    for c in &mut run.cells {
        let mut t = Trace::default();
        t.add_secret(Some("sk-canary-report-77"));
        t.request_headers
            .push(("authorization".into(), "Bearer sk-canary-report-77".into()));
        t.raw = "{\"error\": \"bad key sk-canary-report-77\"}".into();
        c.outcome.attempts.push(Attempt {
            trace: Some(t),
            failure: None,
            wait: None,
        });
    }
    for f in Format::ALL {
        let text = render(&run, f).unwrap();
        assert!(!text.contains("sk-canary"), "{f:?} carries the key");
    }
    assert!(!crate::eval::report::summary(&run).contains("sk-canary"));
    assert!(!crate::eval::report::markdown(&run).contains("sk-canary"));
}

/// Cells of a Markdown table row, split at pipes that are not escaped.
fn md_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in inner.chars() {
        match c {
            '|' if !escaped => cells.push(String::new()),
            c => {
                escaped = c == '\\';
                if let Some(last) = cells.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    cells.iter().map(|c| c.trim().to_string()).collect()
}

#[test]
fn markdown_tables_keep_their_columns_whatever_the_names_hold() {
    let mut run = two_prompts();
    for c in &mut run.cells {
        c.prompt = c.prompt.replace("triage", "tri|age");
        c.description = c.description.as_ref().map(|d| format!("{d} | <b>\nx"));
    }
    run.prompts = vec!["tri|age".into(), "tri|age-v2".into()];
    let md = render(&run, Format::Markdown).unwrap();
    let rows: Vec<Vec<String>> = md
        .lines()
        .take_while(|l| !l.starts_with("###"))
        .filter(|l| l.starts_with('|'))
        .map(md_row)
        .collect();
    assert_eq!(rows.len(), 4, "head, rule, two groups:\n{md}");
    assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{rows:?}");
    assert_eq!(rows[2][0], "tri\\|age");
    assert_eq!(rows[3][2], "50.0%");
    // Outside tables, outside text cannot open HTML or break a line.
    assert!(!md.contains("<b>"), "{md}");
    assert!(md.contains("dark mode wish \\| &lt;b&gt;\\\\nx"), "{md}");
    assert!(md.contains("### tri\\|age-v2 vs tri\\|age"), "{md}");
    assert!(
        md.contains("\ntri\\|age-v2 passes 1 case that tri\\|age fails"),
        "{md}"
    );
}

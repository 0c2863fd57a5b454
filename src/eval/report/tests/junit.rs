//! The JUnit report parsed back with an XML parser (roxmltree): a
//! testsuite per (prompt, model), a testcase per cell, `<failure>` and
//! `<error>` with the reasons, control characters made safe.

use super::{repeats, two_prompts};
use crate::eval::report::{Format, render};

#[test]
fn junit_parses_back_with_a_testcase_per_cell_failures_and_errors() {
    let mut run = two_prompts();
    // Control characters a model may emit cannot go into XML as they are.
    run.cells[0].outcome.text = "Queue: billing\u{1b}[0m é ✓ <b>&</b>\u{0}".into();
    let xml = render(&run, Format::Xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(
        (
            root.attribute("tests"),
            root.attribute("failures"),
            root.attribute("errors")
        ),
        (Some("8"), Some("3"), Some("1"))
    );
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(
        suites[1].attribute("name"),
        Some("triage-v2 · openai:gpt-4o-mini")
    );
    assert_eq!(
        (
            suites[1].attribute("failures"),
            suites[1].attribute("errors")
        ),
        (Some("1"), Some("1"))
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 8);
    assert_eq!(
        cases[0].attribute("name"),
        Some("case 1 \"refund request\"")
    );
    assert_eq!(
        cases[0].attribute("classname"),
        Some("triage.openai:gpt-4o-mini")
    );
    assert_eq!(cases[0].attribute("time"), Some("0.310"));
    let out = cases[0]
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert_eq!(
        out.text(),
        Some("Queue: billing\\u{1b}[0m é ✓ <b>&</b>\\u{0}")
    );
    let failure = cases[1]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("contains \"feature\": Expected output to contain \"feature\"")
    );
    assert!(
        failure
            .text()
            .unwrap()
            .contains("answer: \"Queue: billing.\"")
    );
    let set = cases[2]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        set.text()
            .unwrap()
            .contains("\n  ✗ regex \"^account\": Expected output to match regex \"^account\""),
        "{:?}",
        set.text()
    );
    let error = cases[7]
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert!(
        error
            .attribute("message")
            .unwrap()
            .starts_with("error: HTTP 500")
    );
    assert!(cases[7].children().all(|n| !n.has_tag_name("failure")));
    assert!(
        cases[0]
            .children()
            .all(|n| !n.has_tag_name("failure") && !n.has_tag_name("error"))
    );
    let props: Vec<_> = suites[0]
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|p| (p.attribute("name").unwrap(), p.attribute("value").unwrap()))
        .collect();
    assert_eq!(
        props,
        [
            ("prompt", "triage"),
            ("model", "openai:gpt-4o-mini"),
            ("model_id", "openai:gpt-4o-mini")
        ]
    );
}

#[test]
fn junit_names_repeats_and_keeps_dots_out_of_the_classname() {
    let mut run = repeats();
    for c in &mut run.cells {
        c.model = c.model.replace("gpt-4o-mini", "gpt-4.1");
    }
    run.models[0] = "openai:gpt-4.1".into();
    let xml = render(&run, Format::Xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(
        first.attribute("name"),
        Some("case 1 \"refund request\" (repeat 1/3)")
    );
    assert_eq!(first.attribute("classname"), Some("triage.openai:gpt-4_1"));
}

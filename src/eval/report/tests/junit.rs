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

/// What Jenkins' JUnit schema (junit-10.xsd, as pytest's test suite keeps
/// it) allows, checked on a report with awkward text: the elements and
/// attributes pwb writes, their order, required attributes and the time
/// format. (The same files validated against the XSD with xmlschema.)
#[test]
fn junit_keeps_to_the_jenkins_schema() {
    let mut run = two_prompts();
    run.cells[0].outcome.text = "ctl \u{1b}[0m \u{0} ]]> <x> & é".into();
    run.cells[1].description = Some("quote \" and ' and <tag>\nnewline".into());
    let xml = render(&run, Format::Xml).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let time = |t: &str| {
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        int.chars().all(|c| c.is_ascii_digit())
            && frac.len() <= 3
            && frac.chars().all(|c| c.is_ascii_digit())
    };
    let allowed: &[(&str, &[&str], &[&str])] = &[
        (
            "testsuites",
            &["name", "tests", "failures", "errors", "time"],
            &[],
        ),
        (
            "testsuite",
            &["name", "tests", "failures", "errors", "skipped", "time"],
            &["name", "tests"],
        ),
        ("properties", &[], &[]),
        ("property", &["name", "value"], &["name", "value"]),
        ("testcase", &["name", "classname", "time"], &["name"]),
        ("failure", &["message", "type"], &[]),
        ("error", &["message", "type"], &[]),
        ("system-out", &[], &[]),
    ];
    for n in doc.descendants().filter(|n| n.is_element()) {
        let name = n.tag_name().name();
        let (_, attrs, required) = allowed
            .iter()
            .find(|(e, _, _)| *e == name)
            .unwrap_or_else(|| panic!("<{name}> is not in the schema"));
        for a in n.attributes() {
            assert!(attrs.contains(&a.name()), "<{name} {}>", a.name());
        }
        for r in *required {
            assert!(n.attribute(*r).is_some(), "<{name}> needs {r}");
        }
        if let Some(t) = n.attribute("time") {
            assert!(time(t), "time {t:?}");
        }
        if name == "testsuite" {
            let kids: Vec<&str> = n
                .children()
                .filter(|k| k.is_element())
                .map(|k| k.tag_name().name())
                .collect();
            assert_eq!(kids[0], "properties", "properties come first");
            assert!(kids[1..].iter().all(|k| *k == "testcase"));
        }
        if name == "testcase" {
            let kids: Vec<&str> = n
                .children()
                .filter(|k| k.is_element())
                .map(|k| k.tag_name().name())
                .collect();
            let ok: &[&[&str]] = &[
                &[],
                &["system-out"],
                &["failure"],
                &["error"],
                &["failure", "system-out"],
                &["error", "system-out"],
            ];
            assert!(ok.contains(&kids.as_slice()), "{kids:?}");
        }
    }
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert_eq!(first.text(), Some("ctl \\u{1b}[0m \\u{0} ]]> <x> & é"));
    let second = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .nth(1)
        .unwrap();
    assert_eq!(
        second.attribute("name"),
        Some("case 2 \"quote \" and ' and <tag>\\nnewline\"")
    );
}

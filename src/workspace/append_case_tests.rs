use super::*;

fn case() -> NewCase {
    NewCase {
        description: Some("refund twice: billing".into()),
        vars: Map::from_iter([
            (
                "ticket".to_string(),
                json!("I was billed twice.\nPlease refund."),
            ),
            ("tier".to_string(), json!("pro")),
        ]),
        asserts: vec![
            json!({"type": "contains", "value": "billing"}),
            json!({"type": "llm-rubric", "value": "asks no question"}),
        ],
    }
}

/// The new text is the old one with lines inserted at one place.
fn inserted(old: &str, new: &str) -> (String, String) {
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old[prefix..]
        .bytes()
        .rev()
        .zip(new[prefix..].bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        old[prefix..old.len() - suffix].to_string(),
        new[prefix..new.len() - suffix].to_string(),
    )
}

#[test]
fn appends_at_the_end_of_tests_with_the_items_indentation_and_keeps_the_rest() {
    let old = "# Cases for triage.\ntests:\n    # first\n    - description: one   # odd indent\n      vars: {ticket: 'a'}\n\n# defaults below\ndefaultTest:\n  assert:\n    - type: is-json\n";
    let new = with_case(old, &case()).unwrap();
    let (removed, added) = inserted(old, &new);
    assert_eq!(removed, "", "nothing of the old file changes");
    assert!(new.starts_with("# Cases for triage.\ntests:\n    # first\n    - description: one   # odd indent\n      vars: {ticket: 'a'}\n    - description: 'refund twice: billing'\n"), "{new}");
    assert!(
        new.ends_with("\n# defaults below\ndefaultTest:\n  assert:\n    - type: is-json\n"),
        "{new}"
    );
    assert!(added.contains("      vars:\n"), "{added}");
    let (file, diags) = TestFile::parse("triage", Path::new("t.yaml"), &new, Path::new("t.yaml"));
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    let cases = file.unwrap().cases;
    assert_eq!(cases.len(), 2);
    assert_eq!(
        cases[1].vars["ticket"],
        json!("I was billed twice.\nPlease refund.")
    );
    assert_eq!(
        cases[1].description.as_deref(),
        Some("refund twice: billing")
    );
}

#[test]
fn a_bare_list_and_a_file_without_a_final_newline() {
    let old = "- vars: {ticket: a}\n  assert:\n  - type: equals\n    value: x";
    let new = with_case(old, &case()).unwrap();
    assert!(new.starts_with(old), "{new}");
    assert!(
        new[old.len()..].starts_with("\n- description: 'refund twice"),
        "{new}"
    );
    let (file, _) = TestFile::parse("t", Path::new("t.yaml"), &new, Path::new("t.yaml"));
    assert_eq!(file.unwrap().cases.len(), 2);
}

#[test]
fn a_flow_list_or_another_shape_is_refused() {
    assert!(
        with_case("tests: [{vars: {a: 1}}]\n", &case())
            .unwrap_err()
            .contains("flow list")
    );
    assert!(
        with_case("prompt: x\n", &case())
            .unwrap_err()
            .contains("neither")
    );
}

#[test]
fn append_case_writes_only_a_case_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("triage.yaml");
    std::fs::write(&path, "tests:\n  - vars: {ticket: a}\n").unwrap();
    append_case(&path, &case()).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("tests:\n  - vars: {ticket: a}\n  - description:"),
        "{text}"
    );
    // An assertion pwb does not know: refused, the file left alone.
    let mut bad = case();
    bad.asserts = vec![json!({"type": "contains-everything", "value": "x"})];
    let e = append_case(&path, &bad).unwrap_err();
    assert!(e.contains("contains-everything"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

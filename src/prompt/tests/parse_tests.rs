//! Parsing `.prompt` files: frontmatter/body split like JS dotprompt, ext
//! keys, and file positions of YAML, template and lint diagnostics.

use crate::prompt::*;
use serde_json::json;

#[test]
fn without_frontmatter_the_source_is_kept_as_is() {
    let p = parse_document("  Hello {{name}}\n\n").unwrap();
    assert_eq!(p.template, "  Hello {{name}}\n\n");
    assert_eq!(p.raw, None);
    assert!(p.meta.is_empty());
    assert_eq!((p.body_line, p.body_col), (1, 1));
}

#[test]
fn with_frontmatter_the_body_is_trimmed_and_positioned() {
    let src = "---\nmodel: m\n---\n\n\n  Hello\nthere\n\n";
    let p = parse_document(src).unwrap();
    assert_eq!(p.template, "Hello\nthere");
    assert_eq!((p.body_line, p.body_col), (6, 3));
    assert_eq!(p.model(), Some("m"));
    assert_eq!(p.file_pos(2, 4), (7, 4));
}

#[test]
fn crlf_frontmatter_parses() {
    let p =
        parse_document("---\r\nmodel: m\r\nconfig:\r\n  temperature: 1\r\n---\r\nHi\r\n").unwrap();
    assert_eq!(p.template, "Hi");
    assert_eq!(p.meta["config"], json!({"temperature": 1}));
    assert_eq!(p.body_line, 6);
}

#[test]
fn licence_header_comments_before_the_frontmatter_are_skipped() {
    let src = "# Copyright 2025 Google LLC\n#\n# SPDX-License-Identifier: Apache-2.0\n\n---\n\
               model: googleai/gemini-2.0-flash\nconfig:\n  temperature: 0.5\n---\nHello {{name}}\n";
    let p = parse_document(src).unwrap();
    assert_eq!(p.model(), Some("googleai/gemini-2.0-flash"));
    assert_eq!(p.meta["config"], json!({"temperature": 0.5}));
    assert_eq!(p.template, "Hello {{name}}");
    assert_eq!((p.body_line, p.body_col), (10, 1));
    assert_eq!(p.key_line("model"), 6);
    assert_eq!(p.key_line("config"), 7);
    // CRLF, blank lines holding spaces, and a comment right before `---`.
    let crlf = "# header\r\n  \r\n# more\r\n---\r\nmodel: m\r\n---\r\nHi\r\n";
    let p = parse_document(crlf).unwrap();
    assert_eq!(
        (p.model(), p.template.as_str(), p.body_line),
        (Some("m"), "Hi", 7)
    );
}

#[test]
fn only_column_one_comments_and_blank_lines_may_precede_the_frontmatter() {
    // As dotpromptz decides: any other line means there is no frontmatter.
    for src in [
        "  # indented\n---\nmodel: m\n---\nHi",
        "Intro\n---\nmodel: m\n---\nHi",
        "# Title only\n\nSome text",
    ] {
        let p = parse_document(src).unwrap();
        assert_eq!(p.raw, None, "{src:?}");
        assert_eq!(p.template, src);
    }
}

#[test]
fn an_unclosed_frontmatter_after_a_header_is_still_flagged() {
    let p = parse_document("# licence\n\n---\nmodel: m\nHi {{x}}\n").unwrap();
    let warnings = lint(&p);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].line, 3);
    assert!(warnings[0].message.contains("never closed"));
}

#[test]
fn empty_frontmatter_counts_as_none_like_js() {
    let p = parse_document("---\n---\nHi").unwrap();
    assert_eq!(p.raw, None);
    assert_eq!(p.template, "---\n---\nHi");
}

#[test]
fn dotted_keys_split_at_the_last_dot_into_ext() {
    let src = "---\next1.foo: bar\next1.sub1.foo: baz\next2.x: 1\nname: n\ncustom: c\n---\n";
    let p = parse_document(src).unwrap();
    assert_eq!(
        serde_json::Value::Object(p.ext.clone()),
        json!({"ext1": {"foo": "bar"}, "ext1.sub1": {"foo": "baz"}, "ext2": {"x": 1}})
    );
    assert_eq!(p.meta["name"], json!("n"));
    assert!(!p.meta.contains_key("custom"));
    let raw = p.raw.unwrap();
    assert_eq!(raw["custom"], json!("c"));
    assert_eq!(raw["ext1.sub1.foo"], json!("baz"));
}

#[test]
fn yaml_error_on_line_4_reports_line_4() {
    let src = "---\nmodel: m\nconfig:\n  temperature: 1\n   bad: 2\n---\nHi";
    // line 5 holds the bad indentation; shift by one to test line 4 too
    let err = parse_document(src).unwrap_err();
    assert_eq!(err.kind, PromptErrorKind::Frontmatter);
    assert_eq!(err.line, 5, "{err:?}");

    let src = "---\nmodel: m\nconfig:\n   bad: 2: 3\n---\nHi";
    let err = parse_document(src).unwrap_err();
    assert_eq!(err.line, 4, "{err:?}");
    assert!(err.message.contains("invalid YAML"), "{}", err.message);
    assert!(!err.hint.is_empty());
}

#[test]
fn wrong_shapes_are_errors_at_the_key_line() {
    let err = parse_document("---\nmodel: m\nconfig: 3\n---\nHi").unwrap_err();
    assert_eq!((err.line, err.kind), (3, PromptErrorKind::Frontmatter));
    let err = parse_document("---\n- a\n- b\n---\nHi").unwrap_err();
    assert_eq!(err.line, 2);
}

#[test]
fn lint_reports_unknown_keys_with_lines() {
    let src = "---\nmodel: m\ntemprature: 3\nmyapp.owner: me\n\"quoted key\": 1\n---\nHi";
    let p = parse_document(src).unwrap();
    let warnings = lint(&p);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(warnings[0].line, 3);
    assert!(warnings[0].message.contains("temprature"));
    assert_eq!(warnings[1].line, 5);
    assert!(lint(&parse_document("Hi").unwrap()).is_empty());
}

#[test]
fn lint_warns_about_an_unclosed_frontmatter() {
    let p = parse_document("---\nmodel: m\nHello").unwrap();
    let warnings = lint(&p);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, 1);
}

#[test]
fn unclosed_block_points_at_its_file_line() {
    let src = "---\nmodel: m\n---\nHello\n{{#if x}}\nunclosed\n";
    let err = compile_check(&parse_document(src).unwrap()).unwrap_err();
    assert_eq!((err.line, err.col), (5, 1));
    assert!(err.message.contains("{{#if}}"), "{}", err.message);
    assert!(err.hint.contains("{{/if}}"));
}

#[test]
fn mismatched_close_and_bad_tags_are_positioned() {
    let err = compile_check(&parse_document("---\nm: 1\n---\nHi {{#if x}}a{{/each}}").unwrap())
        .unwrap_err();
    assert_eq!(err.line, 4);
    let err = compile_check(&parse_document("line one\nHi {{> }}").unwrap()).unwrap_err();
    assert_eq!((err.line, err.col), (2, 8), "{err:?}");
}

#[test]
fn unknown_helpers_are_reported_like_js_known_helpers_only() {
    let src = "---\nmodel: m\n---\nHi {{name}}\n  {{upper name}}";
    let err = compile_check(&parse_document(src).unwrap()).unwrap_err();
    assert_eq!((err.line, err.col), (5, 3));
    assert!(err.message.contains("upper"));
    let ok =
        "{{#if a}}{{json a indent=2}}{{else}}{{role \"user\"}}{{/if}}{{#each xs}}{{this}}{{/each}}";
    assert!(compile_check(&parse_document(ok).unwrap()).is_ok());
}

#[test]
fn error_report_names_file_line_and_hint() {
    let err = parse_document("---\nconfig: 3\n---\nHi")
        .unwrap_err()
        .in_file("prompts/a.prompt");
    let report = err.report();
    assert!(report.starts_with("prompts/a.prompt:2:1: "), "{report}");
    assert!(report.contains("\nhint: "), "{report}");
}

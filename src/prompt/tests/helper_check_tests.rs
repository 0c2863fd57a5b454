//! Helper calls Genkit refuses are refused alike by `compile_check` (what
//! `pwb check` runs) and `Renderer::render` (`pwb render`, the TUI), with
//! the same message; operators inside tags are named.

use super::*;
use crate::prompt::{RenderData, Renderer, compile_check, parse_document};
use serde_json::json;

/// The error `compile_check` gives, and the one rendering gives.
fn both(src: &str) -> (PromptError, PromptError) {
    let parsed = parse_document(src).unwrap();
    let checked = compile_check(&parsed).expect_err("check must fail");
    let data = RenderData {
        input: json!({"items": [1, 2], "age": 20, "a": 1, "b": 1})
            .as_object()
            .cloned()
            .unwrap(),
        ..RenderData::default()
    };
    let rendered = Renderer::default()
        .render(&parsed, &data, None)
        .expect_err("render must fail");
    (checked, rendered)
}

fn same(src: &str) -> PromptError {
    let (checked, rendered) = both(src);
    assert_eq!(
        (checked.line, checked.col, &checked.message, &checked.hint),
        (
            rendered.line,
            rendered.col,
            &rendered.message,
            &rendered.hint
        ),
        "check and render disagree on {src:?}"
    );
    checked
}

#[test]
fn a_custom_helper_is_named_as_one_with_the_known_list() {
    let e = same("---\nmodel: m\n---\nItems:\n{{list items}}\n");
    assert_eq!((e.line, e.col), (5, 1));
    assert_eq!(e.message, "`list` is a custom helper pwb does not have");
    assert!(e.hint.contains("ai.defineHelper"), "{}", e.hint);
    assert!(
        e.hint.contains("role, history, section, media, json, ifEquals, unlessEquals, if, unless, each, with, lookup, log"),
        "{}",
        e.hint
    );
}

#[test]
fn the_handlebars_crate_extras_are_refused_as_genkit_does() {
    let e = same("{{#if (eq a b)}}same{{/if}}");
    assert!(
        e.message.starts_with("`eq` is not a Dotprompt helper"),
        "{e:?}"
    );
    assert!(e.hint.contains("{{#ifEquals a b}}"), "{}", e.hint);
    let e = same("{{len items}}");
    assert!(e.hint.contains("items.length"), "{}", e.hint);
    let e = same("{{#if (gt age 18)}}adult{{/if}}");
    assert!(
        e.hint.starts_with("Handlebars has no comparisons"),
        "{}",
        e.hint
    );
}

#[test]
fn a_bare_name_of_an_extra_is_a_variable_as_in_handlebars_js() {
    let data = RenderData {
        input: json!({"len": "short"}).as_object().cloned().unwrap(),
        ..RenderData::default()
    };
    let parsed = parse_document("Keep it {{len}}.").unwrap();
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    assert_eq!(r.messages[0].plain_text(), "Keep it short.");
}

#[test]
fn comparison_operators_are_named_where_they_are() {
    let e = same("---\nmodel: m\n---\n{{#if age >= 18}}adult{{/if}}\n");
    assert_eq!(e.message, "Handlebars has no comparison operators (`>=`)");
    assert_eq!((e.line, e.col), (4, 11));
    assert!(e.hint.contains("{{#ifEquals a b}}"), "{}", e.hint);
    let e = same("{{#if a == b}}x{{/if}}");
    assert_eq!(e.message, "Handlebars has no comparison operators (`==`)");
    let e = same("{{#if a && b}}x{{/if}}");
    assert_eq!(e.message, "Handlebars has no logical operators (`&&`)");
}

#[test]
fn if_unless_with_take_one_argument_and_each_needs_one() {
    let e = same("{{#if a and b}}x{{/if}}");
    assert_eq!(e.message, "`#if` takes exactly one argument, found 3");
    assert!(e.hint.contains("no `and`, `or` or `not`"), "{}", e.hint);
    let e = same("{{#unless a b}}x{{/unless}}");
    assert_eq!(e.message, "`#unless` takes exactly one argument, found 2");
    let e = same("{{#with a b}}x{{/with}}");
    assert_eq!(e.message, "`#with` takes exactly one argument, found 2");
    let e = same("{{#if a}}x{{else if a b}}y{{/if}}");
    assert_eq!(e.message, "`#if` takes exactly one argument, found 2");
    let e = same("{{#each}}x{{/each}}");
    assert_eq!(e.message, "`#each` needs the list to go through");
    // Hash arguments do not count, as in Handlebars.js.
    let ok = parse_document("{{#if a includeZero=true}}x{{/if}}").unwrap();
    assert!(compile_check(&ok).is_ok());
}

#[test]
fn a_partial_calling_a_custom_helper_fails_the_prompt_that_includes_it() {
    let mut renderer = Renderer::default();
    renderer.add_partial("shout", "Hi\n{{upper name}}").unwrap();
    renderer.add_partial("fine", "ok").unwrap();
    let data = RenderData::default();
    let uses = parse_document("---\nmodel: m\n---\nA {{> fine}} {{> shout}}").unwrap();
    let e = renderer.render(&uses, &data, None).unwrap_err();
    assert_eq!((e.line, e.col), (4, 1));
    assert_eq!(
        e.message,
        "in partial `shout` at 2:1: `upper` is a custom helper pwb does not have"
    );
    let other = parse_document("B {{> fine}}").unwrap();
    assert!(renderer.render(&other, &data, None).is_ok());
}

#[test]
fn operators_are_found_outside_strings_and_segment_literals() {
    assert_eq!(operator_in_tag("#if age >= 18"), Some((8, ">=")));
    assert_eq!(operator_in_tag("#if !done"), Some((4, "!")));
    assert_eq!(operator_in_tag("> partial x=1"), None);
    assert_eq!(operator_in_tag("~> partial"), None);
    assert_eq!(operator_in_tag("#> layout"), None);
    assert_eq!(operator_in_tag("media url=\"a>b\""), None);
    assert_eq!(operator_in_tag("[odd<key>]"), None);
    assert_eq!(operator_in_tag("#each items as |item i|"), None);
    assert_eq!(operator_in_tag("json x indent='<'"), None);
}

//! Hostile templates are errors, not stack overflows: include cycles and
//! very deep nesting through `compile_check`, `Renderer::add_partial` and
//! `Renderer::render`. These run on the default test thread stack, so a
//! regression crashes the test run.

use crate::prompt::syntax::MAX_NESTING;
use crate::prompt::*;
use serde_json::json;
use std::collections::HashMap;

fn data(input: serde_json::Value) -> RenderData {
    let serde_json::Value::Object(input) = input else {
        panic!("not an object");
    };
    RenderData {
        input,
        ..RenderData::default()
    }
}

fn render_with(renderer: &Renderer, src: &str) -> Result<RenderedPrompt, PromptError> {
    let parsed = parse_document(src).expect("parses");
    renderer.render(&parsed, &data(json!({"a": true, "xs": [1]})), None)
}

/// A renderer with `partials` added in order, and the errors adding them.
fn renderer(partials: &[(&str, &str)]) -> (Renderer, Vec<PromptError>) {
    let mut r = Renderer::default();
    let errors = partials
        .iter()
        .filter_map(|(name, src)| r.add_partial(name, src).err())
        .collect();
    (r, errors)
}

#[test]
fn partial_including_itself_is_refused_and_named_at_render() {
    let (r, errors) = renderer(&[("a", "x\n  {{> a}}")]);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "partial `a` includes itself");
    assert_eq!((errors[0].line, errors[0].col), (2, 7));
    assert!(errors[0].hint.contains("remove one of the includes"));
    let e = render_with(&r, "---\nmodel: m\n---\nHi {{> a}}").unwrap_err();
    assert_eq!(e.message, "partial `a` includes itself");
    assert_eq!((e.line, e.col), (4, 8));
}

#[test]
fn mutually_including_partials_are_refused() {
    let (r, errors) = renderer(&[("a", "{{> b}}"), ("b", "B {{> a}}")]);
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["partial `b` includes itself through `a` -> `b`"]);
    assert_eq!((errors[0].line, errors[0].col), (1, 7));
    let e = render_with(&r, "Hi {{> a}}").unwrap_err();
    assert_eq!(e.message, "partial `a` includes itself through `b` -> `a`");
    assert_eq!(e.kind, PromptErrorKind::Render);
    let e = render_with(&r, "{{#if a}}{{> b}}{{/if}}").unwrap_err();
    assert_eq!(e.message, "partial `b` includes itself through `a` -> `b`");

    let both = HashMap::from([
        ("a".into(), "{{> b}}".into()),
        ("b".into(), "{{> a}}".into()),
    ]);
    assert!(Renderer::new(both, HashMap::new()).is_err());
}

#[test]
fn three_partial_cycle_is_refused() {
    let (r, errors) = renderer(&[("a", "{{> b}}"), ("b", "{{> c}}"), ("c", "{{> a}}")]);
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        ["partial `c` includes itself through `a` -> `b` -> `c`"]
    );
    let e = render_with(&r, "{{> b}}").unwrap_err();
    assert_eq!(
        e.message,
        "partial `b` includes itself through `c` -> `a` -> `b`"
    );
    // A partial that only leads into the cycle is fine itself.
    let (r, errors) = renderer(&[("a", "{{> b}}"), ("b", "{{> a}}"), ("top", "{{> a}}")]);
    assert_eq!(errors.len(), 1);
    let e = render_with(&r, "{{> top}}").unwrap_err();
    assert!(
        e.message
            .starts_with("partial `top` leads into an include cycle: partial `a`"),
        "{}",
        e.message
    );
}

#[test]
fn inline_partials_including_themselves_are_refused() {
    let src = "{{#*inline \"x\"}}{{> y}}{{/inline}}{{#*inline \"y\"}}{{> x}}{{/inline}}{{> x}}";
    let parsed = parse_document(src).unwrap();
    let e = compile_check(&parsed).unwrap_err();
    assert_eq!(e.message, "partial `x` includes itself through `y` -> `x`");
    assert!(render_with(&Renderer::default(), src).is_err());
}

#[test]
fn five_thousand_nested_ifs_are_an_error() {
    let n = 5000;
    let src = format!(
        "---\nmodel: m\n---\n{}x{}",
        "{{#if a}}".repeat(n),
        "{{/if}}".repeat(n)
    );
    let parsed = parse_document(&src).unwrap();
    let e = compile_check(&parsed).unwrap_err();
    assert_eq!(
        e.message,
        format!("blocks are nested more than {MAX_NESTING} levels deep")
    );
    assert_eq!((e.line, e.col), (4, 9 * MAX_NESTING + 1));
    assert!(e.hint.starts_with("flatten the template"));
    assert_eq!(render_with(&Renderer::default(), &src).unwrap_err(), e);
    let mut r = Renderer::default();
    let e = r.add_partial("deep", &parsed.template).unwrap_err();
    assert!(
        e.message
            .starts_with("in partial `deep`: blocks are nested")
    );
    assert_eq!(r.partial_names().count(), 0);
}

#[test]
fn five_thousand_nested_eaches_are_an_error() {
    let n = 5000;
    let src = "{{#each xs}}".repeat(n) + "x" + &"{{/each}}".repeat(n);
    let e = render_with(&Renderer::default(), &src).unwrap_err();
    assert!(e.message.starts_with("blocks are nested more than"), "{e}");
    assert!(compile_check(&parse_document(&src).unwrap()).is_err());
}

#[test]
fn long_else_if_chains_and_deep_subexpressions_are_an_error() {
    let chain = "{{#if a}}".to_string() + &"{{else if a}}".repeat(5000) + "{{/if}}";
    let e = render_with(&Renderer::default(), &chain).unwrap_err();
    assert!(e.message.contains("`{{else ...}}` branches"), "{e}");
    let parens = "{{json ".to_string() + &"(json ".repeat(5000) + "a" + &")".repeat(5000) + "}}";
    let e = render_with(&Renderer::default(), &parens).unwrap_err();
    assert!(e.message.contains("subexpressions"), "{e}");
}

#[test]
fn long_chains_of_partials_are_an_error() {
    let names: Vec<String> = (0..2 * MAX_NESTING).map(|i| format!("p{i}")).collect();
    let sources: Vec<String> = (0..names.len())
        .map(|i| match names.get(i + 1) {
            Some(next) => format!("{{{{> {next}}}}}"),
            None => "end".to_string(),
        })
        .collect();
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .zip(&sources)
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    let (r, errors) = renderer(&pairs);
    assert!(errors.is_empty(), "{errors:?}");
    let e = render_with(&r, "{{> p0}}").unwrap_err();
    assert!(e.message.contains("nest more than"), "{e}");
    // The same within one file, with inline partials.
    let inline: String = (0..3 * MAX_NESTING)
        .map(|i| {
            format!(
                "{{{{#*inline \"i{i}\"}}}}{{{{> i{}}}}}{{{{/inline}}}}",
                i + 1
            )
        })
        .collect();
    let src = inline + "{{> i0}}";
    assert!(compile_check(&parse_document(&src).unwrap()).is_err());
}

#[test]
fn nesting_up_to_the_limit_still_renders() {
    for (n, block, close) in [
        (20, "{{#if a}}", "{{/if}}"),
        (20, "{{#each @root.xs}}", "{{/each}}"),
        (MAX_NESTING, "{{#if a}}", "{{/if}}"),
    ] {
        let src = block.repeat(n) + "deep" + &close.repeat(n);
        assert!(compile_check(&parse_document(&src).unwrap()).is_ok());
        let r = render_with(&Renderer::default(), &src).unwrap();
        assert_eq!(r.messages[0].plain_text(), "deep");
    }
    // Partials included in several places are not cycles.
    let (r, errors) = renderer(&[("leaf", "L"), ("mid", "{{> leaf}}{{> leaf}}")]);
    assert!(errors.is_empty());
    let r = render_with(&r, "{{> mid}}{{#if a}}{{> leaf}}{{/if}}").unwrap();
    assert_eq!(r.messages[0].plain_text(), "LLL");
}

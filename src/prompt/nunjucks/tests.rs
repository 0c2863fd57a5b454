//! The Nunjucks subset against what Nunjucks 3.2.4 (promptfoo's) renders:
//! `tests/fixtures/promptfoo/nunjucks.json` holds its outputs; every case
//! pwb supports renders the same, every other one is a located error.

use super::*;
use serde_json::json;

fn fixture() -> Value {
    let text = include_str!("../../../tests/fixtures/promptfoo/nunjucks.json");
    serde_json::from_str(text).expect("fixture is JSON")
}

#[test]
fn renders_as_nunjucks_does_or_refuses() {
    let fx = fixture();
    let vars = fx["vars"].as_object().expect("vars").clone();
    let globals = json!({"env": {"PWB_FIXTURE_ENV": "from-env"}});
    let globals = globals.as_object().expect("globals");
    let cases = fx["cases"].as_array().expect("cases");
    assert!(cases.len() > 25);
    for case in cases {
        let template = case["template"].as_str().expect("template");
        let parsed = Template::parse(template);
        match case["pwb"].as_str() {
            Some("same") => {
                let t = parsed.unwrap_or_else(|e| panic!("{template:?}: {e}"));
                let want = case["output"].as_str().expect("nunjucks rendered it");
                assert_eq!(t.render(&vars, globals), want, "{template:?}");
            }
            _ => {
                let e = parsed.expect_err(template);
                assert!(e.offset <= template.len(), "{template:?}");
                assert!(!e.hint.is_empty(), "{template:?}");
            }
        }
    }
}

#[test]
fn errors_name_the_feature() {
    let msg = |t: &str| Template::parse(t).unwrap_err().message;
    assert!(
        msg("{{ x | upper }}").contains("filters"),
        "{}",
        msg("{{ x | upper }}")
    );
    assert!(msg("{% if x %}a{% endif %}").contains("`{% if %}`"));
    assert!(msg("{{ f(x) }}").contains("function calls"));
    assert!(msg("{{ 'a' }}").contains("literals"));
    assert!(msg("{{ a + b }}").contains("expressions"));
    assert!(msg("ab {{ x").contains("never closed"));
    assert_eq!(Template::parse("ab {{ x").unwrap_err().offset, 3);
    assert_eq!(Template::parse("ab {{ x | y }}").unwrap_err().offset, 6);
}

#[test]
fn lenient_parse_keeps_text_with_an_unclosed_tag() {
    // promptfoo wraps such a prompt in {% raw %}: nothing is substituted.
    let t = Template::parse_lenient("Use {{ like this\nand {{name}}").unwrap();
    assert!(t.is_static());
    let vars = json!({"name": "x"});
    assert_eq!(
        t.render(vars.as_object().unwrap(), &Map::new()),
        "Use {{ like this\nand {{name}}"
    );
    let t = Template::parse_lenient("{{name}} {% raw %}{{{% endraw %}").unwrap();
    assert!(!t.is_static());
    assert!(Template::parse_lenient("{{ a | b }}").is_err());
}

#[test]
fn lists_the_variables_read() {
    let t = Template::parse("{{a.b}} {{ c[0] }} {{a}}").unwrap();
    let roots: Vec<&str> = t.vars().map(|v| v.root.as_str()).collect();
    assert_eq!(roots, ["a", "c", "a"]);
    assert_eq!(t.vars().next().unwrap().keys, [Key::Name("b".into())]);
}

#[test]
fn numbers_print_as_javascript_does() {
    for (x, want) in [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1.5e-7, "1.5e-7"),
        (1e-6, "0.000001"),
        (123.456, "123.456"),
        (-0.0, "0"),
        (2.0, "2"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-1.25e30, "-1.25e+30"),
        (5e-324, "5e-324"),
    ] {
        assert_eq!(js_number(x), want, "{x:e}");
    }
    assert_eq!(js_string(&json!(9007199254740993u64)), "9007199254740992");
    assert_eq!(js_string(&json!([[1, [2]], null, "x"])), "1,2,,x");
}

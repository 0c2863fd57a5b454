//! Checking variables against the prompt: names it does not know (with a
//! did-you-mean) and values its Picoschema input refuses.

use crate::prompt::inputs::{InputProblemKind, variable_names};
use crate::prompt::*;
use serde_json::{Map, Value, json};

const TRIAGE: &str = "---
input:
  schema:
    ticket: string
    customer_tier?(enum, the plan): [free, pro, enterprise]
    max_words?: integer
  default:
    customer_tier: pro
---
{{ticket}} ({{customer_tier}}) {{extra}}
";

fn rendered(src: &str, given: &Value) -> RenderedPrompt {
    let p = parse_document(src).unwrap();
    let data = RenderData {
        input: given.as_object().cloned().unwrap_or_default(),
        ..RenderData::default()
    };
    Renderer::default().render(&p, &data, None).unwrap()
}

fn problems(given: Value) -> Vec<InputProblem> {
    let r = rendered(TRIAGE, &given);
    check_inputs(&r, given.as_object().unwrap())
}

#[test]
fn a_value_outside_the_enum_names_the_variable_and_the_choices() {
    let p = problems(json!({"ticket": "t", "customer_tier": "platinum"}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, InputProblemKind::Invalid);
    assert_eq!(
        p[0].to_string(),
        "customer_tier: `platinum` is not one of free, pro, enterprise"
    );
    assert!(problems(json!({"ticket": "t", "customer_tier": "free"})).is_empty());
}

#[test]
fn a_wrong_type_names_the_type_wanted() {
    let p = problems(json!({"ticket": "t", "max_words": "many"}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].var, "max_words");
    assert_eq!(p[0].message, "`many` is not an integer");
}

#[test]
fn an_unknown_name_lists_the_variables_and_suggests_the_closest() {
    let p = problems(json!({"ticket": "t", "custmer_tier": "pro"}));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].kind, InputProblemKind::Unknown);
    assert_eq!(
        p[0].message,
        "the prompt has no variable `custmer_tier` (its variables: ticket, customer_tier, \
         max_words, extra)"
    );
    assert_eq!(p[0].hint, "did you mean `customer_tier`?");
}

#[test]
fn unset_required_variables_are_left_to_missing_vars() {
    let r = rendered(TRIAGE, &json!({}));
    assert!(check_inputs(&r, &Map::new()).is_empty());
    assert!(r.missing_vars.contains(&"ticket".to_string()));
}

#[test]
fn a_default_the_schema_refuses_is_found_too() {
    let src = TRIAGE.replace("customer_tier: pro", "customer_tier: gold");
    let r = rendered(&src, &json!({"ticket": "t"}));
    let p = check_inputs(&r, &Map::new());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].message, "`gold` is not one of free, pro, enterprise");
}

#[test]
fn without_a_schema_the_template_names_are_the_variables() {
    let src = "Hello {{name}}{{#each items}}{{this}}{{/each}}";
    let given = json!({"name": "Ada", "items": [1], "nam": "x"});
    let r = rendered(src, &given);
    assert_eq!(variable_names(&r), ["name", "items"]);
    let p = check_inputs(&r, given.as_object().unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].hint, "did you mean `name`?");
}

#[test]
fn nested_values_say_where_inside_the_variable() {
    let src = "---\ninput:\n  schema:\n    user(object):\n      age: integer\n---\n{{user.age}}";
    let given = json!({"user": {"age": "old"}});
    let r = rendered(src, &given);
    let p = check_inputs(&r, given.as_object().unwrap());
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].var, "user");
    assert_eq!(p[0].to_string(), "user.age: `old` is not an integer");
}

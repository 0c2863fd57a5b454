//! Picoschema -> JSON Schema: the field forms, named schemas, top-level
//! pass-through, and errors that name the field.

use crate::prompt::picoschema::{PicoschemaError, to_json_schema};
use serde_json::{Value, json};
use std::collections::HashMap;

fn convert(schema: Value) -> Result<Value, PicoschemaError> {
    let mut named = HashMap::new();
    named.insert(
        "Address".to_string(),
        json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    );
    to_json_schema(&schema, &named)
}

#[test]
fn scalars_descriptions_and_optionals() {
    let got = convert(json!({
        "title": "string, the title",
        "count?": "integer",
        "score": "number,   how good",
        "anything": "any",
        "tags?(array, labels)": "string",
        "kind(enum)": ["A", "B"],
        "level?(enum, how deep)": [1, 2],
    }))
    .unwrap();
    assert_eq!(
        got,
        json!({
            "type": "object",
            "properties": {
                "title": {"type": "string", "description": "the title"},
                "count": {"type": ["integer", "null"]},
                "score": {"type": "number", "description": "how good"},
                "anything": {},
                "tags": {"type": ["array", "null"], "items": {"type": "string"}, "description": "labels"},
                "kind": {"enum": ["A", "B"]},
                "level": {"enum": [1, 2, null], "description": "how deep"},
            },
            "required": ["title", "score", "anything", "kind"],
            "additionalProperties": false,
        })
    );
}

#[test]
fn nested_objects_wildcards_and_named_schemas() {
    let got = convert(json!({
        "home?(object, where they live)": {"street": "string"},
        "work": "Address, the office",
        "(*)": "string",
    }))
    .unwrap();
    assert_eq!(got["properties"]["home"]["type"], json!(["object", "null"]));
    assert_eq!(
        got["properties"]["home"]["description"],
        json!("where they live")
    );
    assert_eq!(got["properties"]["home"]["required"], json!(["street"]));
    assert_eq!(
        got["properties"]["work"]["description"],
        json!("the office")
    );
    assert_eq!(
        got["properties"]["work"]["properties"]["city"],
        json!({"type": "string"})
    );
    assert_eq!(got["additionalProperties"], json!({"type": "string"}));
    assert_eq!(got["required"], json!(["work"]));
}

#[test]
fn top_level_forms() {
    assert_eq!(convert(json!("string")).unwrap(), json!({"type": "string"}));
    assert_eq!(convert(json!("Address")).unwrap()["type"], json!("object"));
    assert_eq!(convert(json!(null)).unwrap(), Value::Null);
    let schema = json!({"type": "array", "items": {"type": "string"}});
    assert_eq!(convert(schema.clone()).unwrap(), schema);
    assert_eq!(
        convert(json!({"properties": {"a": {"type": "string"}}})).unwrap(),
        json!({"type": "object", "properties": {"a": {"type": "string"}}})
    );
    // no properties at all: an empty object schema without `required`
    assert_eq!(
        convert(json!({})).unwrap(),
        json!({"type": "object", "properties": {}, "additionalProperties": false})
    );
}

#[test]
fn errors_are_values_naming_the_field() {
    let err = convert(json!({"user": {"name": "strin"}})).unwrap_err();
    assert_eq!(
        err,
        PicoschemaError::UnknownType {
            name: "strin".into(),
            path: "user.name".into()
        }
    );
    assert!(err.to_string().contains("user.name"));
    assert!(!err.hint().is_empty());
    assert!(matches!(
        convert(json!({"x(list)": "string"})),
        Err(PicoschemaError::BadParenthetical { .. })
    ));
    assert!(matches!(
        convert(json!({"x(enum)": "A"})),
        Err(PicoschemaError::EnumNotList { .. })
    ));
    assert!(matches!(
        convert(json!({"x": 5})),
        Err(PicoschemaError::NotObjectOrString { .. })
    ));
    assert!(convert(json!("Nope, described")).is_err());
}

//! JSON Schema as promptfoo's Ajv (draft-07, strict, with formats) checks
//! it: a schema with an unknown keyword does not compile, and the first
//! error reads as Ajv's `errorsText` ("data/age must be number").

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, Validator};
use serde_json::Value;

/// Keywords Ajv's draft-07 vocabulary knows; others fail in strict mode.
const KEYWORDS: &[&str] = &[
    "$schema",
    "$id",
    "$ref",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "readOnly",
    "writeOnly",
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "items",
    "additionalItems",
    "maxItems",
    "minItems",
    "uniqueItems",
    "contains",
    "maxProperties",
    "minProperties",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "dependencies",
    "propertyNames",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "contentMediaType",
    "contentEncoding",
];

/// Compiles `schema` as Ajv would, or says why not.
pub fn compile(schema: &Value) -> Result<Validator, String> {
    if !matches!(schema, Value::Object(_) | Value::Bool(_)) {
        return Err("schema must be object or boolean".into());
    }
    strict(schema, "#")?;
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("invalid JSON schema: {e}"))
}

/// Ajv's strict mode: every keyword known, in every subschema.
fn strict(schema: &Value, at: &str) -> Result<(), String> {
    let Value::Object(map) = schema else {
        return Ok(());
    };
    for (key, sub) in map {
        if !KEYWORDS.contains(&key.as_str()) {
            return Err(format!("strict mode: unknown keyword: \"{key}\""));
        }
        let at = format!("{at}/{key}");
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependencies" => {
                if let Value::Object(m) = sub {
                    for (k, s) in m {
                        strict(s, &format!("{at}/{k}"))?;
                    }
                }
            }
            "items" | "allOf" | "anyOf" | "oneOf" => match sub {
                Value::Array(list) => {
                    for (i, s) in list.iter().enumerate() {
                        strict(s, &format!("{at}/{i}"))?;
                    }
                }
                other => strict(other, &at)?,
            },
            "additionalItems"
            | "additionalProperties"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else"
            | "not" => strict(sub, &at)?,
            _ => {}
        }
    }
    Ok(())
}

/// The first error as Ajv's `errorsText`, or `None` when `instance` is valid.
pub fn first_error(validator: &Validator, instance: &Value) -> Option<String> {
    let error = validator.validate(instance).err()?;
    let path = error.instance_path().as_str().to_string();
    let message = match error.kind() {
        ValidationErrorKind::Required { property } => {
            format!(
                "must have required property '{}'",
                property.as_str().unwrap_or_default()
            )
        }
        ValidationErrorKind::Type { kind } => format!("must be {}", type_names(kind)),
        ValidationErrorKind::Enum { .. } => "must be equal to one of the allowed values".into(),
        ValidationErrorKind::Constant { .. } => "must be equal to constant".into(),
        ValidationErrorKind::Minimum { limit } => format!("must be >= {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be <= {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("must be > {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be < {limit}"),
        ValidationErrorKind::MinLength { limit } => {
            format!("must NOT have fewer than {limit} characters")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must NOT have more than {limit} characters")
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("must NOT have fewer than {limit} items")
        }
        ValidationErrorKind::MaxItems { limit } => format!("must NOT have more than {limit} items"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("must NOT have fewer than {limit} properties")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("must NOT have more than {limit} properties")
        }
        ValidationErrorKind::Pattern { pattern } => format!("must match pattern \"{pattern}\""),
        ValidationErrorKind::Format { format } => format!("must match format \"{format}\""),
        ValidationErrorKind::AdditionalProperties { .. } => {
            "must NOT have additional properties".into()
        }
        ValidationErrorKind::AnyOf { .. } => "must match a schema in anyOf".into(),
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. } => {
            "must match exactly one schema in oneOf".into()
        }
        ValidationErrorKind::Not { .. } => "must NOT be valid".into(),
        ValidationErrorKind::FalseSchema => "boolean schema is false".into(),
        ValidationErrorKind::MultipleOf { multiple_of, .. } => {
            format!("must be multiple of {multiple_of}")
        }
        _ => error.to_string(),
    };
    Some(format!("data{path} {message}"))
}

fn type_names(kind: &TypeKind) -> String {
    let name = |t: &JsonType| t.to_string();
    match kind {
        TypeKind::Single(t) => name(t),
        TypeKind::Multiple(set) => set.iter().map(|t| name(&t)).collect::<Vec<_>>().join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn errors_read_as_ajv() {
        let v = compile(
            &json!({"type": "object", "required": ["a"], "properties": {"b": {"type": "string"}}}),
        )
        .expect("compiles");
        assert_eq!(
            first_error(&v, &json!({})).as_deref(),
            Some("data must have required property 'a'")
        );
        assert_eq!(
            first_error(&v, &json!({"a": 1, "b": 2})).as_deref(),
            Some("data/b must be string")
        );
        assert_eq!(first_error(&v, &json!({"a": 1})), None);
    }

    #[test]
    fn strict_mode_refuses_unknown_keywords() {
        let e = compile(&json!({"type": "object", "properties": {"a": {"typ": "string"}}})).err();
        assert_eq!(e.as_deref(), Some("strict mode: unknown keyword: \"typ\""));
        assert!(compile(&json!("string")).is_err());
    }
}

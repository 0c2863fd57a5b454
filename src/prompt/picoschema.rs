//! Picoschema -> JSON Schema, following JS dotprompt's `PicoschemaParser`
//! step for step (scalars, `name?`, `(array|object|enum, desc)`, `(*)`,
//! named schemas from a registry, JSON Schema passing through).

use serde_json::{Map, Value, json};
use std::collections::HashMap;

const SCALAR_TYPES: &[&str] = &["string", "boolean", "null", "number", "integer", "any"];
const WILDCARD: &str = "(*)";

/// Why a Picoschema could not be converted; `path` names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PicoschemaError {
    #[error(
        "unknown type `{name}`{}: not a Picoschema type, and no schema of that name is defined",
        at(path)
    )]
    UnknownType { name: String, path: String },
    #[error(
        "parenthetical types must be `object`, `array` or `enum`, got `{found}`{}",
        at(path)
    )]
    BadParenthetical { found: String, path: String },
    #[error(
        "a schema consists only of objects and strings, got {found}{}",
        at(path)
    )]
    NotObjectOrString { found: String, path: String },
    #[error("an `(enum)` field needs a list of values, got {found}{}", at(path))]
    EnumNotList { found: String, path: String },
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at `{path}`)")
    }
}

impl PicoschemaError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            // A lowercase name is more likely a mistyped type than a schema.
            PicoschemaError::UnknownType { name, .. } if name.starts_with(char::is_lowercase) => {
                format!(
                    "use string, number, integer, boolean, null or any; a named schema (which \
                     Genkit registers in code) is defined for pwb in schemas/{name}.yaml"
                )
            }
            PicoschemaError::UnknownType { name, .. } => format!(
                "Genkit registers named schemas in code (`ai.defineSchema('{name}', ...)`), which \
                 pwb cannot see: define it in schemas/{name}.yaml (Picoschema or JSON Schema); \
                 the Picoschema types are string, number, integer, boolean, null and any"
            ),
            PicoschemaError::BadParenthetical { .. } => {
                "write `field(array, description)`, `field(object)` or `field(enum): [A, B]`".into()
            }
            PicoschemaError::NotObjectOrString { .. } => {
                "write a type such as `string, a description`, or nest fields under an object"
                    .into()
            }
            PicoschemaError::EnumNotList { .. } => {
                "list the allowed values, e.g. `[RED, GREEN]`".into()
            }
        }
    }

    /// The dotted field path the error is at (empty for the whole schema).
    pub fn path(&self) -> &str {
        match self {
            PicoschemaError::UnknownType { path, .. }
            | PicoschemaError::BadParenthetical { path, .. }
            | PicoschemaError::NotObjectOrString { path, .. }
            | PicoschemaError::EnumNotList { path, .. } => path,
        }
    }
}

/// Converts a Picoschema (or JSON Schema) value to JSON Schema. A falsy
/// schema (`null`, `""`) converts to `null`. `schemas` holds named schemas.
pub fn to_json_schema(
    schema: &Value,
    schemas: &HashMap<String, Value>,
) -> Result<Value, PicoschemaError> {
    let parser = Parser { schemas };
    match schema {
        Value::Null | Value::Bool(false) => Ok(Value::Null),
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) => {
            let (ty, desc) = extract_description(s);
            let mut out = if SCALAR_TYPES.contains(&ty) {
                json!({ "type": ty })
            } else {
                parser.resolve(ty, "")?
            };
            if let (Some(d), Value::Object(m)) = (desc, &mut out) {
                m.insert("description".into(), Value::String(d.to_string()));
            }
            Ok(out)
        }
        Value::Object(obj) => {
            let is_schema_type = obj
                .get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| SCALAR_TYPES.contains(&t) || t == "object" || t == "array");
            if is_schema_type {
                return Ok(schema.clone());
            }
            if matches!(
                obj.get("properties"),
                Some(Value::Object(_) | Value::Array(_) | Value::Null)
            ) {
                let mut out = obj.clone();
                out.insert("type".into(), json!("object"));
                return Ok(Value::Object(out));
            }
            parser.parse_pico(schema, "")
        }
        other => parser.parse_pico(other, ""),
    }
}

/// Splits `type, description` at the first comma; spaces after it are dropped.
fn extract_description(input: &str) -> (&str, Option<&str>) {
    match input.split_once(',') {
        None => (input, None),
        Some((ty, rest)) => {
            let desc = rest.trim_start_matches(' ');
            (ty, (!desc.is_empty()).then_some(desc))
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

struct Parser<'a> {
    schemas: &'a HashMap<String, Value>,
}

impl Parser<'_> {
    fn resolve(&self, name: &str, path: &str) -> Result<Value, PicoschemaError> {
        self.schemas
            .get(name)
            .cloned()
            .ok_or_else(|| PicoschemaError::UnknownType {
                name: name.to_string(),
                path: path.to_string(),
            })
    }

    fn parse_pico(&self, value: &Value, path: &str) -> Result<Value, PicoschemaError> {
        let obj = match value {
            Value::String(s) => return self.parse_scalar(s, path),
            Value::Object(obj) => obj.clone(),
            Value::Null => Map::new(),
            other => {
                return Err(PicoschemaError::NotObjectOrString {
                    found: other.to_string(),
                    path: path.to_string(),
                });
            }
        };
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut additional = Value::Bool(false);
        for (key, field) in &obj {
            let field_path = join(path, key);
            if key == WILDCARD {
                additional = self.parse_pico(field, &field_path)?;
                continue;
            }
            let mut parts = key.split('(');
            let name = parts.next().unwrap_or_default();
            let type_info = parts.next();
            let optional = name.ends_with('?');
            let prop_name = name.strip_suffix('?').unwrap_or(name).to_string();
            if !optional {
                required.push(Value::String(prop_name.clone()));
            }
            let Some(type_info) = type_info else {
                let mut prop = self.parse_pico(field, &field_path)?;
                if optional && let Some(Value::String(t)) = prop.get("type").cloned() {
                    prop["type"] = json!([t, "null"]);
                }
                properties.insert(prop_name, prop);
                continue;
            };
            let mut chars = type_info.chars();
            chars.next_back();
            let (ty, desc) = extract_description(chars.as_str());
            let mut prop = match ty {
                "array" => {
                    let t = if optional {
                        json!(["array", "null"])
                    } else {
                        json!("array")
                    };
                    json!({ "type": t, "items": self.parse_pico(field, &field_path)? })
                }
                "object" => {
                    let mut prop = self.parse_pico(field, &field_path)?;
                    if optional {
                        let t = prop.get("type").cloned().unwrap_or(Value::Null);
                        prop["type"] = json!([t, "null"]);
                    }
                    prop
                }
                "enum" => {
                    let Value::Array(values) = field else {
                        return Err(PicoschemaError::EnumNotList {
                            found: field.to_string(),
                            path: field_path,
                        });
                    };
                    let mut values = values.clone();
                    if optional {
                        values.push(Value::Null);
                    }
                    json!({ "enum": values })
                }
                other => {
                    return Err(PicoschemaError::BadParenthetical {
                        found: other.to_string(),
                        path: field_path,
                    });
                }
            };
            if let (Some(d), Value::Object(m)) = (desc, &mut prop) {
                m.insert("description".into(), json!(d));
            }
            properties.insert(prop_name, prop);
        }
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        out.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        out.insert("additionalProperties".into(), additional);
        Ok(Value::Object(out))
    }

    fn parse_scalar(&self, s: &str, path: &str) -> Result<Value, PicoschemaError> {
        let (ty, desc) = extract_description(s);
        let mut out = if !SCALAR_TYPES.contains(&ty) {
            self.resolve(ty, path)?
        } else if ty == "any" {
            json!({})
        } else {
            json!({ "type": ty })
        };
        if let (Some(d), Value::Object(m)) = (desc, &mut out) {
            m.insert("description".into(), json!(d));
        }
        Ok(out)
    }
}

//! JSON Schema -> the OpenAPI-subset schema Gemini accepts as
//! `responseSchema` (it rejects `additionalProperties` and type unions).

use serde_json::{Map, Value, json};

/// JSON Schema -> Gemini's OpenAPI-subset schema: drops
/// `additionalProperties` and `$schema`, and turns `type: [t, "null"]`
/// into `type: t, nullable: true`.
pub fn gemini_schema(schema: &Value) -> Value {
    let Some(obj) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, v) in obj {
        match key.as_str() {
            "additionalProperties" | "$schema" => {}
            "type" => match v.as_array() {
                Some(types) => {
                    let real: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
                    if let Some(t) = real.first() {
                        out.insert("type".into(), (*t).clone());
                    }
                    if real.len() < types.len() {
                        out.insert("nullable".into(), json!(true));
                    }
                }
                None => {
                    out.insert(key.clone(), v.clone());
                }
            },
            "properties" | "$defs" | "definitions" => {
                let mapped = v
                    .as_object()
                    .map(|m| {
                        m.iter()
                            .map(|(k, s)| (k.clone(), gemini_schema(s)))
                            .collect::<Map<_, _>>()
                    })
                    .map(Value::Object)
                    .unwrap_or_else(|| v.clone());
                out.insert(key.clone(), mapped);
            }
            "items" => {
                out.insert(key.clone(), gemini_schema(v));
            }
            "anyOf" | "oneOf" | "allOf" => {
                let mapped = v
                    .as_array()
                    .map(|a| Value::Array(a.iter().map(gemini_schema).collect()))
                    .unwrap_or_else(|| v.clone());
                out.insert(key.clone(), mapped);
            }
            _ => {
                out.insert(key.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_drops_additional_properties_and_marks_nullable() {
        let s = json!({"type":"object","additionalProperties":false,
            "properties":{"a":{"type":["string","null"]},
                          "additionalProperties":{"type":"array","items":{"type":"object","additionalProperties":false}}},
            "required":["a"]});
        let g = gemini_schema(&s);
        assert_eq!(
            g,
            json!({"type":"object","properties":{"a":{"type":"string","nullable":true},
                "additionalProperties":{"type":"array","items":{"type":"object"}}},
                "required":["a"]})
        );
    }
}

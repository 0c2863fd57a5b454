//! Merging a prompt's frontmatter with call-time options the way JS
//! dotprompt's `resolveMetadata` does, then converting Picoschema.

use super::error::{PromptError, PromptErrorKind};
use super::parse::ParsedPrompt;
use super::picoschema::to_json_schema;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The file's metadata as JS dotprompt's parse result carries it:
/// `{ext: {}, metadata: {}, config: {}, ...reserved keys, raw?, ext}`.
pub fn file_metadata(parsed: &ParsedPrompt) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("ext".into(), Value::Object(Map::new()));
    out.insert("metadata".into(), Value::Object(Map::new()));
    out.insert("config".into(), Value::Object(Map::new()));
    out.extend(parsed.meta.iter().map(|(k, v)| (k.clone(), v.clone())));
    if let Some(raw) = &parsed.raw {
        out.insert("raw".into(), Value::Object(raw.clone()));
    }
    out.insert("ext".into(), Value::Object(parsed.ext.clone()));
    out
}

/// `{...file, ...options}` with `config` merged key by key, `tools` given
/// an (empty) `toolDefs`, and `input.schema`/`output.schema` converted
/// from Picoschema to JSON Schema.
pub fn resolve_metadata(
    parsed: &ParsedPrompt,
    options: Option<&Value>,
    schemas: &HashMap<String, Value>,
) -> Result<Map<String, Value>, PromptError> {
    let mut out = Map::new();
    let file = file_metadata(parsed);
    let opts = match options {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    for merge in std::iter::once(&file).chain(opts) {
        let mut config = match out.get("config") {
            Some(Value::Object(c)) => c.clone(),
            _ => Map::new(),
        };
        out.extend(merge.iter().map(|(k, v)| (k.clone(), v.clone())));
        if let Some(Value::Object(c)) = merge.get("config") {
            config.extend(c.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        out.insert("config".into(), Value::Object(config));
    }
    out.remove("template");
    if out.get("tools").is_some_and(|t| !t.is_null()) && !out.contains_key("toolDefs") {
        out.insert("toolDefs".into(), Value::Array(Vec::new()));
    }
    for key in ["input", "output"] {
        convert_schema(&mut out, key, parsed, schemas)?;
    }
    Ok(out)
}

fn is_truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false)) && v != "" && v != 0
}

fn convert_schema(
    meta: &mut Map<String, Value>,
    key: &str,
    parsed: &ParsedPrompt,
    schemas: &HashMap<String, Value>,
) -> Result<(), PromptError> {
    let Some(Value::Object(section)) = meta.get_mut(key) else {
        return Ok(());
    };
    let Some(schema) = section.get("schema").filter(|s| is_truthy(s)) else {
        return Ok(());
    };
    let converted = to_json_schema(schema, schemas).map_err(|e| {
        PromptError::new(
            PromptErrorKind::Schema,
            parsed.key_line(key),
            1,
            format!("{key}.schema: {e}"),
            e.hint(),
        )
    })?;
    section.insert("schema".into(), converted);
    Ok(())
}

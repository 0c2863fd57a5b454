//! Merging a prompt's frontmatter with call-time options the way JS
//! dotprompt's `resolveMetadata` does, then converting Picoschema.

use super::error::{PromptError, PromptErrorKind};
use super::parse::ParsedPrompt;
use super::picoschema::to_json_schema;
use crate::types::{ToolChoice, ToolDef};
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

/// `{...file, ...options}` with `config` merged key by key, `tools`
/// resolved into `toolDefs` (as Dotprompt's `resolveTools` does with
/// registered tools; a name that is not registered is an error, as with
/// Dotprompt's tool resolver), and `input.schema`/`output.schema`
/// converted from Picoschema to JSON Schema.
pub fn resolve_metadata(
    parsed: &ParsedPrompt,
    options: Option<&Value>,
    schemas: &HashMap<String, Value>,
    tools: &HashMap<String, ToolDef>,
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
    resolve_tools(&mut out, parsed, tools)?;
    for key in ["input", "output"] {
        convert_schema(&mut out, key, parsed, schemas)?;
    }
    Ok(out)
}

/// Appends the definition of each name in `tools` to `toolDefs`, and
/// checks `toolChoice` (Genkit's frontmatter key) names a choice or a tool.
fn resolve_tools(
    meta: &mut Map<String, Value>,
    parsed: &ParsedPrompt,
    registry: &HashMap<String, ToolDef>,
) -> Result<(), PromptError> {
    let line = parsed.key_line("tools");
    let error = |message: String, hint: String| {
        PromptError::new(PromptErrorKind::Frontmatter, line, 1, message, hint)
    };
    let names: Vec<String> = match meta.get("tools") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(error(
                    format!("`tools` lists tool names; found {other}"),
                    "write `tools: [get_weather]` and define each in tools/NAME.yaml".into(),
                )),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(error(
                format!("`tools` must be a list of tool names, found {other}"),
                "write `tools: [get_weather]`".into(),
            ));
        }
    };
    let written = meta.remove("toolDefs");
    let had_defs = written.is_some();
    let mut defs = match written {
        Some(Value::Array(d)) => d,
        _ => Vec::new(),
    };
    for name in &names {
        let Some(def) = registry.get(name) else {
            let mut known: Vec<&str> = registry.keys().map(String::as_str).collect();
            known.sort();
            let hint = match super::suggest::did_you_mean(name, &known) {
                Some(s) => format!("did you mean `{s}`? Tools are defined in tools/NAME.yaml"),
                None => format!(
                    "define it in tools/{name}.yaml (name, description, parameters){}",
                    if known.is_empty() {
                        String::new()
                    } else {
                        format!("; defined: {}", known.join(", "))
                    }
                ),
            };
            return Err(error(format!("unknown tool `{name}`"), hint));
        };
        defs.push(serde_json::to_value(def).unwrap_or(Value::Null));
    }
    if had_defs || meta.contains_key("tools") {
        meta.insert("toolDefs".into(), Value::Array(defs));
    }
    if let Some(choice) = parsed.raw.as_ref().and_then(|r| r.get("toolChoice")) {
        let defs = tool_defs(meta);
        ToolChoice::parse(choice, &defs).map_err(|e| {
            PromptError::new(
                PromptErrorKind::Frontmatter,
                parsed.key_line("toolChoice"),
                1,
                e,
                "use auto, required, none, or the name of a tool in `tools`",
            )
        })?;
    }
    Ok(())
}

/// The `toolDefs` of resolved metadata as `ToolDef`s (entries that are not
/// tool definitions left out).
pub fn tool_defs(meta: &Map<String, Value>) -> Vec<ToolDef> {
    match meta.get("toolDefs") {
        Some(Value::Array(defs)) => defs
            .iter()
            .filter_map(|d| serde_json::from_value(d.clone()).ok())
            .collect(),
        _ => Vec::new(),
    }
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

//! Tool definitions a workspace keeps in files, `tools/NAME.yaml` (`.yml`,
//! `.json`): `name`, `description`, and `parameters` (or Dotprompt's
//! `inputSchema`) in JSON Schema or Picoschema. Genkit registers tools in
//! code and resolves a prompt's `tools: [NAME]` against them; pwb reads
//! them from files. Mock results (`tools/mocks/`) are not definitions.

use super::error::{PromptError, PromptErrorKind};
use super::picoschema::to_json_schema;
use super::schemas::{field_position, schema_name};
use super::yaml::parse_yaml;
use crate::types::ToolDef;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One tool file: its file stem, path as shown, and text.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSource {
    pub stem: String,
    pub shown: PathBuf,
    pub source: String,
}

const KEYS: &[&str] = &[
    "name",
    "description",
    "parameters",
    "inputSchema",
    "outputSchema",
];

/// `(stem, path)` of every `tools/NAME.{yaml,yml,json}` under `root`,
/// sorted (folders such as `tools/mocks/` are not read).
pub fn tool_files(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root.join("tools")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((schema_name(&p)?, p)))
        .collect()
}

/// Reads and compiles the tools of the workspace at `root`; unreadable or
/// invalid files are left out and reported.
pub fn load_tools(
    root: &Path,
    schemas: &HashMap<String, Value>,
) -> (HashMap<String, ToolDef>, Vec<PromptError>) {
    let (read, mut problems) = super::schemas::read_files(root, tool_files(root), "tool");
    let sources: Vec<ToolSource> = read
        .into_iter()
        .map(|(stem, shown, source)| ToolSource {
            stem,
            shown,
            source,
        })
        .collect();
    let (tools, more) = compile_tools(&sources, schemas);
    problems.extend(more);
    (tools, problems)
}

/// Every tool file compiled, by tool name; each problem located in its file.
pub fn compile_tools(
    sources: &[ToolSource],
    schemas: &HashMap<String, Value>,
) -> (HashMap<String, ToolDef>, Vec<PromptError>) {
    let mut tools: HashMap<String, ToolDef> = HashMap::new();
    let mut problems = Vec::new();
    for s in sources {
        match compile_tool(s, schemas) {
            Ok(tool) if tools.contains_key(&tool.name) => {
                let (line, col) = field_position(&s.source, "name");
                problems.push(problem(
                    s,
                    line,
                    col,
                    format!("tool `{}` is defined twice", tool.name),
                    "give each tool its own name (the first file by name wins)".into(),
                ));
            }
            Ok(tool) => {
                tools.insert(tool.name.clone(), tool);
            }
            Err(e) => problems.push(e),
        }
    }
    (tools, problems)
}

fn problem(s: &ToolSource, line: usize, col: usize, message: String, hint: String) -> PromptError {
    PromptError::new(PromptErrorKind::Schema, line, col, message, hint).in_file(&s.shown)
}

/// One tool file to a `ToolDef`: a mapping with known keys, a name the
/// providers accept, and parameters that are an object schema that compiles.
pub fn compile_tool(
    s: &ToolSource,
    schemas: &HashMap<String, Value>,
) -> Result<ToolDef, PromptError> {
    let value = if s.shown.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&s.source).map_err(|e| {
            let hint = "check commas, brackets and quotes".to_string();
            problem(s, e.line(), e.column(), format!("invalid JSON: {e}"), hint)
        })?
    } else {
        parse_yaml(&s.source, 1, PromptErrorKind::Schema).map_err(|e| e.in_file(&s.shown))?
    };
    let Value::Object(map) = value else {
        return Err(problem(
            s,
            1,
            1,
            "a tool file is a mapping with `name`, `description` and `parameters`".into(),
            "write e.g. `name: get_weather`, `description: ...`, `parameters: {type: object, ...}`"
                .into(),
        ));
    };
    if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        let (line, col) = field_position(&s.source, key);
        return Err(problem(
            s,
            line,
            col,
            format!("unknown key `{key}` in a tool definition"),
            format!("use {}", KEYS.join(", ")),
        ));
    }
    let name = match map.get("name") {
        None => s.stem.clone(),
        Some(Value::String(n)) => n.clone(),
        Some(other) => {
            let (line, col) = field_position(&s.source, "name");
            return Err(problem(
                s,
                line,
                col,
                format!("`name` must be text, found {other}"),
                "write `name: get_weather`".into(),
            ));
        }
    };
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !name_ok {
        let (line, col) = field_position(&s.source, "name");
        return Err(problem(
            s,
            line,
            col,
            format!("tool name `{name}` is not one every provider accepts"),
            "use 1 to 64 letters, digits, `_` or `-` (OpenAI's rule)".into(),
        ));
    }
    let description = match map.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(other) => Some(other.to_string()),
    };
    let key = match (
        map.contains_key("parameters"),
        map.contains_key("inputSchema"),
    ) {
        (true, true) => {
            let (line, col) = field_position(&s.source, "inputSchema");
            return Err(problem(
                s,
                line,
                col,
                "both `parameters` and `inputSchema` are given".into(),
                "keep one (`inputSchema` is Dotprompt's name for `parameters`)".into(),
            ));
        }
        (false, true) => "inputSchema",
        _ => "parameters",
    };
    let parameters = match map.get(key) {
        None | Some(Value::Null) => json!({"type": "object", "properties": {}}),
        Some(schema) => to_json_schema(schema, schemas).map_err(|e| {
            let (line, col) = field_position(&s.source, &format!("{key}.{}", e.path()));
            problem(s, line, col, format!("{key}: {e}"), e.hint())
        })?,
    };
    let (line, col) = field_position(&s.source, key);
    if parameters.get("type").and_then(Value::as_str) != Some("object") {
        return Err(problem(
            s,
            line,
            col,
            format!("`{key}` must describe an object (the call's named arguments)"),
            "write `type: object` with `properties`, or Picoschema like `city: string`".into(),
        ));
    }
    if let Err(e) = jsonschema::validator_for(&parameters) {
        return Err(problem(
            s,
            line,
            col,
            format!("`{key}` is not a JSON Schema that compiles: {e}"),
            "fix the schema (see https://json-schema.org/understanding-json-schema)".into(),
        ));
    }
    Ok(ToolDef {
        name,
        description,
        parameters,
    })
}

/// The arguments of a call checked against the tool's parameters: each
/// problem as `path: message`.
pub fn argument_problems(tool: &ToolDef, input: &Value) -> Vec<String> {
    let Ok(validator) = jsonschema::validator_for(&tool.parameters) else {
        return Vec::new();
    };
    validator
        .iter_errors(input)
        .map(|e| {
            let path = e.instance_path().to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/tools_tests.rs"]
mod tests;

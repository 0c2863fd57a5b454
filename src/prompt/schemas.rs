//! Named schemas a workspace defines in files, `schemas/NAME.yaml` (`.yml`,
//! `.json`), in Picoschema or JSON Schema. Genkit registers them in code
//! (`ai.defineSchema(NAME, ...)`) and substitutes the JSON Schema wherever a
//! prompt names it (`output.schema: Recipe`); pwb reads them from files.

use super::error::{PromptError, PromptErrorKind};
use super::picoschema::{PicoschemaError, to_json_schema};
use super::yaml::parse_yaml;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// One schema file: its name (the file stem), path as shown, and text.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaSource {
    pub name: String,
    pub shown: PathBuf,
    pub source: String,
}

/// `(name, path)` of every `schemas/NAME.{yaml,yml,json}` under `root`,
/// sorted by file name (a second file of the same name is left out).
pub fn schema_files(root: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root.join("schemas")) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let mut out: Vec<(String, PathBuf)> = Vec::new();
    for path in files {
        let Some(name) = schema_name(&path) else {
            continue;
        };
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, path));
        }
    }
    out
}

/// `Recipe` for `schemas/Recipe.yaml`; `None` for other files.
pub fn schema_name(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_str()?;
    if !matches!(ext, "yaml" | "yml" | "json") {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    (!stem.is_empty() && !stem.starts_with('.')).then(|| stem.to_string())
}

/// Reads and converts the schemas of the workspace at `root`; unreadable
/// or invalid files are left out and reported.
pub fn load_schemas(root: &Path) -> (HashMap<String, Value>, Vec<PromptError>) {
    let (read, mut problems) = read_files(root, schema_files(root), "schema");
    let sources: Vec<SchemaSource> = read
        .into_iter()
        .map(|(name, shown, source)| SchemaSource {
            name,
            shown,
            source,
        })
        .collect();
    let (schemas, more) = compile_schemas(&sources);
    problems.extend(more);
    (schemas, problems)
}

/// Reads each `(name, path)` under `root`: `(name, path as shown, text)`
/// for the files read, and a located problem for each that could not be
/// (`what`: `schema`, `tool`).
pub(super) fn read_files(
    root: &Path,
    files: Vec<(String, PathBuf)>,
    what: &str,
) -> (Vec<(String, PathBuf, String)>, Vec<PromptError>) {
    let mut read = Vec::new();
    let mut problems = Vec::new();
    for (name, path) in files {
        let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
        match std::fs::read_to_string(&path) {
            Ok(source) => read.push((name, shown, source)),
            Err(e) => problems.push(
                PromptError::new(
                    PromptErrorKind::Io,
                    1,
                    1,
                    format!("cannot read {what}: {e}"),
                    "check the file's permissions",
                )
                .in_file(shown),
            ),
        }
    }
    (read, problems)
}

/// Converts every schema to JSON Schema. A schema may name another
/// (`author: Person`); those are converted first. Schemas that refer to
/// themselves, directly or through others, cannot be expanded (pwb inlines
/// named schemas, as Dotprompt does) and are errors.
pub fn compile_schemas(sources: &[SchemaSource]) -> (HashMap<String, Value>, Vec<PromptError>) {
    let mut done: HashMap<String, Value> = HashMap::new();
    let mut broken: HashSet<&str> = HashSet::new();
    let mut problems = Vec::new();
    let mut pending: Vec<(&SchemaSource, Value)> = Vec::new();
    for s in sources {
        match parse(s) {
            Ok(value) if is_json_schema(s, &value) => {
                done.insert(s.name.clone(), value);
            }
            Ok(value) => pending.push((s, value)),
            Err(e) => {
                broken.insert(&s.name);
                problems.push(e.in_file(&s.shown));
            }
        }
    }
    // Convert what can be converted until nothing changes; what is left
    // waits on itself (a cycle).
    loop {
        let waiting: HashSet<&str> = pending.iter().map(|(s, _)| s.name.as_str()).collect();
        let mut progress = false;
        for (s, value) in std::mem::take(&mut pending) {
            let e = match to_json_schema(&value, &done) {
                Ok(schema) => {
                    done.insert(s.name.clone(), schema);
                    progress = true;
                    continue;
                }
                Err(e) => e,
            };
            let uses = match &e {
                PicoschemaError::UnknownType { name, .. } => Some(name.as_str()),
                _ => None,
            };
            match uses {
                Some(name) if waiting.contains(name) => pending.push((s, value)),
                Some(name) if broken.contains(name) => {
                    let (line, col) = field_position(&s.source, e.path());
                    let message =
                        format!("schema `{}` uses schema `{name}`, which has errors", s.name);
                    let hint = format!("fix the errors reported for schemas/{name}");
                    problems.push(schema_problem(s, line, col, message, hint));
                    broken.insert(&s.name);
                    progress = true;
                }
                _ => {
                    problems.push(schema_error(s, &e));
                    broken.insert(&s.name);
                    progress = true;
                }
            }
        }
        if !progress || pending.is_empty() {
            break;
        }
    }
    for (s, value) in pending {
        let Err(PicoschemaError::UnknownType { name, path }) = to_json_schema(&value, &done) else {
            continue;
        };
        let (line, col) = field_position(&s.source, &path);
        let message = if name == s.name {
            format!("schema `{name}` refers to itself")
        } else {
            format!(
                "schema `{}` refers to `{name}`, which refers back to it",
                s.name
            )
        };
        let hint = "pwb, like Dotprompt, copies a named schema where it is used, so schemas \
                    cannot refer to each other in a circle; write the inner part out";
        problems.push(schema_problem(s, line, col, message, hint.to_string()));
    }
    (done, problems)
}

fn schema_problem(
    s: &SchemaSource,
    line: usize,
    col: usize,
    message: String,
    hint: String,
) -> PromptError {
    PromptError::new(PromptErrorKind::Schema, line, col, message, hint).in_file(&s.shown)
}

/// A `.json` file is JSON Schema as written (Genkit's `defineJsonSchema`),
/// as is YAML with a `$schema` key; other YAML is Picoschema, through which
/// JSON Schema with a `type` or `properties` passes unchanged (as in a
/// prompt's frontmatter).
fn is_json_schema(s: &SchemaSource, value: &Value) -> bool {
    s.shown.extension().is_some_and(|e| e == "json") || value.get("$schema").is_some()
}

fn parse(s: &SchemaSource) -> Result<Value, PromptError> {
    if s.shown.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&s.source).map_err(|e| {
            PromptError::new(
                PromptErrorKind::Schema,
                e.line(),
                e.column(),
                format!("invalid JSON: {e}"),
                "check commas, brackets and quotes",
            )
        });
    }
    parse_yaml(&s.source, 1, PromptErrorKind::Schema)
}

fn schema_error(s: &SchemaSource, e: &PicoschemaError) -> PromptError {
    let (line, col) = field_position(&s.source, e.path());
    schema_problem(s, line, col, e.to_string(), e.hint())
}

/// Where the field at dotted `path` is written (a light scan for each key
/// in turn, `name`, `name?`, `name(...)` or `"name"`); 1:1 if not found.
pub fn field_position(source: &str, path: &str) -> (usize, usize) {
    let mut at = (1, 1);
    let mut from = 0;
    let lines: Vec<&str> = source.lines().collect();
    for key in path.split('.').filter(|k| !k.is_empty()) {
        let found = lines.iter().enumerate().skip(from).find_map(|(i, line)| {
            let t = line.trim_start();
            let indent = line.len() - t.len();
            let t = t.strip_prefix('"').unwrap_or(t);
            let rest = t.strip_prefix(key)?;
            rest.starts_with(['?', '(', ':', '"'])
                .then_some((i, indent))
        });
        match found {
            Some((i, indent)) => {
                at = (i + 1, indent + 1);
                from = i + 1;
            }
            None => break,
        }
    }
    at
}

#[cfg(test)]
#[path = "tests/schemas_tests.rs"]
mod tests;

//! A few-shot example as stored in `examples/NAME.yaml`: an input (plain text,
//! or template variables to render through the prompt) and the answer.

use super::error::{PromptError, PromptErrorKind};
use super::yaml::parse_yaml;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Shown in the picker; files may omit it (then `file#index`).
    pub name: String,
    /// A string is used as the user turn as is; an object is a set of
    /// template variables and the user turn is the prompt rendered with them.
    pub input: Value,
    /// A string is the model turn as is; anything else is written as JSON.
    pub output: Value,
}

impl Example {
    /// The model turn's text.
    pub fn output_text(&self) -> String {
        match &self.output {
            Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        }
    }
}

/// Reads an examples file (`examples/NAME.yaml`): a YAML list of
/// `{name?, input, output}` (or `vars` instead of `input`). Unnamed
/// examples are called `NAME#N` (1-based; `NAME` from [`example_file_name`]). Errors carry the file line.
pub fn load_example_file(path: &Path) -> Result<Vec<Example>, PromptError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        PromptError::new(
            PromptErrorKind::Io,
            1,
            1,
            format!("cannot read examples file: {e}"),
            "check that the file exists and is readable",
        )
        .in_file(path)
    })?;
    parse_example_file(&text, &example_file_name(path)).map_err(|e| e.in_file(path))
}

/// The name of an examples file: its path under the nearest `examples/`
/// folder without the extension (`sub/name` for `examples/sub/name.yaml`,
/// pairing with the prompt `sub/name`); the file stem elsewhere.
pub fn example_file_name(path: &Path) -> String {
    let stem = path.with_extension("");
    let under = stem
        .ancestors()
        .skip(1)
        .find(|d| d.file_name().is_some_and(|n| n == "examples"))
        .and_then(|examples| stem.strip_prefix(examples).ok());
    match under {
        Some(rel) => rel
            .iter()
            .map(|p| p.to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => stem
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Every `.yaml` / `.yml` file under `examples_dir`, subfolders included
/// (dotfiles skipped; at most 16 levels deep), sorted by path.
pub fn example_files(examples_dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                if depth < super::partials::MAX_FOLDER_DEPTH {
                    walk(&path, depth + 1, out);
                }
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(examples_dir, 0, &mut out);
    out.sort();
    out
}

/// Parses the text of an examples file; see [`load_example_file`].
pub fn parse_example_file(text: &str, stem: &str) -> Result<Vec<Example>, PromptError> {
    let items = match parse_yaml(text, 1, PromptErrorKind::Example)? {
        Value::Array(items) => items,
        Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(PromptError::new(
                PromptErrorKind::Example,
                1,
                1,
                "an examples file must be a YAML list",
                "start each example with `- input: ...` followed by `  output: ...`",
            ));
        }
    };
    let lines = item_lines(text);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let err = |message: String, hint: &str| {
            PromptError::new(PromptErrorKind::Example, line, 1, message, hint)
        };
        let Value::Object(mut map) = item else {
            return Err(err(
                format!("example {} is not a mapping", i + 1),
                "write each example as `- input: ...` with `output: ...` under it",
            ));
        };
        let input = match (map.remove("input"), map.remove("vars")) {
            (Some(input), None) | (None, Some(input)) => input,
            (Some(_), Some(_)) => {
                return Err(err(
                    format!("example {} has both `input` and `vars`", i + 1),
                    "keep one: `input` (text or variables) or `vars` (variables)",
                ));
            }
            (None, None) => {
                return Err(err(
                    format!("example {} has no `input` (or `vars`)", i + 1),
                    "add `input: the user's message` or `vars: {name: value}`",
                ));
            }
        };
        let Some(output) = map.remove("output") else {
            return Err(err(
                format!("example {} has no `output`", i + 1),
                "add `output: the answer the model should give`",
            ));
        };
        let name = match map.remove("name") {
            Some(Value::String(s)) if !s.is_empty() => s,
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("{stem}#{}", i + 1),
        };
        out.push(Example {
            name,
            input,
            output,
        });
    }
    Ok(out)
}

/// 1-based lines where the top-level list items (`- `) start.
fn item_lines(text: &str) -> Vec<usize> {
    let dashes: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let rest = line.trim_start();
            let is_item = rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t");
            is_item.then(|| (line.len() - rest.len(), i + 1))
        })
        .collect();
    let indent = dashes.iter().map(|(ind, _)| *ind).min().unwrap_or(0);
    dashes
        .into_iter()
        .filter(|(ind, _)| *ind == indent)
        .map(|(_, line)| line)
        .collect()
}

//! A promptfoo config's `prompts`: strings (inline templates, or file
//! paths: `file://`, or what promptfoo takes for a path), `{raw|id, label}`
//! objects, or a map of path to label. Files: `.txt` (split on `---`
//! lines), `.md`, `.json`, `.jsonl` (a prompt per line), `.yaml` (as JSON
//! chat messages), and Dotprompt `.prompt` files (pwb's own addition).
//! Templates are checked here: what pwb cannot render is an error.

use super::SuitePrompt;
use super::config::Located;
use super::prompt_files::{glob_prompt_files, prompt_file};
use super::variant::TextVariant;
use crate::workspace::yaml_locate::Seg;
use serde_json::Value;
use std::path::Path;

/// promptfoo's prompt file extensions (`VALID_FILE_EXTENSIONS`), which make
/// a string a path.
const PATH_EXTENSIONS: &[&str] = &[
    ".cjs", ".cts", ".j2", ".js", ".json", ".jsonl", ".md", ".mjs", ".mts", ".py", ".ts", ".txt",
    ".yml", ".yaml",
];

pub(super) fn read_prompts(
    value: Option<&Value>,
    dir: &Path,
    at: &mut Located<'_>,
) -> Vec<SuitePrompt> {
    let key = Seg::Key("prompts".into());
    let entries: Vec<(Vec<Seg>, String, Option<String>)> = match value {
        None => return Vec::new(),
        Some(Value::String(s)) => vec![(vec![key], s.clone(), None)],
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let here = vec![key.clone(), Seg::Index(i)];
                match item {
                    Value::String(s) => Some((here, s.clone(), None)),
                    Value::Object(m) => {
                        let raw = m.get("raw").or_else(|| m.get("id")).and_then(Value::as_str);
                        let label = m.get("label").and_then(Value::as_str).map(str::to_string);
                        if m.contains_key("config") {
                            at.warn(&here, "a prompt's `config` is promptfoo's provider config; pwb ignores it", "set parameters on the provider");
                        }
                        match raw {
                            Some(raw) => Some((here, raw.to_string(), label)),
                            None => {
                                at.error(&here, "a prompt object needs `raw` (the template) or `id` (a file)", "e.g. - raw: \"Answer: {{question}}\"\n  label: short");
                                None
                            }
                        }
                    }
                    _ => {
                        at.error(&here, "a prompt is a string or a map with `raw` and `label`", "");
                        None
                    }
                }
            })
            .collect(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(raw, label)| {
                let here = vec![key.clone(), Seg::Key(raw.clone())];
                (here, raw.clone(), label.as_str().map(str::to_string))
            })
            .collect(),
        Some(_) => {
            at.error(&[key], "`prompts` must be a list of prompts", "e.g. prompts: [\"Summarize: {{text}}\"]");
            return Vec::new();
        }
    };
    if entries.is_empty() {
        at.error(
            &[Seg::Key("prompts".into())],
            "no prompts",
            "add at least one prompt",
        );
    }
    let mut out = Vec::new();
    for (here, raw, label) in entries {
        out.extend(one_prompt(&raw, label, &here, dir, at));
    }
    out
}

/// promptfoo's `maybeFilePath`: whether a prompt string names a file.
fn looks_like_path(s: &str) -> bool {
    if s.contains('\n')
        || ["portkey://", "langfuse://", "helicone://"]
            .iter()
            .any(|p| s.contains(p))
    {
        return false;
    }
    let tokens: Vec<&str> = s.split(':').collect();
    let last = tokens.last().copied().unwrap_or("");
    let before = tokens.len().checked_sub(2).map(|i| tokens[i]).unwrap_or("");
    let ext = PATH_EXTENSIONS
        .iter()
        .any(|e| last.ends_with(e) || before.ends_with(e));
    let chars: Vec<char> = s.chars().collect();
    let dot_at = |back: usize| chars.len() >= back && chars[chars.len() - back] == '.';
    s.starts_with("file://")
        || ext
        || dot_at(3)
        || dot_at(4)
        || s.contains('*')
        || s.contains('/')
        || s.contains('\\')
}

fn one_prompt(
    raw: &str,
    label: Option<String>,
    here: &[Seg],
    dir: &Path,
    at: &mut Located<'_>,
) -> Vec<SuitePrompt> {
    for scheme in ["portkey://", "langfuse://", "helicone://", "exec:"] {
        if raw.starts_with(scheme) {
            at.error(
                here,
                format!("prompts from `{scheme}` are not supported by pwb"),
                "write the prompt in the config or a file",
            );
            return Vec::new();
        }
    }
    if !looks_like_path(raw) {
        return inline(raw, label, here, at);
    }
    let reference = raw.strip_prefix("file://").unwrap_or(raw);
    let files = match glob_prompt_files(reference, dir) {
        Some(files) if !files.is_empty() => files,
        _ if !raw.starts_with("file://") => {
            at.warn(here, "promptfoo reads this prompt as a file path (it has a `/`, `*` or an extension) and finds no such file; pwb uses it as the prompt's text", "start a file reference with file://");
            return inline(raw, label, here, at);
        }
        _ => {
            at.error(
                here,
                format!("no prompt file matches `{reference}`"),
                format!("paths are relative to {}", dir.display()),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for file in files {
        out.extend(prompt_file(&file, reference, label.clone(), here, dir, at));
    }
    out
}

fn inline(
    raw: &str,
    label: Option<String>,
    here: &[Seg],
    at: &mut Located<'_>,
) -> Vec<SuitePrompt> {
    if let Err(e) = TextVariant::new("", raw) {
        at.error(here, format!("prompt: {}", e.message), e.hint);
        return Vec::new();
    }
    let label = label.unwrap_or_else(|| raw.to_string());
    vec![SuitePrompt::Inline {
        label,
        text: raw.to_string(),
    }]
}

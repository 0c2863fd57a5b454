//! A case's variables as promptfoo makes them: a list whose first item is
//! a string expands into one case per item (the product over every such
//! var, the first var varying slowest); `file://` values are globs, one
//! case per file, read as text (trimmed), YAML (as compact JSON text) or
//! an image (a data URL); then one trailing newline is dropped from each
//! string and `{{ name }}` inside a var's text is replaced by that var.

use super::read::read_text;
use crate::prompt::nunjucks::js_string;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// File contents already read during one load, by path.
pub(super) type FileCache = HashMap<PathBuf, Result<Value, String>>;

/// The var combinations of `vars` (promptfoo's `generateVarCombinations`),
/// with `file://` values read relative to `base`. An error names the var.
pub(super) fn expand(
    vars: &Map<String, Value>,
    base: &Path,
    cache: &mut FileCache,
) -> Result<Vec<Map<String, Value>>, (String, String)> {
    let mut combos = vec![Map::new()];
    for (key, value) in vars {
        let values: Vec<Value> = match value {
            Value::String(s) if s.starts_with("file://") => {
                let reference = &s["file://".len()..];
                let files = glob_files(reference, base).map_err(|e| (key.clone(), e))?;
                let mut loaded = Vec::with_capacity(files.len());
                for file in files {
                    let v = cache
                        .entry(file.clone())
                        .or_insert_with(|| load_var_file(&file))
                        .clone();
                    loaded.push(v.map_err(|e| (key.clone(), e))?);
                }
                loaded
            }
            Value::Array(items) if items.first().is_some_and(Value::is_string) => items.clone(),
            other => vec![other.clone()],
        };
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for combo in &combos {
            for v in &values {
                let mut c = combo.clone();
                c.insert(key.clone(), v.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    Ok(combos)
}

/// The files a `file://` reference names (a glob), sorted; none is an error.
pub(super) fn glob_files(reference: &str, base: &Path) -> Result<Vec<PathBuf>, String> {
    let full = if Path::new(reference).is_absolute() {
        reference.to_string()
    } else {
        let base = glob::Pattern::escape(&base.to_string_lossy());
        format!("{base}/{reference}")
    };
    let paths = glob::glob(&full).map_err(|e| format!("bad file pattern `{reference}`: {e}"))?;
    let mut files: Vec<PathBuf> = paths
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "no file matches `file://{reference}` (paths are relative to {})",
            base.display()
        ));
    }
    Ok(files)
}

const IMAGES: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("bmp", "image/bmp"),
    ("webp", "image/webp"),
    ("svg", "image/svg+xml"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("ico", "image/x-icon"),
    ("avif", "image/avif"),
    ("heic", "image/heic"),
    ("heif", "image/heif"),
];

/// A `file://` var's value, as promptfoo's `renderPrompt` reads it.
pub(super) fn load_var_file(path: &Path) -> Result<Value, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let shown = path.display();
    match ext.as_str() {
        "js" | "cjs" | "mjs" | "ts" | "cts" | "mts" | "py" => Err(format!(
            "`{shown}`: vars computed by a script are not supported by pwb"
        )),
        "pdf" | "mp3" | "wav" | "m4a" | "ogg" | "flac" | "mp4" | "webm" | "mov" => Err(format!(
            "`{shown}`: .{ext} files as vars are not supported by pwb"
        )),
        "yaml" | "yml" => {
            let text = read_text(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
            let v: Value = serde_norway::from_str(&text)
                .map_err(|e| format!("`{shown}` is not valid YAML: {e}"))?;
            Ok(Value::String(v.to_string()))
        }
        _ => match IMAGES.iter().find(|(e, _)| *e == ext) {
            Some((_, mime)) => {
                use base64::Engine;
                let bytes =
                    std::fs::read(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                Ok(Value::String(format!("data:{mime};base64,{data}")))
            }
            None => {
                let text = read_text(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
                Ok(Value::String(js_trim(&text).to_string()))
            }
        },
    }
}

/// JavaScript's `String.prototype.trim`.
pub(super) fn js_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// What promptfoo does to a case's vars before rendering anything: drop
/// one trailing newline from each string, then replace `{{ name }}` in a
/// var's text with var `name` (first reference per var, five rounds).
pub fn prepare(vars: &mut Map<String, Value>) {
    for v in vars.values_mut() {
        if let Value::String(s) = v
            && s.ends_with('\n')
        {
            s.pop();
        }
    }
    for _ in 0..5 {
        let mut resolved = true;
        let keys: Vec<String> = vars.keys().cloned().collect();
        for key in keys {
            let Some(Value::String(text)) = vars.get(&key) else {
                continue;
            };
            let Some((start, end, name)) = first_reference(text) else {
                continue;
            };
            // JavaScript's String(value): `null` is "null" here.
            let with = match vars.get(name) {
                None => continue,
                Some(Value::Null) => "null".to_string(),
                Some(v) => js_string(v),
            };
            let replaced = format!("{}{with}{}", &text[..start], &text[end..]);
            vars.insert(key, Value::String(replaced));
            resolved = false;
        }
        if resolved {
            break;
        }
    }
}

/// The first `{{ name }}` (name of word characters) in `text`.
fn first_reference(text: &str) -> Option<(usize, usize, &str)> {
    let mut from = 0;
    while let Some(rel) = text[from..].find("{{") {
        let start = from + rel;
        let inner = &text[start + 2..];
        let body = inner.trim_start_matches(is_js_space);
        let word_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let after = body[word_len..].trim_start_matches(is_js_space);
        if word_len > 0 && after.starts_with("}}") {
            let end = text.len() - after.len() + 2;
            return Some((start, end, &body[..word_len]));
        }
        from = start + 1;
    }
    None
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

//! A promptfoo prompt file read as promptfoo reads it: `.txt` split on
//! `---` lines (each trimmed), `.md` whole, `.json` compacted, `.jsonl` a
//! prompt per line, `.yaml` as JSON; a Dotprompt `.prompt` file is pwb's
//! own addition. Labels are promptfoo's (`path: text`).

use super::SuitePrompt;
use super::config::Located;
use super::variant::TextVariant;
use crate::workspace::read::read_text;
use crate::workspace::yaml_locate::Seg;
use serde_json::Value;
use std::path::Path;

pub(super) fn glob_prompt_files(reference: &str, dir: &Path) -> Option<Vec<std::path::PathBuf>> {
    if let Some((path, func)) = reference.rsplit_once(':')
        && !func.contains('/')
        && [".js", ".py", ".ts", ".mjs", ".cjs"]
            .iter()
            .any(|e| path.ends_with(e))
    {
        return Some(vec![dir.join(path)]);
    }
    let pattern = format!(
        "{}/{reference}",
        glob::Pattern::escape(&dir.to_string_lossy())
    );
    let mut files: Vec<_> = glob::glob(&pattern)
        .ok()?
        .filter_map(Result::ok)
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    Some(files)
}

pub(super) fn prompt_file(
    file: &Path,
    reference: &str,
    label: Option<String>,
    here: &[Seg],
    dir: &Path,
    at: &mut Located<'_>,
) -> Vec<SuitePrompt> {
    let shown = file.strip_prefix(dir).unwrap_or(file).to_path_buf();
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let text = match read_text(file) {
        Ok(t) => t,
        Err(e) => {
            at.error(
                here,
                format!("cannot read prompt file `{reference}`: {e}"),
                "",
            );
            return Vec::new();
        }
    };
    let labelled = |raw: &str| {
        label
            .clone()
            .unwrap_or_else(|| format!("{}: {raw}", shown.display()))
    };
    let texts: Vec<(String, String)> = match ext.as_str() {
        "prompt" => {
            let label = label.clone().unwrap_or_else(|| shown.display().to_string());
            return vec![SuitePrompt::File {
                label,
                path: file.to_path_buf(),
                text,
                dotprompt: true,
            }];
        }
        "txt" => split_txt(&text)
            .into_iter()
            .map(|raw| (labelled(&raw), raw))
            .collect(),
        "md" => vec![(
            labelled(&text.chars().take(50).collect::<String>()),
            text.clone(),
        )],
        "json" => {
            let raw = serde_json::from_str::<Value>(&text)
                .map(|v| v.to_string())
                .unwrap_or(text.clone());
            vec![(labelled(&raw), raw)]
        }
        "jsonl" => {
            let lines: Vec<&str> = text
                .split('\n')
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.is_empty())
                .collect();
            let many = lines.len() > 1;
            lines
                .into_iter()
                .map(|l| {
                    let name = match (&label, many) {
                        (Some(lb), true) => format!("{lb}: {l}"),
                        (Some(lb), false) => lb.clone(),
                        (None, true) => format!("{}: {l}", shown.display()),
                        (None, false) => shown.display().to_string(),
                    };
                    (name, l.to_string())
                })
                .collect()
        }
        "yaml" | "yml" => match serde_norway::from_str::<Value>(&text) {
            Ok(v) => {
                let raw = v.to_string();
                vec![(labelled(&raw.chars().take(80).collect::<String>()), raw)]
            }
            Err(_) => vec![(labelled(&text), text.clone())],
        },
        _ => {
            let message =
                format!("prompt file `{reference}`: .{ext} prompts are not supported by pwb");
            at.error(
                here,
                message,
                "use .txt, .md, .json, .jsonl, .yaml or a Dotprompt .prompt file",
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (label, raw) in texts {
        match TextVariant::new("", &raw) {
            Ok(_) => out.push(SuitePrompt::File {
                label,
                path: file.to_path_buf(),
                text: raw,
                dotprompt: false,
            }),
            Err(e) => {
                let (line, col) = line_col_in(&text, &raw, e.offset);
                at.error_in(
                    &shown_path(dir, file),
                    line,
                    col,
                    format!("prompt: {}", e.message),
                    e.hint,
                );
            }
        }
    }
    out
}

fn shown_path(dir: &Path, file: &Path) -> std::path::PathBuf {
    file.strip_prefix(dir)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| file.to_path_buf())
}

/// Where `offset` in `part` (a piece of `whole`) falls in `whole`.
fn line_col_in(whole: &str, part: &str, offset: usize) -> (usize, usize) {
    let start = whole.find(part).unwrap_or(0);
    crate::workspace::diagnostic::line_col(whole, start + offset)
}

/// promptfoo's `.txt` prompts: split on lines that are `---`, each trimmed,
/// empty ones dropped.
fn split_txt(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buffer: Vec<&str> = Vec::new();
    let mut flush = |buffer: &mut Vec<&str>| {
        let raw = buffer.join("\n").trim().to_string();
        if !raw.is_empty() {
            out.push(raw);
        }
        buffer.clear();
    };
    for line in text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)) {
        if line.trim() == "---" {
            flush(&mut buffer);
        } else {
            buffer.push(line);
        }
    }
    flush(&mut buffer);
    out
}

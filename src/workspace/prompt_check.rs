//! Per-file checks of `.prompt` sources and example files through the
//! `prompt` module (parse, lint, template compile, example shape), turned
//! into workspace diagnostics.

use super::diagnostic::{Diagnostic, line_col};
use super::yaml_locate::{Seg, locate_key};
use crate::prompt::{
    Example, PromptError, compile_check, lint, parse_document, parse_example_file,
};
use serde_json::Value;
use std::path::Path;

/// A `PromptError` as an error diagnostic for `shown`.
pub fn from_prompt_error(shown: &Path, e: &PromptError) -> Diagnostic {
    Diagnostic::error(shown, e.line, e.col, e.message.clone()).with_hint(e.hint.clone())
}

/// Diagnostics for one prompt (or partial) source: frontmatter, unknown
/// keys (prompts only; partials have no frontmatter) and template syntax.
pub fn check_source(source: &str, shown: &Path, partial: bool) -> Vec<Diagnostic> {
    let parsed = match parse_document(source) {
        Ok(parsed) => parsed,
        Err(e) => return vec![from_prompt_error(shown, &e)],
    };
    let mut out = Vec::new();
    if !partial {
        for w in lint(&parsed) {
            out.push(Diagnostic::warning(shown, w.line, w.col, w.message).with_hint(w.hint));
        }
    }
    if let Err(e) = compile_check(&parsed) {
        // handlebars reports an unclosed block at the end of the file; point
        // at the block that was opened instead, and name the closing tag.
        let d = match unclosed_block(&parsed.template) {
            Some((name, offset)) => {
                let (l, c) = line_col(&parsed.template, offset);
                let (l, c) = parsed.file_pos(l, c);
                Diagnostic::error(shown, l, c, format!("`{{{{#{name}}}}}` is never closed"))
                    .with_hint(format!("add `{{{{/{name}}}}}` where the block should end"))
            }
            None => from_prompt_error(shown, &e),
        };
        out.push(d);
    }
    out
}

/// The innermost block (`{{#name}}` or `{{^name}}`) left open at the end of
/// `template`: its name and the byte offset of its `{{`. Comments and raw
/// blocks are skipped; a mismatched close is left to handlebars' message.
pub fn unclosed_block(template: &str) -> Option<(String, usize)> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut from = 0;
    while let Some(i) = template[from..].find("{{") {
        let start = from + i;
        let rest = &template[start + 2..];
        let tag = rest.strip_prefix('~').unwrap_or(rest);
        if let Some(comment) = tag.strip_prefix('!') {
            let end = if comment.starts_with("--") {
                "--}}"
            } else {
                "}}"
            };
            let skip = comment.find(end).map_or(template.len(), |e| e + end.len());
            from = (template.len() - comment.len() + skip).min(template.len());
            continue;
        }
        from = start + 2;
        let name = |t: &str| -> String {
            t.trim_start()
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '}' | '~'))
                .collect()
        };
        if let Some(t) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
            let n = name(t.strip_prefix('>').unwrap_or(t));
            if !n.is_empty() {
                open.push((n, start));
            }
        } else if let Some(t) = tag.strip_prefix('/') {
            let n = name(t);
            if open.last().is_some_and(|(o, _)| *o == n) {
                open.pop();
            } else {
                return None;
            }
        }
    }
    open.pop()
}

const EXAMPLE_KEYS: &[&str] = &["name", "input", "vars", "output"];

/// Parses an examples file as the renderer will (`prompt::parse_example_file`)
/// and warns about keys it ignores. `None` when the file is unusable.
pub fn check_examples(
    name: &str,
    source: &str,
    shown: &Path,
) -> (Option<Vec<Example>>, Vec<Diagnostic>) {
    let mut out = unknown_example_keys(source, shown);
    let examples = match parse_example_file(source, name) {
        Ok(examples) => examples,
        Err(e) => {
            out.push(from_prompt_error(shown, &e));
            return (None, out);
        }
    };
    if examples.is_empty() {
        out.push(
            Diagnostic::warning(shown, 1, 1, "no examples in this file")
                .with_hint("add one: - input: {...}\n  output: ..."),
        );
    }
    (Some(examples), out)
}

/// Warnings for keys in examples that the renderer ignores (typos).
fn unknown_example_keys(source: &str, shown: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let items: Vec<Value> = serde_norway::from_str(source).unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            continue;
        };
        for key in obj.keys().filter(|k| !EXAMPLE_KEYS.contains(&k.as_str())) {
            let (l, c) =
                locate_key(source, &[Seg::Index(i), Seg::Key(key.clone())]).unwrap_or((1, 1));
            out.push(
                Diagnostic::warning(
                    shown,
                    l,
                    c,
                    format!("unknown key `{key}` in an example (ignored)"),
                )
                .with_hint(super::suggest::hint_for(key, EXAMPLE_KEYS)),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_innermost_unclosed_block() {
        assert_eq!(unclosed_block("a {{#if x}} b {{/if}}"), None);
        assert_eq!(
            unclosed_block("a\n{{#if x}}\n{{#each y}}{{/each}}"),
            Some(("if".into(), 2))
        );
        assert_eq!(
            unclosed_block("{{~#each y~}}{{^z}}"),
            Some(("z".into(), 13))
        );
        assert_eq!(unclosed_block("{{!-- {{#if}} --}}{{! {{#x}} }}ok"), None);
        assert_eq!(unclosed_block("{{#if a}}{{/each}}"), None);
    }

    #[test]
    fn unclosed_block_is_reported_at_its_opening() {
        let src = "---\nconfig: {temperature: 1}\n---\nHello\n{{#if name}}\n  {{name}}\n";
        let diags = check_source(src, Path::new("p.prompt"), false);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].col), (5, 1));
        assert!(diags[0].hint.as_deref().unwrap().contains("{{/if}}"));
    }
}

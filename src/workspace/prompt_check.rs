//! Per-file checks of `.prompt` sources and example files through the
//! `prompt` module (parse, lint, template compile, example shape), turned
//! into workspace diagnostics.

use super::diagnostic::{Diagnostic, FileDiagnostics, Severity};
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
/// keys (prompts only; partials have no frontmatter) and template syntax,
/// including nesting too deep to render and inline partials that include
/// themselves (`compile_check` refuses those before compiling).
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
        if let Some(p) = crate::prompt::context_policy::check(&parsed) {
            out.push(Diagnostic::error(shown, p.line, p.col, p.message).with_hint(p.hint));
        }
    }
    if let Err(e) = compile_check(&parsed) {
        out.push(from_prompt_error(shown, &e));
    }
    out
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
    let mut out = FileDiagnostics::new(shown);
    let items: Vec<Value> = serde_norway::from_str(source).unwrap_or_default();
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            continue;
        };
        for key in obj.keys().filter(|k| !EXAMPLE_KEYS.contains(&k.as_str())) {
            let path = [Seg::Index(i), Seg::Key(key.clone())];
            let at = || locate_key(source, &path).unwrap_or((1, 1));
            let message = format!("unknown key `{key}` in an example (ignored)");
            out.push(
                Severity::Warning,
                at,
                message,
                super::suggest::hint_for(key, EXAMPLE_KEYS),
            );
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::syntax::MAX_NESTING;

    #[test]
    fn deep_nesting_is_refused_before_compiling() {
        let n = MAX_NESTING + 1;
        let src = format!(
            "---\nconfig: {{}}\n---\n{}x{}",
            "{{#if a}}".repeat(n),
            "{{/if}}".repeat(n)
        );
        let diags = check_source(&src, Path::new("p.prompt"), false);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].col), (4, 9 * MAX_NESTING + 1));
        assert!(diags[0].message.contains("nested more than"));
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

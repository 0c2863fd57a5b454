//! `examples/NAME.yaml`: a YAML list of few-shot examples
//! `{name?, input (or vars), output}`, each problem located by line.

use super::diagnostic::{Diagnostic, yaml_error_parts};
use super::yaml_locate::{Seg, locate_key, locate_or_parent};
use crate::prompt::Example;
use serde_json::Value;
use std::path::Path;

const EXAMPLE_KEYS: &[&str] = &["name", "input", "vars", "output"];

/// Parses an examples file; `None` when it is not a YAML list at all.
pub fn parse_examples(
    name: &str,
    _path: &Path,
    source: &str,
    shown: &Path,
) -> (Option<Vec<Example>>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let error = |path: &[Seg], msg: String, hint: &str| {
        let (l, c) = locate_or_parent(source, path);
        Diagnostic::error(shown, l, c, msg).with_hint(hint)
    };
    let doc: Value = match serde_norway::from_str(source) {
        Ok(v) => v,
        Err(e) => {
            let (l, c, msg) = yaml_error_parts(&e);
            let d = Diagnostic::error(shown, l, c, format!("YAML syntax error: {msg}"))
                .with_hint("check indentation and quoting; an examples file is a YAML list");
            return (None, vec![d]);
        }
    };
    let Value::Array(items) = doc else {
        let hint =
            "write a list: - name: short refund\n  input: {ticket: \"...\"}\n  output: {...}";
        return (
            None,
            vec![error(
                &[],
                "an examples file must be a YAML list of examples".into(),
                hint,
            )],
        );
    };
    let mut examples = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = [Seg::Index(i)];
        let Value::Object(obj) = item else {
            diags.push(error(
                &at,
                format!("example {} is not a map", i + 1),
                "each example has `input` and `output`",
            ));
            continue;
        };
        for key in obj.keys().filter(|k| !EXAMPLE_KEYS.contains(&k.as_str())) {
            let path = [Seg::Index(i), Seg::Key(key.clone())];
            let (l, c) = locate_key(source, &path).unwrap_or((1, 1));
            let hint = super::suggest::hint_for(key, EXAMPLE_KEYS);
            diags.push(
                Diagnostic::warning(
                    shown,
                    l,
                    c,
                    format!("unknown key `{key}` in an example (ignored)"),
                )
                .with_hint(hint),
            );
        }
        let input = obj.get("input").or_else(|| obj.get("vars"));
        let (Some(input), Some(output)) = (input, obj.get("output")) else {
            let missing = if input.is_none() { "input" } else { "output" };
            diags.push(error(
                &at,
                format!("example {} has no `{missing}`", i + 1),
                "each example needs `input` (text or vars) and `output`",
            ));
            continue;
        };
        let label = match obj.get("name") {
            Some(Value::String(s)) => s.clone(),
            _ => format!("{name}#{}", i + 1),
        };
        examples.push(Example {
            name: label,
            input: input.clone(),
            output: output.clone(),
        });
    }
    if items.is_empty() {
        diags.push(
            Diagnostic::warning(shown, 1, 1, "no examples in this file")
                .with_hint("add - input: ...\n  output: ..."),
        );
    }
    (Some(examples), diags)
}

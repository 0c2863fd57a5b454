//! Rendering as a check: every prompt that parsed cleanly is rendered with
//! its `input.default` and the workspace's partials (catching schema and
//! helper errors), and each test case with its vars, warning when a case
//! leaves a required template variable unset.

use super::diagnostic::{Diagnostic, FileDiagnostics, Severity, relative_to};
use super::prompt_check::from_prompt_error;
use super::read::read_text;
use super::{PromptFile, TestFile, Workspace};
use crate::prompt::{ParsedPrompt, RenderData, Renderer, parse_document};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Render diagnostics for the prompts and tests not in `broken` (paths,
/// relative to the root, that already have errors), with the workspace's
/// named `schemas` (converted to JSON Schema).
pub fn render_checks(
    ws: &Workspace,
    broken: &HashSet<PathBuf>,
    schemas: &HashMap<String, Value>,
) -> Vec<Diagnostic> {
    let mut renderer = Renderer::default();
    for (name, schema) in schemas {
        renderer.add_schema(name, schema.clone());
    }
    for partial in &ws.partials {
        // A partial that does not compile was reported by its own check.
        let _ = renderer.add_partial(&partial.name, &partial.source);
    }
    let mut out = Vec::new();
    for prompt in &ws.prompts {
        let shown = relative_to(&ws.root, &prompt.path);
        if broken.contains(&shown) {
            continue;
        }
        let Ok(parsed) = parse_document(&prompt.source) else {
            continue;
        };
        match renderer.render(&parsed, &RenderData::default(), None) {
            Ok(_) => {
                let tests = ws.tests.iter().filter(|t| t.target_prompt() == prompt.name);
                for test in tests.filter(|t| !broken.contains(&relative_to(&ws.root, &t.path))) {
                    out.extend(check_cases(ws, &renderer, prompt, &parsed, test));
                }
            }
            Err(e) => out.push(from_prompt_error(&shown, &e)),
        }
    }
    out
}

/// Renders each case of `test` against `prompt`.
fn check_cases(
    ws: &Workspace,
    renderer: &Renderer,
    prompt: &PromptFile,
    parsed: &ParsedPrompt,
    test: &TestFile,
) -> Vec<Diagnostic> {
    let shown = relative_to(&ws.root, &test.path);
    let optional = optional_inputs(parsed);
    let mut out = FileDiagnostics::new(&shown);
    // Positions need the text; read it only if there is something to report.
    let source = std::cell::OnceCell::new();
    let at = |index: usize| {
        let text = source.get_or_init(|| read_text(&test.path).unwrap_or_default());
        move || TestFile::case_position(text, index)
    };
    for case in &test.cases {
        let data = RenderData {
            input: case.vars.clone(),
            ..RenderData::default()
        };
        let what = case_name(case.description.as_deref(), case.index);
        match renderer.render(parsed, &data, None) {
            Ok(rendered) => {
                let missing: Vec<String> = rendered
                    .missing_vars
                    .into_iter()
                    .filter(|v| v != "examples" && !optional.contains(v))
                    .map(|v| format!("`{v}`"))
                    .collect();
                if !missing.is_empty() {
                    let message = format!(
                        "{what} does not set {} used by prompt `{}`",
                        missing.join(", "),
                        prompt.name
                    );
                    let hint = "add them under `vars:` (or in defaultTest), or give them an input.default in the prompt";
                    out.push(Severity::Warning, at(case.index), message, hint.into());
                }
            }
            Err(e) => {
                let message = format!(
                    "{what} fails to render prompt `{}`: {}",
                    prompt.name, e.message
                );
                out.push(Severity::Error, at(case.index), message, e.hint);
            }
        }
    }
    out.finish()
}

fn case_name(description: Option<&str>, index: usize) -> String {
    match description {
        Some(d) => format!("case {} ({d})", index + 1),
        None => format!("case {}", index + 1),
    }
}

/// Inputs declared optional in the Picoschema (`name?: ...`): a case may
/// leave them unset.
fn optional_inputs(parsed: &ParsedPrompt) -> HashSet<String> {
    let schema = parsed.meta.get("input").and_then(|i| i.get("schema"));
    let Some(Value::Object(fields)) = schema else {
        return HashSet::new();
    };
    fields
        .keys()
        .filter_map(|k| {
            let name_end = k.find(['?', '(']).unwrap_or(k.len());
            k[name_end..]
                .starts_with('?')
                .then(|| k[..name_end].trim().to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_inputs_come_from_picoschema_question_marks() {
        let parsed = parse_document(
            "---\ninput:\n  schema:\n    a: string\n    b?: string\n    c?(enum, x): [p, q]\n    d(enum): [r]\n---\n{{a}}\n",
        )
        .unwrap();
        let mut got: Vec<String> = optional_inputs(&parsed).into_iter().collect();
        got.sort();
        assert_eq!(got, ["b", "c"]);
    }
}

//! Rendering as a check: every prompt that parsed cleanly is rendered with
//! its `input.default` and the workspace's partials (catching schema and
//! helper errors, defaults its input schema refuses), and each test case
//! with its vars, warning when a case leaves a required template variable
//! unset or sets one to a value the schema refuses.

use super::check::PromptChecks;
use super::diagnostic::{Diagnostic, FileDiagnostics, Severity, relative_to};
use super::prompt_check::from_prompt_error;
use super::read::read_text;
use super::{PromptFile, TestCase, TestFile, Workspace};
use crate::prompt::yaml_locate::{Seg, locate_or_parent, locate_value};
use crate::prompt::{
    ParsedPrompt, RenderData, RenderedPrompt, Renderer, check_inputs, inputs::InputProblemKind,
    parse_document,
};
use crate::types::ToolDef;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Render diagnostics for the prompts and tests not in `broken` (paths,
/// relative to the root, that already have errors), with the workspace's
/// named `schemas` (converted to JSON Schema); `more` adds warnings about
/// each prompt that renders.
pub fn render_checks(
    ws: &Workspace,
    broken: &HashSet<PathBuf>,
    schemas: &HashMap<String, Value>,
    tools: &HashMap<String, ToolDef>,
    more: PromptChecks<'_>,
) -> Vec<Diagnostic> {
    let mut renderer = Renderer::default();
    for (name, schema) in schemas {
        renderer.add_schema(name, schema.clone());
    }
    for tool in tools.values() {
        renderer.add_tool(tool.clone());
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
            Ok(rendered) => {
                let warnings = more(&parsed);
                out.extend(warnings.into_iter().map(|w| {
                    Diagnostic::warning(&shown, w.line, w.col, w.message).with_hint(w.hint)
                }));
                out.extend(default_problems(&parsed, &rendered, &shown));
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
    let at = |case: &TestCase| {
        let text = source.get_or_init(|| read_text(&test.path).unwrap_or_default());
        // A case from a `file://` cases file: at the `tests:` key.
        let index = case.origin.is_none().then_some(case.index);
        move || match index {
            Some(i) => TestFile::case_position(text, i),
            None => locate_value(text, &[Seg::Key("tests".into())]).unwrap_or((1, 1)),
        }
    };
    // Cases expanded from one (list vars) often say the same thing once.
    let mut said = HashSet::new();
    for case in &test.cases {
        let data = RenderData {
            input: case.vars.clone(),
            ..RenderData::default()
        };
        let mut what = case_name(case.description.as_deref(), case.index);
        if let Some(origin) = &case.origin {
            what = format!("{what} of {}:{}", origin.display(), case.line.max(1));
        }
        match renderer.render(parsed, &data, None) {
            Ok(rendered) => {
                // Vars the prompt does not read are fine here: promptfoo
                // cases keep vars for their assertions too.
                let problems = check_inputs(&rendered, &case.vars);
                let invalid = problems
                    .into_iter()
                    .filter(|p| p.kind == InputProblemKind::Invalid);
                for problem in invalid {
                    let message = format!("{what}: {problem}");
                    if said.insert(message.clone()) {
                        out.push(Severity::Warning, at(case), message, problem.hint);
                    }
                }
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
                    if said.insert(message.clone()) {
                        out.push(Severity::Warning, at(case), message, hint.into());
                    }
                }
            }
            Err(e) => {
                let message = format!(
                    "{what} fails to render prompt `{}`: {}",
                    prompt.name, e.message
                );
                if said.insert(message.clone()) {
                    out.push(Severity::Error, at(case), message, e.hint);
                }
            }
        }
    }
    out.finish()
}

/// `input.default` values the prompt's own input schema refuses.
fn default_problems(
    parsed: &ParsedPrompt,
    rendered: &RenderedPrompt,
    shown: &std::path::Path,
) -> Vec<Diagnostic> {
    check_inputs(rendered, &serde_json::Map::new())
        .into_iter()
        .map(|p| {
            let path = ["input", "default", p.var.as_str()].map(|k| Seg::Key(k.into()));
            let (line, col) = locate_or_parent(&parsed.frontmatter, &path);
            let line = parsed.frontmatter_line + line - 1;
            let message = format!("input.default.{p}");
            Diagnostic::warning(shown, line, col, message).with_hint(p.hint)
        })
        .collect()
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

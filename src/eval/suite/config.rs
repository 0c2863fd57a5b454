//! A promptfoo config as a suite: `prompts`, `providers` (or `targets`),
//! `defaultTest` and `tests` as promptfoo reads them. Keys that would make
//! pwb's results differ from promptfoo's (`scenarios`, `nunjucksFilters`,
//! `extensions`, ...) are errors; keys that only steer promptfoo itself
//! (`outputPath`, `sharing`, ...) are warnings saying pwb ignores them.

use super::variant::var_template;
use super::{Suite, SuitePrompt, prompts, providers, settle};
use crate::workspace::diagnostic::{Severity, yaml_error_parts};
use crate::workspace::yaml_locate::{Seg, locate_key, locate_or_parent};
use crate::workspace::{Diagnostic, TestCase, TestFile};
use serde_json::{Map, Value};
use std::path::Path;

/// Keys pwb reads.
const READ: &[&str] = &[
    "description",
    "prompts",
    "providers",
    "targets",
    "tests",
    "defaultTest",
];
/// promptfoo keys pwb cannot honour: the results would differ.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "scenarios",
        "pwb has no scenarios; list the combinations under `tests:`",
    ),
    (
        "nunjucksFilters",
        "pwb renders variables only, without custom filters",
    ),
    ("extensions", "pwb runs no extension hooks"),
    ("redteam", "use promptfoo for red teaming"),
    ("derivedMetrics", "pwb reports metrics as written"),
];
/// promptfoo keys that steer promptfoo itself: ignored, with a word.
const IGNORED: &[(&str, &str)] = &[
    (
        "env",
        "pwb reads the process environment: export these variables instead",
    ),
    (
        "evaluateOptions",
        "use pwb eval's flags (-j, --repeat, ...)",
    ),
    ("outputPath", "use pwb eval --output"),
    ("sharing", "pwb shares nothing"),
    ("tags", ""),
    ("metadata", ""),
    ("writeLatestResults", ""),
    ("commandLineOptions", "use pwb eval's flags"),
    ("tracing", ""),
    ("$schema", ""),
];

/// Whether `path` is YAML (or JSON) with top-level `prompts` or `providers`.
pub fn is_promptfoo_config(path: &Path) -> bool {
    let text = crate::workspace::read::read_text(path).unwrap_or_default();
    is_config_doc(&serde_norway::from_str(&text).unwrap_or_default())
}

pub(super) fn is_config_doc(doc: &Value) -> bool {
    let keys = ["prompts", "providers", "targets"];
    matches!(doc, Value::Object(m) if keys.iter().any(|k| m.contains_key(*k)))
}

/// The text of the file at `path` and its YAML, or the problem.
pub(super) fn read_yaml(path: &Path, shown: &Path) -> Result<(String, Value), Vec<Diagnostic>> {
    let source =
        crate::workspace::read::read_text(path).map_err(|e| vec![e.to_diagnostic(shown)])?;
    let doc: Value = serde_norway::from_str(&source).map_err(|e| {
        let (line, col, msg) = yaml_error_parts(&e);
        vec![
            Diagnostic::error(shown, line, col, format!("invalid YAML: {msg}"))
                .with_hint("check indentation and quoting"),
        ]
    })?;
    Ok((source, doc))
}

/// Loads the config at `path` (`shown` in messages), read as `source`
/// and parsed as `doc`.
pub(super) fn load_config(
    path: &Path,
    shown: &Path,
    source: &str,
    doc: &Value,
) -> Result<Suite, Vec<Diagnostic>> {
    let Value::Object(obj) = doc else {
        return Err(vec![
            Diagnostic::error(shown, 1, 1, "a promptfoo config is a map of keys")
                .with_hint("start with `prompts:` and `providers:`"),
        ]);
    };
    let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut diags = keys(obj, source, shown);
    let located = |path: &[Seg]| locate_or_parent(source, path);
    let mut at = Located {
        shown,
        located: &located,
        diags: &mut diags,
    };
    let prompts = prompts::read_prompts(obj.get("prompts"), &dir, &mut at);
    let provider_key = if obj.contains_key("providers") {
        "providers"
    } else {
        "targets"
    };
    let providers = providers::read_providers(obj.get(provider_key), provider_key, &dir, &mut at);
    let (cases, case_diags) = TestFile::config_cases(path, source, shown, doc);
    diags.extend(case_diags);
    if prompts.iter().any(|p| {
        !matches!(
            p,
            SuitePrompt::File {
                dotprompt: true,
                ..
            }
        )
    }) {
        diags.extend(var_templates(&cases, source, shown));
    }
    let warnings = settle(diags)?;
    let name = match obj.get("description") {
        Some(Value::String(d)) if !d.trim().is_empty() => d.clone(),
        _ => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    Ok(Suite {
        name,
        path: path.to_path_buf(),
        prompts,
        providers,
        cases,
        default_grader: default_grader(obj),
        warnings,
        root: dir,
    })
}

/// Vars whose text promptfoo renders as a template before a text prompt
/// (see `variant::var_template`) that pwb cannot render: errors at the var.
fn var_templates(cases: &[TestCase], source: &str, shown: &Path) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for case in cases {
        for (key, value) in &case.vars {
            let Err(e) = var_template(value, &case.vars) else {
                continue;
            };
            let (path, line, col) = match &case.origin {
                Some(file) => (file.as_path(), case.line.max(1), 1),
                None => {
                    let at = [
                        Seg::Key("tests".into()),
                        Seg::Index(case.index),
                        Seg::Key("vars".into()),
                        Seg::Key(key.clone()),
                    ];
                    let (line, col) = locate_or_parent(source, &at);
                    (shown, line, col)
                }
            };
            let message = format!("var `{key}`: {}", e.message);
            if !out.iter().any(|d| d.message == message && d.line == line) {
                out.push(Diagnostic::error(path, line, col, message).with_hint(e.hint));
            }
        }
    }
    out
}

/// `defaultTest.options.provider`.
pub(super) fn default_grader(obj: &Map<String, Value>) -> Option<Value> {
    obj.get("defaultTest")?
        .get("options")?
        .get("provider")
        .cloned()
}

/// Diagnostics about the config's own keys.
fn keys(obj: &Map<String, Value>, source: &str, shown: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let at = |key: &str| {
        let path = [Seg::Key(key.to_string())];
        locate_key(source, &path).unwrap_or((1, 1))
    };
    for key in obj.keys() {
        let (line, col) = at(key);
        if READ.contains(&key.as_str()) {
            continue;
        }
        if let Some((_, why)) = UNSUPPORTED.iter().find(|(k, _)| k == key) {
            let message = format!("`{key}` is not supported by pwb");
            out.push(Diagnostic::error(shown, line, col, message).with_hint(*why));
        } else if let Some((_, why)) = IGNORED.iter().find(|(k, _)| k == key) {
            let message = format!("`{key}` is promptfoo's; pwb ignores it");
            out.push(Diagnostic::warning(shown, line, col, message).with_hint(*why));
        } else {
            let mut known: Vec<&str> = READ.to_vec();
            known.extend(UNSUPPORTED.iter().chain(IGNORED).map(|(k, _)| *k));
            let hint = crate::prompt::suggest::hint_for(key, &known);
            let message = format!("unknown key `{key}` in a promptfoo config (ignored)");
            out.push(Diagnostic::warning(shown, line, col, message).with_hint(hint));
        }
    }
    if !obj.contains_key("prompts") {
        out.push(
            Diagnostic::error(shown, 1, 1, "this promptfoo config has no `prompts`")
                .with_hint("add prompts: [\"...{{var}}...\"] or file:// references"),
        );
    }
    if obj.contains_key("providers") && obj.contains_key("targets") {
        let (line, col) = at("targets");
        out.push(
            Diagnostic::warning(shown, line, col, "`targets` is ignored next to `providers`")
                .with_hint("keep one of them"),
        );
    }
    out
}

/// Diagnostics located in the config file.
pub(super) struct Located<'a> {
    pub shown: &'a Path,
    pub located: &'a dyn Fn(&[Seg]) -> (usize, usize),
    pub diags: &'a mut Vec<Diagnostic>,
}

impl Located<'_> {
    pub fn push(
        &mut self,
        severity: Severity,
        path: &[Seg],
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let (line, col) = (self.located)(path);
        let d = match severity {
            Severity::Error => Diagnostic::error(self.shown, line, col, message),
            Severity::Warning => Diagnostic::warning(self.shown, line, col, message),
        };
        self.diags.push(d.with_hint(hint));
    }

    pub fn error(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Error, path, message, hint);
    }

    pub fn warn(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        self.push(Severity::Warning, path, message, hint);
    }

    /// A problem in another file (a prompt file).
    pub fn error_in(
        &mut self,
        file: &Path,
        line: usize,
        col: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags
            .push(Diagnostic::error(file, line, col, message).with_hint(hint));
    }
}

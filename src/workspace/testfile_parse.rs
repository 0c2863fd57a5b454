//! The parser behind `TestFile::parse`: walks promptfoo-shaped YAML (a list
//! of cases, or `tests` + `defaultTest` + `prompt`), merges defaults, reads
//! `file://` vars and reports each problem at its line.

use super::asserts::{AssertVerdict, check_assert};
use super::diagnostic::{FileDiagnostics, Severity, yaml_error_parts};
use super::read::read_text;
use super::testfile::{AssertSpec, TestCase};
use super::yaml_locate::{Seg, locate_key, locate_or_parent};
use serde_json::{Map, Value};
use std::path::Path;

const FILE_KEYS: &[&str] = &["description", "prompt", "tests", "defaultTest"];
const CASE_KEYS: &[&str] = &[
    "description",
    "vars",
    "assert",
    "options",
    "threshold",
    "metadata",
];
const ASSERT_KEYS: &[&str] = &[
    "type",
    "value",
    "threshold",
    "weight",
    "metric",
    "transform",
    "provider",
    "rubricPrompt",
    "assert",
];

pub(super) struct CaseParser<'a> {
    pub(super) source: &'a str,
    pub(super) dir: &'a Path,
    pub(super) diags: FileDiagnostics,
}

impl CaseParser<'_> {
    fn error(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        let source = self.source;
        let at = || locate_or_parent(source, path);
        self.diags
            .push(Severity::Error, at, message.into(), hint.into());
    }

    fn warn_key(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        let source = self.source;
        let at = || locate_key(source, path).unwrap_or_else(|| locate_or_parent(source, path));
        self.diags
            .push(Severity::Warning, at, message.into(), hint.into());
    }

    fn unknown_keys(&mut self, obj: &Map<String, Value>, at: &[Seg], known: &[&str], what: &str) {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            let hint = super::suggest::hint_for(key, known);
            self.warn_key(
                &with(at, key.as_str()),
                format!("unknown key `{key}` in {what} (ignored)"),
                hint,
            );
        }
    }

    pub(super) fn file(&mut self) -> Option<(Option<String>, Vec<TestCase>)> {
        let doc: Value = match serde_norway::from_str(self.source) {
            Ok(v) => v,
            Err(e) => {
                let (l, c, msg) = yaml_error_parts(&e);
                let hint = "check indentation and quoting; a test file is a YAML list of cases";
                let message = format!("invalid YAML: {msg}");
                self.diags
                    .push(Severity::Error, || (l, c), message, hint.into());
                return None;
            }
        };
        match doc {
            Value::Array(items) => Some((None, self.cases(&items, &[], &TestCase::default()))),
            Value::Object(obj) => self.suite(&obj),
            Value::Null => {
                self.error(&[], "empty test file", "add cases: - vars: {text: \"...\"}\n  assert: [{type: contains, value: \"...\"}]");
                None
            }
            _ => {
                self.error(
                    &[],
                    "a test file must be a list of cases or a map with `tests:`",
                    "start with `tests:` or with `- vars:`",
                );
                None
            }
        }
    }

    fn suite(&mut self, obj: &Map<String, Value>) -> Option<(Option<String>, Vec<TestCase>)> {
        self.unknown_keys(obj, &[], FILE_KEYS, "a test file");
        let prompt = match obj.get("prompt") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.error(
                    &["prompt".into()],
                    "`prompt` must be a prompt name",
                    "e.g. prompt: triage",
                );
                None
            }
        };
        let defaults = match obj.get("defaultTest") {
            Some(d) => self
                .case(d, &["defaultTest".into()], &TestCase::default())
                .unwrap_or_default(),
            None => TestCase::default(),
        };
        let cases = match obj.get("tests") {
            Some(Value::Array(items)) => self.cases(items, &["tests".into()], &defaults),
            Some(_) => {
                self.error(
                    &["tests".into()],
                    "`tests` must be a list of cases",
                    "write each case as `- vars: ...`",
                );
                Vec::new()
            }
            None => {
                self.error(
                    &[],
                    "no `tests:` list in this test file",
                    "add `tests:` with a list of cases",
                );
                return None;
            }
        };
        Some((prompt, cases))
    }

    fn cases(&mut self, items: &[Value], at: &[Seg], defaults: &TestCase) -> Vec<TestCase> {
        if items.is_empty() {
            self.error(
                at,
                "no test cases",
                "add a case: - vars: {...}\n  assert: [...]",
            );
        }
        let cases = items.iter().enumerate();
        let cases = cases.filter_map(|(i, item)| {
            let case = self.case(item, &with(at, i), defaults)?;
            Some(TestCase { index: i, ..case })
        });
        cases.collect()
    }

    fn case(&mut self, item: &Value, at: &[Seg], defaults: &TestCase) -> Option<TestCase> {
        let Value::Object(obj) = item else {
            self.error(
                at,
                "a test case must be a map",
                "e.g. - description: refund request\n  vars: {ticket: \"...\"}",
            );
            return None;
        };
        self.unknown_keys(obj, at, CASE_KEYS, "a test case");
        let mut case = defaults.clone();
        match obj.get("description") {
            Some(Value::String(s)) => case.description = Some(s.clone()),
            Some(_) => self.error(
                &with(at, "description"),
                "`description` must be text",
                "quote it",
            ),
            None => {}
        }
        match obj.get("vars") {
            Some(Value::Object(vars)) => {
                for (k, v) in vars {
                    let v = self.resolve_var(v, &with(&with(at, "vars"), k.as_str()));
                    case.vars.insert(k.clone(), v);
                }
            }
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "vars"),
                "`vars` must be a map of variable names to values",
                "e.g. vars: {ticket: \"My order is late\"}",
            ),
        }
        match obj.get("assert") {
            Some(Value::Array(list)) => {
                let list = list.iter().enumerate();
                let asserts: Vec<AssertSpec> = list
                    .filter_map(|(i, a)| self.assertion(a, &with(&with(at, "assert"), i)))
                    .collect();
                case.asserts.extend(asserts);
            }
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "assert"),
                "`assert` must be a list",
                "e.g. assert:\n  - type: contains\n    value: refund",
            ),
        }
        if let Some(options) = obj.get("options") {
            case.options = Some(options.clone());
        }
        Some(case)
    }

    fn resolve_var(&mut self, value: &Value, at: &[Seg]) -> Value {
        let Some(reference) = value.as_str().and_then(|s| s.strip_prefix("file://")) else {
            return value.clone();
        };
        let target = self.dir.join(reference);
        match read_text(&target) {
            Ok(text) => Value::String(text),
            Err(e) => {
                let hint = format!(
                    "paths are relative to the test file's folder ({})",
                    self.dir.display()
                );
                self.error(at, format!("cannot read `file://{reference}`: {e}"), hint);
                value.clone()
            }
        }
    }

    fn assertion(&mut self, item: &Value, at: &[Seg]) -> Option<AssertSpec> {
        let Value::Object(obj) = item else {
            self.error(
                at,
                "an assertion must be a map with a `type`",
                "e.g. - type: contains\n  value: refund",
            );
            return None;
        };
        self.unknown_keys(obj, at, ASSERT_KEYS, "an assertion");
        let Some(Value::String(kind)) = obj.get("type") else {
            self.error(at, "assertion has no `type`", "e.g. type: contains");
            return None;
        };
        let value = obj.get("value").cloned();
        let mut number = |key: &str| match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_f64(),
            Some(_) => {
                self.error(
                    &with(at, key),
                    format!("`{key}` must be a number"),
                    "e.g. 0.8",
                );
                None
            }
        };
        let (threshold, weight) = (number("threshold"), number("weight"));
        match check_assert(kind, value.as_ref()) {
            AssertVerdict::Ok => {}
            AssertVerdict::Unsupported { message, hint } => {
                self.warn_key(&with(at, "type"), message, hint)
            }
            AssertVerdict::UnknownType { message, hint } => {
                self.error(&with(at, "type"), message, hint);
                return None;
            }
            AssertVerdict::BadValue { message, hint } => {
                self.error(&with(at, "value"), message, hint);
                return None;
            }
        }
        Some(AssertSpec {
            kind: kind.clone(),
            value,
            threshold,
            weight,
            ..AssertSpec::default()
        })
    }
}

fn with(path: &[Seg], seg: impl Into<Seg>) -> Vec<Seg> {
    let mut v = path.to_vec();
    v.push(seg.into());
    v
}

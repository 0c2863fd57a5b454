//! One `assert` entry: its type and value checked (`asserts`), `threshold`,
//! `weight`, `metric`, a grader `provider`/`rubricPrompt`, `config`, and
//! `assert-set` with its members; `file://` values are read as promptfoo
//! reads them (JSON/YAML parsed, `.txt` trimmed).

use super::asserts::{AssertVerdict, check_assert};
use super::read::read_text;
use super::testfile::AssertSpec;
use super::testfile_parse::{CaseParser, with};
use super::testfile_vars::js_trim;
use super::yaml_locate::Seg;
use serde_json::{Map, Value};

const ASSERT_KEYS: &[&str] = &[
    "type",
    "value",
    "threshold",
    "weight",
    "metric",
    "provider",
    "rubricPrompt",
    "config",
    "assert",
];

impl CaseParser<'_> {
    /// Parses one assertion at `at`; `top` is false inside an assert-set.
    pub(super) fn assertion(&mut self, item: &Value, at: &[Seg], top: bool) -> Option<AssertSpec> {
        let Value::Object(obj) = item else {
            self.error(
                at,
                "an assertion must be a map with a `type`",
                "e.g. - type: contains\n  value: refund",
            );
            return None;
        };
        for key in ["transform", "contextTransform"] {
            if obj.contains_key(key) {
                let message = format!(
                    "`{key}` on an assertion is not supported by pwb: it changes the answer graded"
                );
                self.error(
                    &with(at, key),
                    message,
                    "check the answer as it is, or run this suite with promptfoo",
                );
            }
        }
        let unknown: Vec<&String> = obj
            .keys()
            .filter(|k| {
                !ASSERT_KEYS.contains(&k.as_str()) && *k != "transform" && *k != "contextTransform"
            })
            .collect();
        for key in unknown {
            let hint = super::suggest::hint_for(key, ASSERT_KEYS);
            self.warn(
                &with(at, key.as_str()),
                format!("unknown key `{key}` in an assertion (ignored)"),
                hint,
            );
        }
        let Some(Value::String(kind)) = obj.get("type") else {
            self.error(at, "assertion has no `type`", "e.g. type: contains");
            return None;
        };
        let threshold = self.number(obj, at, "threshold");
        let weight = self.number(obj, at, "weight");
        let metric = match obj.get("metric") {
            Some(Value::String(m)) if !m.is_empty() => Some(m.clone()),
            Some(Value::String(_) | Value::Null) | None => None,
            Some(_) => {
                self.error(
                    &with(at, "metric"),
                    "`metric` must be a name",
                    "e.g. metric: accuracy",
                );
                None
            }
        };
        let (line, col) = self.node_start(at);
        let mut spec = AssertSpec {
            kind: kind.clone(),
            threshold,
            weight,
            metric,
            provider: obj.get("provider").cloned(),
            rubric_prompt: obj.get("rubricPrompt").cloned(),
            config: obj.get("config").cloned(),
            line,
            col,
            ..AssertSpec::default()
        };
        if kind == "assert-set" {
            return self.assert_set(obj, at, top, spec);
        }
        if obj.contains_key("assert") {
            self.warn(
                &with(at, "assert"),
                "`assert` belongs to `type: assert-set` (ignored here)",
                "",
            );
        }
        let scripted = matches!(spec.base_kind(), "javascript" | "python");
        let value = match obj.get("value") {
            Some(v) if !scripted => self.file_value(v, &with(at, "value"))?,
            other => other.cloned(),
        };
        match check_assert(kind, value.as_ref(), threshold) {
            AssertVerdict::Ok => {}
            AssertVerdict::NotSupported { message, hint }
            | AssertVerdict::UnknownType { message, hint } => {
                self.error(&with(at, "type"), message, hint);
                return None;
            }
            AssertVerdict::BadValue { message, hint } => {
                let place = if obj.contains_key("value") {
                    with(at, "value")
                } else {
                    at.to_vec()
                };
                self.error(&place, message, hint);
                return None;
            }
        }
        spec.value = value;
        Some(spec)
    }

    fn assert_set(
        &mut self,
        obj: &Map<String, Value>,
        at: &[Seg],
        top: bool,
        mut spec: AssertSpec,
    ) -> Option<AssertSpec> {
        if !top {
            self.error(
                &with(at, "type"),
                "an assert-set cannot hold another assert-set",
                "list the inner assertions in the outer set",
            );
            return None;
        }
        if obj.contains_key("value") {
            self.warn(
                &with(at, "value"),
                "an assert-set has no `value` (ignored)",
                "put values on its members",
            );
        }
        let Some(Value::Array(members)) = obj.get("assert") else {
            self.error(
                at,
                "an assert-set needs an `assert:` list of assertions",
                "e.g. assert:\n  - type: contains\n    value: x",
            );
            return None;
        };
        if members.is_empty() {
            self.error(
                &with(at, "assert"),
                "an assert-set needs at least one assertion",
                "add assertions under `assert:`",
            );
        }
        for (i, m) in members.iter().enumerate() {
            if let Some(member) = self.assertion(m, &with(&with(at, "assert"), i), false) {
                spec.members.push(member);
            }
        }
        Some(spec)
    }

    fn number(&mut self, obj: &Map<String, Value>, at: &[Seg], key: &str) -> Option<f64> {
        match obj.get(key) {
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
        }
    }

    /// An assertion value with `file://` references read (a string, or
    /// strings in a list), as promptfoo's `processFileReference`; `None`
    /// after an error.
    fn file_value(&mut self, value: &Value, at: &[Seg]) -> Option<Option<Value>> {
        let read = |p: &Self, s: &str| -> Result<Value, String> {
            let path = p.base.join(&s["file://".len()..]);
            let shown = path.display().to_string();
            let text = read_text(&path).map_err(|e| format!("cannot read `{s}`: {e}"))?;
            match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
                "json" | "yaml" | "yml" => serde_norway::from_str(&text)
                    .map_err(|e| format!("`{shown}` is not valid JSON/YAML: {e}")),
                "txt" => Ok(Value::String(js_trim(&text).to_string())),
                _ => Err(format!(
                    "`{s}`: promptfoo reads .json, .yaml, .yml and .txt files as assertion values"
                )),
            }
        };
        let result = match value {
            Value::String(s) if s.starts_with("file://") => read(self, s),
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) if s.starts_with("file://") => read(self, s),
                    other => Ok(other.clone()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        };
        match result {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                let hint = format!("paths are relative to {}", self.base.display());
                self.error(at, e, hint);
                None
            }
        }
    }
}

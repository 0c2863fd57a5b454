//! Template variables: the names the prompt uses (its input schema,
//! defaults, and anything the template references), each with a value the
//! user sets, pre-filled from `input.default` or a test case, and what the
//! last render found wrong with them.

use crate::prompt::InputProblem;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct VarEntry {
    pub name: String,
    /// The value as edited: JSON if it parses as a non-string JSON value
    /// and the default was not a string, else a plain string.
    pub text: String,
    /// Where the value came from, for the popup ("default", "test: ...").
    pub source: String,
    /// The variable's type from `input.schema`, when known.
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Variables {
    pub entries: Vec<VarEntry>,
    pub cursor: usize,
    pub editing: Option<String>,
    /// Index of the test case last loaded (cycles through the test file).
    pub test_case: Option<usize>,
    /// Names the prompt does not know and values its input schema refuses
    /// (`prompt::check_inputs` at the last render).
    pub problems: Vec<InputProblem>,
}

impl Variables {
    /// Makes sure every name exists; keeps values already set; fills new
    /// ones from `defaults`.
    pub fn sync(&mut self, names: &[(String, Option<String>)], defaults: &Map<String, Value>) {
        for (name, kind) in names {
            if let Some(e) = self.entries.iter_mut().find(|e| &e.name == name) {
                if e.kind.is_none() {
                    e.kind = kind.clone();
                }
                continue;
            }
            let (text, source) = match defaults.get(name) {
                Some(v) => (value_to_text(v), "default".to_string()),
                None => (String::new(), "unset".to_string()),
            };
            self.entries.push(VarEntry {
                name: name.clone(),
                text,
                source,
                kind: kind.clone(),
            });
        }
    }

    /// Overwrites values from a test case's `vars`.
    pub fn load(&mut self, vars: &Map<String, Value>, source: &str) {
        for (name, v) in vars {
            let text = value_to_text(v);
            match self.entries.iter_mut().find(|e| &e.name == name) {
                Some(e) => {
                    e.text = text;
                    e.source = source.to_string();
                }
                None => self.entries.push(VarEntry {
                    name: name.clone(),
                    text,
                    source: source.to_string(),
                    kind: None,
                }),
            }
        }
    }

    /// What is wrong with variable `name`, if anything.
    pub fn problem(&self, name: &str) -> Option<&InputProblem> {
        self.problems.iter().find(|p| p.var == name)
    }

    /// The values to render with. Unset ("") variables are left out so
    /// the renderer can report them as missing.
    pub fn to_input(&self) -> Map<String, Value> {
        let mut m = Map::new();
        for e in &self.entries {
            if e.source == "unset" && e.text.is_empty() {
                continue;
            }
            m.insert(e.name.clone(), text_to_value(&e.text, e.kind.as_deref()));
        }
        m
    }
}

fn value_to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Strings stay strings unless the schema says otherwise, or the text is
/// clearly structured JSON (object/array).
fn text_to_value(text: &str, kind: Option<&str>) -> Value {
    let parsed = serde_json::from_str::<Value>(text.trim()).ok();
    match (kind, parsed) {
        (Some("string"), _) => Value::String(text.to_string()),
        (Some(_), Some(v)) => v,
        (None, Some(v @ (Value::Object(_) | Value::Array(_)))) => v,
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sync_load_and_types() {
        let mut v = Variables::default();
        let defaults = json!({"max_words": 50, "text": "hi"});
        let names = vec![
            ("text".to_string(), Some("string".to_string())),
            ("max_words".to_string(), Some("integer".to_string())),
            ("tone".to_string(), None),
        ];
        v.sync(&names, defaults.as_object().unwrap());
        let input = v.to_input();
        assert_eq!(input["max_words"], json!(50));
        assert_eq!(input["text"], json!("hi"));
        assert!(!input.contains_key("tone"), "unset stays missing");
        v.load(
            json!({"text": "123", "tone": "dry"}).as_object().unwrap(),
            "test: a",
        );
        let input = v.to_input();
        assert_eq!(input["text"], json!("123"), "schema says string");
        assert_eq!(input["tone"], json!("dry"));
    }
}

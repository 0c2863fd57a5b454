//! Template variables: the names the prompt uses (its input schema,
//! defaults, and anything the template references), each with a value the
//! user sets, pre-filled from `input.default` or a test case, and what the
//! last render found wrong with them. Typed text becomes a value the way
//! `pwb render --var` makes one (`session::vars`); a value loaded from a
//! file keeps its type until it is edited.

use crate::prompt::InputProblem;
use crate::session::vars::{self, text_of};
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
pub struct VarEntry {
    pub name: String,
    /// The value as shown and edited.
    pub text: String,
    /// The value as a default or test case gave it, while `text` still
    /// shows it unedited.
    pub loaded: Option<Value>,
    /// Where the value came from, for the popup ("default", "test: ...").
    pub source: String,
    /// The variable's type from `input.schema`, when known.
    pub kind: Option<String>,
}

impl VarEntry {
    /// The value the template gets, typed by `input`'s schema.
    fn value(&self, input: Option<&Value>) -> Value {
        match &self.loaded {
            Some(v) if text_of(v) == self.text => v.clone(),
            _ => vars::typed(input, &[(self.name.clone(), self.text.clone())])
                .remove(&self.name)
                .unwrap_or(Value::Null),
        }
    }
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
            let (text, loaded, source) = match defaults.get(name) {
                Some(v) => (text_of(v), Some(v.clone()), "default".to_string()),
                None => (String::new(), None, "unset".to_string()),
            };
            self.entries.push(VarEntry {
                name: name.clone(),
                text,
                loaded,
                source,
                kind: kind.clone(),
            });
        }
    }

    /// Overwrites values from a test case's `vars`.
    pub fn load(&mut self, vars: &Map<String, Value>, source: &str) {
        for (name, v) in vars {
            let text = text_of(v);
            match self.entries.iter_mut().find(|e| &e.name == name) {
                Some(e) => {
                    e.text = text;
                    e.loaded = Some(v.clone());
                    e.source = source.to_string();
                }
                None => self.entries.push(VarEntry {
                    name: name.clone(),
                    text,
                    loaded: Some(v.clone()),
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
    pub fn to_input(&self, input: Option<&Value>) -> Map<String, Value> {
        self.entries
            .iter()
            .filter(|e| !(e.source == "unset" && e.text.is_empty()))
            .map(|e| (e.name.clone(), e.value(input)))
            .collect()
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
        let input = json!({"schema": {"properties": {
            "text": {"type": "string"}, "max_words": {"type": "integer"}}}});
        let names = vec![
            ("text".to_string(), Some("string".to_string())),
            ("max_words".to_string(), Some("integer".to_string())),
            ("tone".to_string(), None),
        ];
        v.sync(&names, defaults.as_object().unwrap());
        let got = v.to_input(Some(&input));
        assert_eq!(got["max_words"], json!(50));
        assert_eq!(got["text"], json!("hi"));
        assert!(!got.contains_key("tone"), "unset stays missing");
        v.load(
            json!({"text": "123", "tone": "dry", "code": "0042", "n": "7"})
                .as_object()
                .unwrap(),
            "test: a",
        );
        let got = v.to_input(Some(&input));
        assert_eq!(got["text"], json!("123"), "schema says string");
        assert_eq!(got["tone"], json!("dry"));
        assert_eq!(got["n"], json!("7"), "a loaded string stays a string");
        v.entries.iter_mut().find(|e| e.name == "n").unwrap().text = "8".into();
        assert_eq!(
            v.to_input(Some(&input))["n"],
            json!(8),
            "typed text is JSON"
        );
    }
}

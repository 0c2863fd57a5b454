//! Template variables: the names the prompt uses (its input schema,
//! defaults, and anything the template references), each with a value the
//! user sets, pre-filled from `input.default` or a test case, and what the
//! last render found wrong with them. Typed text becomes a value the way
//! `pwb render --var` makes one (`session::vars`); a value loaded from a
//! file keeps its type until it is edited. Each value says where it came
//! from (`Origin`), the same way wherever it shows.

use super::field::FieldEdit;
use crate::prompt::InputProblem;
use crate::session::conversation::split_history_var;
use crate::session::vars::{self, text_of};
use crate::types::Message;
use serde_json::{Map, Value};

/// Where a variable's value comes from; the popup tags each value with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// No value: the renderer reports it missing.
    Unset,
    /// The prompt's `input.default`, as the prompt says it now: the value
    /// follows edits of the default, and is not sent as a variable (the
    /// renderer applies defaults itself, as `pwb render` does).
    Default,
    /// Typed in the popup (and not the default's value).
    Edited,
    /// From the test case with this 0-based index.
    Test(usize),
}

impl Origin {
    /// The tag shown after the value: `default`, `test 2`, ...
    pub fn tag(&self) -> String {
        match self {
            Origin::Unset => "unset".into(),
            Origin::Default => "default".into(),
            Origin::Edited => "edited".into(),
            Origin::Test(i) => format!("test {}", i + 1),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct VarEntry {
    pub name: String,
    /// The value as shown and edited.
    pub text: String,
    /// The value as a default or test case gave it, while `text` still
    /// shows it unedited.
    pub loaded: Option<Value>,
    pub origin: Origin,
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

    /// Back to the prompt's default, or unset when it has none.
    fn reset(&mut self, defaults: &Map<String, Value>) {
        match defaults.get(&self.name) {
            Some(v) => {
                self.text = text_of(v);
                self.loaded = Some(v.clone());
                self.origin = Origin::Default;
            }
            None => {
                self.text.clear();
                self.loaded = None;
                self.origin = Origin::Unset;
            }
        }
    }
}

/// The test case whose values were loaded last (`t` in the popup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedCase {
    /// 0-based index in the test file.
    pub index: usize,
    pub total: usize,
    /// Its `description`, or `case N`.
    pub label: String,
}

#[derive(Debug, Clone, Default)]
pub struct Variables {
    pub entries: Vec<VarEntry>,
    pub cursor: usize,
    /// The value being edited, for the entry at `cursor`.
    pub editing: Option<FieldEdit>,
    /// The test case last loaded (cycles through the test file).
    pub test_case: Option<LoadedCase>,
    /// Names the prompt does not know and values its input schema refuses
    /// (`prompt::check_inputs` at the last render).
    pub problems: Vec<InputProblem>,
    /// The prompt's `input.default` at the last render.
    defaults: Map<String, Value>,
    /// The turns of the loaded case's saved conversation (its `history`
    /// variable), sent after the rendered prompt as `pwb eval` sends them.
    pub history: Vec<Message>,
}

impl Variables {
    /// Makes sure every name exists; keeps values set by hand or a test
    /// case; values from `defaults` follow the defaults as they change.
    pub fn sync(&mut self, names: &[(String, Option<String>)], defaults: &Map<String, Value>) {
        for e in &mut self.entries {
            let follows = match e.origin {
                Origin::Default => defaults.get(&e.name) != e.loaded.as_ref(),
                Origin::Unset => defaults.contains_key(&e.name),
                _ => false,
            };
            if follows {
                e.reset(defaults);
            }
        }
        self.defaults = defaults.clone();
        for (name, kind) in names {
            if let Some(e) = self.entries.iter_mut().find(|e| &e.name == name) {
                if e.kind.is_none() {
                    e.kind = kind.clone();
                }
                continue;
            }
            let mut entry = VarEntry {
                name: name.clone(),
                text: String::new(),
                loaded: None,
                origin: Origin::Unset,
                kind: kind.clone(),
            };
            entry.reset(defaults);
            self.entries.push(entry);
        }
    }

    /// Sets the value of entry `i` to typed `text`: tagged `default` again
    /// when it is the default's value, else `edited`.
    pub fn set_text(&mut self, i: usize, text: String) {
        let Some(e) = self.entries.get_mut(i) else {
            return;
        };
        match self.defaults.get(&e.name) {
            Some(v) if text_of(v) == text => e.reset(&self.defaults),
            _ => {
                e.text = text;
                e.origin = Origin::Edited;
            }
        }
    }

    /// Shows test case `case`: its `vars`, and every other variable back
    /// to its default (or unset), as the case renders on its own. A saved
    /// conversation (`history`) becomes the turns after the prompt; when
    /// it does not read as turns, it stays a variable and the error says
    /// why.
    pub fn load(&mut self, vars: &Map<String, Value>, case: LoadedCase) -> Result<(), String> {
        let (vars, problem) = match split_history_var(vars) {
            Ok((rest, turns)) => {
                self.history = turns;
                (rest, Ok(()))
            }
            Err(e) => {
                self.history.clear();
                (vars.clone(), Err(e))
            }
        };
        let vars = &vars;
        for e in &mut self.entries {
            if !vars.contains_key(&e.name) {
                e.reset(&self.defaults);
            }
        }
        for (name, v) in vars {
            let origin = Origin::Test(case.index);
            match self.entries.iter_mut().find(|e| &e.name == name) {
                Some(e) => {
                    e.text = text_of(v);
                    e.loaded = Some(v.clone());
                    e.origin = origin;
                }
                None => self.entries.push(VarEntry {
                    name: name.clone(),
                    text: text_of(v),
                    loaded: Some(v.clone()),
                    origin,
                    kind: None,
                }),
            }
        }
        self.test_case = Some(case);
        problem
    }

    /// What is wrong with variable `name`, if anything.
    pub fn problem(&self, name: &str) -> Option<&InputProblem> {
        self.problems.iter().find(|p| p.var == name)
    }

    /// The values to render with. Unset variables are left out so the
    /// renderer reports them missing, and defaults so it applies the
    /// prompt's own.
    pub fn to_input(&self, input: Option<&Value>) -> Map<String, Value> {
        self.entries
            .iter()
            .filter(|e| !matches!(e.origin, Origin::Unset | Origin::Default))
            .map(|e| (e.name.clone(), e.value(input)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(index: usize) -> LoadedCase {
        LoadedCase {
            index,
            total: 3,
            label: format!("case {}", index + 1),
        }
    }

    fn tags(v: &Variables) -> Vec<(String, String, String)> {
        v.entries
            .iter()
            .map(|e| (e.name.clone(), e.text.clone(), e.origin.tag()))
            .collect()
    }

    fn names() -> Vec<(String, Option<String>)> {
        vec![
            ("text".to_string(), Some("string".to_string())),
            ("max_words".to_string(), Some("integer".to_string())),
            ("tone".to_string(), None),
        ]
    }

    #[test]
    fn sync_load_and_types() {
        let mut v = Variables::default();
        let defaults = json!({"max_words": 50, "text": "hi"});
        let input = json!({"schema": {"properties": {
            "text": {"type": "string"}, "max_words": {"type": "integer"}}}});
        v.sync(&names(), defaults.as_object().unwrap());
        let got = v.to_input(Some(&input));
        assert!(
            got.is_empty(),
            "defaults are the renderer's to apply: {got:?}"
        );
        v.load(
            json!({"text": "123", "tone": "dry", "code": "0042", "n": "7"})
                .as_object()
                .unwrap(),
            case(0),
        )
        .unwrap();
        let got = v.to_input(Some(&input));
        assert_eq!(got["text"], json!("123"), "schema says string");
        assert_eq!(got["tone"], json!("dry"));
        assert_eq!(got["n"], json!("7"), "a loaded string stays a string");
        let n = v.entries.iter().position(|e| e.name == "n").unwrap();
        v.set_text(n, "8".into());
        assert_eq!(
            v.to_input(Some(&input))["n"],
            json!(8),
            "typed text is JSON"
        );
    }

    #[test]
    fn a_default_is_tagged_default_wherever_it_comes_back() {
        let mut v = Variables::default();
        let defaults = json!({"max_words": 50, "text": "hi"});
        v.sync(&names(), defaults.as_object().unwrap());
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            tags(&v),
            [
                s("text", "hi", "default"),
                s("max_words", "50", "default"),
                s("tone", "", "unset")
            ]
        );
        // Typed back to the default's value: the default again.
        v.set_text(0, "hello".into());
        assert_eq!(v.entries[0].origin, Origin::Edited);
        v.set_text(0, "hi".into());
        assert_eq!(v.entries[0].origin, Origin::Default);
        assert_eq!(v.entries[0].loaded, Some(json!("hi")));
        // The prompt's default changes: a default value follows it, a
        // typed one stays; a default appears for an unset name.
        v.set_text(1, "7".into());
        let defaults = json!({"max_words": 80, "text": "hey", "tone": "dry"});
        v.sync(&names(), defaults.as_object().unwrap());
        assert_eq!(
            tags(&v),
            [
                s("text", "hey", "default"),
                s("max_words", "7", "edited"),
                s("tone", "dry", "default")
            ]
        );
        // A test case shows only its own values; the rest go back to the
        // defaults, tagged so.
        v.load(json!({"tone": "loud"}).as_object().unwrap(), case(1))
            .unwrap();
        assert_eq!(
            tags(&v),
            [
                s("text", "hey", "default"),
                s("max_words", "80", "default"),
                s("tone", "loud", "test 2")
            ]
        );
        // A default removed from the prompt: that value is unset now.
        v.sync(&names(), json!({"text": "hey"}).as_object().unwrap());
        assert_eq!(v.entries[1].origin, Origin::Unset);
        assert_eq!(v.entries[1].text, "");
    }

    #[test]
    fn a_saved_conversation_loads_as_turns_not_as_a_variable() {
        let mut v = Variables::default();
        let history = "- role: user\n  content: hi\n- role: model\n  content: hello\n- role: user\n  content: and?\n";
        let vars = json!({"tone": "dry", "history": history});
        v.load(vars.as_object().unwrap(), case(0)).unwrap();
        assert!(v.entries.iter().all(|e| e.name != "history"));
        let turns: Vec<_> = v
            .history
            .iter()
            .map(|m| (m.role.as_str(), m.plain_text()))
            .collect();
        assert_eq!(
            turns,
            [
                ("user", "hi".into()),
                ("model", "hello".into()),
                ("user", "and?".into())
            ]
        );
        // The next case has none: no turns are left over.
        v.load(json!({"tone": "wet"}).as_object().unwrap(), case(1))
            .unwrap();
        assert!(v.history.is_empty());
        // Not turns: kept as a variable, and the error says why.
        let bad = json!({"history": "- role: bot\n  content: x\n"});
        let err = v.load(bad.as_object().unwrap(), case(2)).unwrap_err();
        assert!(err.starts_with("history:"), "{err}");
        assert!(v.entries.iter().any(|e| e.name == "history"));
        assert!(v.history.is_empty());
    }
}

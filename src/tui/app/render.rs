//! Keeping the rendered prompt current: re-render when the editor text,
//! the variables or the picked examples change, and keep the variable list
//! in step with what the template uses.

use super::{App, RenderState};
use crate::prompt::{self, RenderData};
use serde_json::{Map, Value};

impl App {
    /// Re-renders the current prompt if anything it depends on changed.
    pub fn refresh_render(&mut self) {
        let version = self.editor().map(|e| e.version()).unwrap_or(0);
        let key = (self.prompt_idx, version, self.inputs_version);
        if key == self.render_key {
            return;
        }
        self.render_key = key;
        let source = self.editor().map(|e| e.text()).unwrap_or_default();
        let parsed = match prompt::parse_document(&source) {
            Ok(p) => p,
            Err(e) => {
                self.rendered = RenderState::Err(e);
                return;
            }
        };
        let data = RenderData {
            input: self.vars.to_input(),
            examples: self.examples.selected(),
            ..Default::default()
        };
        match self.renderer.render(&parsed, &data, None) {
            Ok(r) => {
                let (names, defaults) = variable_names(r.input.as_ref());
                let mut all = names;
                for m in &r.missing_vars {
                    if !all.iter().any(|(n, _)| n == m) {
                        all.push((m.clone(), None));
                    }
                }
                self.vars.sync(&all, &defaults);
                self.rendered = RenderState::Ok(Box::new(r));
            }
            Err(e) => self.rendered = RenderState::Err(e),
        }
    }

    /// Variables the template references but nobody set.
    pub fn missing_vars(&self) -> &[String] {
        match &self.rendered {
            RenderState::Ok(r) => &r.missing_vars,
            RenderState::Err(_) => &[],
        }
    }
}

/// Names (with JSON Schema type when known) from `input.schema.properties`
/// and `input.default`, and the defaults themselves.
type NamedKinds = Vec<(String, Option<String>)>;

fn variable_names(input: Option<&Value>) -> (NamedKinds, Map<String, Value>) {
    let mut names: NamedKinds = Vec::new();
    let defaults = input
        .and_then(|i| i.get("default"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(props) = input
        .and_then(|i| i.pointer("/schema/properties"))
        .and_then(Value::as_object)
    {
        for (name, schema) in props {
            let kind = match schema.get("type") {
                Some(Value::String(t)) => Some(t.clone()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|t| *t != "null")
                    .map(str::to_string),
                _ => None,
            };
            names.push((name.clone(), kind));
        }
    }
    for name in defaults.keys() {
        if !names.iter().any(|(n, _)| n == name) {
            names.push((name.clone(), None));
        }
    }
    (names, defaults)
}

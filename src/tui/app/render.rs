//! Keeping the rendered prompt current: re-render when the editor text,
//! the variables or the picked examples change, and keep the variable list
//! in step with what the template uses.

use super::{App, RenderState};
use crate::prompt::{self, RenderData};
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

/// A render slower than this is not redone on every keystroke: typing
/// defers it until the keys pause for `RENDER_PAUSE`.
const SLOW_RENDER: Duration = Duration::from_millis(8);
const RENDER_PAUSE: Duration = Duration::from_millis(150);

impl App {
    /// After an action: re-render now, or, when only the editor text
    /// changed and the last render was slow, once typing pauses.
    pub(super) fn refresh_render_soon(&mut self) {
        let version = self.editor().map(|e| e.version()).unwrap_or(0);
        let only_text = self.render_key.0 == self.prompt_idx
            && self.render_key.2 == self.inputs_version
            && self.render_key.1 != version;
        if only_text && self.last_render_cost > SLOW_RENDER {
            self.render_due = Some(Instant::now() + RENDER_PAUSE);
        } else {
            self.refresh_render();
        }
    }

    /// When a deferred render is due (the event loop sleeps until then).
    pub fn render_due(&self) -> Option<Instant> {
        self.render_due
    }

    /// Re-renders the current prompt if anything it depends on changed.
    pub fn refresh_render(&mut self) {
        self.render_due = None;
        let version = self.editor().map(|e| e.version()).unwrap_or(0);
        let key = (self.prompt_idx, version, self.inputs_version);
        if key == self.render_key {
            return;
        }
        self.render_key = key;
        let started = Instant::now();
        self.render_now();
        self.last_render_cost = started.elapsed();
    }

    fn render_now(&mut self) {
        self.vars.problems.clear();
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
            Ok(mut r) => {
                r.warnings
                    .extend(crate::provider::ranges::prompt_warnings(&parsed));
                let (names, defaults) = variable_names(r.input.as_ref());
                let mut all = names;
                for m in &r.missing_vars {
                    if !all.iter().any(|(n, _)| n == m) {
                        all.push((m.clone(), None));
                    }
                }
                self.vars.sync(&all, &defaults);
                self.vars.problems = prompt::check_inputs(&r, &self.vars.to_input());
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

//! Keeping the rendered prompt current: re-render when the editor text,
//! the variables or the picked examples change, and keep the variable list
//! in step with what the template uses.

use super::{App, RenderState};
use crate::session::{PromptInputs, vars};
use std::time::{Duration, Instant};

/// A render slower than this is not redone on every keystroke: typing
/// defers it until the keys pause for `RENDER_PAUSE`.
const SLOW_RENDER: Duration = Duration::from_millis(8);
const RENDER_PAUSE: Duration = Duration::from_millis(150);

impl App {
    /// After an action: re-render now, or, when only the editor text
    /// changed and the last render was slow, once typing pauses.
    pub(super) fn refresh_render_soon(&mut self) {
        let version = self.editor().version();
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
        let version = self.editor().version();
        let key = (self.prompt_idx, version, self.inputs_version);
        if key == self.render_key {
            return;
        }
        self.render_key = key;
        let started = Instant::now();
        self.render_now();
        self.last_render_cost = started.elapsed();
        if matches!(self.rendered, RenderState::Ok(_))
            && self.status.as_ref().is_some_and(|s| s.until_renders)
        {
            self.status = None;
        }
    }

    fn render_now(&mut self) {
        self.current.vars.problems.clear();
        let source = self.editor().text();
        let parsed = match self.session.parse(&source) {
            Ok(p) => p,
            Err(e) => {
                self.rendered = RenderState::Err(e);
                return;
            }
        };
        let input = self.session.input_meta(&parsed);
        let inputs = PromptInputs {
            vars: self.current.vars.to_input(input.as_ref()),
            examples: self.current.examples.selected(),
            ..Default::default()
        };
        match self.session.render_parsed(&parsed, &inputs) {
            Ok(mut r) => {
                // A loaded case's saved conversation follows the prompt,
                // as `pwb eval` sends it (eval::matrix).
                r.messages.extend(self.current.vars.history.iter().cloned());
                let mut names = vars::schema_kinds(input.as_ref());
                let defaults = vars::defaults(input.as_ref());
                for name in defaults.keys().chain(&r.missing_vars) {
                    if !names.iter().any(|(n, _)| n == name) {
                        names.push((name.clone(), None));
                    }
                }
                self.current.vars.sync(&names, &defaults);
                let given = self.current.vars.to_input(input.as_ref());
                self.current.vars.problems = crate::prompt::check_inputs(&r, &given);
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

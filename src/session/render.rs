//! Rendering a prompt, saved or as edited, with its inputs: the same
//! parse, checks and render for every face, so what the TUI shows, what
//! `pwb render` prints and what a run sends are one thing.

use super::Session;
use crate::prompt::{
    Example, ParsedPrompt, PromptError, PromptWarning, RenderData, RenderedPrompt, compile_check,
    lint, parse_document,
};
use crate::types::Message;
use serde_json::{Map, Value};

/// What a prompt is rendered with.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PromptInputs {
    /// Template variables (over the prompt's `input.default`).
    pub vars: Map<String, Value>,
    /// Few-shot examples, in send order.
    pub examples: Vec<Example>,
    /// Earlier turns of the conversation, placed as Dotprompt places
    /// history (`history::read_history` reads them from a file).
    pub history: Vec<Message>,
}

impl Session {
    /// Parses a prompt's text and checks its template (syntax, helpers,
    /// includes) without rendering it.
    pub fn parse(&self, source: &str) -> Result<ParsedPrompt, PromptError> {
        let parsed = parse_document(source)?;
        compile_check(&parsed)?;
        Ok(parsed)
    }

    /// Warnings about a parsed prompt that do not stop it rendering: its
    /// own (unknown config keys, ...) and values outside the ranges of the
    /// providers it could go to.
    pub fn lint(&self, parsed: &ParsedPrompt) -> Vec<PromptWarning> {
        let mut out = lint(parsed);
        out.extend(crate::provider::ranges::prompt_warnings(parsed));
        out.extend(policy_warning(parsed));
        out
    }

    /// The prompt's `input` metadata (schema as JSON Schema, defaults):
    /// what its variables are and of which type. `None` when it declares
    /// none or the metadata does not resolve.
    pub fn input_meta(&self, parsed: &ParsedPrompt) -> Option<Value> {
        self.renderer
            .render_metadata(parsed, None)
            .ok()?
            .remove("input")
    }

    /// Renders a parsed prompt with `inputs`.
    pub fn render_parsed(
        &self,
        parsed: &ParsedPrompt,
        inputs: &PromptInputs,
    ) -> Result<RenderedPrompt, PromptError> {
        let data = RenderData {
            input: inputs.vars.clone(),
            examples: inputs.examples.clone(),
            messages: inputs.history.clone(),
            ..RenderData::default()
        };
        let mut r = self.renderer.render(parsed, &data, None)?;
        r.warnings
            .extend(crate::provider::ranges::prompt_warnings(parsed));
        r.warnings.extend(policy_warning(parsed));
        Ok(r)
    }

    /// Parses, checks and renders a prompt's text with `inputs`.
    pub fn render(
        &self,
        source: &str,
        inputs: &PromptInputs,
    ) -> Result<RenderedPrompt, PromptError> {
        self.render_parsed(&self.parse(source)?, inputs)
    }
}

/// A `context:` policy `pwb check` refuses, as a warning for the faces
/// that render anyway: the policy is then not applied.
fn policy_warning(parsed: &ParsedPrompt) -> Option<PromptWarning> {
    let p = crate::prompt::context_policy::check(parsed)?;
    Some(PromptWarning {
        line: p.line,
        col: p.col,
        message: format!("{} (the context policy is not applied)", p.message),
        hint: p.hint,
    })
}

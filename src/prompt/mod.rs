//! Dotprompt: parse `.prompt` files (frontmatter + handlebars template) and
//! render them to messages, with few-shot examples spliced in. Templates
//! that would recurse without bound (include cycles, nesting deeper than
//! [`syntax::MAX_NESTING`]) are errors, never a stack overflow.
//!
//! The pieces, in the order a prompt goes through them:
//! [`parse_document`] (frontmatter, body, file positions), [`lint`] and
//! [`compile_check`] (diagnostics), [`Renderer::render`] (metadata merge,
//! Picoschema -> JSON Schema, handlebars with Dotprompt's helpers, messages,
//! history), giving a [`RenderedPrompt`].
//!
//! Behaviour follows JS dotprompt (the conformance cases in
//! `tests/fixtures/dotprompt-spec` pass; `tests/fixtures/dotprompt-ref` holds
//! real files with what npm dotprompt, PyPI dotpromptz and Genkit JS made
//! of them). Where the runtimes disagree: `#` licence-header lines before
//! the frontmatter are skipped (dotpromptz and the current sources; npm
//! 1.1.2 predates it), `.length` reads as in Handlebars.js (npm; dotpromptz
//! treats it as missing). Helpers Genkit registers in code, named schemas
//! it registers in code (pwb reads `schemas/NAME.yaml`, see [`schemas`])
//! and operators Handlebars lacks are errors ([`helper_check`]). Where pwb
//! adds to it:
//!
//! - YAML frontmatter errors are errors (JS logs and renders the file as
//!   plain text), positioned at the file line.
//! - `input.default` from the file applies (JS only uses the call options').
//! - `@name.path` reads `RenderData::context`, also inside `#each`/`#with`.
//! - Few-shot examples (`RenderData::examples`, in the order given) become
//!   user/model turn pairs, each turn with metadata
//!   `{"purpose": "example", "example": NAME}`, placed after the leading
//!   system message(s) and before everything else (history, the final user
//!   turn). An example whose `input` is a string is the user turn verbatim;
//!   an object `input` is a set of variables: the same template is rendered
//!   with them (over `input.default`) and the content of its last user
//!   message is the user turn. The model turn is `Example::output_text()`.
//!   The template also sees the examples as the variable `examples` (a list
//!   of `{name, input, output}`); a template that reads `examples` itself
//!   (e.g. `{{#each examples}}`) lays them out on its own, so no turns are
//!   spliced in then.
//! - `RenderedPrompt::missing_vars` lists top-level variables the template
//!   (or a partial it uses) reads but the input does not set; names inside
//!   `#each`/`#with` blocks belong to the inner context and are not listed.
//!   `RenderedPrompt::variables` lists all of them, set or not.
//! - `config` values of the wrong type for a setting pwb sends
//!   (`maxOutputTokens: "lots"`) are errors at the value: JS and Python
//!   dotprompt pass them through, and a model would silently not get them.
//!   Keys pwb does not send (`temprature`) are warnings ([`lint`], also in
//!   `RenderedPrompt::warnings`); see [`config_keys`]. Values out of a
//!   provider's range are the provider's business (`provider::ranges`).
//! - [`inputs::check_inputs`] checks variables against the input schema
//!   and the names the prompt uses (Dotprompt's runtimes do not validate
//!   input; Genkit does when it runs a prompt).

pub mod ast;
pub mod config_keys;
pub mod context_policy;
pub mod error;
pub mod example;
pub mod fewshot;
pub mod helper_check;
pub mod helpers;
pub mod includes;
pub mod inputs;
pub mod length;
pub mod messages;
pub mod metadata;
pub mod nunjucks;
pub mod o200k;
pub mod parse;
pub mod partials;
pub mod picoschema;
pub mod render;
pub mod rendered;
pub mod schemas;
pub mod suggest;
pub mod syntax;
pub mod template;
pub mod tokens;
pub mod tools;
pub mod yaml;
pub mod yaml_locate;

#[cfg(test)]
mod tests;

pub use crate::types::{Media, Message, Part, Role};
pub use error::{PromptError, PromptErrorKind, PromptWarning};
pub use example::{Example, load_example_file, parse_example_file};
pub use inputs::{InputProblem, check_inputs};
pub use parse::{ParsedPrompt, lint, parse_document};
pub use partials::load_partials;
pub use picoschema::{PicoschemaError, to_json_schema};
pub use render::{RenderData, Renderer};
pub use rendered::RenderedPrompt;
pub use template::compile_check;
pub use tokens::{TokenEstimate, estimate_tokens, estimate_tokens_if_ready, estimate_tokens_now};

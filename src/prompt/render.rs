//! Rendering a parsed prompt with the handlebars crate: metadata merge (file,
//! then call options), input defaults, `@`-data, partials, the Dotprompt
//! helpers, then messages, history, few-shot turns and missing variables.

use super::ast::{referenced_vars, rewrite_data_refs};
use super::error::{PromptError, PromptErrorKind};
use super::example::Example;
use super::fewshot::splice_examples;
use super::helper_check::{HelperProblem, check_helpers};
use super::helpers;
use super::includes::{CYCLE_HINT, IncludeGraph, Includes, check_includes, cycle_message};
use super::messages::to_messages;
use super::metadata::resolve_metadata;
use super::parse::{ParsedPrompt, line_col_at};
use super::rendered::RenderedPrompt;
use super::template::{MAIN_TEMPLATE, compile_source, compile_template, render_error};
use super::yaml::normalize_numbers;
use crate::types::Message;
use handlebars::Handlebars;
use handlebars::template::Template;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What a prompt is rendered with.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RenderData {
    /// Template variables (merged over `input.default`).
    #[serde(default)]
    pub input: Map<String, Value>,
    /// `@`-variables: `{"state": {...}}` is `{{@state.x}}` in the template.
    #[serde(default)]
    pub context: Map<String, Value>,
    /// Conversation history for `{{history}}`.
    #[serde(default)]
    pub messages: Vec<Message>,
    /// Few-shot examples, in order (see the `prompt` module docs).
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// A handlebars registry with Dotprompt's helpers, partials and named schemas.
#[derive(Debug, Clone)]
pub struct Renderer {
    registry: Handlebars<'static>,
    partials: HashMap<String, Template>,
    /// The includes of every partial added, also of those refused for
    /// closing an include cycle (so that rendering can name the cycle).
    includes: HashMap<String, Includes>,
    /// The first helper problem of each partial that has one: rendering a
    /// prompt that includes it fails with it, as in Genkit.
    helper_problems: HashMap<String, HelperProblem>,
    schemas: HashMap<String, Value>,
    /// Tool definitions by name (`tools/NAME.yaml`), for `tools: [NAME]`.
    tools: HashMap<String, crate::types::ToolDef>,
}

impl Default for Renderer {
    fn default() -> Self {
        let mut registry = Handlebars::new();
        helpers::register(&mut registry);
        Renderer {
            registry,
            partials: HashMap::new(),
            includes: HashMap::new(),
            helper_problems: HashMap::new(),
            schemas: HashMap::new(),
            tools: HashMap::new(),
        }
    }
}

impl Renderer {
    /// `partials` maps names to handlebars sources (no frontmatter);
    /// `schemas` maps names to JSON Schema for Picoschema references.
    pub fn new(
        partials: HashMap<String, String>,
        schemas: HashMap<String, Value>,
    ) -> Result<Self, PromptError> {
        let mut renderer = Renderer {
            schemas,
            ..Renderer::default()
        };
        for (name, source) in partials {
            renderer.add_partial(&name, &source)?;
        }
        Ok(renderer)
    }

    /// Adds (or replaces) a partial; error lines are lines of `source`.
    /// A partial that does not compile, nests too deep, or includes itself
    /// (directly or through partials added before) is not added; prompts
    /// that include one that includes itself fail to render, naming the
    /// cycle.
    pub fn add_partial(&mut self, name: &str, source: &str) -> Result<(), PromptError> {
        let (tpl, includes) = compile_source(source, name, &|l, c| (l, c)).map_err(|mut e| {
            e.message = format!("in partial `{name}`: {}", e.message);
            e
        })?;
        self.includes.insert(name.to_string(), includes);
        if let Some(e) = self.cycle_through(name, source) {
            self.partials.remove(name);
            return Err(e);
        }
        match check_helpers(&tpl) {
            Some(problem) => self.helper_problems.insert(name.to_string(), problem),
            None => self.helper_problems.remove(name),
        };
        self.partials.insert(name.to_string(), tpl);
        Ok(())
    }

    /// An include cycle through partial `name`, at its first include that
    /// leads back to it.
    fn cycle_through(&self, name: &str, source: &str) -> Option<PromptError> {
        let mut graph = IncludeGraph::default();
        for (n, includes) in &self.includes {
            graph.add(n, includes);
        }
        let own = self.includes.get(name)?;
        own.refs.iter().find_map(|r| {
            let back = graph.path(&r.name, name)?;
            let cycle: Vec<&str> = std::iter::once(name).chain(back).collect();
            let (line, col) = line_col_at(source, r.offset);
            let e = PromptError::new(
                PromptErrorKind::Template,
                line,
                col,
                cycle_message(&cycle),
                CYCLE_HINT,
            );
            Some(e)
        })
    }

    /// A helper problem in a partial the prompt includes (directly or
    /// through other partials), reported at the start of the template.
    fn check_partial_helpers(
        &self,
        parsed: &ParsedPrompt,
        includes: &Includes,
    ) -> Result<(), PromptError> {
        if self.helper_problems.is_empty() {
            return Ok(());
        }
        let mut graph = IncludeGraph::default();
        for (name, partial) in &self.includes {
            graph.add(name, partial);
        }
        graph.add(MAIN_TEMPLATE, includes);
        let mut names: Vec<&String> = self.helper_problems.keys().collect();
        names.sort();
        let used = names
            .into_iter()
            .find(|name| graph.path(MAIN_TEMPLATE, name).is_some());
        match used.and_then(|name| Some((name, self.helper_problems.get(name)?))) {
            Some((name, p)) => Err(PromptError::new(
                PromptErrorKind::Render,
                parsed.body_line,
                parsed.body_col,
                format!("in partial `{name}` at {}:{}: {}", p.line, p.col, p.message),
                p.hint.clone(),
            )),
            None => Ok(()),
        }
    }

    /// Adds (or replaces) a named schema for Picoschema references.
    pub fn add_schema(&mut self, name: &str, schema: Value) {
        self.schemas.insert(name.to_string(), schema);
    }

    /// Adds (or replaces) a tool definition for `tools: [NAME]`.
    pub fn add_tool(&mut self, tool: crate::types::ToolDef) {
        self.tools.insert(tool.name.clone(), tool);
    }

    /// The tool definitions known, by name.
    pub fn tools(&self) -> &HashMap<String, crate::types::ToolDef> {
        &self.tools
    }

    pub fn partial_names(&self) -> impl Iterator<Item = &str> {
        self.partials.keys().map(String::as_str)
    }

    /// The file's metadata merged with `options` (config key by key, other
    /// keys replaced), schemas converted from Picoschema. No template run.
    pub fn render_metadata(
        &self,
        parsed: &ParsedPrompt,
        options: Option<&Value>,
    ) -> Result<Map<String, Value>, PromptError> {
        resolve_metadata(parsed, options, &self.schemas, &self.tools)
    }

    /// Renders `parsed` to messages. `options` is call-time metadata merged
    /// over the file's (as in JS dotprompt's `render(source, data, options)`).
    pub fn render(
        &self,
        parsed: &ParsedPrompt,
        data: &RenderData,
        options: Option<&Value>,
    ) -> Result<RenderedPrompt, PromptError> {
        let meta = self.render_metadata(parsed, options)?;
        let (tpl, includes) = compile_template(parsed)?;
        check_includes(parsed, &includes, &self.includes)?;
        if let Some(problem) = check_helpers(&tpl) {
            return Err(problem.to_error(&|l, c| parsed.file_pos(l, c)));
        }
        self.check_partial_helpers(parsed, &includes)?;
        let refs = referenced_vars(&tpl, &self.partials);
        let input = self.input_for(parsed, options, data);
        let mut messages = self.run(parsed, tpl, &meta, &input, data)?;
        if !data.examples.is_empty() && !refs.iter().any(|r| r == "examples") {
            messages = splice_examples(messages, &data.examples, |vars| {
                let mut ex_data = RenderData {
                    input: vars.clone(),
                    context: data.context.clone(),
                    ..RenderData::default()
                };
                ex_data.input = self.input_for(parsed, options, &ex_data);
                let (tpl, _) = compile_template(parsed)?;
                self.run(parsed, tpl, &meta, &ex_data.input, &ex_data)
            })?;
        }
        let mut out = RenderedPrompt::from_metadata(messages, meta);
        out.missing_vars = refs
            .iter()
            .filter(|r| !input.contains_key(*r))
            .cloned()
            .collect();
        out.variables = refs;
        out.values = input;
        out.warnings = super::parse::lint(parsed);
        Ok(out)
    }

    /// `{...file input.default, ...options input.default, ...data.input}`,
    /// plus `examples` when examples are given and the input has none.
    fn input_for(
        &self,
        parsed: &ParsedPrompt,
        options: Option<&Value>,
        data: &RenderData,
    ) -> Map<String, Value> {
        let mut input = Map::new();
        let defaults = [
            parsed.meta.get("input"),
            options.and_then(|o| o.get("input")),
        ];
        for default in defaults
            .into_iter()
            .flatten()
            .filter_map(|i| i.get("default"))
        {
            if let Value::Object(d) = default {
                input.extend(d.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        input.extend(data.input.iter().map(|(k, v)| (k.clone(), v.clone())));
        if !data.examples.is_empty() && !input.contains_key("examples") {
            let list = serde_json::to_value(&data.examples).unwrap_or(Value::Null);
            input.insert("examples".into(), list);
        }
        let mut value = Value::Object(input);
        normalize_numbers(&mut value);
        match value {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    /// Runs the template and splits the text into messages.
    fn run(
        &self,
        parsed: &ParsedPrompt,
        mut tpl: Template,
        meta: &Map<String, Value>,
        input: &Map<String, Value>,
        data: &RenderData,
    ) -> Result<Vec<Message>, PromptError> {
        let mut at_data = Map::new();
        let mut prompt_meta = meta.clone();
        prompt_meta.remove("input");
        at_data.insert(
            "metadata".into(),
            serde_json::json!({ "prompt": prompt_meta, "messages": data.messages }),
        );
        at_data.extend(data.context.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut at_value = Value::Object(at_data);
        normalize_numbers(&mut at_value);
        let Value::Object(at_data) = at_value else {
            return Ok(Vec::new());
        };

        let mut registry = self.registry.clone();
        for (name, partial) in &self.partials {
            let mut partial = partial.clone();
            rewrite_data_refs(&mut partial, &at_data);
            registry.register_template(name, partial);
        }
        rewrite_data_refs(&mut tpl, &at_data);
        registry.register_template(MAIN_TEMPLATE, tpl);
        let text = registry
            .render(MAIN_TEMPLATE, &Value::Object(input.clone()))
            .map_err(|e| render_error(parsed, &e))?;
        Ok(to_messages(&text, &data.messages))
    }
}

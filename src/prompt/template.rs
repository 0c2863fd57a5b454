//! Compiling a prompt's handlebars template and turning handlebars errors
//! into `PromptError`s positioned in the `.prompt` file, with hints.

use super::error::{PromptError, PromptErrorKind};
use super::helpers::KNOWN_HELPERS;
use super::parse::{ParsedPrompt, line_col_at};
use super::syntax::{Unbalanced, find_unbalanced};
use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{RenderError, RenderErrorReason, TemplateErrorReason};

/// The name the prompt's own template is registered under.
pub const MAIN_TEMPLATE: &str = "__pwb_prompt";

/// Compiles the template body; syntax errors point at the file line/col.
pub fn compile_template(parsed: &ParsedPrompt) -> Result<Template, PromptError> {
    compile_source(&parsed.template, MAIN_TEMPLATE, &|l, c| {
        parsed.file_pos(l, c)
    })
}

/// Compiles handlebars `source` as template `name`; `file_pos` maps a
/// (line, col) in `source` to the file the error should point into.
pub fn compile_source(
    source: &str,
    name: &str,
    file_pos: &dyn Fn(usize, usize) -> (usize, usize),
) -> Result<Template, PromptError> {
    Template::compile_with_name(source, name.to_string()).map_err(|e| {
        let unbalanced = match e.reason() {
            TemplateErrorReason::InvalidSyntax(_) => find_unbalanced(source),
            _ => None,
        };
        let (offset_pos, message, hint) = match (unbalanced, e.reason()) {
            (Some(Unbalanced::UnclosedBlock { name, offset }), _) => (
                Some(offset),
                format!("`{{{{#{name}}}}}` is never closed"),
                format!("add `{{{{/{name}}}}}` where the block should end"),
            ),
            (Some(Unbalanced::UnclosedTag { offset }), _) => (
                Some(offset),
                "`{{` is not closed by `}}`".to_string(),
                "finish the tag with `}}`, or write `\\{{` for a literal `{{`".to_string(),
            ),
            (None, TemplateErrorReason::MismatchingClosedHelper(open, close)) => (
                None,
                format!("`{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
                format!("close `{{{{#{open}}}}}` with `{{{{/{open}}}}}`"),
            ),
            (None, TemplateErrorReason::InvalidParam(p)) => (
                None,
                format!("invalid argument `{p}`"),
                "quote string arguments (`\"text\"`) and check the brackets".to_string(),
            ),
            (None, TemplateErrorReason::InvalidSyntax(_)) => (
                None,
                "malformed handlebars tag".to_string(),
                "tags look like `{{name}}`, `{{#if x}}...{{/if}}`, `{{> partial}}`; write \
                 `\\{{` for a literal `{{`"
                    .to_string(),
            ),
            (None, other) => (
                None,
                other.to_string(),
                "check the handlebars syntax".to_string(),
            ),
        };
        let (line, col) = match offset_pos {
            Some(offset) => line_col_at(source, offset),
            None => e.pos().unwrap_or((1, 1)),
        };
        let (line, col) = file_pos(line, col);
        PromptError::new(
            PromptErrorKind::Template,
            line,
            col,
            format!("template syntax error: {message}"),
            hint,
        )
    })
}

/// Checks that the template compiles and uses only helpers Dotprompt knows
/// (JS dotprompt compiles with `knownHelpersOnly`).
pub fn compile_check(parsed: &ParsedPrompt) -> Result<(), PromptError> {
    let tpl = compile_template(parsed)?;
    match find_unknown_helper(&tpl) {
        Some((name, line, col)) => {
            let (line, col) = parsed.file_pos(line, col);
            Err(PromptError::new(
                PromptErrorKind::Template,
                line,
                col,
                format!("unknown helper `{name}`"),
                format!(
                    "Dotprompt helpers are role, history, section, media, json, ifEquals, \
                     unlessEquals, if, unless, each, with, lookup; to print a variable write \
                     `{{{{{name}}}}}` without arguments"
                ),
            ))
        }
        None => Ok(()),
    }
}

fn find_unknown_helper(tpl: &Template) -> Option<(String, usize, usize)> {
    for (i, el) in tpl.elements.iter().enumerate() {
        let pos = tpl.mapping.get(i).map(|m| (m.0, m.1)).unwrap_or((1, 1));
        let (ht, is_call) = match el {
            TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
                (ht, ht.block || !ht.params.is_empty() || !ht.hash.is_empty())
            }
            TemplateElement::HelperBlock(ht) => (ht, true),
            _ => continue,
        };
        if is_call && let Some(name) = ht.name.as_name() {
            let plain = matches!(ht.name, Parameter::Name(_));
            if plain && !KNOWN_HELPERS.contains(&name) {
                return Some((name.to_string(), pos.0, pos.1));
            }
        }
        let inner = [&ht.template, &ht.inverse].into_iter().flatten();
        if let Some(found) = inner.filter_map(find_unknown_helper).next() {
            return Some(found);
        }
    }
    None
}

/// A render failure, positioned in the file (or in the partial it came from).
pub fn render_error(parsed: &ParsedPrompt, e: &RenderError) -> PromptError {
    let in_main = e
        .template_name
        .as_deref()
        .is_none_or(|n| n == MAIN_TEMPLATE);
    let (line, col) = (e.line_no.unwrap_or(1), e.column_no.unwrap_or(1));
    let (line, col, message) = if in_main {
        let (l, c) = parsed.file_pos(line, col);
        (l, c, e.reason().to_string())
    } else {
        let name = e.template_name.clone().unwrap_or_default();
        (
            parsed.body_line,
            parsed.body_col,
            format!("in partial `{name}` at {line}:{col}: {}", e.reason()),
        )
    };
    let hint = match e.reason() {
        RenderErrorReason::PartialNotFound(name) => format!(
            "create prompts/partials/{name}.prompt or prompts/_{name}.prompt, or fix the name"
        ),
        RenderErrorReason::HelperNotFound(name) => format!(
            "`{name}` is not a helper; Dotprompt helpers are role, history, section, media, \
             json, ifEquals, unlessEquals, if, unless, each, with"
        ),
        RenderErrorReason::CannotIncludeSelf => "a partial cannot include itself".to_string(),
        _ => "check the helper's arguments".to_string(),
    };
    PromptError::new(PromptErrorKind::Render, line, col, message, hint)
}

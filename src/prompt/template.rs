//! Compiling a prompt's handlebars template and turning handlebars errors
//! into `PromptError`s positioned in the `.prompt` file, with hints.
//! Templates nesting too deep are refused before handlebars sees them.

use super::error::{PromptError, PromptErrorKind};
use super::helper_check::{check_helpers, operator_error, unknown_helper};
use super::includes::Includes;
use super::includes::check_includes;
use super::parse::{ParsedPrompt, line_col_at};
use super::syntax::{MAX_NESTING, Nesting, TemplateScan, Unbalanced, scan_template};
use handlebars::template::Template;
use handlebars::{RenderError, RenderErrorReason, TemplateError, TemplateErrorReason};
use std::collections::HashMap;

/// The name the prompt's own template is registered under.
pub const MAIN_TEMPLATE: &str = "__pwb_prompt";

/// Compiles the template body; syntax errors point at the file line/col.
pub fn compile_template(parsed: &ParsedPrompt) -> Result<(Template, Includes), PromptError> {
    compile_source(&parsed.template, MAIN_TEMPLATE, &|l, c| {
        parsed.file_pos(l, c)
    })
}

/// Compiles handlebars `source` as template `name`, with the partials it
/// includes; `file_pos` maps a (line, col) in `source` to the file the
/// error should point into. Nesting deeper than [`MAX_NESTING`] is an
/// error before handlebars (which recurses per level) sees the source.
pub fn compile_source(
    source: &str,
    name: &str,
    file_pos: &dyn Fn(usize, usize) -> (usize, usize),
) -> Result<(Template, Includes), PromptError> {
    let scan = scan_template(source);
    if let Some(deep) = scan.too_deep {
        let (line, col) = line_col_at(source, deep.offset);
        let (line, col) = file_pos(line, col);
        let (message, hint) = match deep.nesting {
            Nesting::Blocks => (
                "blocks are nested",
                "flatten the template: combine conditions, or close a block before opening the next",
            ),
            Nesting::ElseChain => (
                "blocks and `{{else ...}}` branches are nested",
                "split the chain of `{{else if}}` into separate blocks",
            ),
            Nesting::Subexpressions => (
                "blocks and `(...)` subexpressions are nested",
                "split the expression, or flatten the blocks around it",
            ),
        };
        let message = format!("{message} more than {MAX_NESTING} levels deep");
        return Err(PromptError::new(
            PromptErrorKind::Template,
            line,
            col,
            message,
            hint,
        ));
    }
    if let Some((offset, op)) = scan.operator {
        let (line, col) = line_col_at(source, offset);
        let (line, col) = file_pos(line, col);
        return Err(operator_error(op, line, col));
    }
    match Template::compile_with_name(source, name.to_string()) {
        Ok(mut tpl) => {
            super::length::rewrite_length(&mut tpl);
            Ok((tpl, scan.includes))
        }
        Err(e) => Err(compile_error(&e, source, &scan, file_pos)),
    }
}

/// A handlebars compile error, at the opening tag when a block or tag is
/// left open (handlebars points at the end of the file then).
fn compile_error(
    e: &TemplateError,
    source: &str,
    scan: &TemplateScan,
    file_pos: &dyn Fn(usize, usize) -> (usize, usize),
) -> PromptError {
    let unbalanced = match e.reason() {
        TemplateErrorReason::InvalidSyntax(_) => scan.unbalanced.clone(),
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
            "template syntax error: `{{` is not closed by `}}`".to_string(),
            "finish the tag with `}}`, or write `\\{{` for a literal `{{`".to_string(),
        ),
        (None, TemplateErrorReason::MismatchingClosedHelper(open, close)) => (
            None,
            format!("template syntax error: `{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`"),
            format!("close `{{{{#{open}}}}}` with `{{{{/{open}}}}}`"),
        ),
        (None, TemplateErrorReason::InvalidParam(p)) => (
            None,
            format!("template syntax error: invalid argument `{p}`"),
            "quote string arguments (`\"text\"`) and check the brackets".to_string(),
        ),
        (None, TemplateErrorReason::InvalidSyntax(_)) => (
            None,
            "template syntax error: malformed handlebars tag".to_string(),
            "tags look like `{{name}}`, `{{#if x}}...{{/if}}`, `{{> partial}}`; write \
             `\\{{` for a literal `{{`"
                .to_string(),
        ),
        (None, other) => (
            None,
            format!("template syntax error: {other}"),
            "check the handlebars syntax".to_string(),
        ),
    };
    let (line, col) = match offset_pos {
        Some(offset) => line_col_at(source, offset),
        None => e.pos().unwrap_or((1, 1)),
    };
    let (line, col) = file_pos(line, col);
    PromptError::new(PromptErrorKind::Template, line, col, message, hint)
}

/// Checks that the template compiles, calls only helpers Dotprompt has,
/// with the arguments Handlebars.js requires (see [`super::helper_check`]),
/// and that its inline partials do not include themselves.
pub fn compile_check(parsed: &ParsedPrompt) -> Result<(), PromptError> {
    let (tpl, includes) = compile_template(parsed)?;
    check_includes(parsed, &includes, &HashMap::new())?;
    match check_helpers(&tpl) {
        Some(problem) => Err(problem.to_error(&|l, c| parsed.file_pos(l, c))),
        None => Ok(()),
    }
}

/// A render failure, positioned in the file (or in the partial it came from).
pub fn render_error(parsed: &ParsedPrompt, e: &RenderError) -> PromptError {
    let in_main = e
        .template_name
        .as_deref()
        .is_none_or(|n| n == MAIN_TEMPLATE);
    let (line, col) = (e.line_no.unwrap_or(1), e.column_no.unwrap_or(1));
    let (line, col, mut message) = if in_main {
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
        RenderErrorReason::HelperNotFound(name) => {
            let (what, hint) = unknown_helper(name);
            message = message.replace(&e.reason().to_string(), &what);
            hint
        }
        RenderErrorReason::CannotIncludeSelf => "a partial cannot include itself".to_string(),
        _ => "check the helper's arguments".to_string(),
    };
    PromptError::new(PromptErrorKind::Render, line, col, message, hint)
}

//! Compiling a prompt's handlebars template and turning handlebars errors
//! into `PromptError`s positioned in the `.prompt` file, with hints.

use super::error::{PromptError, PromptErrorKind};
use super::helpers::KNOWN_HELPERS;
use super::parse::ParsedPrompt;
use handlebars::template::{Parameter, Template, TemplateElement};
use handlebars::{RenderError, RenderErrorReason, TemplateErrorReason};

/// Compiles the template body; syntax errors point at the file line/col.
pub fn compile_template(parsed: &ParsedPrompt) -> Result<Template, PromptError> {
    Template::compile_with_name(&parsed.template, "prompt".to_string()).map_err(|e| {
        let (line, col) = e.pos().unwrap_or((1, 1));
        let (line, col) = parsed.file_pos(line, col);
        let hint = match e.reason() {
            TemplateErrorReason::MismatchingClosedHelper(open, _) => {
                format!("close `{{{{#{open}}}}}` with `{{{{/{open}}}}}`")
            }
            TemplateErrorReason::InvalidParam(_) => {
                "quote string arguments (`\"text\"`) and check the brackets".to_string()
            }
            _ => "check that every `{{#block}}` has a matching `{{/block}}` and every `{{` \
                  is closed by `}}`"
                .to_string(),
        };
        PromptError::new(
            PromptErrorKind::Template,
            line,
            col,
            format!("template syntax error: {}", e.reason()),
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
        if is_call {
            if let Some(name) = ht.name.as_name() {
                let plain = matches!(ht.name, Parameter::Name(_));
                if plain && !KNOWN_HELPERS.contains(&name) {
                    return Some((name.to_string(), pos.0, pos.1));
                }
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
pub fn render_error(parsed: &ParsedPrompt, main: &str, e: &RenderError) -> PromptError {
    let in_main = e.template_name.as_deref().is_none_or(|n| n == main);
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

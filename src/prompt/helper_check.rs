//! What Dotprompt's Handlebars.js refuses and the handlebars crate would let
//! through or misreport: helpers nobody defined (JS compiles with
//! `knownHelpersOnly`; Genkit apps register custom helpers in code), the
//! crate's own extras (`eq`, `gt`, `and`, `len`, ...), `#if`/`#unless`/
//! `#with` without exactly one argument, `#each` without one, and
//! comparison or logical operators (`{{#if age >= 18}}`). `pwb check`,
//! `pwb render` and the TUI all ask this module, so they say the same.

use super::error::{PromptError, PromptErrorKind};
use super::helpers::{KNOWN_HELPERS, RUST_ONLY_HELPERS, USER_HELPERS};
use handlebars::template::{Parameter, Template, TemplateElement};

/// What is wrong with one helper call, and where (template line, col).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperProblem {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

impl HelperProblem {
    /// As an error, positioned by `file_pos` (template -> file).
    pub fn to_error(&self, file_pos: &dyn Fn(usize, usize) -> (usize, usize)) -> PromptError {
        let (line, col) = file_pos(self.line, self.col);
        PromptError::new(
            PromptErrorKind::Template,
            line,
            col,
            self.message.clone(),
            self.hint.clone(),
        )
    }
}

/// The message and hint for a call of helper `name`, which pwb does not
/// have (also used when rendering meets one, e.g. inside a partial).
pub fn unknown_helper(name: &str) -> (String, String) {
    let known = USER_HELPERS.join(", ");
    if RUST_ONLY_HELPERS.contains(&name) {
        let instead = match name {
            "eq" => "to compare, write `{{#ifEquals a b}}...{{/ifEquals}}`".to_string(),
            "ne" => "to compare, write `{{#unlessEquals a b}}...{{/unlessEquals}}`".to_string(),
            "len" => "for the number of items write `items.length`".to_string(),
            "and" | "or" | "not" => logic_hint(),
            _ => compare_hint(),
        };
        return (
            format!(
                "`{name}` is not a Dotprompt helper: Handlebars.js has none by that name, so \
                 Genkit refuses the template"
            ),
            format!("{instead}; the helpers are {known}"),
        );
    }
    (
        format!("`{name}` is a custom helper pwb does not have"),
        format!(
            "Genkit apps register custom helpers in code (`ai.defineHelper`), which pwb cannot \
             run; the helpers are {known}. Compute the value before rendering and pass it as a \
             variable (to print a variable named `{name}`, write `{{{{{name}}}}}` without \
             arguments)"
        ),
    )
}

/// What to write instead of a comparison, and of `and`/`or`/`not`.
const COMPARE_WAY: &str = "compute the condition before rendering and pass it as a variable \
     (`{{#if is_adult}}`); for equality use `{{#ifEquals a b}}`, for inequality \
     `{{#unlessEquals a b}}`";
const LOGIC_WAY: &str = "nest blocks for and (`{{#if a}}{{#if b}}...{{/if}}{{/if}}`), use \
     `{{#unless a}}` for not, or compute the condition before rendering and pass it as a \
     variable";

fn compare_hint() -> String {
    format!("Handlebars has no comparisons: {COMPARE_WAY}")
}

fn logic_hint() -> String {
    format!("Handlebars has no `and`, `or` or `not`: {LOGIC_WAY}")
}

/// The first helper problem in `tpl` (a compiled template), in source order.
pub fn check_helpers(tpl: &Template) -> Option<HelperProblem> {
    tpl.elements.iter().enumerate().find_map(|(i, el)| {
        let (line, col) = tpl.mapping.get(i).map(|m| (m.0, m.1)).unwrap_or((1, 1));
        check_element(el, line, col)
    })
}

fn check_element(el: &TemplateElement, line: usize, col: usize) -> Option<HelperProblem> {
    let (ht, is_block) = match el {
        TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => (ht, false),
        TemplateElement::HelperBlock(ht) => (ht, true),
        _ => return None,
    };
    let is_call = is_block || ht.block || !ht.params.is_empty() || !ht.hash.is_empty();
    if is_call && let Parameter::Name(name) = &ht.name {
        let problem = if !KNOWN_HELPERS.contains(&name.as_str()) {
            Some(unknown_helper(name))
        } else if is_block {
            arity(name, &ht.params)
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            return Some(HelperProblem {
                line,
                col,
                message,
                hint,
            });
        }
    }
    let subexpressions = ht.params.iter().chain(ht.hash.values());
    let in_args = subexpressions.filter_map(|p| match p {
        Parameter::Subexpression(sub) => check_element(&sub.element, line, col),
        _ => None,
    });
    let in_blocks = [&ht.template, &ht.inverse]
        .into_iter()
        .flatten()
        .filter_map(check_helpers);
    in_args.chain(in_blocks).next()
}

/// Handlebars.js's argument rules for its block helpers.
fn arity(name: &str, params: &[Parameter]) -> Option<(String, String)> {
    match name {
        "if" | "unless" | "with" if params.len() != 1 => {
            let message = format!(
                "`#{name}` takes exactly one argument, found {}",
                params.len()
            );
            let logic = params.iter().any(|p| {
                let word = match p {
                    Parameter::Name(n) => Some(n.as_str()),
                    Parameter::Path(path) => path_raw(path),
                    _ => None,
                };
                matches!(word, Some("and" | "or" | "not"))
            });
            let hint = if logic {
                logic_hint()
            } else if params.is_empty() {
                format!("give it the value to test: `{{{{#{name} items}}}}`")
            } else {
                compare_hint()
            };
            Some((message, hint))
        }
        "each" if params.is_empty() => Some((
            "`#each` needs the list to go through".to_string(),
            "write `{{#each items}}...{{/each}}`".to_string(),
        )),
        _ => None,
    }
}

fn path_raw(path: &handlebars::Path) -> Option<&str> {
    match path {
        handlebars::Path::Relative((_, raw)) => Some(raw),
        handlebars::Path::Local(_) => None,
    }
}

/// Comparison and logical operators inside a tag body (the text between
/// `{{` and `}}`), which Handlebars cannot parse: the byte offset within
/// `body` and the operator. Quoted strings and `[...]` segments are skipped.
pub fn operator_in_tag(body: &str) -> Option<(usize, &'static str)> {
    const OPS: &[&str] = &[
        "===", "!==", "==", "!=", ">=", "<=", "&&", "||", ">", "<", "!",
    ];
    let b = body.as_bytes();
    // Skip the tag's own sigils: `~`, `#`, `^`, `/`, `>` (partials), `&`,
    // `{`, `*`, then the helper or path name.
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_whitespace() || b"~#^/>&{*".contains(&b[i])) {
        i += 1;
    }
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            _ => {
                if let Some(op) = OPS.iter().find(|op| body[i..].starts_with(**op)) {
                    return Some((i, op));
                }
            }
        }
        i += 1;
    }
    None
}

/// The error for operator `op`, positioned by the caller.
pub fn operator_error(op: &str, line: usize, col: usize) -> PromptError {
    let (message, hint) = match op {
        "&&" | "||" | "!" => (
            format!("Handlebars has no logical operators (`{op}`)"),
            LOGIC_WAY,
        ),
        _ => (
            format!("Handlebars has no comparison operators (`{op}`)"),
            COMPARE_WAY,
        ),
    };
    PromptError::new(PromptErrorKind::Template, line, col, message, hint)
}

#[cfg(test)]
#[path = "tests/helper_check_tests.rs"]
mod tests;

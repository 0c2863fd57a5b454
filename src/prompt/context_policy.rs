//! pwb's `context:` frontmatter key: what to cut when a request does not
//! fit its model's window. `context: {fit: trim-history}` drops the oldest
//! history turns; `context: {fit: truncate, var: document}` shortens one
//! variable's value; `reserve: N` keeps N tokens for the answer. Dotprompt's
//! runtimes ignore the key (it stays in `raw`), so the file still renders
//! the same elsewhere. `session::context` applies the policy per model.

use super::parse::ParsedPrompt;
use super::suggest::hint_for;
use super::yaml_locate::{Seg, locate_key, locate_value};
use serde_json::Value;

/// The frontmatter key.
pub const KEY: &str = "context";
const FITS: &[&str] = &["trim-history", "truncate"];
const FIELDS: &[&str] = &["fit", "var", "reserve"];

/// What to cut first when a request is over the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Fit {
    /// Drop the oldest history turns (system and the last user turn stay).
    TrimHistory,
    /// Truncate this variable's value, keeping its start.
    Truncate { var: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContextPolicy {
    pub fit: Fit,
    /// Tokens kept free for the answer; `None`: the request's max tokens.
    pub reserve: Option<u64>,
}

/// A problem with the `context:` key, at a 1-based frontmatter position.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyProblem {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

/// The prompt's policy: `Ok(None)` without a `context:` key.
pub fn policy(parsed: &ParsedPrompt) -> Result<Option<ContextPolicy>, PolicyProblem> {
    let Some(value) = parsed.raw.as_ref().and_then(|r| r.get(KEY)) else {
        return Ok(None);
    };
    let at = |path: &[&str], key: bool| -> (usize, usize) {
        let mut segs = vec![Seg::Key(KEY.into())];
        segs.extend(path.iter().map(|k| Seg::Key(k.to_string())));
        let found = if key {
            locate_key(&parsed.frontmatter, &segs)
        } else {
            locate_value(&parsed.frontmatter, &segs)
        };
        match found {
            Some((l, c)) => (parsed.frontmatter_line + l - 1, c),
            None => (parsed.key_line(KEY), 1),
        }
    };
    let problem = |(line, col): (usize, usize), message: String, hint: &str| PolicyProblem {
        line,
        col,
        message,
        hint: hint.to_string(),
    };
    let Some(map) = value.as_object() else {
        return Err(problem(
            at(&[], false),
            "`context` must be a mapping such as `{fit: trim-history}`".into(),
            "write `context: {fit: trim-history}` or `context: {fit: truncate, var: NAME}`",
        ));
    };
    if let Some(k) = map.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(problem(
            at(&[k], true),
            format!("unknown key `{k}` in `context`"),
            &hint_for(k, FIELDS),
        ));
    }
    let reserve = match map.get("reserve") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            None => {
                return Err(problem(
                    at(&["reserve"], false),
                    format!("`context.reserve` must be a whole number of tokens, not {v}"),
                    "e.g. `reserve: 1024` keeps 1024 tokens free for the answer",
                ));
            }
        },
    };
    let fit = match map.get("fit").and_then(Value::as_str) {
        Some("trim-history") => Fit::TrimHistory,
        Some("truncate") => match map.get("var").and_then(Value::as_str) {
            Some(var) if !var.is_empty() => Fit::Truncate {
                var: var.to_string(),
            },
            _ => {
                return Err(problem(
                    at(&["fit"], false),
                    "`fit: truncate` needs `var`: the variable to shorten".into(),
                    "add `var: NAME`, e.g. `context: {fit: truncate, var: document}`",
                ));
            }
        },
        Some(other) => {
            return Err(problem(
                at(&["fit"], false),
                format!("unknown `context.fit` `{other}`"),
                &hint_for(other, FITS),
            ));
        }
        None => {
            return Err(problem(
                at(&[], true),
                "`context` needs `fit`: trim-history or truncate".into(),
                "write `context: {fit: trim-history}` or `context: {fit: truncate, var: NAME}`",
            ));
        }
    };
    Ok(Some(ContextPolicy { fit, reserve }))
}

/// The policy in a rendered prompt's `raw` frontmatter (positions are
/// not needed once `pwb check` has passed).
pub fn policy_in_raw(
    raw: Option<&serde_json::Map<String, Value>>,
) -> Result<Option<ContextPolicy>, PolicyProblem> {
    match raw {
        Some(raw) if raw.contains_key(KEY) => policy(&ParsedPrompt {
            raw: Some(raw.clone()),
            ..Default::default()
        }),
        _ => Ok(None),
    }
}

/// `pwb check`'s view: the policy's problems, and a `var` the prompt does
/// not declare (not in `input.schema` or `input.default`, not read by the
/// template).
pub fn check(parsed: &ParsedPrompt) -> Option<PolicyProblem> {
    let policy = match policy(parsed) {
        Ok(Some(p)) => p,
        Ok(None) => return None,
        Err(e) => return Some(e),
    };
    let Fit::Truncate { var } = &policy.fit else {
        return None;
    };
    let known = declared_vars(parsed);
    if known.iter().any(|k| k == var) {
        return None;
    }
    let segs = [Seg::Key(KEY.into()), Seg::Key("var".into())];
    let (line, col) = locate_value(&parsed.frontmatter, &segs)
        .map(|(l, c)| (parsed.frontmatter_line + l - 1, c))
        .unwrap_or((parsed.key_line(KEY), 1));
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let hint = if names.is_empty() {
        format!(
            "the prompt reads no variables: use `{{{{{var}}}}}` in the template or name one it reads"
        )
    } else {
        hint_for(var, &names)
    };
    Some(PolicyProblem {
        line,
        col,
        message: format!("`context.var` `{var}` is not a variable of this prompt"),
        hint,
    })
}

/// Variables the prompt declares or reads.
fn declared_vars(parsed: &ParsedPrompt) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let input = parsed.meta.get("input");
    for key in ["schema", "default"] {
        if let Some(m) = input.and_then(|i| i.get(key)).and_then(Value::as_object) {
            // Picoschema keys: `name`, `name?`, `name(description)`.
            out.extend(m.keys().map(|k| {
                k.split(['?', '(', ','])
                    .next()
                    .unwrap_or(k)
                    .trim()
                    .to_string()
            }));
        }
    }
    if let Ok((tpl, _)) = super::template::compile_template(parsed) {
        out.extend(super::ast::referenced_vars(
            &tpl,
            &std::collections::HashMap::new(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::parse_document;

    fn parse(fm: &str) -> ParsedPrompt {
        parse_document(&format!("---\n{fm}---\nSummarize {{{{document}}}}\n")).unwrap()
    }

    #[test]
    fn reads_both_fits_and_reserve() {
        let p = policy(&parse("context: {fit: trim-history}\n")).unwrap();
        assert_eq!(
            p,
            Some(ContextPolicy {
                fit: Fit::TrimHistory,
                reserve: None
            })
        );
        let p = policy(&parse(
            "context:\n  fit: truncate\n  var: document\n  reserve: 500\n",
        ));
        assert_eq!(
            p.unwrap(),
            Some(ContextPolicy {
                fit: Fit::Truncate {
                    var: "document".into()
                },
                reserve: Some(500)
            })
        );
        assert_eq!(policy(&parse("model: openai:gpt-4o\n")).unwrap(), None);
    }

    #[test]
    fn problems_point_at_the_value_with_a_hint() {
        let e = policy(&parse("model: x\ncontext:\n  fit: trim-histroy\n")).unwrap_err();
        assert_eq!((e.line, e.col), (4, 8));
        assert_eq!(e.message, "unknown `context.fit` `trim-histroy`");
        assert_eq!(e.hint, "did you mean `trim-history`?");
        let e = policy(&parse("context: {fit: truncate}\n")).unwrap_err();
        assert!(e.message.contains("needs `var`"), "{e:?}");
        let e = policy(&parse("context: {fit: truncate, var: d, reserv: 1}\n")).unwrap_err();
        assert_eq!(e.hint, "did you mean `reserve`?");
        let e = policy(&parse("context: trim-history\n")).unwrap_err();
        assert!(e.message.contains("must be a mapping"), "{e:?}");
    }

    #[test]
    fn check_wants_a_declared_variable() {
        let ok = parse("context: {fit: truncate, var: document}\n");
        assert_eq!(check(&ok), None);
        let bad = parse("context:\n  fit: truncate\n  var: doc\n");
        let e = check(&bad).unwrap();
        assert_eq!((e.line, e.col), (4, 8));
        assert_eq!(
            e.message,
            "`context.var` `doc` is not a variable of this prompt"
        );
        assert_eq!(e.hint, "expected one of: document");
        let schema =
            parse("input:\n  schema:\n    notes?: string\ncontext: {fit: truncate, var: notes}\n");
        assert_eq!(check(&schema), None);
    }
}

//! A light scan of handlebars source for the two mistakes whose parser
//! errors point at the end of the file: a block never closed, and a `{{`
//! never closed. Finding the opening tag lets errors point where the fix is.

use regex::Regex;
use std::sync::OnceLock;

/// What the scan found, with the byte offset of the offending opening tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbalanced {
    /// `{{#name}}` (or `{{^name}}`, `{{#> name}}`) without `{{/name}}`.
    UnclosedBlock { name: String, offset: usize },
    /// `{{` without a following `}}`.
    UnclosedTag { offset: usize },
}

fn tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\{\{~?\s*([#^/])\s*(?:>|\*)?\s*([^\s}~()]+)").expect("tag regex is valid")
    })
}

/// Scans `source` for an unclosed block or tag (comments and raw blocks
/// are skipped). Returns the first problem, or `None`.
pub fn find_unbalanced(source: &str) -> Option<Unbalanced> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut pos = 0;
    while let Some(found) = source[pos..].find("{{") {
        let start = pos + found;
        if start > 0 && source.as_bytes()[start - 1] == b'\\' {
            pos = start + 2;
            continue;
        }
        let rest = &source[start..];
        let close = if rest.starts_with("{{!--") {
            rest.find("--}}").map(|i| i + 4)
        } else if rest.starts_with("{{{{") {
            rest.find("}}}}").map(|i| i + 4)
        } else {
            rest.find("}}").map(|i| i + 2)
        };
        let Some(len) = close else {
            return Some(Unbalanced::UnclosedTag { offset: start });
        };
        if let Some(caps) = tag_re().captures(&rest[..len]) {
            let (kind, name) = (&caps[1], caps[2].to_string());
            if kind == "/" {
                if stack.last().is_some_and(|(open, _)| *open == name) {
                    stack.pop();
                }
            } else {
                stack.push((name, start));
            }
        }
        pos = start + len;
    }
    stack
        .pop()
        .map(|(name, offset)| Unbalanced::UnclosedBlock { name, offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unclosed_block() {
        let src = "a {{#if x}} b {{#each y}}{{/each}} c";
        assert_eq!(
            find_unbalanced(src),
            Some(Unbalanced::UnclosedBlock {
                name: "if".into(),
                offset: 2
            })
        );
    }

    #[test]
    fn finds_unclosed_tag() {
        assert_eq!(
            find_unbalanced("hi {{name}} {{oops\nmore"),
            Some(Unbalanced::UnclosedTag { offset: 12 })
        );
    }

    #[test]
    fn balanced_templates_pass() {
        let src =
            "{{!-- {{#if}} --}}{{#if a}}{{else}}{{/if}}{{> p}}{{#> layout}}x{{/layout}} \\{{#x";
        assert_eq!(find_unbalanced(src), None);
    }
}

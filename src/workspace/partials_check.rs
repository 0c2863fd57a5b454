//! Partial references across files: every `{{> name}}` must name a partial
//! of the workspace, and partials must not include themselves (directly or
//! through others), which would make rendering recurse without end.

use super::Workspace;
use super::diagnostic::{Diagnostic, line_col, relative_to};
use std::collections::{HashMap, HashSet};

/// Unknown partials and include cycles, at the offending `{{>`.
pub fn partial_checks(ws: &Workspace) -> Vec<Diagnostic> {
    let graph: HashMap<&str, Vec<String>> = ws
        .partials
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                refs(&p.source).into_iter().map(|(n, _)| n).collect(),
            )
        })
        .collect();
    let mut out = Vec::new();
    for file in ws.prompts.iter().chain(&ws.partials) {
        let shown = relative_to(&ws.root, &file.path);
        let is_partial = ws.partials.iter().any(|p| std::ptr::eq(p, file));
        for (name, offset) in refs(&file.source) {
            let (l, c) = line_col(&file.source, offset);
            if !graph.contains_key(name.as_str()) {
                let hint =
                    format!("create prompts/_{name}.prompt or prompts/partials/{name}.prompt");
                out.push(
                    Diagnostic::error(&shown, l, c, format!("unknown partial `{name}`"))
                        .with_hint(hint),
                );
            } else if is_partial && let Some(cycle) = path_back(&graph, &name, &file.name) {
                let chain =
                    std::iter::once(file.name.as_str()).chain(cycle.iter().map(String::as_str));
                let chain: Vec<&str> = chain.collect();
                let message = format!(
                    "partial `{}` includes itself ({})",
                    file.name,
                    chain.join(" -> ")
                );
                let hint = "remove one of the `{{> ...}}` in the cycle: rendering would never end";
                out.push(Diagnostic::error(&shown, l, c, message).with_hint(hint));
            } else if !is_partial && reaches_cycle(&graph, &name) {
                let message =
                    format!("partial `{name}` includes itself, so this prompt cannot render");
                let hint = "fix the include cycle reported on the partial";
                out.push(Diagnostic::error(&shown, l, c, message).with_hint(hint));
            }
        }
    }
    out
}

/// References of one source, without duplicates of the same name.
fn refs(source: &str) -> Vec<(String, usize)> {
    let mut seen = HashSet::new();
    let all = partial_references(source);
    all.into_iter()
        .filter(|(n, _)| seen.insert(n.clone()))
        .collect()
}

/// A path of includes from `from` to `target` (ending with `target`).
fn path_back(graph: &HashMap<&str, Vec<String>>, from: &str, target: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_string(), vec![from.to_string()])];
    let mut seen = HashSet::new();
    while let Some((node, path)) = stack.pop() {
        if node == target {
            return Some(path);
        }
        if !seen.insert(node.clone()) {
            continue;
        }
        for next in graph.get(node.as_str()).into_iter().flatten() {
            let mut p = path.clone();
            p.push(next.clone());
            stack.push((next.clone(), p));
        }
    }
    None
}

/// Whether including `start` leads into a cycle.
fn reaches_cycle(graph: &HashMap<&str, Vec<String>>, start: &str) -> bool {
    let mut stack = vec![start.to_string()];
    let mut seen = HashSet::new();
    while let Some(node) = stack.pop() {
        if !seen.insert(node.clone()) {
            continue;
        }
        let next = graph.get(node.as_str()).into_iter().flatten();
        if next.clone().any(|n| path_back(graph, n, &node).is_some()) {
            return true;
        }
        stack.extend(next.cloned());
    }
    false
}

/// `{{> name ...}}` references in a template: (name, byte offset of name).
/// Dynamic partials (`{{> (expr)}}`) are skipped.
pub fn partial_references(source: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = source[from..].find("{{") {
        let start = from + i + 2;
        from = start;
        let rest = &source[start..];
        let rest = rest.strip_prefix('~').unwrap_or(rest);
        let rest = rest.strip_prefix('#').unwrap_or(rest); // {{#> layout}} blocks
        let Some(after) = rest.strip_prefix('>') else {
            continue;
        };
        let trimmed = after.trim_start();
        let name: String = trimmed
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | '.'))
            .collect();
        if !name.is_empty() {
            out.push((name, source.len() - trimmed.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::PromptFile;

    fn file(name: &str, dir: &str, source: &str) -> PromptFile {
        let path = format!("/ws/prompts/{dir}{name}.prompt").into();
        PromptFile {
            name: name.into(),
            path,
            source: source.into(),
        }
    }

    #[test]
    fn finds_partial_references() {
        let src =
            "a {{> schema}} b\n{{~> other x=1}} {{>(dyn)}} {{name}} {{#> layout}}x{{/layout}}";
        let names: Vec<(String, usize)> = partial_references(src);
        assert_eq!(names[0], ("schema".to_string(), 6));
        assert_eq!(names[1], ("other".to_string(), 22));
        assert_eq!(names[2].0, "layout");
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn reports_unknown_partials_and_cycles() {
        let ws = Workspace {
            root: "/ws".into(),
            prompts: vec![file("main", "", "{{> a}}\n{{> ok}} {{> nope}}")],
            partials: vec![
                file("a", "_", "{{> b}}"),
                file("b", "_", "x\n {{> a}}"),
                file("ok", "_", "fine"),
            ],
            ..Workspace::default()
        };
        let got: Vec<String> = partial_checks(&ws)
            .iter()
            .map(|d| format!("{}:{}:{} {}", d.path.display(), d.line, d.col, d.message))
            .collect();
        assert_eq!(
            got,
            [
                "prompts/main.prompt:1:5 partial `a` includes itself, so this prompt cannot render",
                "prompts/main.prompt:2:14 unknown partial `nope`",
                "prompts/_a.prompt:1:5 partial `a` includes itself (a -> b -> a)",
                "prompts/_b.prompt:2:6 partial `b` includes itself (b -> a -> b)",
            ]
        );
    }
}

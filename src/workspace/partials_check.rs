//! Partial references across files: every `{{> name}}` must name a partial
//! of the workspace, and partials must not include themselves (directly or
//! through others), which would make rendering recurse without end. The
//! includes and the graph are the prompt module's (`prompt::includes`).

use super::Workspace;
use super::diagnostic::{Diagnostic, line_col, relative_to};
use crate::prompt::includes::{IncludeGraph, IncludeProblem, Includes};
use crate::prompt::syntax::scan_template;
use std::collections::HashSet;

/// Unknown partials and include cycles, at the offending `{{>`.
pub fn partial_checks(ws: &Workspace) -> Vec<Diagnostic> {
    let scans: Vec<Includes> = ws
        .partials
        .iter()
        .map(|p| scan_template(&p.source).includes)
        .collect();
    let mut graph = IncludeGraph::default();
    for (p, includes) in ws.partials.iter().zip(&scans) {
        graph.add(&p.name, includes);
    }
    let mut out = Vec::new();
    for file in ws.prompts.iter().chain(&ws.partials) {
        let shown = relative_to(&ws.root, &file.path);
        let is_partial = ws.partials.iter().any(|p| std::ptr::eq(p, file));
        let own = scan_template(&file.source).includes;
        let mut seen = HashSet::new();
        for r in own.all_refs().into_iter().filter(|r| seen.insert(&r.name)) {
            let name = &r.name;
            let (l, c) = line_col(&file.source, r.offset);
            let inline_here = own.inline.iter().any(|d| d.name == *name);
            if !graph.contains(name) && !inline_here {
                let hint =
                    format!("create prompts/_{name}.prompt or prompts/partials/{name}.prompt");
                out.push(
                    Diagnostic::error(&shown, l, c, format!("unknown partial `{name}`"))
                        .with_hint(hint),
                );
            } else if is_partial && let Some(cycle) = graph.path(name, &file.name) {
                let chain = std::iter::once(file.name.as_str()).chain(cycle.iter().copied());
                let chain: Vec<&str> = chain.collect();
                let message = format!(
                    "partial `{}` includes itself ({})",
                    file.name,
                    chain.join(" -> ")
                );
                let hint = "remove one of the `{{> ...}}` in the cycle: rendering would never end";
                out.push(Diagnostic::error(&shown, l, c, message).with_hint(hint));
            } else if !is_partial && let Err(IncludeProblem::Cycle { .. }) = graph.check(name) {
                let message =
                    format!("partial `{name}` includes itself, so this prompt cannot render");
                let hint = "fix the include cycle reported on the partial";
                out.push(Diagnostic::error(&shown, l, c, message).with_hint(hint));
            }
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
    fn reports_unknown_partials_and_cycles() {
        let ws = Workspace {
            root: "/ws".into(),
            prompts: vec![file(
                "main",
                "",
                "{{> a}}\n{{> ok}} {{> nope}} {{> @partial-block}} {{> (dynamic)}}\n\
                 {{#*inline \"row\"}}{{/inline}}{{> row}}",
            )],
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

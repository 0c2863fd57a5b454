//! Unified diffs between two versions of a prompt: the `.prompt` text, then
//! each included partial that differs, then the examples when they differ
//! (a version is all three). `pwb diff` prints this; the TUI's Versions
//! popup shows it against the editor.

use crate::prompt::Example;
use similar::TextDiff;

/// One side of a diff: a name for the headers and what the version holds.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    /// `triage@3f9a2c1e`, `triage@production`, `triage@saved`.
    pub name: &'a str,
    pub source: &'a str,
    pub partials: &'a [(String, String)],
    pub examples: &'a [Example],
}

/// A unified diff of `old` and `new` text (3 lines of context), headed
/// `--- old_name` / `+++ new_name`; empty when they are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Everything that differs between two versions; empty when they are the
/// same version.
pub fn versions(a: Side, b: Side) -> String {
    let mut out = unified(a.source, b.source, a.name, b.name);
    let mut names: Vec<&str> = a
        .partials
        .iter()
        .chain(b.partials)
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let text = |side: &Side, name: &str| {
        side.partials
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    };
    for name in names {
        out.push_str(&unified(
            &text(&a, name),
            &text(&b, name),
            &format!("{} partial {name}", a.name),
            &format!("{} partial {name}", b.name),
        ));
    }
    let examples = |side: &Side| serde_norway::to_string(side.examples).unwrap_or_default();
    if a.examples != b.examples {
        out.push_str(&unified(
            &examples(&a),
            &examples(&b),
            &format!("{} examples", a.name),
            &format!("{} examples", b.name),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_then_partials_that_differ() {
        let pa = vec![("h".to_string(), "Hello\n".to_string())];
        let pb = vec![("h".to_string(), "Hi\n".to_string())];
        let a = Side {
            name: "p@aaaa",
            source: "one\n{{> h}}\nthree\n",
            partials: &pa,
            examples: &[],
        };
        let b = Side {
            name: "p@bbbb",
            source: "one\n{{> h}}\n3\n",
            partials: &pb,
            examples: &[],
        };
        let d = versions(a, b);
        assert_eq!(
            d,
            "--- p@aaaa\n+++ p@bbbb\n@@ -1,3 +1,3 @@\n one\n {{> h}}\n-three\n+3\n\
             --- p@aaaa partial h\n+++ p@bbbb partial h\n@@ -1 +1 @@\n-Hello\n+Hi\n"
        );
        assert_eq!(versions(a, a), "");
    }
}

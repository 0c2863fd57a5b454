//! A light scan of a handlebars template's block structure, independent of
//! the handlebars parser: where a block is left open (handlebars only says
//! "at end of file") and how deep blocks nest (deep nesting overflows the
//! stack of recursive template walkers, so check refuses it first).

/// Deeper block nesting than this is refused before compiling.
pub const MAX_BLOCK_DEPTH: usize = 100;

/// What `scan_blocks` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BlockScan {
    /// The innermost block (`{{#name}}`, `{{^name}}`, `{{#> name}}`) still
    /// open at the end: its name and the byte offset of its `{{`.
    pub unclosed: Option<(String, usize)>,
    /// The first block opened deeper than `MAX_BLOCK_DEPTH`: its offset.
    pub too_deep: Option<usize>,
}

/// Scans `template`. Comments are skipped; at a mismatched close the scan
/// stops (handlebars' own message is precise there).
pub fn scan_blocks(template: &str) -> BlockScan {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut too_deep = None;
    let mut from = 0;
    while let Some(i) = template[from..].find("{{") {
        let start = from + i;
        let rest = &template[start + 2..];
        let tag = rest.strip_prefix('~').unwrap_or(rest);
        if let Some(comment) = tag.strip_prefix('!') {
            let end = if comment.starts_with("--") {
                "--}}"
            } else {
                "}}"
            };
            let skip = comment.find(end).map_or(comment.len(), |e| e + end.len());
            from = template.len() - comment.len() + skip;
            continue;
        }
        from = start + 2;
        if let Some(t) = tag.strip_prefix('#').or_else(|| tag.strip_prefix('^')) {
            let n = name(t.strip_prefix('>').unwrap_or(t));
            if !n.is_empty() {
                open.push((n, start));
                if open.len() > MAX_BLOCK_DEPTH && too_deep.is_none() {
                    too_deep = Some(start);
                }
            }
        } else if let Some(t) = tag.strip_prefix('/') {
            if open.last().is_some_and(|(o, _)| *o == name(t)) {
                open.pop();
            } else {
                return BlockScan {
                    unclosed: None,
                    too_deep,
                };
            }
        }
    }
    BlockScan {
        unclosed: open.pop(),
        too_deep,
    }
}

fn name(tag: &str) -> String {
    tag.trim_start()
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '}' | '~'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unclosed(t: &str) -> Option<(String, usize)> {
        scan_blocks(t).unclosed
    }

    #[test]
    fn finds_the_innermost_unclosed_block() {
        assert_eq!(unclosed("a {{#if x}} b {{/if}}"), None);
        assert_eq!(
            unclosed("a\n{{#if x}}\n{{#each y}}{{/each}}"),
            Some(("if".into(), 2))
        );
        assert_eq!(unclosed("{{~#each y~}}{{^z}}"), Some(("z".into(), 13)));
        assert_eq!(unclosed("{{!-- {{#if}} --}}{{! {{#x}} }}ok"), None);
        assert_eq!(unclosed("{{#if a}}{{/each}}"), None);
        assert_eq!(unclosed("{{#> layout}}x"), Some(("layout".into(), 0)));
        assert_eq!(unclosed("{{!-- never closed"), None);
    }

    #[test]
    fn flags_deep_nesting() {
        let ok = "{{#if a}}".repeat(MAX_BLOCK_DEPTH) + &"{{/if}}".repeat(MAX_BLOCK_DEPTH);
        assert_eq!(scan_blocks(&ok), BlockScan::default());
        let deep = "{{#if a}}".repeat(MAX_BLOCK_DEPTH + 5);
        assert_eq!(scan_blocks(&deep).too_deep, Some(9 * MAX_BLOCK_DEPTH));
    }
}

//! One linear scan of handlebars source, independent of the handlebars
//! parser (which recurses once per nesting level, as do the walkers over
//! compiled templates): where a block or tag is left open, how deep blocks,
//! `{{else if}}` chains and subexpressions nest, and which partials the
//! template includes. Cheap enough to run on every keystroke.

use super::includes::{Includes, InlinePartial, PartialRef};

/// Deeper nesting than this is refused before a template is compiled.
pub const MAX_NESTING: usize = 100;

/// A block or tag left open, with the byte offset of its `{{`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbalanced {
    /// `{{#name}}` (or `{{#> name}}`, `{{#*inline}}`) without `{{/name}}`.
    UnclosedBlock { name: String, offset: usize },
    /// `{{` without a following `}}`.
    UnclosedTag { offset: usize },
}

/// What nests too deep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Blocks,
    /// `{{else if ...}}` branches: each one nests inside the previous.
    ElseChain,
    Subexpressions,
}

/// The first tag at which nesting exceeds [`MAX_NESTING`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
    pub nesting: Nesting,
}

/// What [`scan_template`] found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TemplateScan {
    /// An unclosed tag (the scan stops there), else the innermost block
    /// still open at the end.
    pub unbalanced: Option<Unbalanced>,
    pub too_deep: Option<TooDeep>,
    pub includes: Includes,
    /// The first comparison or logical operator inside a tag (byte offset,
    /// operator), which Handlebars cannot parse: see `helper_check`.
    pub operator: Option<(usize, &'static str)>,
}

struct Open {
    name: String,
    offset: usize,
    /// `{{else if}}` branches so far, each one level deeper.
    chain: usize,
    /// The innermost `{{#*inline}}` this block is (in): its index into
    /// `Includes::inline` and the nesting inside it.
    scope: Option<(usize, usize)>,
}

struct Scanner<'s> {
    source: &'s str,
    open: Vec<Open>,
    depth: usize,
    scan: TemplateScan,
}

/// Scans `source`. Comments, raw blocks and `\{{` escapes are skipped; a
/// close that does not match the innermost block is ignored (handlebars
/// reports it precisely).
pub fn scan_template(source: &str) -> TemplateScan {
    let mut s = Scanner {
        source,
        open: Vec::new(),
        depth: 0,
        scan: TemplateScan::default(),
    };
    let bytes = source.as_bytes();
    let mut pos = 0;
    while let Some(found) = source[pos..].find("{{") {
        let start = pos + found;
        let rest = &source[start..];
        if is_escaped(bytes, start) {
            pos = start + if rest.starts_with("{{{{") { 4 } else { 2 };
            continue;
        }
        let next = if rest.starts_with("{{{{") {
            s.raw_block(start)
        } else if let Some(comment) = rest[2..]
            .strip_prefix('~')
            .unwrap_or(&rest[2..])
            .strip_prefix('!')
        {
            let end = if comment.starts_with("--") {
                "--}}"
            } else {
                "}}"
            };
            comment
                .find(end)
                .map(|e| source.len() - comment.len() + e + end.len())
        } else {
            tag_end(source, start + 2).map(|(end, parens)| {
                s.tag(start, &source[start + 2..end - 2], parens);
                end
            })
        };
        match next {
            Some(next) => pos = next,
            None => {
                if s.scan.unbalanced.is_none() {
                    s.scan.unbalanced = Some(Unbalanced::UnclosedTag { offset: start });
                }
                return s.scan;
            }
        }
    }
    if let Some(o) = s.open.pop() {
        s.scan.unbalanced = Some(Unbalanced::UnclosedBlock {
            name: o.name,
            offset: o.offset,
        });
    }
    s.scan
}

/// One backslash before `{{` escapes it; two or more escape themselves.
fn is_escaped(bytes: &[u8], start: usize) -> bool {
    let slashes = bytes[..start].iter().rev().take_while(|b| **b == b'\\');
    slashes.count() == 1
}

/// The index just past the `}}` ending the tag whose content starts at
/// `from`, and how deep `(` nest inside it. `}}` inside string literals
/// does not end the tag.
fn tag_end(source: &str, from: usize) -> Option<(usize, usize)> {
    let b = source.as_bytes();
    let (mut i, mut parens, mut deepest) = (from, 0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'}' if b.get(i + 1) == Some(&b'}') => return Some((i + 2, deepest)),
            q @ (b'"' | b'\'') if literal_may_start(b[i - 1]) => {
                if let Some(close) = string_end(b, i + 1, q) {
                    i = close;
                }
            }
            b'(' => {
                parens += 1;
                deepest = deepest.max(parens);
            }
            b')' => parens = parens.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

fn literal_may_start(prev: u8) -> bool {
    prev.is_ascii_whitespace() || b"{(=[,:>~".contains(&prev)
}

/// The index of the quote closing a string started before `from`.
fn string_end(b: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The name a tag starts with (`if` in ` if x`).
fn word(s: &str) -> &str {
    let s = s.trim_start();
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '}' | '~' | '(' | ')'))
        .unwrap_or(s.len());
    &s[..end]
}

impl Scanner<'_> {
    fn scope(&self) -> Option<(usize, usize)> {
        self.open.last().and_then(|o| o.scope)
    }

    /// Handles the tag at `start` whose text between `{{` and `}}` is `body`.
    fn tag(&mut self, start: usize, body: &str, parens: usize) {
        if self.scan.operator.is_none()
            && let Some((at, op)) = super::helper_check::operator_in_tag(body)
        {
            self.scan.operator = Some((start + 2 + at, op));
        }
        let t = body.strip_prefix('~').unwrap_or(body).trim_start();
        if let Some(r) = t.strip_prefix('#') {
            let r = r.trim_start();
            if let Some(p) = r.strip_prefix('>') {
                let name = self.partial_ref(p);
                self.push(name.unwrap_or_default(), start, None);
            } else if let Some(d) = r.strip_prefix('*') {
                let name = word(d);
                let inline = (name == "inline")
                    .then(|| inline_name(&d.trim_start()[name.len()..]))
                    .flatten();
                let index = inline.map(|n| {
                    self.scan.includes.inline.push(InlinePartial {
                        name: n.to_string(),
                        refs: Vec::new(),
                        depth: 0,
                    });
                    self.scan.includes.inline.len() - 1
                });
                self.push(name.to_string(), start, index);
            } else if !word(r).is_empty() {
                self.push(word(r).to_string(), start, None);
            }
        } else if let Some(r) = t.strip_prefix('^') {
            self.chain_or_open(word(r), start);
        } else if let Some(r) = t.strip_prefix("else")
            && (r.is_empty() || r.starts_with(|c: char| c.is_whitespace() || c == '~'))
        {
            if !word(r).is_empty() && !self.open.is_empty() {
                self.chain_or_open(word(r), start);
            }
        } else if let Some(r) = t.strip_prefix('/') {
            self.close(word(r));
        } else if let Some(p) = t.strip_prefix('>') {
            self.partial_ref(p);
        }
        self.note_depth(self.depth + parens, start, Nesting::Subexpressions);
    }

    fn push(&mut self, name: String, offset: usize, inline: Option<usize>) {
        self.depth += 1;
        let scope = match inline {
            Some(index) => Some((index, self.depth)),
            None => self.scope(),
        };
        self.open.push(Open {
            name,
            offset,
            chain: 0,
            scope,
        });
        self.note_depth(self.depth, offset, Nesting::Blocks);
    }

    /// `{{else name}}` / `{{^name}}`: one more level inside the open block
    /// (outside any block, handlebars fails; count it as a block).
    fn chain_or_open(&mut self, name: &str, offset: usize) {
        if name.is_empty() {
            return;
        }
        match self.open.last_mut() {
            Some(top) => {
                top.chain += 1;
                self.depth += 1;
                self.note_depth(self.depth, offset, Nesting::ElseChain);
            }
            None => self.push(name.to_string(), offset, None),
        }
    }

    fn close(&mut self, name: &str) {
        let matches = self
            .open
            .last()
            .is_some_and(|o| name.is_empty() || o.name == name);
        if matches && let Some(o) = self.open.pop() {
            self.depth -= 1 + o.chain;
        }
    }

    /// Records the include named at the start of `p` (the text after `>`).
    fn partial_ref(&mut self, p: &str) -> Option<String> {
        let p = p.trim_start();
        let name = match p.as_bytes().first()? {
            b'[' => &p[1..p.find(']')?],
            b'\'' => &p[1..1 + p[1..].find('\'')?],
            b'(' | b'@' => return None,
            _ => {
                let end = p
                    .find(|c: char| {
                        !(c.is_alphanumeric() || matches!(c, '-' | '_' | '@' | '/' | '.'))
                            && c.is_ascii()
                    })
                    .unwrap_or(p.len());
                &p[..end]
            }
        };
        if name.is_empty() {
            return None;
        }
        let (refs, base) = match self.scope() {
            Some((i, base)) => (&mut self.scan.includes.inline[i].refs, base),
            None => (&mut self.scan.includes.refs, 0),
        };
        refs.push(PartialRef {
            name: name.to_string(),
            offset: p.as_ptr() as usize - self.source.as_ptr() as usize,
            depth: self.depth - base,
        });
        Some(name.to_string())
    }

    fn note_depth(&mut self, depth: usize, offset: usize, nesting: Nesting) {
        let scope = self.scope();
        let includes = &mut self.scan.includes;
        includes.depth = includes.depth.max(depth);
        if let Some((index, base)) = scope
            && let Some(def) = includes.inline.get_mut(index)
        {
            def.depth = def.depth.max(depth - base);
        }
        if depth > MAX_NESTING && self.scan.too_deep.is_none() {
            self.scan.too_deep = Some(TooDeep { offset, nesting });
        }
    }

    /// `{{{{name}}}} ... {{{{/name}}}}`: the content is text. Returns where
    /// to continue, or `None` when the opening tag is not closed.
    fn raw_block(&mut self, start: usize) -> Option<usize> {
        let after = start + 4 + self.source[start + 4..].find("}}}}")? + 4;
        let body = &self.source[start + 4..after - 4];
        let t = body.strip_prefix('~').unwrap_or(body).trim_start();
        if t.starts_with('/') {
            return Some(after);
        }
        match self.source[after..].find("{{{{/") {
            Some(i) => Some(after + i),
            None => {
                let name = word(t).to_string();
                self.scan.unbalanced = Some(Unbalanced::UnclosedBlock {
                    name,
                    offset: start,
                });
                Some(self.source.len())
            }
        }
    }
}

/// `"name"` or `'name'` at the start of `s`.
fn inline_name(s: &str) -> Option<&str> {
    let s = s.trim_start();
    let quote = s.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let rest = &s[1..];
    Some(&rest[..rest.find(quote)?])
}

//! Syntax highlighting of `.prompt` files (YAML frontmatter + Handlebars) with
//! syntect and our own small grammar; results are cached per line so a frame
//! re-parses only the lines that changed (and the ones after, until in sync).

use std::ops::Range;
use std::sync::OnceLock;

use syntect::parsing::{
    ParseState, Scope, ScopeStack, SyntaxDefinition, SyntaxSet, SyntaxSetBuilder,
};

const DOTPROMPT_SYNTAX: &str = include_str!("highlight/dotprompt.sublime-syntax");

/// What a highlighted span is; [`super::theme::Theme::hl`] maps it to a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HlKind {
    /// The `---` lines around the frontmatter.
    Delimiter,
    /// A YAML key, or a `key=` hash argument in a tag.
    Key,
    String,
    Number,
    Bool,
    Comment,
    /// `{{`, `}}`, `{{#`, `{{/`, and the keywords `if`, `unless`, `else`.
    Tag,
    /// A helper or partial name: `role`, `json`, `history`, `each`, ...
    Helper,
    Variable,
    /// The quoted argument of `{{role "..."}}`.
    RoleArg,
}

/// Highlighted spans of one line: byte ranges into the line, in order.
pub type LineSpans = Vec<(Range<usize>, HlKind)>;

/// Scope prefixes of our grammar, most specific first.
struct ScopeMap(Vec<(Scope, HlKind)>);

impl ScopeMap {
    fn new() -> Option<ScopeMap> {
        let table = [
            ("punctuation.section.frontmatter", HlKind::Delimiter),
            ("comment", HlKind::Comment),
            ("string.quoted.role", HlKind::RoleArg),
            ("string", HlKind::String),
            ("constant.numeric", HlKind::Number),
            ("constant.language", HlKind::Bool),
            ("entity.name.key", HlKind::Key),
            ("entity.other.attribute-name", HlKind::Key),
            ("keyword", HlKind::Tag),
            ("punctuation.section.tag", HlKind::Tag),
            ("support.function", HlKind::Helper),
            ("entity.name.partial", HlKind::Helper),
            ("variable", HlKind::Variable),
        ];
        let scopes = table
            .into_iter()
            .map(|(s, k)| Scope::new(s).ok().map(|s| (s, k)))
            .collect::<Option<Vec<_>>>()?;
        Some(ScopeMap(scopes))
    }

    /// The kind of the innermost scope on the stack that we know.
    fn kind(&self, stack: &ScopeStack) -> Option<HlKind> {
        stack.as_slice().iter().rev().find_map(|scope| {
            self.0
                .iter()
                .find(|(prefix, _)| prefix.is_prefix_of(*scope))
                .map(|(_, k)| *k)
        })
    }
}

struct Grammar {
    set: SyntaxSet,
    scopes: ScopeMap,
}

/// The Dotprompt grammar, built once. `None` only if the embedded grammar is
/// broken, which a unit test rules out; then nothing is highlighted.
fn grammar() -> Option<&'static Grammar> {
    static GRAMMAR: OnceLock<Option<Grammar>> = OnceLock::new();
    GRAMMAR
        .get_or_init(|| {
            let def = SyntaxDefinition::load_from_str(DOTPROMPT_SYNTAX, true, None).ok()?;
            let mut builder = SyntaxSetBuilder::new();
            builder.add(def);
            Some(Grammar {
                set: builder.build(),
                scopes: ScopeMap::new()?,
            })
        })
        .as_ref()
}

/// Build the grammar and compile its regexes (about 10 ms) so the first
/// frame doesn't pay for it: call once at startup, e.g. on a spawned thread.
pub fn prewarm() {
    const SAMPLE: &str = "---\nk: \"s\" 'q' 1 x1 true # c\n---\n\\{{ {{!c}} {{!--c--}} {{{t}}} \
        {{> p a=1}} {{#if x}}{{else}}{{/if}} {{role \"user\"}} {{json (h a) 'b' -1 null}} \
        {{each xs as |x|}} {{v}}";
    let lines: Vec<String> = SAMPLE.lines().map(str::to_string).collect();
    Highlighter::new().highlight(&lines);
}

/// The parser state at the start of a line.
#[derive(Clone, PartialEq, Eq)]
struct LineStart {
    parse: ParseState,
    scopes: ScopeStack,
}

/// Highlights a buffer line by line, remembering each line's text, spans and
/// start state so that unchanged lines are not parsed again.
#[derive(Default)]
pub struct Highlighter {
    texts: Vec<String>,
    spans: Vec<LineSpans>,
    /// `starts[i]` is the state before line `i`; one more than `texts`.
    starts: Vec<LineStart>,
    scratch: String,
    /// How many lines were parsed so far (tests check the cache with it).
    parsed: usize,
}

impl Highlighter {
    pub fn new() -> Highlighter {
        Highlighter::default()
    }

    /// Spans for every line of `lines`, re-parsing from the first changed line
    /// until the parser is back in step with the cached lines after the edit.
    pub fn highlight(&mut self, lines: &[String]) -> &[LineSpans] {
        let Some(grammar) = grammar() else {
            self.spans = vec![Vec::new(); lines.len()];
            return &self.spans;
        };
        if self.starts.is_empty() {
            let Some(syntax) = grammar.set.syntaxes().first() else {
                self.spans = vec![Vec::new(); lines.len()];
                return &self.spans;
            };
            self.starts.push(LineStart {
                parse: ParseState::new(syntax),
                scopes: ScopeStack::new(),
            });
        }
        let (old_len, new_len) = (self.texts.len(), lines.len());
        let common = old_len.min(new_len);
        let prefix = (0..common)
            .find(|&i| self.texts[i] != lines[i])
            .unwrap_or(common);
        if prefix == old_len && prefix == new_len {
            return &self.spans;
        }
        let suffix = (0..common - prefix)
            .take_while(|&k| self.texts[old_len - 1 - k] == lines[new_len - 1 - k])
            .count();
        // The cached lines after the edit, with their start states (one
        // more: the state after the last line).
        let tail_from = new_len - suffix;
        let mut tail_texts = self.texts.split_off(old_len - suffix);
        let mut tail_spans = self.spans.split_off(old_len - suffix);
        let mut tail_starts = self.starts[old_len - suffix..].to_vec();
        self.texts.truncate(prefix);
        self.spans.truncate(prefix);
        self.starts.truncate(prefix + 1);

        for (j, line) in lines.iter().enumerate().skip(prefix) {
            if j >= tail_from {
                let k = j - tail_from;
                if self.starts.last() == tail_starts.get(k) {
                    // Back in step: the rest is exactly what we had.
                    self.texts.extend(tail_texts.drain(k..));
                    self.spans.extend(tail_spans.drain(k..));
                    self.starts.extend(tail_starts.drain(k + 1..));
                    break;
                }
            }
            let Some(mut state) = self.starts.last().cloned() else {
                break;
            };
            let spans = self.parse_line(grammar, &mut state, line);
            self.texts.push(line.clone());
            self.spans.push(spans);
            self.starts.push(state);
        }
        &self.spans
    }

    fn parse_line(&mut self, grammar: &Grammar, state: &mut LineStart, line: &str) -> LineSpans {
        self.parsed += 1;
        self.scratch.clear();
        self.scratch.push_str(line);
        self.scratch.push('\n');
        let Ok(ops) = state.parse.parse_line(&self.scratch, &grammar.set) else {
            return Vec::new();
        };
        let mut spans: LineSpans = Vec::new();
        let mut at = 0;
        let mut push = |range: Range<usize>, kind: Option<HlKind>| {
            let (Some(kind), false) = (kind, range.is_empty()) else {
                return;
            };
            match spans.last_mut() {
                Some((prev, k)) if *k == kind && prev.end == range.start => prev.end = range.end,
                _ => spans.push((range, kind)),
            }
        };
        for (index, op) in &ops {
            let index = (*index).min(line.len());
            push(at..index, grammar.scopes.kind(&state.scopes));
            at = index;
            if state.scopes.apply(op).is_err() {
                return Vec::new();
            }
        }
        push(at..line.len(), grammar.scopes.kind(&state.scopes));
        spans
    }
}

#[cfg(test)]
mod tests;

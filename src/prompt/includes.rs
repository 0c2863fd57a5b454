//! The partial include graph: which template includes which partials, the
//! include cycles that would make rendering recurse without end, and how
//! deep blocks and includes nest once partials are expanded.

use super::error::{PromptError, PromptErrorKind};
use super::parse::{ParsedPrompt, line_col_at};
use super::syntax::MAX_NESTING;
use super::template::MAIN_TEMPLATE;
use std::collections::{HashMap, HashSet, VecDeque};

/// A static `{{> name}}` or `{{#> name}}` (dynamic `{{> (expr)}}` and
/// `@partial-block` are not listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartialRef {
    pub name: String,
    /// Byte offset of the name in the source.
    pub offset: usize,
    /// Nesting around the include (relative to the inline partial's body
    /// for includes inside `{{#*inline}}`).
    pub depth: usize,
}

/// A `{{#*inline "name"}}` partial defined in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePartial {
    pub name: String,
    pub refs: Vec<PartialRef>,
    /// Deepest nesting inside the body.
    pub depth: usize,
}

/// The includes of one template: what the include graph needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Includes {
    /// Includes outside inline partials, in source order.
    pub refs: Vec<PartialRef>,
    pub inline: Vec<InlinePartial>,
    /// Deepest nesting anywhere in the template.
    pub depth: usize,
}

impl Includes {
    /// Every include, also those inside inline partials, in source order.
    pub fn all_refs(&self) -> Vec<&PartialRef> {
        let inline = self.inline.iter().flat_map(|d| &d.refs);
        let mut all: Vec<&PartialRef> = self.refs.iter().chain(inline).collect();
        all.sort_by_key(|r| r.offset);
        all
    }
}

/// What to do about an include cycle.
pub const CYCLE_HINT: &str =
    "remove one of the includes (`{{> ...}}`) in the cycle: rendering would never end";

/// Templates by name with their includes. Inline partials are nodes too;
/// a name defined more than once (a partial and an inline partial, or
/// inline partials in several templates) gets the includes of all.
#[derive(Debug, Default)]
pub struct IncludeGraph<'a> {
    edges: HashMap<&'a str, Vec<&'a PartialRef>>,
    depth: HashMap<&'a str, usize>,
}

/// Why rendering from a template would not end, or overflow the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeProblem<'a> {
    /// Following `via` leads into `cycle` (its first name is also its last).
    Cycle {
        via: &'a PartialRef,
        cycle: Vec<&'a str>,
    },
    /// Following `via`, blocks and includes nest more than [`MAX_NESTING`].
    TooDeep { via: &'a PartialRef },
}

impl<'a> IncludeGraph<'a> {
    /// Adds template `name` and the inline partials it defines.
    pub fn add(&mut self, name: &'a str, includes: &'a Includes) {
        self.node(name, includes.depth, &includes.refs);
        for def in &includes.inline {
            self.node(&def.name, def.depth, &def.refs);
        }
    }

    fn node(&mut self, name: &'a str, depth: usize, refs: &'a [PartialRef]) {
        self.edges.entry(name).or_default().extend(refs);
        let d = self.depth.entry(name).or_default();
        *d = (*d).max(depth);
    }

    pub fn contains(&self, name: &str) -> bool {
        self.edges.contains_key(name)
    }

    fn refs(&self, name: &str) -> &[&'a PartialRef] {
        self.edges.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The shortest chain of includes from `from` to `to`, both included
    /// (`[from]` when they are the same).
    pub fn path(&self, from: &str, to: &str) -> Option<Vec<&'a str>> {
        let (&start, _) = self.edges.get_key_value(from)?;
        let mut parent: HashMap<&'a str, &'a str> = HashMap::new();
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut path = vec![node];
                while let Some(&p) = parent.get(path[path.len() - 1]) {
                    path.push(p);
                }
                path.reverse();
                return Some(path);
            }
            for r in self.refs(node) {
                let next = r.name.as_str();
                if seen.insert(next) {
                    parent.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// Walks everything rendering `root` includes (iteratively: the graph
    /// is user input) and returns how deep blocks and includes nest, or
    /// the first problem met.
    pub fn check(&self, root: &'a str) -> Result<usize, IncludeProblem<'a>> {
        let mut done: HashMap<&'a str, usize> = HashMap::new();
        let mut on_stack = HashSet::from([root]);
        let mut stack: Vec<(&'a str, usize)> = vec![(root, 0)];
        // The include of `root` the walk is under.
        let via = |stack: &[(&'a str, usize)]| self.refs(root)[stack[0].1 - 1];
        while let Some(&(node, next)) = stack.last() {
            let refs = self.refs(node);
            if let Some(r) = refs.get(next) {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                let child = r.name.as_str();
                if on_stack.contains(child) {
                    let at = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                    let mut cycle: Vec<&str> = stack[at..].iter().map(|(n, _)| *n).collect();
                    cycle.push(child);
                    let via = via(&stack);
                    return Err(IncludeProblem::Cycle { via, cycle });
                }
                if self.contains(child) && !done.contains_key(child) {
                    if stack.len() > MAX_NESTING {
                        return Err(IncludeProblem::TooDeep { via: via(&stack) });
                    }
                    on_stack.insert(child);
                    stack.push((child, 0));
                }
                continue;
            }
            let nested = |r: &&PartialRef| r.depth + 1 + done.get(r.name.as_str()).unwrap_or(&0);
            let own = self.depth.get(node).copied().unwrap_or(0);
            let deepest = refs.iter().map(nested).fold(own, usize::max);
            done.insert(node, deepest);
            on_stack.remove(node);
            stack.pop();
        }
        let nested = |r: &PartialRef| r.depth + 1 + done.get(r.name.as_str()).unwrap_or(&0);
        match self.refs(root).iter().find(|r| nested(r) > MAX_NESTING) {
            Some(via) => Err(IncludeProblem::TooDeep { via }),
            None => Ok(done.get(root).copied().unwrap_or(0)),
        }
    }
}

/// "partial `a` includes itself (through `b` -> `a`)" for `[a, b, a]`.
pub fn cycle_message(cycle: &[&str]) -> String {
    let first = cycle.first().copied().unwrap_or_default();
    if cycle.len() <= 2 {
        return format!("partial `{first}` includes itself");
    }
    let rest: Vec<String> = cycle[1..].iter().map(|n| format!("`{n}`")).collect();
    format!(
        "partial `{first}` includes itself through {}",
        rest.join(" -> ")
    )
}

impl IncludeProblem<'_> {
    /// The include in the template checked that leads to the problem.
    pub fn via(&self) -> &PartialRef {
        match self {
            IncludeProblem::Cycle { via, .. } | IncludeProblem::TooDeep { via } => via,
        }
    }

    /// The problem as an error at `line`/`col` (where [`Self::via`] is).
    pub fn to_error(&self, line: usize, col: usize) -> PromptError {
        let name = &self.via().name;
        let (message, hint) = match self {
            IncludeProblem::Cycle { cycle, .. } if cycle.first() == Some(&name.as_str()) => {
                (cycle_message(cycle), CYCLE_HINT.to_string())
            }
            IncludeProblem::Cycle { cycle, .. } => (
                format!(
                    "partial `{name}` leads into an include cycle: {}",
                    cycle_message(cycle)
                ),
                CYCLE_HINT.to_string(),
            ),
            IncludeProblem::TooDeep { .. } => (
                format!(
                    "with partial `{name}`, blocks and includes nest more than {MAX_NESTING} \
                     levels deep"
                ),
                "flatten the partials: fewer blocks around each `{{> ...}}`, or fewer levels of \
                 partials including partials"
                    .to_string(),
            ),
        };
        PromptError::new(PromptErrorKind::Render, line, col, message, hint)
    }
}

/// Checks that rendering the prompt (its template's `includes`) with the
/// partials neither loops nor nests too deep. Errors point into the file.
pub fn check_includes(
    parsed: &ParsedPrompt,
    includes: &Includes,
    partials: &HashMap<String, Includes>,
) -> Result<(), PromptError> {
    let mut graph = IncludeGraph::default();
    for (name, partial) in partials.iter().filter(|(n, _)| *n != MAIN_TEMPLATE) {
        graph.add(name, partial);
    }
    graph.add(MAIN_TEMPLATE, includes);
    graph.check(MAIN_TEMPLATE).map(drop).map_err(|problem| {
        let (line, col) = line_col_at(&parsed.template, problem.via().offset);
        let (line, col) = parsed.file_pos(line, col);
        problem.to_error(line, col)
    })
}

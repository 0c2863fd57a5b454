//! Walks over compiled handlebars templates: resolving `@name.path` data
//! references (the handlebars crate only looks up the first segment of a
//! `@` path), and listing the top-level variables a template reads.

use super::helpers::{DATA_HELPER, KNOWN_HELPERS};
use handlebars::template::{Parameter, Subexpression, Template, TemplateElement};
use handlebars::{Path, PathSeg};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// `@` names the handlebars crate sets itself; never rewritten.
const BUILTIN_DATA: &[&str] = &["index", "key", "first", "last", "root", "level"];

/// The name and segments of `@name.a.b` (also `../@name`, `@name/a`).
fn data_ref_segments(raw: &str) -> Option<Vec<String>> {
    let at = raw.find('@')?;
    let mut segs = Vec::new();
    let mut cur = String::new();
    let mut in_bracket = false;
    for c in raw[at + 1..].chars() {
        match c {
            '[' if !in_bracket => in_bracket = true,
            ']' if in_bracket => in_bracket = false,
            '.' | '/' if !in_bracket => segs.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    segs.push(cur);
    let name = segs.first()?;
    (!name.is_empty() && !BUILTIN_DATA.contains(&name.as_str())).then_some(segs)
}

fn lookup(data: &Map<String, Value>, segs: &[String]) -> Option<Value> {
    let (first, rest) = segs.split_first()?;
    let mut cur = data.get(first)?;
    for (i, seg) in rest.iter().enumerate() {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => match seg.parse::<usize>() {
                Ok(index) => a.get(index)?,
                // `@state.items.length`, as Handlebars.js reads it.
                Err(_) if seg == "length" && i + 1 == rest.len() => {
                    return super::length::js_length(cur);
                }
                Err(_) => return None,
            },
            Value::String(_) if seg == "length" && i + 1 == rest.len() => {
                return super::length::js_length(cur);
            }
            _ => return None,
        };
    }
    Some(cur.clone())
}

fn data_value(raw: &str, data: &Map<String, Value>) -> Option<Vec<Parameter>> {
    let segs = data_ref_segments(raw)?;
    Some(
        lookup(data, &segs)
            .map(|v| vec![Parameter::Literal(v)])
            .unwrap_or_default(),
    )
}

fn local_raw(p: &Parameter) -> Option<&str> {
    match p {
        Parameter::Path(Path::Local((_, _, raw))) => Some(raw),
        _ => None,
    }
}

/// Replaces every `@name...` reference (other than `@index`, `@key`, ...)
/// by its value from `data`, so nested paths and lookups inside `#each`
/// blocks behave like JS handlebars data frames.
pub fn rewrite_data_refs(tpl: &mut Template, data: &Map<String, Value>) {
    for el in &mut tpl.elements {
        rewrite_element(el, data);
    }
}

fn rewrite_element(el: &mut TemplateElement, data: &Map<String, Value>) {
    match el {
        TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
            let name_only = !ht.block && ht.params.is_empty() && ht.hash.is_empty();
            if name_only && let Some(params) = local_raw(&ht.name).and_then(|r| data_value(r, data))
            {
                ht.name = Parameter::Name(DATA_HELPER.to_string());
                ht.params = params;
                return;
            }
            rewrite_params(&mut ht.params, &mut ht.hash, data);
        }
        TemplateElement::HelperBlock(ht) => {
            rewrite_params(&mut ht.params, &mut ht.hash, data);
            for t in [&mut ht.template, &mut ht.inverse].into_iter().flatten() {
                rewrite_data_refs(t, data);
            }
        }
        TemplateElement::DecoratorExpression(dt)
        | TemplateElement::DecoratorBlock(dt)
        | TemplateElement::PartialExpression(dt)
        | TemplateElement::PartialBlock(dt) => {
            rewrite_params(&mut dt.params, &mut dt.hash, data);
            if let Some(t) = &mut dt.template {
                rewrite_data_refs(t, data);
            }
        }
        _ => {}
    }
}

fn rewrite_params(
    params: &mut [Parameter],
    hash: &mut HashMap<String, Parameter>,
    data: &Map<String, Value>,
) {
    for p in params.iter_mut().chain(hash.values_mut()) {
        rewrite_param(p, data);
    }
}

fn rewrite_param(p: &mut Parameter, data: &Map<String, Value>) {
    if let Some(values) = local_raw(p).and_then(|r| data_value(r, data)) {
        let name = Parameter::Name(DATA_HELPER.to_string());
        *p = Parameter::Subexpression(Subexpression::new(name, values, HashMap::new()));
    } else if let Parameter::Subexpression(sub) = p {
        rewrite_element(&mut sub.element, data);
    }
}

/// Lists the top-level variables a template reads, in order of first use.
/// Names inside blocks that change the context (`#each`, `#with`, unknown
/// block names) are not top-level; `../name` and `@root.name` are.
/// Partials are followed (hash arguments shadow variables inside them).
pub fn referenced_vars(tpl: &Template, partials: &HashMap<String, Template>) -> Vec<String> {
    let mut walker = VarWalker {
        partials,
        found: Vec::new(),
        stack: Vec::new(),
    };
    walker.template(tpl, 0, &HashSet::new());
    walker.found
}

struct VarWalker<'a> {
    partials: &'a HashMap<String, Template>,
    found: Vec<String>,
    stack: Vec<String>,
}

fn path_of(p: &Parameter) -> Option<Path> {
    match p {
        Parameter::Path(path) => Some(path.clone()),
        Parameter::Name(n) => Path::parse(n).ok(),
        _ => None,
    }
}

impl VarWalker<'_> {
    fn template(&mut self, tpl: &Template, depth: usize, locals: &HashSet<String>) {
        for el in &tpl.elements {
            self.element(el, depth, locals);
        }
    }

    fn note(&mut self, name: &str, locals: &HashSet<String>) {
        if !locals.contains(name) && !self.found.iter().any(|f| f == name) {
            self.found.push(name.to_string());
        }
    }

    fn path(&mut self, path: &Path, depth: usize, locals: &HashSet<String>) {
        let Path::Relative((segs, _)) = path else {
            return;
        };
        let mut iter = segs.iter().peekable();
        let mut ups = 0;
        let mut rooted = false;
        while let Some(PathSeg::Ruled(rule)) = iter.peek() {
            match format!("{rule:?}").as_str() {
                "path_up" => ups += 1,
                "path_root" => rooted = true,
                _ => {}
            }
            iter.next();
        }
        if let Some(PathSeg::Named(name)) = iter.next()
            && (rooted || ups == depth)
        {
            self.note(name, locals);
        }
    }

    fn param(&mut self, p: &Parameter, depth: usize, locals: &HashSet<String>) {
        match p {
            Parameter::Path(path) => self.path(path, depth, locals),
            Parameter::Subexpression(sub) => self.element(&sub.element, depth, locals),
            _ => {}
        }
    }

    fn element(&mut self, el: &TemplateElement, depth: usize, locals: &HashSet<String>) {
        match el {
            TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
                let name_only = !ht.block && ht.params.is_empty() && ht.hash.is_empty();
                let is_helper = ht
                    .name
                    .as_name()
                    .is_some_and(|n| KNOWN_HELPERS.contains(&n));
                if name_only
                    && !is_helper
                    && let Some(path) = path_of(&ht.name)
                {
                    self.path(&path, depth, locals);
                }
                for p in ht.params.iter().chain(ht.hash.values()) {
                    self.param(p, depth, locals);
                }
            }
            TemplateElement::HelperBlock(ht) => {
                let name = ht.name.as_name().unwrap_or_default();
                let same_context = matches!(name, "if" | "unless" | "ifEquals" | "unlessEquals");
                if !KNOWN_HELPERS.contains(&name)
                    && let Some(path) = path_of(&ht.name)
                {
                    self.path(&path, depth, locals);
                }
                for p in ht.params.iter().chain(ht.hash.values()) {
                    self.param(p, depth, locals);
                }
                let inner = if same_context { depth } else { depth + 1 };
                if let Some(t) = &ht.template {
                    self.template(t, inner, locals);
                }
                if let Some(t) = &ht.inverse {
                    self.template(t, depth, locals);
                }
            }
            TemplateElement::PartialExpression(dt) | TemplateElement::PartialBlock(dt) => {
                for p in dt.params.iter().chain(dt.hash.values()) {
                    self.param(p, depth, locals);
                }
                let name = dt.name.as_name().unwrap_or_default().to_string();
                let Some(partial) = self.partials.get(&name) else {
                    return;
                };
                if self.stack.contains(&name) {
                    return;
                }
                // A context argument (`{{> p other}}`) detaches the partial.
                let inner = if dt.params.is_empty() {
                    depth
                } else {
                    depth + 1
                };
                let mut inner_locals = locals.clone();
                if inner == 0 {
                    inner_locals.extend(dt.hash.keys().cloned());
                }
                self.stack.push(name);
                self.template(partial, inner, &inner_locals);
                self.stack.pop();
                if let Some(t) = &dt.template {
                    self.template(t, depth, locals);
                }
            }
            _ => {}
        }
    }
}

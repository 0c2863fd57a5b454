//! `.length` as Handlebars.js reads it: the number of items of an array,
//! the length of a string (in UTF-16 units), an object's `length` key. The
//! handlebars crate fails on `items.length` ("Cannot access array/vector with
//! string index"), so compiled templates get `path.length` rewritten into a
//! call of the internal helper `__pwb_length path`.
//!
//! This follows npm dotprompt (Handlebars.js), the runtime of Genkit JS, as
//! do real templates (`{{#if items.length}}`); PyPI dotpromptz 0.2.0 treats
//! `.length` as missing.

use super::helpers::LENGTH_HELPER;
use handlebars::template::{Parameter, Subexpression, Template, TemplateElement};
use handlebars::{
    Context, Handlebars, Helper, HelperDef, Path, PathSeg, RenderContext, RenderError, ScopedJson,
};
use serde_json::Value;
use std::collections::HashMap;

/// What JavaScript's `value.length` gives for a JSON value (`None` is
/// `undefined`).
pub fn js_length(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => Some(Value::from(items.len())),
        Value::String(s) => Some(Value::from(s.encode_utf16().count())),
        Value::Object(m) => m.get("length").cloned(),
        _ => None,
    }
}

/// The helper behind the rewrite: `__pwb_length VALUE` is `VALUE.length`.
pub struct LengthOf;

impl HelperDef for LengthOf {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let value = h
            .param(0)
            .filter(|p| !p.is_value_missing())
            .and_then(|p| js_length(p.value()));
        Ok(value.map_or(ScopedJson::Missing, ScopedJson::Derived))
    }
}

/// Rewrites every `a.length` (also `this.length`, `../a.length`,
/// `@root.a.length`) in `tpl`, and a bare `length` inside blocks that change
/// the context (`#each`, `#with`): there the context may be an array. A
/// bare `length` at the top is a variable of that name and stays one.
pub fn rewrite_length(tpl: &mut Template) {
    walk(tpl, false);
}

fn walk(tpl: &mut Template, inner: bool) {
    for el in &mut tpl.elements {
        element(el, inner);
    }
}

fn element(el: &mut TemplateElement, inner: bool) {
    match el {
        TemplateElement::Expression(ht) | TemplateElement::HtmlExpression(ht) => {
            let name_only = !ht.block && ht.params.is_empty() && ht.hash.is_empty();
            if name_only && let Some(parent) = length_parent(&ht.name, inner) {
                ht.name = Parameter::Name(LENGTH_HELPER.to_string());
                ht.params = vec![parent];
                return;
            }
            params(&mut ht.params, &mut ht.hash, inner);
        }
        TemplateElement::HelperBlock(ht) => {
            params(&mut ht.params, &mut ht.hash, inner);
            let same_context = matches!(
                ht.name.as_name(),
                Some("if" | "unless" | "ifEquals" | "unlessEquals")
            );
            if let Some(t) = &mut ht.template {
                walk(t, inner || !same_context);
            }
            if let Some(t) = &mut ht.inverse {
                walk(t, inner);
            }
        }
        TemplateElement::DecoratorExpression(dt)
        | TemplateElement::DecoratorBlock(dt)
        | TemplateElement::PartialExpression(dt)
        | TemplateElement::PartialBlock(dt) => {
            params(&mut dt.params, &mut dt.hash, inner);
            if let Some(t) = &mut dt.template {
                walk(t, inner);
            }
        }
        _ => {}
    }
}

fn params(params: &mut [Parameter], hash: &mut HashMap<String, Parameter>, inner: bool) {
    for p in params.iter_mut().chain(hash.values_mut()) {
        if let Some(parent) = length_parent(p, inner) {
            let name = Parameter::Name(LENGTH_HELPER.to_string());
            *p = Parameter::Subexpression(Subexpression::new(name, vec![parent], HashMap::new()));
        } else if let Parameter::Subexpression(sub) = p {
            element(&mut sub.element, inner);
        }
    }
}

/// For a path ending in `.length`, the path before it.
fn length_parent(p: &Parameter, inner: bool) -> Option<Parameter> {
    let path = match p {
        Parameter::Path(path) => path.clone(),
        Parameter::Name(name) => Path::parse(name).ok()?,
        _ => return None,
    };
    let Path::Relative((segs, raw)) = &path else {
        return None;
    };
    if !matches!(segs.last(), Some(PathSeg::Named(n)) if n == "length") {
        return None;
    }
    let before = raw.strip_suffix("length")?;
    let parent = match before.strip_suffix(['.', '/']) {
        Some("" | "." | "this") => "this",
        Some(parent) if !parent.ends_with('.') => parent,
        Some(_) => return None,
        None if before.is_empty() && inner => "this",
        None => return None,
    };
    Path::parse(parent).ok().map(Parameter::Path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn js_length_of_each_kind() {
        assert_eq!(js_length(&json!([1, 2, 3])), Some(json!(3)));
        assert_eq!(js_length(&json!("héllo😀")), Some(json!(7)), "UTF-16 units");
        assert_eq!(js_length(&json!({"length": "long"})), Some(json!("long")));
        assert_eq!(js_length(&json!({"a": 1})), None);
        assert_eq!(js_length(&json!(5)), None);
        assert_eq!(js_length(&Value::Null), None);
    }

    fn parent_of(raw: &str, inner: bool) -> Option<String> {
        let p = Parameter::Path(Path::parse(raw).unwrap());
        match length_parent(&p, inner)? {
            Parameter::Path(Path::Relative((_, raw))) => Some(raw),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn finds_the_path_before_length() {
        assert_eq!(parent_of("items.length", false).as_deref(), Some("items"));
        assert_eq!(parent_of("a/b/length", false).as_deref(), Some("a/b"));
        assert_eq!(parent_of("this.length", false).as_deref(), Some("this"));
        assert_eq!(
            parent_of("../items.length", true).as_deref(),
            Some("../items")
        );
        assert_eq!(
            parent_of("@root.items.length", false).as_deref(),
            Some("@root.items")
        );
        assert_eq!(parent_of("length", true).as_deref(), Some("this"));
        assert_eq!(parent_of("length", false), None, "a top-level variable");
        assert_eq!(parent_of("items.lengths", false), None);
        assert_eq!(parent_of("items", false), None);
    }
}

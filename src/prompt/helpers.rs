//! Dotprompt's handlebars helpers (`role`, `history`, `section`, `media`,
//! `json`, `ifEquals`, `unlessEquals`) for the handlebars crate; they write
//! the same `<<<dotprompt:...>>>` markers as JS dotprompt.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, PathAndJson, RenderContext,
    RenderError, Renderable, ScopedJson,
};
use serde::Serialize;
use serde_json::Value;

/// The internal helper that stands in for `@name.path` data references; the
/// renderer rewrites those into `(__pwb_data VALUE)` before rendering.
pub const DATA_HELPER: &str = "__pwb_data";

/// The internal helper that stands in for `path.length`: see
/// [`super::length`].
pub const LENGTH_HELPER: &str = "__pwb_length";

/// Helpers a template may call: Dotprompt's own, Handlebars.js's built-ins
/// (`raw` for `{{{{raw}}}}` blocks) and pwb's internal ones. JS dotprompt
/// compiles with `knownHelpersOnly`, so anything else fails in Genkit (see
/// [`super::helper_check`]).
pub const KNOWN_HELPERS: &[&str] = &[
    "role",
    "history",
    "section",
    "media",
    "json",
    "ifEquals",
    "unlessEquals",
    "if",
    "unless",
    "each",
    "with",
    "lookup",
    "log",
    "raw",
    DATA_HELPER,
    LENGTH_HELPER,
];

/// The helpers a user may write, as listed in messages.
pub const USER_HELPERS: &[&str] = &[
    "role",
    "history",
    "section",
    "media",
    "json",
    "ifEquals",
    "unlessEquals",
    "if",
    "unless",
    "each",
    "with",
    "lookup",
    "log",
];

/// Helpers the handlebars crate registers that Handlebars.js (and so
/// Dotprompt) lacks; they are removed so templates behave as in Genkit.
pub const RUST_ONLY_HELPERS: &[&str] = &[
    "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "len",
];

/// Registers every Dotprompt helper, removes the handlebars crate's extras
/// and turns HTML escaping off.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_escape_fn(handlebars::no_escape);
    for name in RUST_ONLY_HELPERS {
        registry.unregister_helper(name);
    }
    registry.register_helper("role", Box::new(role));
    registry.register_helper("history", Box::new(history));
    registry.register_helper("section", Box::new(section));
    registry.register_helper("media", Box::new(media));
    registry.register_helper("json", Box::new(json));
    registry.register_helper("ifEquals", Box::new(EqualsBlock { want_equal: true }));
    registry.register_helper("unlessEquals", Box::new(EqualsBlock { want_equal: false }));
    registry.register_helper(DATA_HELPER, Box::new(DataValue));
    registry.register_helper(LENGTH_HELPER, Box::new(super::length::LengthOf));
}

/// A value as a JavaScript template string would print it.
fn js_string(param: Option<&PathAndJson<'_>>) -> String {
    match param {
        None => "undefined".to_string(),
        Some(p) if p.is_value_missing() => "undefined".to_string(),
        Some(p) => js_value_string(p.value()),
    }
}

fn js_value_string(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::Null => String::new(),
                other => js_value_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_string(),
    }
}

fn role(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&format!("<<<dotprompt:role:{}>>>", js_string(h.param(0))))?;
    Ok(())
}

fn history(
    _: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    out.write("<<<dotprompt:history>>>")?;
    Ok(())
}

fn section(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&format!(
        "<<<dotprompt:section {}>>>",
        js_string(h.param(0))
    ))?;
    Ok(())
}

fn media(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let url = js_string(h.hash_get("url"));
    let content_type = h
        .hash_get("contentType")
        .filter(|p| !p.is_value_missing() && is_truthy(p.value()))
        .map(|p| format!(" {}", js_value_string(p.value())))
        .unwrap_or_default();
    out.write(&format!("<<<dotprompt:media:url {url}{content_type}>>>"))?;
    Ok(())
}

fn is_truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `JSON.stringify(value, null, indent)`: `indent` is a number of spaces
/// (at most 10) or a string (its first 10 characters).
fn json(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let Some(param) = h.param(0).filter(|p| !p.is_value_missing()) else {
        return Ok(());
    };
    let indent = match h.hash_get("indent").map(|p| p.value()) {
        Some(Value::Number(n)) => " ".repeat(n.as_f64().unwrap_or(0.0).clamp(0.0, 10.0) as usize),
        Some(Value::String(s)) => s.chars().take(10).collect(),
        _ => String::new(),
    };
    out.write(&stringify(param.value(), &indent))?;
    Ok(())
}

/// JSON text with JavaScript's layout: compact, or one item per line.
pub fn stringify(value: &Value, indent: &str) -> String {
    if indent.is_empty() {
        return value.to_string();
    }
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    match value.serialize(&mut ser) {
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(_) => value.to_string(),
    }
}

/// JavaScript `===` on JSON values; a missing value equals only another
/// missing one, numbers compare by value (`5 === 5.0`, `5 !== "5"`).
fn strict_equal(a: Option<&PathAndJson<'_>>, b: Option<&PathAndJson<'_>>) -> bool {
    let a = a.filter(|p| !p.is_value_missing()).map(|p| p.value());
    let b = b.filter(|p| !p.is_value_missing()).map(|p| p.value());
    match (a, b) {
        (None, None) => true,
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

struct EqualsBlock {
    want_equal: bool,
}

impl HelperDef for EqualsBlock {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let pick = strict_equal(h.param(0), h.param(1)) == self.want_equal;
        let branch = if pick { h.template() } else { h.inverse() };
        if let Some(t) = branch {
            t.render(r, ctx, rc, out)?;
        }
        Ok(())
    }
}

/// Returns its one literal parameter (or nothing): see [`DATA_HELPER`].
struct DataValue;

impl HelperDef for DataValue {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        Ok(match h.param(0) {
            Some(p) => ScopedJson::Derived(p.value().clone()),
            None => ScopedJson::Missing,
        })
    }
}

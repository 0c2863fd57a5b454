//! The part of Nunjucks that promptfoo suites use for prompts, vars and
//! assertion values: `{{ name }}`, `{{ a.b }}`, `{{ a[0] }}`, `{{ a["k"] }}`,
//! whitespace control (`{{-`, `-}}`), `{# comments #}` and `{% raw %}`.
//! Everything else (filters, tags, calls, operators) is a `TemplateError`
//! saying so, never a silent difference. Values print as JavaScript's
//! `String(value)` does (see `js`).

mod js;
mod parse;

pub use js::{js_number, js_string};

use serde_json::{Map, Value};

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Var(VarPath),
}

/// A variable reference: `root` and the member lookups after it.
#[derive(Debug, Clone, PartialEq)]
pub struct VarPath {
    pub root: String,
    pub keys: Vec<Key>,
}

/// One member lookup: `.name` or `["name"]`, or `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Key {
    Name(String),
    Index(usize),
}

/// What pwb cannot render, and where in the template (a byte offset).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

impl Template {
    /// Parses `src`; unsupported Nunjucks is an error.
    pub fn parse(src: &str) -> Result<Template, TemplateError> {
        parse::parse(src)
    }

    /// As promptfoo renders a prompt or a var: a text with an unclosed tag
    /// on some line (`{{` with no `}}` after it on that line) is taken as
    /// it is, without substituting anything (promptfoo wraps it in
    /// `{% raw %}`); other text parses as `parse` does.
    pub fn parse_lenient(src: &str) -> Result<Template, TemplateError> {
        if has_partial_tag(src) && !has_raw_block(src) {
            return Ok(Template {
                pieces: vec![Piece::Text(src.to_string())],
            });
        }
        parse::parse(src)
    }

    /// True when rendering cannot change the text (no variables).
    pub fn is_static(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p, Piece::Text(_)))
    }

    /// The variables the template reads, in order of appearance.
    pub fn vars(&self) -> impl Iterator<Item = &VarPath> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Var(v) => Some(v),
            Piece::Text(_) => None,
        })
    }

    /// Renders with `vars`, then `globals` (promptfoo's `env`) for names
    /// `vars` does not have. Missing values render as nothing.
    pub fn render(&self, vars: &Map<String, Value>, globals: &Map<String, Value>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(t) => out.push_str(t),
                Piece::Var(path) => {
                    let root = vars.get(&path.root).or_else(|| globals.get(&path.root));
                    if let Some(v) = root.and_then(|r| lookup(r, &path.keys)) {
                        out.push_str(&js_string(&v));
                    }
                }
            }
        }
        out
    }
}

/// promptfoo's `autoWrapRawIfPartialNunjucks` test: an opening `{%`,
/// `{{` or `{#` with no closing character after it on its line.
fn has_partial_tag(src: &str) -> bool {
    src.split('\n').any(|line| {
        let open = |tag: &str, close: char| {
            line.match_indices(tag)
                .any(|(i, _)| !line[i + 2..].contains(close))
        };
        open("{%", '%') || open("{{", '}') || open("{#", '#')
    })
}

/// promptfoo's "already wrapped" test: `{% raw %}` and `{% endraw %}`.
fn has_raw_block(src: &str) -> bool {
    static RAW: std::sync::OnceLock<[regex::Regex; 2]> = std::sync::OnceLock::new();
    let [open, close] = RAW.get_or_init(|| {
        let re = |t: &str| regex::Regex::new(&format!(r"\{{%\s*{t}\s*%\}}")).expect("static regex");
        [re("raw"), re("endraw")]
    });
    open.is_match(src) && close.is_match(src)
}

/// Member lookups as Nunjucks makes them on JavaScript values: object
/// keys, array indexes, and `length` of arrays and strings (in UTF-16
/// units, as JavaScript counts). Anything else is undefined.
fn lookup(value: &Value, keys: &[Key]) -> Option<Value> {
    let mut cur = value.clone();
    for key in keys {
        cur = match (&cur, key) {
            (Value::Object(m), Key::Name(k)) => m.get(k).cloned()?,
            (Value::Object(m), Key::Index(i)) => m.get(&i.to_string()).cloned()?,
            (Value::Array(a), Key::Index(i)) => a.get(*i).cloned()?,
            (Value::Array(a), Key::Name(k)) if k == "length" => Value::from(a.len()),
            (Value::Array(a), Key::Name(k)) => a.get(k.parse::<usize>().ok()?).cloned()?,
            (Value::String(s), Key::Name(k)) if k == "length" => {
                Value::from(s.encode_utf16().count())
            }
            (Value::String(s), Key::Index(i)) => {
                let unit = *s.encode_utf16().collect::<Vec<u16>>().get(*i)?;
                Value::String(String::from_utf16_lossy(&[unit]))
            }
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests;

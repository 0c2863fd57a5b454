//! Checking the variables a prompt is rendered with: names it does not use
//! (with a did-you-mean) and values its input schema refuses (not one of an
//! enum, the wrong type), each as a message naming the variable.

use super::rendered::RenderedPrompt;
use super::suggest::did_you_mean;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde_json::{Map, Value};
use std::fmt;

/// What is wrong with one variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputProblemKind {
    /// The prompt neither reads it nor declares it.
    Unknown,
    /// The input schema refuses its value.
    Invalid,
}

/// One problem with the variables, about `var` (a top-level name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub var: String,
    /// Where in it, for a value inside the variable: `address.zip`,
    /// `items[2]`; else the same as `var`.
    pub path: String,
    pub kind: InputProblemKind,
    /// Says what is wrong, without the name: "`platinum` is not one of
    /// free, pro, enterprise".
    pub message: String,
    /// What to do; may be empty.
    pub hint: String,
}

impl fmt::Display for InputProblem {
    /// `customer_tier: `platinum` is not one of free, pro, enterprise`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// The variables the prompt knows: its input schema's properties, its
/// `input.default` keys, and every top-level name its template reads.
pub fn variable_names(rendered: &RenderedPrompt) -> Vec<String> {
    let input = rendered.input.as_ref();
    let keys = |pointer: &str| -> Vec<String> {
        input
            .and_then(|i| i.pointer(pointer))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let mut names = keys("/schema/properties");
    for name in keys("/default")
        .into_iter()
        .chain(rendered.variables.clone())
    {
        if name != "examples" && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Problems with `given`, the variables a user set, for a prompt rendered
/// with them: names the prompt does not know, then values (over
/// `input.default`) that its input schema refuses. Unset required
/// variables are not repeated here: `RenderedPrompt::missing_vars` has them.
pub fn check_inputs(rendered: &RenderedPrompt, given: &Map<String, Value>) -> Vec<InputProblem> {
    let known = variable_names(rendered);
    let mut out: Vec<InputProblem> = given
        .keys()
        .filter(|name| !known.contains(name))
        .map(|name| unknown(name, &known))
        .collect();
    let input = rendered.input.as_ref();
    let Some(schema) = input
        .and_then(|i| i.get("schema"))
        .filter(|s| s.is_object())
    else {
        return out;
    };
    let mut values = input
        .and_then(|i| i.get("default"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    values.extend(given.iter().map(|(k, v)| (k.clone(), v.clone())));
    let values = Value::Object(values);
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(e) => {
            out.push(InputProblem {
                var: "input.schema".into(),
                path: "input.schema".into(),
                kind: InputProblemKind::Invalid,
                message: format!("the schema cannot check variables: {e}"),
                hint: "fix the prompt's input schema".into(),
            });
            return out;
        }
    };
    for e in validator.iter_errors(&values) {
        let mut segments = e.instance_path().segments();
        let Some(LocationSegment::Property(var)) = segments.next() else {
            // Problems with the whole object: missing (`required`) or
            // extra (`additionalProperties`) names, said above or elsewhere.
            continue;
        };
        let var = var.into_owned();
        let mut path = var.clone();
        for seg in segments {
            match seg {
                LocationSegment::Property(p) => path.push_str(&format!(".{p}")),
                LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        let message = match e.kind() {
            ValidationErrorKind::Enum { options } => not_one_of(e.instance(), options),
            ValidationErrorKind::Type { kind } => {
                let names: Vec<&str> = match kind {
                    TypeKind::Single(t) => vec![t.as_str()],
                    TypeKind::Multiple(set) => set.iter().map(|t| t.as_str()).collect(),
                };
                not_of_type(e.instance(), &names)
            }
            _ => e.to_string(),
        };
        out.push(InputProblem {
            var,
            path,
            kind: InputProblemKind::Invalid,
            message,
            hint: String::new(),
        });
    }
    out
}

fn unknown(name: &str, known: &[String]) -> InputProblem {
    let names: Vec<&str> = known.iter().map(String::as_str).collect();
    let listed = if names.is_empty() {
        "it has none".to_string()
    } else {
        format!("its variables: {}", names.join(", "))
    };
    let hint = match did_you_mean(name, &names) {
        Some(best) => format!("did you mean `{best}`?"),
        None => String::new(),
    };
    InputProblem {
        var: name.to_string(),
        path: name.to_string(),
        kind: InputProblemKind::Unknown,
        message: format!("the prompt has no variable `{name}` ({listed})"),
        hint,
    }
}

/// A value as the user typed it: strings bare, the rest as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "`platinum` is not one of free, pro, enterprise" (a `null` option, how
/// Picoschema marks an optional enum, is left out of the list).
fn not_one_of(value: &Value, options: &Value) -> String {
    let list: Vec<String> = options
        .as_array()
        .map(|o| o.iter().filter(|v| !v.is_null()).map(shown).collect())
        .unwrap_or_default();
    format!("`{}` is not one of {}", shown(value), list.join(", "))
}

/// "`many` is not an integer" (`null`, how Picoschema marks an optional
/// field, is left out).
fn not_of_type(value: &Value, types: &[&str]) -> String {
    let wanted: Vec<String> = types
        .iter()
        .filter(|t| **t != "null")
        .map(|t| match *t {
            "integer" | "object" | "array" => format!("an {t}"),
            other => format!("a {other}"),
        })
        .collect();
    format!("`{}` is not {}", shown(value), wanted.join(" or "))
}

//! A few-shot example as stored in `examples/NAME.yaml`: an input (plain text,
//! or template variables to render through the prompt) and the answer.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Example {
    /// Shown in the picker; files may omit it (then `file#index`).
    pub name: String,
    /// A string is used as the user turn as is; an object is a set of
    /// template variables and the user turn is the prompt rendered with them.
    pub input: Value,
    /// A string is the model turn as is; anything else is written as JSON.
    pub output: Value,
}

impl Example {
    /// The model turn's text.
    pub fn output_text(&self) -> String {
        match &self.output {
            Value::String(s) => s.clone(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        }
    }
}

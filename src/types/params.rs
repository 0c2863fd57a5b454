//! Generation parameters common to every provider, and how each wire
//! format names them.

use serde::{Deserialize, Serialize};

/// Generation parameters common to all providers; `None` means "provider default".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Sample only from the k most likely tokens (the local model honours
    /// it; the OpenAI wire format has no such field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

/// One of the common generation parameters, to say which one a message
/// is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Param {
    Temperature,
    MaxTokens,
    TopP,
    TopK,
    Stop,
    Seed,
}

impl Param {
    /// The field's name in `GenParams` and pwb.toml (`max_tokens`).
    pub fn name(self) -> &'static str {
        match self {
            Param::Temperature => "temperature",
            Param::MaxTokens => "max_tokens",
            Param::TopP => "top_p",
            Param::TopK => "top_k",
            Param::Stop => "stop",
            Param::Seed => "seed",
        }
    }
}

/// What one API calls the common parameters (`None`: the API has no such
/// parameter and it is not sent).
pub struct ParamNames {
    pub temperature: &'static str,
    pub top_p: &'static str,
    pub top_k: Option<&'static str>,
    pub max_tokens: &'static str,
    pub stop: &'static str,
    pub seed: Option<&'static str>,
}

impl GenParams {
    /// The parameters that are set, under the API's names.
    pub fn to_wire(&self, names: &ParamNames) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let mut out = serde_json::Map::new();
        let mut put = |name: Option<&str>, value: Option<serde_json::Value>| {
            if let (Some(n), Some(v)) = (name, value) {
                out.insert(n.to_string(), v);
            }
        };
        put(Some(names.temperature), self.temperature.map(|t| json!(t)));
        put(Some(names.top_p), self.top_p.map(|t| json!(t)));
        put(names.top_k, self.top_k.map(|k| json!(k)));
        put(Some(names.max_tokens), self.max_tokens.map(|m| json!(m)));
        put(
            Some(names.stop),
            (!self.stop.is_empty()).then(|| json!(self.stop)),
        );
        put(names.seed, self.seed.map(|s| json!(s)));
        out
    }

    /// `self` with every parameter `over` sets taking precedence.
    pub fn overlay(&self, over: &GenParams) -> GenParams {
        GenParams {
            temperature: over.temperature.or(self.temperature),
            max_tokens: over.max_tokens.or(self.max_tokens),
            top_p: over.top_p.or(self.top_p),
            top_k: over.top_k.or(self.top_k),
            stop: if over.stop.is_empty() {
                self.stop.clone()
            } else {
                over.stop.clone()
            },
            seed: over.seed.or(self.seed),
        }
    }
}

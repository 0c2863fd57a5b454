//! A promptfoo provider's `config` applied to pwb's endpoint and
//! parameters: base URL (`apiBaseUrl`, `apiHost`, and promptfoo's
//! environment variables for them), key (`apiKey`, `apiKeyEnvar`), and the
//! parameters pwb sends under each provider's names for them. Keys that
//! change the request in ways pwb does not make are errors; others pwb
//! does not send are warnings.

use super::ProviderChoice;
use super::config::Located;
use crate::types::{ProviderKind, Secret};
use crate::workspace::yaml_locate::Seg;
use serde_json::{Map, Value};

/// `config` keys read for every provider (others are provider-specific).
const COMMON: &[&str] = &[
    "temperature",
    "top_p",
    "seed",
    "stop",
    "apiKey",
    "apiKeyEnvar",
    "apiBaseUrl",
];
/// Keys that would change the request in ways pwb does not make.
const REFUSED: &[&str] = &[
    "tools",
    "functions",
    "tool_choice",
    "response_format",
    "transform",
];

pub(super) fn apply_config(
    choice: &mut ProviderChoice,
    config: &Map<String, Value>,
    config_at: &[Seg],
    at: &mut Located<'_>,
) {
    let kind = choice.id.provider();
    let own: &[&str] = match kind {
        ProviderKind::OpenAi => &[
            "max_tokens",
            "max_completion_tokens",
            "apiHost",
            "organization",
        ],
        ProviderKind::Anthropic => &["max_tokens", "top_k"],
        ProviderKind::Ollama => &["num_predict", "top_k"],
        ProviderKind::Gemini => &[
            "maxOutputTokens",
            "topP",
            "topK",
            "stopSequences",
            "generationConfig",
            "apiHost",
        ],
        _ => &["max_tokens", "top_k"],
    };
    let here = |key: &str| {
        let mut p = config_at.to_vec();
        p.push(Seg::Key(key.to_string()));
        p
    };
    // Gemini's generationConfig holds the same keys, under the top level.
    let mut flat = config.clone();
    if let Some(Value::Object(g)) = config.get("generationConfig") {
        for (k, v) in g {
            flat.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    for (key, value) in &flat {
        if REFUSED.contains(&key.as_str()) {
            at.error(
                &here(key),
                format!("`config.{key}` is not supported by pwb"),
                "remove it, or run this suite with promptfoo",
            );
            continue;
        }
        if !COMMON.contains(&key.as_str())
            && !own.contains(&key.as_str())
            && config.contains_key(key)
        {
            at.warn(
                &here(key),
                format!("`config.{key}` is not sent by pwb (ignored)"),
                "pwb sends temperature, max tokens, top_p, top_k, seed and stop",
            );
            continue;
        }
        let number = |v: &Value| v.as_f64();
        let whole = |v: &Value| v.as_u64();
        let ok = match key.as_str() {
            "temperature" => number(value).map(|t| choice.params.temperature = Some(t)),
            "top_p" | "topP" => number(value).map(|t| choice.params.top_p = Some(t)),
            "top_k" | "topK" => whole(value).map(|k| choice.params.top_k = u32::try_from(k).ok()),
            "seed" => whole(value).map(|s| choice.params.seed = Some(s)),
            "max_tokens" | "max_completion_tokens" | "num_predict" | "maxOutputTokens" => {
                whole(value).map(|m| choice.params.max_tokens = u32::try_from(m).ok())
            }
            "stop" | "stopSequences" => {
                let stop: Option<Vec<String>> = match value {
                    Value::String(s) => Some(vec![s.clone()]),
                    Value::Array(a) => Some(
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    ),
                    _ => None,
                };
                stop.map(|s| choice.params.stop = s)
            }
            "apiBaseUrl" => value
                .as_str()
                .map(|u| choice.base_url = Some(u.trim_end_matches('/').to_string())),
            "apiHost" => value.as_str().map(|h| {
                choice.base_url = Some(match kind {
                    ProviderKind::OpenAi => format!("https://{h}/v1"),
                    _ => format!("https://{h}"),
                })
            }),
            "apiKey" => value
                .as_str()
                .map(|k| choice.api_key = Some(Secret::new(k))),
            "apiKeyEnvar" => value
                .as_str()
                .map(|v| choice.api_key_env = Some(v.to_string())),
            _ => Some(()),
        };
        if ok.is_none() {
            at.error(
                &here(key),
                format!("`config.{key}` has a value of the wrong type"),
                "check the provider's documentation",
            );
        }
    }
    if kind == ProviderKind::Ollama && choice.base_url.is_none() {
        choice.base_url = std::env::var("OLLAMA_BASE_URL")
            .ok()
            .filter(|u| !u.trim().is_empty());
    }
    if kind == ProviderKind::OpenAi && choice.base_url.is_none() {
        let host = std::env::var("OPENAI_API_HOST")
            .ok()
            .filter(|h| !h.is_empty())
            .map(|h| format!("https://{h}/v1"));
        choice.base_url = host.or_else(|| {
            std::env::var("OPENAI_API_BASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
        });
    }
}

//! promptfoo provider ids and their `config`, mapped to pwb's models:
//! `openai:chat:M`/`openai:M` (Chat Completions), `anthropic:messages:M`,
//! `ollama:chat:M`, `google:M` (the Gemini API), `echo`; pwb's own ids
//! (`gemini:`, `local:`) work too. Other providers are an error that says
//! so, never a silent stand-in.

use super::ProviderChoice;
use super::config::Located;
use crate::types::{GenParams, ModelId, ProviderKind};
use crate::workspace::yaml_locate::Seg;
use serde_json::{Map, Value};
use std::path::Path;

/// Maps a promptfoo provider id to a pwb model id, with a note when pwb
/// talks to it differently than promptfoo would.
pub fn map_provider(id: &str) -> Result<(ModelId, Option<String>), String> {
    let parts: Vec<&str> = id.split(':').collect();
    let rest = |n: usize| parts[n.min(parts.len())..].join(":");
    let model = |kind: ProviderKind, name: String| {
        if name.is_empty() {
            Err(format!("`{id}` names no model"))
        } else {
            Ok(ModelId::new(kind, name))
        }
    };
    let other = "an OpenAI-compatible server works as openai:chat:MODEL with config.apiBaseUrl";
    match parts[0] {
        "echo" if parts.len() == 1 => Ok((ModelId::new(ProviderKind::Echo, "echo"), None)),
        "openai" => match parts.get(1).copied().unwrap_or("") {
            "chat" => Ok((model(ProviderKind::OpenAi, rest(2))?, None)),
            "responses" => Ok((
                model(ProviderKind::OpenAi, rest(2))?,
                Some("pwb sends OpenAI's Chat Completions API, not the Responses API".into()),
            )),
            kind @ ("completion" | "embedding" | "embeddings" | "moderation" | "realtime" | "assistant"
            | "image" | "video" | "tts" | "speech" | "transcription" | "agents" | "chatkit" | "live"
            | "codex" | "codex-sdk" | "agents-api") => Err(format!("`{id}`: OpenAI's {kind} provider is not supported by pwb (chat models only)")),
            _ => Ok((model(ProviderKind::OpenAi, rest(1))?, None)),
        },
        "anthropic" => match parts.get(1).copied().unwrap_or("") {
            "messages" => Ok((model(ProviderKind::Anthropic, rest(2))?, None)),
            "completion" => Err(format!("`{id}`: Anthropic's legacy completion API is not supported by pwb")),
            m if m.starts_with("claude") => Ok((model(ProviderKind::Anthropic, rest(1))?, None)),
            _ => Err(format!("`{id}`: write anthropic:messages:MODEL")),
        },
        "ollama" => match parts.get(1).copied().unwrap_or("") {
            "chat" => Ok((model(ProviderKind::Ollama, rest(2))?, None)),
            "embedding" | "embeddings" => Err(format!("`{id}`: embeddings are not a model under test")),
            "completion" => Ok((
                model(ProviderKind::Ollama, rest(2))?,
                Some("promptfoo sends this to Ollama's /api/generate; pwb uses /api/chat".into()),
            )),
            _ => Ok((
                model(ProviderKind::Ollama, rest(1))?,
                Some("promptfoo sends ollama:MODEL to Ollama's /api/generate; pwb uses /api/chat (write ollama:chat:MODEL)".into()),
            )),
        },
        "google" if parts.len() == 2 => Ok((model(ProviderKind::Gemini, rest(1))?, None)),
        "google" => Err(format!("`{id}`: only google:MODEL (the Gemini API's chat models) is supported by pwb")),
        "vertex" => Err(format!("`{id}`: Vertex AI is not supported by pwb; the Gemini API is google:MODEL")),
        "gemini" | "local" => ModelId::parse(id).map(|m| (m, None)).map_err(|e| e.to_string()),
        "file" | "exec" | "python" | "http" | "https" | "webhook" | "websocket" => {
            Err(format!("`{id}`: custom providers are not supported by pwb"))
        }
        _ if id.ends_with(".js") || id.ends_with(".py") || id.ends_with(".ts") => {
            Err(format!("`{id}`: custom providers are not supported by pwb"))
        }
        p => Err(format!("`{id}`: promptfoo's `{p}` provider is not supported by pwb ({other})")),
    }
}

pub(super) fn read_providers(
    value: Option<&Value>,
    key: &str,
    _dir: &Path,
    at: &mut Located<'_>,
) -> Vec<ProviderChoice> {
    let top = Seg::Key(key.to_string());
    let items: Vec<(Vec<Seg>, &Value)> = match value {
        None => return Vec::new(),
        Some(v @ Value::String(_)) => vec![(vec![top], v)],
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, v)| (vec![top.clone(), Seg::Index(i)], v))
            .collect(),
        Some(_) => {
            at.error(
                &[top],
                format!("`{key}` must be a list of provider ids"),
                "e.g. providers: [openai:gpt-4o-mini]",
            );
            return Vec::new();
        }
    };
    items
        .into_iter()
        .filter_map(|(here, item)| one(item, &here, at))
        .collect()
}

fn one(item: &Value, here: &[Seg], at: &mut Located<'_>) -> Option<ProviderChoice> {
    let empty = Map::new();
    let (id, options, opts_at) = match item {
        Value::String(id) => (id.clone(), &empty, here.to_vec()),
        Value::Object(m) if m.contains_key("id") => match m.get("id") {
            Some(Value::String(id)) => (id.clone(), m, here.to_vec()),
            _ => {
                at.error(
                    here,
                    "a provider's `id` must be a string",
                    "e.g. id: openai:gpt-4o-mini",
                );
                return None;
            }
        },
        Value::Object(m) if m.len() == 1 => {
            let (id, inner) = m.iter().next()?;
            let mut opts_at = here.to_vec();
            opts_at.push(Seg::Key(id.clone()));
            match inner {
                Value::Object(inner) => (
                    inner
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or(id)
                        .to_string(),
                    inner,
                    opts_at,
                ),
                _ => (id.clone(), &empty, opts_at),
            }
        }
        _ => {
            at.error(
                here,
                "a provider is an id or a map with `id`",
                "e.g. - id: openai:gpt-4o-mini\n  config: {temperature: 0}",
            );
            return None;
        }
    };
    let (model, note) = match map_provider(&id) {
        Ok(m) => m,
        Err(e) => {
            at.error(
                here,
                e,
                "pwb runs openai:, anthropic:, ollama:, google: (Gemini API) models and echo",
            );
            return None;
        }
    };
    if let Some(note) = note {
        at.warn(here, note, "");
    }
    for key in options.keys() {
        match key.as_str() {
            "id" | "label" | "config" => {}
            "transform" | "prompts" => {
                let mut p = opts_at.clone();
                p.push(Seg::Key(key.clone()));
                at.error(
                    &p,
                    format!("a provider's `{key}` is not supported by pwb"),
                    "remove it, or run this suite with promptfoo",
                );
            }
            other => {
                let mut p = opts_at.clone();
                p.push(Seg::Key(key.clone()));
                at.warn(&p, format!("a provider's `{other}` is ignored by pwb"), "");
            }
        }
    }
    let mut config_at = opts_at.clone();
    config_at.push(Seg::Key("config".into()));
    let config = match options.get("config") {
        Some(Value::Object(c)) => c.clone(),
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            at.error(
                &config_at,
                "a provider's `config` must be a map",
                "e.g. config: {temperature: 0}",
            );
            Map::new()
        }
    };
    let mut choice = ProviderChoice {
        id: model,
        label: options
            .get("label")
            .and_then(Value::as_str)
            .map(str::to_string),
        written: id.clone(),
        base_url: None,
        api_key_env: None,
        api_key: None,
        params: GenParams::default(),
    };
    super::provider_config::apply_config(&mut choice, &config, &config_at, at);
    Some(choice)
}

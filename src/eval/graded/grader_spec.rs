//! Which model grades: a grader as promptfoo names it (`provider:` on an
//! assertion, `options.provider` of a case or `defaultTest`: an id
//! string, `{id, config}`, or `{text: ..., embedding: ...}`), as pwb names
//! it (`[eval] grader`, `--grader`: a pwb.toml label or a `provider:model`
//! id), resolved to a chat model for rubric-style grading or to an
//! embedding model for `similar` and answer-relevance.
//!
//! promptfoo ids map to pwb's providers: `openai:chat:M` and `openai:M`,
//! `anthropic:messages:M`, `ollama:chat:M` (and `ollama:M`), `google:M`
//! (Gemini); embedding models are `openai:embedding:M`,
//! `ollama:embeddings:M`, `google:embedding:M`. A chat grader used for
//! embeddings means its provider's default embedding model (promptfoo's:
//! `text-embedding-3-large`, `gemini-embedding-001`; Ollama: the model
//! itself).

use crate::provider::Endpoint;
use crate::session::{ModelPick, Session};
use crate::types::{ModelId, ProviderKind, Secret};
use serde_json::Value;

/// promptfoo's default OpenAI embedding model.
pub const OPENAI_EMBEDDING: &str = "text-embedding-3-large";
/// promptfoo's default Gemini (AI Studio) embedding model.
pub const GEMINI_EMBEDDING: &str = "gemini-embedding-001";

/// An embedding model and how to reach it.
#[derive(Debug, Clone)]
pub struct EmbeddingModel {
    /// Where to send (base URL, key); its id names the provider.
    pub endpoint: Endpoint,
    /// The embedding model's name at the provider.
    pub model: String,
}

impl EmbeddingModel {
    /// `openai:text-embedding-3-large`: for messages and the price lookup.
    pub fn id(&self) -> String {
        format!("{}:{}", self.endpoint.id.provider(), self.model)
    }
}

/// What a promptfoo id names.
struct Named {
    id: ModelId,
    embedding: bool,
}

/// The chat model `spec` names, with its config as overrides.
pub fn chat(session: &Session, spec: &Value) -> Result<ModelPick, String> {
    let (named, config) = resolve(session, spec, "text")?;
    if named.embedding {
        return Err(format!(
            "grader `{}` is an embedding model; this assertion needs a chat model",
            named.id
        ));
    }
    pick(session, &named.id, config)
}

/// The embedding model `spec` names (or its chat model's default one).
pub fn embedding(session: &Session, spec: &Value) -> Result<EmbeddingModel, String> {
    let (named, config) = resolve(session, spec, "embedding")?;
    let pick = pick(session, &named.id, config)?;
    let kind = named.id.provider();
    let model = if named.embedding {
        named.id.model().to_string()
    } else {
        match kind {
            ProviderKind::OpenAi => OPENAI_EMBEDDING.to_string(),
            ProviderKind::Gemini => GEMINI_EMBEDDING.to_string(),
            ProviderKind::Ollama => named.id.model().to_string(),
            other => {
                return Err(format!(
                    "{other} has no embeddings endpoint: name an embedding model for this \
                     assertion, e.g. provider: {{embedding: openai:embedding:{OPENAI_EMBEDDING}}}"
                ));
            }
        }
    };
    Ok(EmbeddingModel {
        endpoint: pick.model.endpoint,
        model,
    })
}

/// The model a spec names for `purpose` (`text` or `embedding`) and its
/// promptfoo `config`.
fn resolve<'v>(
    session: &Session,
    spec: &'v Value,
    purpose: &str,
) -> Result<(Named, Option<&'v Value>), String> {
    match spec {
        Value::String(s) => Ok((named(session, s)?, None)),
        Value::Object(o) => {
            if let Some(inner) = o.get(purpose).filter(|v| !v.is_null()) {
                return resolve(session, inner, purpose);
            }
            if let Some(Value::String(id)) = o.get("id") {
                return Ok((named(session, id)?, o.get("config")));
            }
            // A chat grader's provider also gives the embeddings.
            if purpose == "embedding"
                && let Some(text) = o.get("text").filter(|v| !v.is_null())
            {
                return resolve(session, text, purpose);
            }
            Err(format!(
                "grader {}: no `{purpose}` model and no `id`",
                crate::eval::graded::js::stringify(spec)
            ))
        }
        Value::Array(_) => Err("a grader is an id or an object with an id, not a list".into()),
        other => Err(format!(
            "a grader is an id such as \"openai:gpt-4o-mini\", not {other}"
        )),
    }
}

/// A promptfoo or pwb model name.
fn named(session: &Session, s: &str) -> Result<Named, String> {
    let s = s.trim();
    if session.models().iter().any(|m| m.name == s) {
        let m = session.find_model(s).map_err(|e| e.to_string())?;
        return Ok(Named {
            id: m.id().clone(),
            embedding: false,
        });
    }
    let (prefix, rest) = s.split_once(':').unwrap_or((s, ""));
    let strip = |kinds: &[&str]| {
        kinds
            .iter()
            .find_map(|k| rest.strip_prefix(k).and_then(|r| r.strip_prefix(':')))
    };
    let embedding_model = strip(&["embedding", "embeddings"]);
    let (kind, model) = match prefix {
        "openai" => {
            if let Some(bad) = ["completion", "responses", "assistant", "realtime"]
                .iter()
                .find(|k| rest.starts_with(&format!("{k}:")))
            {
                return Err(format!(
                    "grader `{s}`: openai:{bad} is not supported; use openai:chat:MODEL"
                ));
            }
            (ProviderKind::OpenAi, strip(&["chat"]).unwrap_or(rest))
        }
        "anthropic" => (
            ProviderKind::Anthropic,
            strip(&["messages"]).unwrap_or(rest),
        ),
        "ollama" => (
            ProviderKind::Ollama,
            strip(&["chat", "completion"]).unwrap_or(rest),
        ),
        "google" | "gemini" => (ProviderKind::Gemini, strip(&["chat"]).unwrap_or(rest)),
        "vertex" | "azure" | "bedrock" | "mistral" | "groq" | "xai" | "openrouter" => {
            return Err(format!(
                "grader `{s}`: pwb has no `{prefix}` provider; use openai:, anthropic:, \
                 gemini: (google:) or ollama: (an OpenAI-compatible server is openai: with \
                 config.apiBaseUrl)"
            ));
        }
        _ => {
            let m = session.find_model(s).map_err(|e| format!("grader: {e}"))?;
            return Ok(Named {
                id: m.id().clone(),
                embedding: false,
            });
        }
    };
    let model = embedding_model.unwrap_or(model);
    if model.trim().is_empty() {
        return Err(format!("grader `{s}` names no model"));
    }
    Ok(Named {
        id: ModelId::new(kind, model.trim()),
        embedding: embedding_model.is_some(),
    })
}

/// The pwb model for `id` (its pwb.toml entry when there is one) with
/// promptfoo's `config`: `apiBaseUrl`, `apiKeyEnvar`, `apiKey`,
/// `temperature`, `max_tokens`, `top_p`.
fn pick(session: &Session, id: &ModelId, config: Option<&Value>) -> Result<ModelPick, String> {
    let mut pick = session
        .find_model(&id.to_string())
        .map_err(|e| format!("grader: {e}"))?
        .pick();
    let Some(config) = config.and_then(Value::as_object) else {
        return Ok(pick);
    };
    let text = |k: &str| config.get(k).and_then(Value::as_str).map(str::to_string);
    let number = |k: &str| config.get(k).and_then(Value::as_f64);
    let ep = &mut pick.model.endpoint;
    if let Some(url) = text("apiBaseUrl").or_else(|| text("baseUrl")) {
        ep.base_url = Some(url);
    } else if let Some(host) = text("apiHost") {
        ep.base_url = Some(format!("https://{host}/v1"));
    }
    if let Some(var) = text("apiKeyEnvar") {
        ep.api_key_env = Some(var);
    }
    if let Some(key) = text("apiKey") {
        ep.api_key = Some(Secret::new(key));
    }
    let o = &mut pick.overrides;
    o.temperature = number("temperature").or(o.temperature);
    o.top_p = number("top_p").or_else(|| number("topP")).or(o.top_p);
    o.max_tokens = number("max_tokens")
        .or_else(|| number("maxOutputTokens"))
        .map(|n| n as u32)
        .or(o.max_tokens);
    Ok(pick)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::{ModelEntry, Workspace, WorkspaceConfig};
    use serde_json::json;

    fn session() -> Session {
        Session::new(Workspace {
            config: WorkspaceConfig {
                models: vec![ModelEntry {
                    id: "openai:judge-1".into(),
                    label: Some("judge".into()),
                    base_url: Some("http://127.0.0.1:9/v1".into()),
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        })
    }

    #[test]
    fn promptfoo_and_pwb_names_resolve_to_chat_models() {
        let s = session();
        let id = |v: Value| chat(&s, &v).map(|p| p.model.id().to_string());
        assert_eq!(
            id(json!("openai:chat:gpt-4o-mini")).unwrap(),
            "openai:gpt-4o-mini"
        );
        assert_eq!(id(json!("openai:gpt-4o")).unwrap(), "openai:gpt-4o");
        assert_eq!(
            id(json!("anthropic:messages:claude-sonnet-4-5")).unwrap(),
            "anthropic:claude-sonnet-4-5"
        );
        assert_eq!(
            id(json!("ollama:chat:llama3.2:1b")).unwrap(),
            "ollama:llama3.2:1b"
        );
        assert_eq!(
            id(json!("google:gemini-2.5-flash")).unwrap(),
            "gemini:gemini-2.5-flash"
        );
        assert_eq!(
            id(json!("judge")).unwrap(),
            "openai:judge-1",
            "a pwb.toml label"
        );
        assert_eq!(
            id(json!({"text": "local:smollm2-135m", "embedding": "x"})).unwrap(),
            "local:smollm2-135m"
        );
        assert!(id(json!("openai:embedding:text-embedding-3-small")).is_err());
        assert!(
            id(json!("vertex:gemini-pro"))
                .unwrap_err()
                .contains("no `vertex` provider")
        );
        assert!(id(json!("nonsense")).is_err());
        assert!(id(json!({"config": {}})).is_err());
        let p = chat(
            &s,
            &json!({"id": "openai:chat:g", "config": {"apiBaseUrl": "http://h/v1", "temperature": 0.3, "max_tokens": 50}}),
        )
        .unwrap();
        assert_eq!(p.model.endpoint.base_url.as_deref(), Some("http://h/v1"));
        assert_eq!(
            (p.overrides.temperature, p.overrides.max_tokens),
            (Some(0.3), Some(50))
        );
        let entry = chat(&s, &json!("openai:judge-1")).unwrap();
        assert_eq!(
            entry.model.endpoint.base_url.as_deref(),
            Some("http://127.0.0.1:9/v1"),
            "an id listed in pwb.toml keeps its entry's base_url"
        );
    }

    #[test]
    fn embedding_models_are_named_or_follow_the_chat_grader() {
        let s = session();
        let e = |v: Value| embedding(&s, &v).map(|m| m.id());
        assert_eq!(
            e(json!("openai:embedding:text-embedding-3-small")).unwrap(),
            "openai:text-embedding-3-small"
        );
        assert_eq!(
            e(json!("openai:gpt-4o-mini")).unwrap(),
            "openai:text-embedding-3-large"
        );
        assert_eq!(
            e(json!("google:embedding:text-embedding-004")).unwrap(),
            "gemini:text-embedding-004"
        );
        assert_eq!(
            e(json!("gemini:gemini-2.5-flash")).unwrap(),
            "gemini:gemini-embedding-001"
        );
        assert_eq!(
            e(json!("ollama:embeddings:nomic-embed-text")).unwrap(),
            "ollama:nomic-embed-text"
        );
        assert_eq!(e(json!("ollama:llama3.2")).unwrap(), "ollama:llama3.2");
        assert_eq!(
            e(json!({"text": "openai:gpt-4o", "embedding": {"id": "openai:embedding:e", "config": {"apiBaseUrl": "http://h/v1"}}})).unwrap(),
            "openai:e"
        );
        assert_eq!(
            e(json!({"text": "openai:gpt-4o"})).unwrap(),
            "openai:text-embedding-3-large"
        );
        assert!(
            e(json!("anthropic:claude-sonnet-4-5"))
                .unwrap_err()
                .contains("no embeddings endpoint")
        );
        let m = embedding(
            &s,
            &json!({"id": "openai:embedding:e", "config": {"apiBaseUrl": "http://h/v1"}}),
        )
        .unwrap();
        assert_eq!(m.endpoint.base_url.as_deref(), Some("http://h/v1"));
    }
}

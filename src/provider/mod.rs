//! Providers: one trait, one file per wire format. A provider turns a
//! `ChatRequest` into streamed `StreamEvent`s and a final `Completion`.
//! `local` runs a GGUF model in-process; the others speak HTTP.

pub mod anthropic;
pub mod echo;
pub mod embed;
pub mod embed_wire;
pub mod gemini;
pub mod gemini_schema;
pub mod http;
pub mod key;
pub mod limited;
pub mod local;
pub mod ollama;
pub mod openai;
pub mod ranges;
pub mod retry_hint;
mod sse;
pub mod tool_wire;
pub mod trace;
pub mod types;

pub use trace::Trace;
pub use types::{
    ChatRequest, Completion, FinishReason, GenParams, ProviderError, StreamEvent, TimeoutKind,
    Usage,
};

use crate::types::ModelId;
use crate::types::ProviderKind;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where streamed events go while a call runs.
pub type EventSink<'a> = &'a mut (dyn FnMut(StreamEvent) + Send);

/// Whether the key a provider needs is there (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyStatus {
    Set,
    /// Needed and not found: `env_var` is what to set.
    Missing {
        env_var: String,
    },
    NotNeeded,
}

impl std::fmt::Display for KeyStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyStatus::Set => f.write_str("set"),
            KeyStatus::Missing { env_var } => write!(f, "missing ({env_var})"),
            KeyStatus::NotNeeded => f.write_str("not needed"),
        }
    }
}

/// One wire format. Implementations hold their client, base URL and key;
/// dropping the returned future drops the connection (that is how the
/// runner cancels). Building one never fails: a missing key or missing
/// weights fail the call, with the fix, when it is sent.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;
    /// Where calls go: the base URL (or, for the local model, the file).
    fn base_url(&self) -> String;
    /// Whether the key this provider needs is available.
    fn key_status(&self) -> KeyStatus;
    /// The JSON body sent for `request`, exactly (the inspector shows it;
    /// the local model shows the request as pwb holds it).
    fn request_body(&self, request: &ChatRequest) -> serde_json::Value;
    /// Sends `request`, streaming into `sink` and recording the exact
    /// request and raw response in `trace`. Callers use `stream_traced`,
    /// which masks the key in errors and seals the trace.
    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>>;
    /// The key value to mask wherever a server's text is shown.
    fn secret(&self) -> Option<&str> {
        None
    }
    /// What this provider would refuse in `params` (a temperature out of
    /// its range, ...): such a request is not sent.
    fn refusals(&self, params: &crate::types::GenParams) -> Vec<ranges::ParamProblem> {
        ranges::check(self.kind().name(), params)
    }
    /// `send`, with the key masked in any error and the trace sealed. A
    /// request with parameters the provider refuses is not sent.
    fn stream_traced<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            if let Some(p) = self.refusals(&request.params).first() {
                return Err(ProviderError::Refused(format!("{p} ({})", p.hint)));
            }
            let result = self
                .send(request, sink, trace)
                .await
                .map_err(|e| http::redact(e, self.secret()));
            trace.seal();
            result
        })
    }
    /// `stream_traced` without keeping the trace.
    fn stream<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            let mut trace = Trace::default();
            self.stream_traced(request, sink, &mut trace).await
        })
    }
}

/// How to reach one configured model.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: ModelId,
    pub base_url: Option<String>,
    /// Name of the env var holding the key (overrides the provider default).
    pub api_key_env: Option<String>,
    /// A key written in pwb.toml (discouraged; env vars win). Its Debug
    /// output is redacted.
    pub api_key: Option<crate::types::Secret>,
    /// The most output tokens the model gives, when the catalog knows:
    /// a request asking for more is not sent.
    pub max_output_tokens: Option<u64>,
}

impl Endpoint {
    /// An endpoint with the provider's defaults (no base URL, default key).
    pub fn new(id: ModelId) -> Endpoint {
        Endpoint {
            id,
            base_url: None,
            api_key_env: None,
            api_key: None,
            max_output_tokens: None,
        }
    }

    /// The key: from `api_key_env` (or the first of `default_envs` that is
    /// set), else from the config. Empty values count as unset. Also
    /// returns the variable to name when it is missing.
    pub fn key(&self, default_envs: &[&str]) -> (Option<String>, String) {
        let from_env = |v: &str| std::env::var(v).ok().filter(|k| !k.is_empty());
        let (key, var) = match &self.api_key_env {
            Some(var) => (from_env(var), var.clone()),
            None => (
                default_envs.iter().find_map(|v| from_env(v)),
                match default_envs {
                    [one] => one.to_string(),
                    [first, rest @ ..] => format!("{first} (or {})", rest.join(", ")),
                    [] => String::new(),
                },
            ),
        };
        let key = key.or_else(|| self.api_key.as_ref().map(|s| s.expose().to_string()));
        (key, var)
    }

    /// `base_url` from the entry, else `env_var`, else `default`.
    pub fn base_url_or(&self, env_var: &str, default: &str) -> String {
        self.base_url
            .clone()
            .or_else(|| std::env::var(env_var).ok().filter(|s| !s.trim().is_empty()))
            .unwrap_or_else(|| default.to_string())
    }
}

/// The provider for a model: the one place a `ProviderKind` meets its
/// wire format. Keys are read from the environment here (never logged).
pub fn build(endpoint: &Endpoint) -> Arc<dyn Provider> {
    let provider = build_wire(endpoint);
    match endpoint.max_output_tokens {
        Some(max) => Arc::new(limited::Limited {
            inner: provider,
            max_output_tokens: max,
            model: endpoint.id.to_string(),
        }),
        None => provider,
    }
}

fn build_wire(endpoint: &Endpoint) -> Arc<dyn Provider> {
    match endpoint.id.provider() {
        ProviderKind::OpenAi => Arc::new(openai::OpenAi::from_endpoint(endpoint)),
        ProviderKind::Anthropic => Arc::new(anthropic::Anthropic::from_endpoint(endpoint)),
        ProviderKind::Gemini => Arc::new(gemini::Gemini::from_endpoint(endpoint)),
        ProviderKind::Ollama => Arc::new(ollama::Ollama::from_endpoint(endpoint)),
        ProviderKind::Local => Arc::new(local::LocalProvider::from_endpoint(endpoint)),
        ProviderKind::Echo => Arc::new(echo::Echo),
    }
}

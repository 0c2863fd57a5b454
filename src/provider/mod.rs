//! Providers: one trait, one file per wire format. A provider turns a
//! `ChatRequest` into streamed `StreamEvent`s and a final `Completion`.
//! `local` runs a GGUF model in-process; the others speak HTTP.

pub mod anthropic;
pub mod gemini;
pub mod gemini_schema;
pub mod http;
pub mod local;
pub mod ollama;
pub mod openai;
pub mod ranges;
pub mod retry_hint;
mod sse;
pub mod trace;
pub mod types;

pub use trace::Trace;
pub use types::{
    ChatRequest, Completion, FinishReason, GenParams, ProviderError, StreamEvent, TimeoutKind,
    Usage,
};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where streamed events go while a call runs.
pub type EventSink<'a> = &'a mut (dyn FnMut(StreamEvent) + Send);

/// One wire format. Implementations hold their client, base URL and key;
/// dropping the returned future drops the connection (that is how the
/// runner cancels).
pub trait Provider: Send + Sync {
    /// The provider's name as used before the colon in model ids.
    fn name(&self) -> &str;
    /// Sends `request`, streaming into `sink`, and records the exact
    /// request and raw response in `trace` (keys redacted, sealed).
    fn stream_traced<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>>;
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
#[derive(Debug, Clone, Default)]
pub struct Endpoint {
    /// `provider:model`, e.g. `openai:gpt-4o-mini`.
    pub id: String,
    pub base_url: Option<String>,
    /// Name of the env var holding the key (overrides the provider default).
    pub api_key_env: Option<String>,
    /// A key written in pwb.toml (discouraged; env vars win). Its Debug
    /// output is redacted.
    pub api_key: Option<crate::types::Secret>,
}

impl Endpoint {
    /// The key: from `api_key_env` (or the provider's default variable),
    /// else from the config. Empty values count as unset.
    pub fn key(&self, default_env: &str) -> (Option<String>, String) {
        let var = self
            .api_key_env
            .as_deref()
            .unwrap_or(default_env)
            .to_string();
        let key = std::env::var(&var)
            .ok()
            .filter(|k| !k.is_empty())
            .or_else(|| self.api_key.as_ref().map(|s| s.expose().to_string()));
        (key, var)
    }
}

impl Endpoint {
    pub fn provider_name(&self) -> &str {
        self.id.split_once(':').map(|(p, _)| p).unwrap_or("openai")
    }
    pub fn model_name(&self) -> &str {
        self.id.split_once(':').map(|(_, m)| m).unwrap_or(&self.id)
    }
}

/// Builds the provider for a model id. Reads keys from the environment
/// (never logs them). Unknown providers are an error the cell shows.
pub fn build(endpoint: &Endpoint) -> Result<Arc<dyn Provider>, ProviderError> {
    match endpoint.provider_name() {
        "openai" => Ok(Arc::new(openai::OpenAi::from_endpoint(endpoint)?)),
        "anthropic" => Ok(Arc::new(anthropic::Anthropic::from_endpoint(endpoint)?)),
        "gemini" => Ok(Arc::new(gemini::Gemini::from_endpoint(endpoint)?)),
        "ollama" => Ok(Arc::new(ollama::Ollama::from_endpoint(endpoint))),
        "local" => Ok(Arc::new(local::LocalProvider::from_endpoint(endpoint)?)),
        other => Err(ProviderError::Other(format!(
            "provider '{other}' is not supported by this build of pwb (supported: openai, \
             anthropic, gemini, ollama, local; use an openai: model with base_url for \
             OpenAI-compatible servers)"
        ))),
    }
}

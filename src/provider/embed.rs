//! Embeddings as a `Provider`, so that embedding calls go through the one
//! runner like every other call (limits, retries, timeouts, cancel, the
//! response cache, traces). The texts to embed are the request's
//! messages, one text each; the answer's text is the vectors as JSON
//! (`vectors_of` reads them back). Base URLs and keys are read as the
//! chat provider of the same name reads them.

use super::embed_wire;
use super::http::{client, send_traced, traced_bytes};
use super::key::ApiKey;
use super::{
    BoxFuture, ChatRequest, Completion, Endpoint, EventSink, KeyStatus, Provider, ProviderError,
    Trace,
};
use crate::types::ProviderKind;
use futures_util::StreamExt;
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

pub struct Embedder {
    kind: ProviderKind,
    base_url: String,
    key: ApiKey,
    key_needed: bool,
}

impl Embedder {
    /// The embeddings endpoint of `ep`'s provider; Anthropic and the
    /// local model have none.
    pub fn from_endpoint(ep: &Endpoint) -> Result<Embedder, String> {
        let kind = ep.id.provider();
        let (base_url, key, key_needed) = match kind {
            ProviderKind::OpenAi => {
                let base = ep.base_url_or("OPENAI_BASE_URL", super::openai::DEFAULT_BASE_URL);
                let official = base.starts_with("https://api.openai.com");
                (base, ApiKey::find(ep, &["OPENAI_API_KEY"]), official)
            }
            ProviderKind::Gemini => (
                ep.base_url_or("GOOGLE_GEMINI_BASE_URL", super::gemini::DEFAULT_BASE_URL),
                ApiKey::find(ep, &["GEMINI_API_KEY", "GOOGLE_API_KEY"]),
                true,
            ),
            ProviderKind::Ollama => (
                super::ollama::Ollama::host_for(ep),
                ApiKey::default(),
                false,
            ),
            other => return Err(format!("{other} has no embeddings endpoint")),
        };
        Ok(Embedder {
            kind,
            base_url: base_url.trim_end_matches('/').to_string(),
            key,
            key_needed,
        })
    }

    /// Where a request for `model` goes.
    pub fn url(&self, model: &str, texts: usize) -> String {
        match self.kind {
            ProviderKind::Gemini => {
                let model = model.strip_prefix("models/").unwrap_or(model);
                let action = if texts == 1 {
                    "embedContent"
                } else {
                    "batchEmbedContents"
                };
                format!("{}/v1beta/models/{model}:{action}", self.base_url)
            }
            ProviderKind::Ollama => format!("{}/api/embed", self.base_url),
            _ => format!("{}/embeddings", self.base_url),
        }
    }

    async fn run(&self, req: &ChatRequest, trace: &mut Trace) -> Result<Completion, ProviderError> {
        if self.key_needed {
            self.key.require()?;
        }
        let texts = texts_of(req);
        let url = self.url(&req.model, texts.len());
        let started = Instant::now();
        let mut builder = client()
            .post(&url)
            .json(&embed_wire::body(self.kind, &req.model, &texts));
        if let Some(key) = self.key.value() {
            builder = match self.kind {
                ProviderKind::Gemini => builder.header("x-goog-api-key", key),
                _ => builder.bearer_auth(key),
            };
        }
        let resp = send_traced(builder, &url, self.key.value(), trace).await?;
        let mut bytes = Vec::new();
        let mut body = traced_bytes(resp, trace);
        while let Some(chunk) = body.next().await {
            bytes.extend_from_slice(&chunk.map_err(|e| ProviderError::Stream(e.to_string()))?);
        }
        let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ProviderError::Protocol(format!("the embeddings response is not JSON ({e})"))
        })?;
        let (vectors, usage) = embed_wire::read(self.kind, &json)?;
        if vectors.len() != texts.len() {
            return Err(ProviderError::Protocol(format!(
                "{} embeddings for {} texts",
                vectors.len(),
                texts.len()
            )));
        }
        let text = serde_json::to_string(&vectors)
            .map_err(|e| ProviderError::Other(format!("cannot keep the vectors: {e}")))?;
        Ok(Completion {
            text,
            usage,
            total_time: started.elapsed(),
            ..Default::default()
        })
    }
}

/// The texts an embedding request carries: one per message.
pub fn texts_of(req: &ChatRequest) -> Vec<String> {
    req.messages.iter().map(|m| m.plain_text()).collect()
}

/// The vectors an embedding call answered (its `Completion::text`).
pub fn vectors_of(text: &str) -> Result<Vec<Vec<f32>>, String> {
    serde_json::from_str(text).map_err(|e| format!("the embeddings could not be read: {e}"))
}

/// The embedder for `ep`, ready for the runner.
pub fn build(ep: &Endpoint) -> Result<Arc<dyn Provider>, String> {
    Ok(Arc::new(Embedder::from_endpoint(ep)?))
}

impl Provider for Embedder {
    fn kind(&self) -> ProviderKind {
        self.kind
    }
    fn base_url(&self) -> String {
        self.base_url.clone()
    }
    fn key_status(&self) -> KeyStatus {
        self.key.status(self.key_needed)
    }
    fn request_body(&self, request: &ChatRequest) -> Value {
        embed_wire::body(self.kind, &request.model, &texts_of(request))
    }
    fn secret(&self) -> Option<&str> {
        self.key.value()
    }
    /// Embeddings take no sampling parameters: nothing to refuse.
    fn refusals(&self, _params: &crate::types::GenParams) -> Vec<super::ranges::ParamProblem> {
        Vec::new()
    }
    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        _sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(self.run(request, trace))
    }
}

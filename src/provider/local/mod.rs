//! The `local:` provider: a llama-architecture GGUF run inside pwb with
//! candle, no server, no key, no network. `local:smollm2-135m` is the
//! built-in model (installed by `pwb setup`); `local:PATH.gguf` loads any other.

pub mod engine;
pub mod error;
pub mod generate;
pub mod llama;
pub mod model;
pub mod prompt_count;
pub mod stop;
pub mod template;
pub mod tokenizer;
pub mod weights;

pub use error::LocalError;

use super::{
    BoxFuture, ChatRequest, Completion, Endpoint, EventSink, KeyStatus, Provider, ProviderError,
    StreamEvent, Trace, Usage,
};
use crate::types::ProviderKind;
use generate::{Outcome, Progress};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// The built-in model's name after `local:`.
pub const SMOLLM2_NAME: &str = "smollm2-135m";

pub struct LocalProvider {
    /// The GGUF file, or why the model name names none.
    path: Result<PathBuf, String>,
}

/// The GGUF a `local:` model name stands for.
pub fn model_path(name: &str) -> Result<PathBuf, ProviderError> {
    if name == SMOLLM2_NAME {
        return Ok(weights::smollm2_path());
    }
    if name.ends_with(".gguf") || name.contains('/') {
        return Ok(PathBuf::from(name));
    }
    Err(ProviderError::Other(format!(
        "unknown local model '{name}': use local:{SMOLLM2_NAME} or local:PATH/TO/model.gguf"
    )))
}

impl LocalProvider {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LocalProvider {
            path: Ok(path.into()),
        }
    }

    /// The model file the id names; an unknown name fails the call.
    pub fn from_endpoint(ep: &Endpoint) -> Self {
        LocalProvider {
            path: model_path(ep.id.model()).map_err(|e| e.to_string()),
        }
    }

    /// The weights' path, or (with the fix) why there are none.
    fn weights(&self) -> Result<&PathBuf, ProviderError> {
        let path = self
            .path
            .as_ref()
            .map_err(|e| ProviderError::Other(e.clone()))?;
        if !path.is_file() {
            return Err(LocalError::WeightsMissing { path: path.clone() }.into());
        }
        Ok(path)
    }
}

/// What the worker thread sends to the awaiting future.
enum WorkerMsg {
    Status(String),
    PromptTokens(usize),
    Text(String),
    Done(Result<Outcome, LocalError>),
}

/// Sets the cancel flag when the provider future is dropped (the runner
/// cancels by dropping it); the worker sees it before its next token.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Provider for LocalProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Local
    }
    fn base_url(&self) -> String {
        match &self.path {
            Ok(p) => p.display().to_string(),
            Err(_) => String::new(),
        }
    }
    fn key_status(&self) -> KeyStatus {
        KeyStatus::NotNeeded
    }
    /// No HTTP here: the request as pwb holds it.
    fn request_body(&self, request: &ChatRequest) -> serde_json::Value {
        serde_json::to_value(request).unwrap_or_default()
    }

    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            let path = self.weights()?.clone();
            // The trace shows the model file, the request as pwb holds it,
            // and the generated text as it came.
            trace.method = "LOCAL".into();
            trace.url = path.display().to_string();
            trace.request_body =
                serde_json::to_string_pretty(&self.request_body(request)).unwrap_or_default();
            let started = Instant::now();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let cancel = Arc::new(AtomicBool::new(false));
            let _guard = CancelOnDrop(cancel.clone());
            let messages = request.messages.clone();
            let params = request.params.clone();
            std::thread::Builder::new()
                .name("pwb-local-model".into())
                .spawn(move || {
                    if !model::is_loaded(&path) {
                        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
                        let note = format!("loading model ({} MB)…", size.div_ceil(1 << 20));
                        let _ = tx.send(WorkerMsg::Status(note));
                    }
                    let result = model::shared(&path).and_then(|m| {
                        generate::generate(&m, &messages, &params, &cancel, &mut |p| {
                            let msg = match p {
                                Progress::PromptTokens(n) => {
                                    let note = format!("reading {n} prompt tokens…");
                                    if tx.send(WorkerMsg::Status(note)).is_err() {
                                        return false;
                                    }
                                    WorkerMsg::PromptTokens(n)
                                }
                                Progress::Text(t) => WorkerMsg::Text(t.to_string()),
                            };
                            tx.send(msg).is_ok()
                        })
                    });
                    let _ = tx.send(WorkerMsg::Done(result));
                })
                .map_err(|e| {
                    ProviderError::Other(format!("cannot start the local model's thread: {e}"))
                })?;
            let mut first_token = None;
            while let Some(msg) = rx.recv().await {
                match msg {
                    WorkerMsg::Status(note) => sink(StreamEvent::Status(note)),
                    WorkerMsg::PromptTokens(n) => sink(StreamEvent::Usage(Usage {
                        input_tokens: Some(n as u64),
                        ..Default::default()
                    })),
                    WorkerMsg::Text(t) => {
                        first_token.get_or_insert_with(|| started.elapsed());
                        trace.push_raw(t.as_bytes());
                        sink(StreamEvent::Text(t));
                    }
                    WorkerMsg::Done(Ok(o)) => {
                        return Ok(Completion {
                            text: o.text,
                            usage: Usage {
                                input_tokens: Some(o.prompt_tokens as u64),
                                output_tokens: Some(o.completion_tokens as u64),
                                ..Default::default()
                            },
                            finish_reason: Some(o.finish),
                            time_to_first_token: first_token,
                            total_time: started.elapsed(),
                            ..Default::default()
                        });
                    }
                    WorkerMsg::Done(Err(e)) => return Err(e.into()),
                }
            }
            Err(ProviderError::Other(
                "the local model's thread stopped unexpectedly".into(),
            ))
        })
    }
}

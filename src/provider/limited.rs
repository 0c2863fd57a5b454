//! A provider with what pwb knows about the model on top of what the
//! provider knows: the most output tokens the model can give (from the
//! catalog). A request asking for more is refused before it is sent.

use super::Trace;
use super::ranges::ParamProblem;
use super::{BoxFuture, ChatRequest, Completion, EventSink, KeyStatus, Provider, ProviderError};
use crate::types::{GenParams, Param, ProviderKind};
use std::sync::Arc;

pub struct Limited {
    pub inner: Arc<dyn Provider>,
    /// The model's largest answer, in tokens.
    pub max_output_tokens: u64,
    /// The model, for the message.
    pub model: String,
}

impl Provider for Limited {
    fn kind(&self) -> ProviderKind {
        self.inner.kind()
    }
    fn base_url(&self) -> String {
        self.inner.base_url()
    }
    fn key_status(&self) -> KeyStatus {
        self.inner.key_status()
    }
    fn request_body(&self, request: &ChatRequest) -> serde_json::Value {
        self.inner.request_body(request)
    }
    fn secret(&self) -> Option<&str> {
        self.inner.secret()
    }
    fn refusals(&self, params: &GenParams) -> Vec<ParamProblem> {
        let mut out = self.inner.refusals(params);
        if let Some(n) = params
            .max_tokens
            .filter(|n| u64::from(*n) > self.max_output_tokens)
        {
            out.push(ParamProblem {
                param: Param::MaxTokens,
                detail: format!(
                    "{n} is more than {} gives ({} at most)",
                    self.model, self.max_output_tokens
                ),
                hint: format!(
                    "set max tokens to {} or less for this model",
                    self.max_output_tokens
                ),
            });
        }
        out
    }
    fn send<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: EventSink<'a>,
        trace: &'a mut Trace,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        self.inner.send(request, sink, trace)
    }
}

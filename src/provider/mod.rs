//! Providers: one trait, one file per wire format. A provider turns a
//! `ChatRequest` into a stream of `StreamEvent`s and a final `Completion`.

pub mod types;

pub use types::{ChatRequest, Completion, FinishReason, GenParams, ProviderError, StreamEvent, Usage};

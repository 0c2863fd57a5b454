//! Turning a rendered prompt and the chosen models into the cells of a run.
//! Parameters layer: workspace defaults < prompt `config` < model entry <
//! edits made in the TUI; the result is exactly what the inspector shows.

use super::Cell;
use super::cache::{CacheMode, CacheSlot, cache_dir};
use crate::prompt::Message;
use crate::provider::{self, ChatRequest, Endpoint, GenParams};
use serde_json::Value;

/// One selected model and its effective parameters.
#[derive(Debug, Clone)]
pub struct ModelChoice {
    pub endpoint: Endpoint,
    pub params: GenParams,
}

/// A cell before it has a provider: what will be sent, to whom.
#[derive(Debug, Clone)]
pub struct PlannedCell {
    pub endpoint: Endpoint,
    pub request: ChatRequest,
}

impl PlannedCell {
    /// The JSON body the provider will send (headers are not part of it),
    /// for the inspector and traces; other providers show the neutral request.
    pub fn wire_body(&self) -> Value {
        match self.endpoint.provider_name() {
            "openai" => provider::openai::OpenAi::new(
                provider::openai::OpenAi::base_url_for(&self.endpoint),
                None,
            )
            .request_body(&self.request),
            "anthropic" => provider::anthropic::request_body(&self.request),
            "gemini" => provider::gemini::request_body(&self.request),
            "ollama" => provider::ollama::request_body(&self.request),
            _ => serde_json::to_value(&self.request).unwrap_or(Value::Null),
        }
    }
}

pub fn plan(
    messages: &[Message],
    json_schema: Option<&Value>,
    models: &[ModelChoice],
) -> Vec<PlannedCell> {
    models
        .iter()
        .map(|m| PlannedCell {
            endpoint: m.endpoint.clone(),
            request: ChatRequest {
                model: m.endpoint.model_name().to_string(),
                messages: messages.to_vec(),
                params: m.params.clone(),
                json_schema: json_schema.cloned(),
            },
        })
        .collect()
}

/// Builds each cell's provider; a provider that cannot be built (missing
/// key, unknown provider) becomes a cell that fails with that reason.
/// The response cache is off.
pub fn into_cells(planned: Vec<PlannedCell>) -> Vec<Cell> {
    into_cells_with(planned, CacheMode::Off)
}

/// `into_cells`, with the response cache (in `data_dir()/cache/`) used as
/// `cache` says.
pub fn into_cells_with(planned: Vec<PlannedCell>, cache: CacheMode) -> Vec<Cell> {
    let dir = cache_dir();
    planned
        .into_iter()
        .map(|p| Cell {
            provider: provider::build(&p.endpoint),
            cache: CacheSlot::for_cell(cache, &dir, &p.endpoint, &p.request),
            request: p.request,
        })
        .collect()
}

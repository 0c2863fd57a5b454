//! What the provider stream tests share: an endpoint on the mock server,
//! one ticket-sorting conversation with every common parameter set, and a
//! cell that sends it.

use super::mock_llm::MockServer;
use pwb::provider::{self, ChatRequest, Endpoint, GenParams};
use pwb::run::{Cell, PlannedCell};
use pwb::types::{Message, ModelId};

/// `PROVIDER:model` pointed at `base`.
pub fn endpoint(provider: &str, base: &str, model: &str) -> Endpoint {
    let id = ModelId::parse(&format!("{provider}:{model}")).expect("a valid model id");
    Endpoint {
        base_url: Some(base.to_string()),
        ..Endpoint::new(id)
    }
}

/// `req` planned for `provider:model` at `base`: what the inspector shows.
pub fn planned(provider: &str, base: &str, req: ChatRequest) -> PlannedCell {
    let ep = endpoint(provider, base, &req.model);
    PlannedCell {
        name: ep.id.to_string(),
        model: ep.id.clone(),
        provider: provider::build(&ep),
        request: req,
        slot: Default::default(),
    }
}

/// A system turn, a few-shot pair, the question; temperature, top_p,
/// top_k, max tokens, a stop sequence and a seed all set.
pub fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        messages: vec![
            Message::text("system", "You sort tickets."),
            Message::text("user", "printer on fire"),
            Message::text("model", "hardware"),
            Message::text("user", "wrong invoice"),
        ],
        params: GenParams {
            temperature: Some(0.2),
            top_p: Some(0.9),
            max_tokens: Some(64),
            stop: vec!["END".into()],
            seed: Some(7),
            top_k: Some(40),
        },
        json_schema: None,
        ..Default::default()
    }
}

/// `req` sent to `provider` on the mock server, uncached.
pub fn cell(provider: &str, server: &MockServer, req: ChatRequest) -> Cell {
    Cell {
        provider: provider::build(&endpoint(provider, &server.base(), &req.model)),
        request: req,
        cache: None,
    }
}

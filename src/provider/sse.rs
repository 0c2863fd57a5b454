//! Reading a Server-Sent Events body as JSON payloads, shared by the
//! Anthropic and Gemini providers: transport breaks and non-JSON data
//! become `ProviderError`s that say what arrived; raw bytes go to the trace.

use super::http::{clip, traced_bytes};
use super::{ProviderError, Trace};
use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use serde_json::Value;

/// Whether to keep reading after an event.
pub enum Flow {
    Continue,
    Stop,
}

/// Calls `on(event_name, payload)` for each SSE event whose data is JSON
/// (empty data is skipped) until the body ends or `on` says stop.
pub async fn for_each_json(
    resp: reqwest::Response,
    trace: &mut Trace,
    mut on: impl FnMut(&str, Value) -> Result<Flow, ProviderError>,
) -> Result<(), ProviderError> {
    let mut events = traced_bytes(resp, trace).eventsource();
    while let Some(event) = events.next().await {
        let event = event.map_err(|e| ProviderError::Stream(e.to_string()))?;
        let data = event.data.trim();
        if data.is_empty() {
            continue;
        }
        let payload: Value = serde_json::from_str(data).map_err(|e| {
            ProviderError::Protocol(format!("event is not JSON ({e}): {}", clip(data)))
        })?;
        if let Flow::Stop = on(&event.event, payload)? {
            break;
        }
    }
    Ok(())
}

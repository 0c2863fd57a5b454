//! The response cache: answers kept on disk under `data_dir()/cache/`,
//! keyed by a SHA-256 of everything that shapes the answer (provider,
//! model, base URL, parameters, messages, JSON schema). Only good answers
//! are kept; a hit is replayed as one `Text` event and `Finished`.
//! Repeated samples of one request each have their own entry (the sample
//! index is part of the key), so a cached repeat replays K answers, not
//! one answer K times; sample #1 shares the entry of a plain run.

use super::event::{RunEvent, RunId};
use crate::provider::{ChatRequest, Completion, Provider, ProviderError};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc::UnboundedSender;

/// Whether a run reads and writes the response cache. `pwb eval` will
/// default to `ReadWrite`; interactive runs default to `Off`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CacheMode {
    #[default]
    Off,
    ReadWrite,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot write the response cache at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot encode the answer for the cache: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Where one cell's answer is (or would be) cached.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSlot {
    pub path: PathBuf,
}

/// The folder of cached answers.
pub fn cache_dir() -> PathBuf {
    crate::paths::data_dir().join("cache")
}

/// The hex SHA-256 of what shapes the answer: provider, model, the base
/// URL it will call (two servers behind one model name never share
/// answers), parameters, messages and schema. Keys are not part of it.
pub fn cache_key(provider: &dyn Provider, request: &ChatRequest) -> String {
    sample_cache_key(provider, request, 0)
}

/// `cache_key` of sample `sample` (0-based) of a repeated request; sample
/// 0's key is the plain `cache_key`.
pub fn sample_cache_key(provider: &dyn Provider, request: &ChatRequest, sample: u32) -> String {
    let mut material = json!({
        "v": 1,
        "provider": provider.kind().name(),
        "model": request.model,
        "base_url": provider.base_url().trim_end_matches('/'),
        "params": request.params,
        "messages": request.messages,
        "json_schema": request.json_schema,
    });
    if sample > 0 {
        material["sample"] = json!(sample);
    }
    // Only requests with tools carry them, so other keys stay as they were.
    if !request.tools.is_empty() {
        material["tools"] = json!(request.tools);
    }
    if let Some(choice) = &request.tool_choice {
        material["tool_choice"] = json!(choice);
    }
    let digest = Sha256::digest(material.to_string().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl CacheSlot {
    /// The slot for a cell when `mode` uses the cache, in `dir`.
    pub fn for_cell(
        mode: CacheMode,
        dir: &Path,
        provider: &dyn Provider,
        request: &ChatRequest,
    ) -> Option<CacheSlot> {
        CacheSlot::for_sample(mode, dir, provider, request, 0)
    }

    /// The slot of sample `sample` (0-based) of a repeated cell.
    pub fn for_sample(
        mode: CacheMode,
        dir: &Path,
        provider: &dyn Provider,
        request: &ChatRequest,
        sample: u32,
    ) -> Option<CacheSlot> {
        match mode {
            CacheMode::Off => None,
            CacheMode::ReadWrite => Some(CacheSlot {
                path: dir.join(format!(
                    "{}.json",
                    sample_cache_key(provider, request, sample)
                )),
            }),
        }
    }

    /// The cached answer, marked `cached`; a missing or unreadable file is
    /// a miss.
    pub fn load(&self) -> Option<Completion> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        let mut c: Completion = serde_json::from_str(&text).ok()?;
        if c.text.trim().is_empty() {
            return None;
        }
        c.cached = true;
        Some(c)
    }

    /// Keeps a good answer (written atomically); empty answers are not
    /// kept. Returns whether it was written.
    pub fn store(&self, c: &Completion) -> Result<bool, CacheError> {
        if c.text.trim().is_empty() {
            return Ok(false);
        }
        let io = |source| CacheError::Io {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut stored = c.clone();
        stored.cached = false;
        let text = serde_json::to_string_pretty(&stored)?;
        crate::workspace::save_atomic(&self.path, &text).map_err(io)?;
        Ok(true)
    }
}

/// Serves a cell from the cache if it has an answer there: sends
/// `Started` and the text as one `Text`, and returns the `Finished` event
/// for the runner to send (None on a miss).
pub fn replay(
    slot: Option<&CacheSlot>,
    run: RunId,
    cell: usize,
    tx: &UnboundedSender<RunEvent>,
) -> Option<RunEvent> {
    let completion = slot.and_then(CacheSlot::load)?;
    let _ = tx.send(RunEvent::Started {
        run,
        cell,
        at: std::time::Instant::now(),
    });
    let _ = tx.send(RunEvent::Text {
        run,
        cell,
        text: completion.text.clone(),
    });
    Some(RunEvent::Finished {
        run,
        cell,
        completion,
    })
}

/// Keeps a call's result in the cache when it is a good answer; errors and
/// empty answers are never cached. A cache that cannot be written is not
/// an error of the run.
pub fn remember(slot: Option<&CacheSlot>, result: &Result<Completion, ProviderError>) {
    if let (Some(slot), Ok(c)) = (slot, result) {
        let _ = slot.store(c);
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;

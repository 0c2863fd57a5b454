//! A run's cells before they are sent: `PlannedCell` (who answers, what is
//! sent, where the cell sits in a comparison) and `CellSlot`. `session/`
//! plans them; `into_cells` hands them to the runner with the cache.

use super::Cell;
use super::cache::{CacheMode, CacheSlot, cache_dir};
use crate::provider::{ChatRequest, Provider};
use crate::types::ModelId;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// Where a cell sits in a comparison. Cells of the same model and sweep
/// temperature form a group, whose samples are compared for agreement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CellSlot {
    /// The model's place in the run's list of models.
    pub model: usize,
    /// The sweep temperature of this cell (`None`: the model is not swept).
    pub temperature: Option<f64>,
    /// 0-based sample index, below `samples`.
    pub sample: u32,
    /// Samples of this model at this temperature (the repeat count K).
    pub samples: u32,
}

impl Default for CellSlot {
    fn default() -> Self {
        CellSlot {
            model: 0,
            temperature: None,
            sample: 0,
            samples: 1,
        }
    }
}

impl CellSlot {
    /// What tells this cell from its model's others: ` t=0.7 #2/3`,
    /// ` #2/3`, ` t=0`, or nothing for a plain run.
    pub fn suffix(&self) -> String {
        let mut s = String::new();
        if let Some(t) = self.temperature {
            s.push_str(&format!(" t={t}"));
        }
        if self.samples > 1 {
            s.push_str(&format!(" #{}/{}", self.sample + 1, self.samples));
        }
        s
    }

    /// Same model and temperature: samples of one group.
    pub fn same_group(&self, other: &CellSlot) -> bool {
        self.model == other.model && self.temperature == other.temperature
    }
}

/// A cell before it is sent: who answers and exactly what they get.
#[derive(Clone)]
pub struct PlannedCell {
    /// The model's name as the user sees it: its label, else its id.
    pub name: String,
    pub model: ModelId,
    /// The provider that will send `request` (and renders its body).
    pub provider: Arc<dyn Provider>,
    pub request: ChatRequest,
    pub slot: CellSlot,
}

impl std::fmt::Debug for PlannedCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlannedCell")
            .field("name", &self.name)
            .field("model", &self.model)
            .field("request", &self.request)
            .field("slot", &self.slot)
            .finish()
    }
}

impl PlannedCell {
    /// `gpt-4o t=0.7 #2/3`: the model's name and the slot's suffix.
    pub fn label(&self) -> String {
        format!("{}{}", self.name, self.slot.suffix())
    }

    /// The JSON body the provider will send (headers are not part of
    /// it): the inspector shows this, and it is what goes on the wire.
    pub fn wire_body(&self) -> Value {
        self.provider.request_body(&self.request)
    }

    /// Why the provider will not be sent this request (a parameter it
    /// refuses), said as the cell will fail with it; `None` when it will.
    pub fn refusal(&self) -> Option<String> {
        let p = self.provider.refusals(&self.request.params);
        p.first().map(|p| format!("not sent: {p} ({})", p.hint))
    }
}

/// Hands planned cells to the runner; the response cache is off.
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
            cache: CacheSlot::for_sample(cache, &dir, &*p.provider, &p.request, p.slot.sample),
            provider: p.provider,
            request: p.request,
        })
        .collect()
}

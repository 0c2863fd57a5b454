//! Turning a rendered prompt and the chosen models into the cells of a run.
//! Parameters layer: workspace defaults < prompt `config` < model entry <
//! edits made in the TUI; the result is exactly what the inspector shows.
//! A cell is (model, sweep temperature, sample index): each model runs at
//! each temperature of its sweep (or once at its own), K times.

use super::Cell;
use super::cache::{CacheMode, CacheSlot, cache_dir};
use crate::provider::{self, ChatRequest, Endpoint, GenParams};
use crate::types::Message;
use serde::Serialize;
use serde_json::Value;

/// One selected model and its effective parameters.
#[derive(Debug, Clone)]
pub struct ModelChoice {
    pub endpoint: Endpoint,
    pub params: GenParams,
    /// Temperatures to run the model at instead of `params.temperature`
    /// (empty: no sweep).
    pub sweep: Vec<f64>,
}

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

/// A cell before it has a provider: what will be sent, to whom.
#[derive(Debug, Clone)]
pub struct PlannedCell {
    pub endpoint: Endpoint,
    pub request: ChatRequest,
    pub slot: CellSlot,
}

impl PlannedCell {
    /// `openai:gpt-4o t=0.7 #2/3`: the model id and the slot's suffix.
    pub fn label(&self) -> String {
        format!("{}{}", self.endpoint.id, self.slot.suffix())
    }
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

/// The cells of a run: for each model, for each temperature of its sweep
/// (or just its own), `repeats` samples, in that order. Samples are the
/// same request sent again (nothing varies; the provider samples).
pub fn plan(
    messages: &[Message],
    json_schema: Option<&Value>,
    models: &[ModelChoice],
    repeats: u32,
) -> Vec<PlannedCell> {
    let samples = repeats.max(1);
    let mut cells = Vec::new();
    for (model, m) in models.iter().enumerate() {
        let temps: Vec<Option<f64>> = if m.sweep.is_empty() {
            vec![None]
        } else {
            m.sweep.iter().copied().map(Some).collect()
        };
        for temperature in temps {
            let mut params = m.params.clone();
            if temperature.is_some() {
                params.temperature = temperature;
            }
            for sample in 0..samples {
                cells.push(PlannedCell {
                    endpoint: m.endpoint.clone(),
                    request: ChatRequest {
                        model: m.endpoint.model_name().to_string(),
                        messages: messages.to_vec(),
                        params: params.clone(),
                        json_schema: json_schema.cloned(),
                    },
                    slot: CellSlot {
                        model,
                        temperature,
                        sample,
                        samples,
                    },
                });
            }
        }
    }
    cells
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
            cache: CacheSlot::for_sample(cache, &dir, &p.endpoint, &p.request, p.slot.sample),
            request: p.request,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(id: &str, t: Option<f64>, sweep: &[f64]) -> ModelChoice {
        ModelChoice {
            endpoint: Endpoint {
                id: id.into(),
                ..Default::default()
            },
            params: GenParams {
                temperature: t,
                max_tokens: Some(50),
                ..Default::default()
            },
            sweep: sweep.to_vec(),
        }
    }

    #[test]
    fn cells_are_model_then_temperature_then_sample() {
        let models = [
            choice("openai:a", Some(0.4), &[]),
            choice("openai:b", Some(0.4), &[0.0, 1.2]),
        ];
        let cells = plan(&[], None, &models, 2);
        let labels: Vec<String> = cells.iter().map(PlannedCell::label).collect();
        assert_eq!(
            labels,
            [
                "openai:a #1/2",
                "openai:a #2/2",
                "openai:b t=0 #1/2",
                "openai:b t=0 #2/2",
                "openai:b t=1.2 #1/2",
                "openai:b t=1.2 #2/2",
            ]
        );
        let temps: Vec<Option<f64>> = cells.iter().map(|c| c.request.params.temperature).collect();
        assert_eq!(
            temps,
            [
                Some(0.4),
                Some(0.4),
                Some(0.0),
                Some(0.0),
                Some(1.2),
                Some(1.2)
            ]
        );
        assert!(
            cells
                .iter()
                .all(|c| c.request.params.max_tokens == Some(50))
        );
        assert_eq!(
            cells[0].request, cells[1].request,
            "samples are the same request"
        );
        assert!(cells[2].slot.same_group(&cells[3].slot));
        assert!(!cells[3].slot.same_group(&cells[4].slot));
        let single = plan(&[], None, &models[..1], 1);
        assert_eq!(single[0].label(), "openai:a");
        assert_eq!(single[0].slot, CellSlot::default());
    }
}

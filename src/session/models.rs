//! The models a run can use: the `[[models]]` of pwb.toml (with their
//! label, base URL, key variable and parameters), or an id given on the
//! command line. Ids are parsed once, by `ModelId`.

use super::Session;
use crate::provider::Endpoint;
use crate::types::{GenParams, ModelId, ModelIdError};
use crate::workspace::ModelEntry;

/// A model the user can pick.
#[derive(Debug, Clone)]
pub struct ModelOption {
    /// What the user sees: the entry's label, else its id.
    pub name: String,
    pub endpoint: Endpoint,
    /// The entry's own parameters (none for an id not in pwb.toml).
    pub params: GenParams,
    /// Checked when the TUI opens.
    pub selected: bool,
}

/// A picked model with the user's overrides for this run (the TUI's
/// in-place edits, `pwb run --temperature`) and its temperature sweep.
#[derive(Debug, Clone)]
pub struct ModelPick {
    pub model: ModelOption,
    pub overrides: GenParams,
    /// Temperatures to run at instead of its own (empty: no sweep).
    pub sweep: Vec<f64>,
}

impl ModelOption {
    /// An entry of pwb.toml; `None` when its id does not parse (`pwb
    /// check` reports it).
    pub fn from_entry(entry: &ModelEntry) -> Option<ModelOption> {
        let id = ModelId::parse(&entry.id).ok()?;
        Some(ModelOption {
            name: entry.display_name().to_string(),
            endpoint: Endpoint {
                base_url: entry.base_url.clone(),
                api_key_env: entry.api_key_env.clone(),
                api_key: entry.api_key.clone(),
                ..Endpoint::new(id)
            },
            params: GenParams {
                temperature: entry.temperature,
                max_tokens: entry.max_tokens,
                top_p: entry.top_p,
                ..Default::default()
            },
            selected: entry.selected,
        })
    }

    /// A model known only by its id: the provider's defaults.
    pub fn ad_hoc(id: ModelId) -> ModelOption {
        ModelOption {
            name: id.to_string(),
            endpoint: Endpoint::new(id),
            params: GenParams::default(),
            selected: false,
        }
    }

    pub fn id(&self) -> &ModelId {
        &self.endpoint.id
    }

    /// This model with no overrides and no sweep.
    pub fn pick(self) -> ModelPick {
        ModelPick {
            model: self,
            overrides: GenParams::default(),
            sweep: Vec::new(),
        }
    }
}

impl Session {
    /// Every model of pwb.toml whose id parses, in file order.
    pub fn models(&self) -> Vec<ModelOption> {
        self.ws
            .config
            .models
            .iter()
            .filter_map(ModelOption::from_entry)
            .collect()
    }

    /// The models a run uses when none are named: those marked
    /// `selected`, or the first when none is.
    pub fn default_models(&self) -> Vec<ModelOption> {
        let all = self.models();
        if all.iter().any(|m| m.selected) {
            all.into_iter().filter(|m| m.selected).collect()
        } else {
            all.into_iter().take(1).collect()
        }
    }

    /// A model named on the command line: a pwb.toml entry by its label
    /// or id (with its base URL, key and parameters), else any valid id.
    pub fn find_model(&self, spec: &str) -> Result<ModelOption, ModelIdError> {
        let spec = spec.trim();
        let models = self.models();
        if let Some(m) = models.iter().find(|m| m.name == spec) {
            return Ok(m.clone());
        }
        let id = ModelId::parse(spec)?;
        Ok(models
            .into_iter()
            .find(|m| m.id() == &id)
            .unwrap_or_else(|| ModelOption::ad_hoc(id)))
    }
}

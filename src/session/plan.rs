//! Planning a run: the cells a rendered prompt makes on the picked models.
//! Parameters layer: workspace defaults < the prompt's `config` < the
//! model's entry in pwb.toml < the user's overrides (TUI edits, CLI
//! flags) < the sweep temperature; the result is exactly what is sent and
//! what the inspector shows. A cell is (model, sweep temperature, sample).

use super::Session;
use super::context::{ContextCut, fit};
use super::count::Counting;
use super::models::ModelPick;
use crate::prompt::RenderedPrompt;
use crate::prompt::context_policy::policy_in_raw;
use crate::provider::{self, ChatRequest};
use crate::run::{CellSlot, PlannedCell};
use crate::types::GenParams;

impl Session {
    /// `[defaults]` of pwb.toml under the prompt's `config`.
    pub fn base_params(&self, rendered: Option<&RenderedPrompt>) -> GenParams {
        let d = &self.ws.config.defaults;
        let defaults = GenParams {
            temperature: d.temperature,
            max_tokens: d.max_tokens,
            top_p: d.top_p,
            ..Default::default()
        };
        match rendered {
            Some(r) => defaults.overlay(&r.gen_params()),
            None => defaults,
        }
    }

    /// The parameters `pick` is sent with (before any sweep).
    pub fn params_for(&self, rendered: Option<&RenderedPrompt>, pick: &ModelPick) -> GenParams {
        self.base_params(rendered)
            .overlay(&pick.model.params)
            .overlay(&pick.overrides)
    }

    /// The cells of a run: for each pick, for each temperature of its
    /// sweep (or just its own), `repeats` samples, in that order. Samples
    /// are the same request sent again (nothing varies; the provider
    /// samples).
    pub fn plan(
        &self,
        rendered: &RenderedPrompt,
        picks: &[ModelPick],
        repeats: u32,
    ) -> Vec<PlannedCell> {
        self.plan_fitted(rendered, picks, repeats).0
    }

    /// `plan`, with what the prompt's `context:` policy cut from each
    /// pick's request to fit its model's window (`None`: nothing cut, no
    /// policy, or the window is unknown), one entry per pick.
    pub fn plan_fitted(
        &self,
        rendered: &RenderedPrompt,
        picks: &[ModelPick],
        repeats: u32,
    ) -> (Vec<PlannedCell>, Vec<Option<ContextCut>>) {
        let samples = repeats.max(1);
        let policy = policy_in_raw(rendered.raw.as_ref()).ok().flatten();
        let mut cuts = Vec::new();
        let schema = rendered.output_json_schema();
        let tools = rendered.tool_defs();
        let tool_choice = rendered.tool_choice();
        let mut cells = Vec::new();
        for (model, pick) in picks.iter().enumerate() {
            let mut endpoint = pick.model.endpoint.clone();
            endpoint.max_output_tokens = self
                .catalog
                .lookup(&endpoint.id.to_string())
                .and_then(|i| i.max_output_tokens);
            let provider = provider::build(&endpoint);
            let params = self.params_for(Some(rendered), pick);
            let window = self
                .catalog
                .lookup(&endpoint.id.to_string())
                .and_then(|i| i.context_window);
            let mut messages = rendered.messages.clone();
            let mut cut = None;
            if let (Some(policy), Some(window)) = (&policy, window) {
                let mut probe = ChatRequest {
                    model: String::new(),
                    messages: std::mem::take(&mut messages),
                    params: params.clone(),
                    json_schema: None,
                    tools: tools.clone(),
                    tool_choice: None,
                };
                let counting = Counting::for_endpoint(&endpoint);
                cut = fit(&mut probe, policy, window, counting, &rendered.values);
                messages = probe.messages;
            }
            cuts.push(cut);
            let temps: Vec<Option<f64>> = if pick.sweep.is_empty() {
                vec![None]
            } else {
                pick.sweep.iter().copied().map(Some).collect()
            };
            for temperature in temps {
                let mut params = params.clone();
                if temperature.is_some() {
                    params.temperature = temperature;
                }
                let request = ChatRequest {
                    model: pick.model.id().model().to_string(),
                    messages: messages.clone(),
                    params,
                    json_schema: schema.clone(),
                    tools: tools.clone(),
                    tool_choice: tool_choice.clone(),
                };
                for sample in 0..samples {
                    cells.push(PlannedCell {
                        name: pick.model.name.clone(),
                        model: pick.model.id().clone(),
                        provider: provider.clone(),
                        request: request.clone(),
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
        (cells, cuts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::ModelOption;
    use crate::types::ModelId;
    use crate::workspace::{Defaults, ModelEntry, Workspace, WorkspaceConfig};

    fn session() -> Session {
        let config = WorkspaceConfig {
            defaults: Defaults {
                temperature: Some(0.7),
                max_tokens: Some(100),
                top_p: Some(0.5),
                prompt: None,
            },
            models: vec![ModelEntry {
                id: "openai:b".into(),
                label: Some("beta".into()),
                temperature: Some(0.4),
                ..Default::default()
            }],
            ..Default::default()
        };
        Session::new(Workspace {
            config,
            ..Default::default()
        })
    }

    #[test]
    fn cells_are_model_then_temperature_then_sample_with_layered_params() {
        let s = session();
        let rendered = RenderedPrompt {
            config: serde_json::json!({"maxOutputTokens": 50})
                .as_object()
                .unwrap()
                .clone(),
            ..Default::default()
        };
        let a = ModelOption::ad_hoc(ModelId::parse("openai:a").unwrap()).pick();
        let mut b = s.find_model("openai:b").unwrap().pick();
        b.sweep = vec![0.0, 1.2];
        let cells = s.plan(&rendered, &[a, b], 2);
        let labels: Vec<String> = cells.iter().map(PlannedCell::label).collect();
        assert_eq!(
            labels,
            [
                "openai:a #1/2",
                "openai:a #2/2",
                "beta t=0 #1/2",
                "beta t=0 #2/2",
                "beta t=1.2 #1/2",
                "beta t=1.2 #2/2",
            ]
        );
        let temps: Vec<Option<f64>> = cells.iter().map(|c| c.request.params.temperature).collect();
        assert_eq!(
            temps,
            [
                Some(0.7),
                Some(0.7),
                Some(0.0),
                Some(0.0),
                Some(1.2),
                Some(1.2)
            ]
        );
        for c in &cells {
            assert_eq!(
                c.request.params.max_tokens,
                Some(50),
                "prompt over defaults"
            );
            assert_eq!(c.request.params.top_p, Some(0.5), "[defaults] top_p");
        }
        assert_eq!(
            cells[0].request, cells[1].request,
            "samples are the same request"
        );
        assert!(cells[2].slot.same_group(&cells[3].slot));
        assert!(!cells[3].slot.same_group(&cells[4].slot));
        let b = s.find_model("beta").unwrap().pick();
        let single = s.plan(&rendered, &[b], 1);
        assert_eq!(single[0].label(), "beta");
        assert_eq!(
            single[0].request.params.temperature,
            Some(0.4),
            "entry over prompt"
        );
        assert_eq!(single[0].slot, CellSlot::default());
        assert_eq!(single[0].wire_body()["top_p"], 0.5);
    }

    #[test]
    fn more_output_tokens_than_the_model_gives_is_refused_before_sending() {
        let mut s = session();
        let pricing: toml::Table =
            toml::from_str("[\"openai:b\"]\ninput = 1\noutput = 2\nmax_output = 100\n").unwrap();
        s.catalog = crate::usage::Catalog::builtin().with_pricing(&pricing);
        let mut b = s.find_model("beta").unwrap().pick();
        b.overrides.max_tokens = Some(101);
        let cells = s.plan(&RenderedPrompt::default(), &[b.clone()], 1);
        assert_eq!(
            cells[0].refusal().as_deref(),
            Some(
                "not sent: max_tokens 101 is more than openai:b gives (100 at most) \
                 (set max tokens to 100 or less for this model)"
            )
        );
        b.overrides.max_tokens = Some(100);
        assert_eq!(
            s.plan(&RenderedPrompt::default(), &[b], 1)[0].refusal(),
            None
        );
    }
}

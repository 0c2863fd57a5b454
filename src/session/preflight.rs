//! What pressing Run would do, before anything is sent: per picked model,
//! the calls, the input tokens of each (exact where pwb has the model's
//! tokenizer, else an estimate), the output tokens (max tokens, or the
//! recent average the caller has seen), the cost range from the catalog,
//! whether the request fits the model's window, and what the prompt's
//! `context:` policy cut. The TUI's status bar and Models pane read it.

use super::context::ContextCut;
use super::count::Counting;
use super::models::ModelPick;
use crate::run::PlannedCell;
use crate::types::Usage;
use crate::usage::Catalog;

/// One picked model's share of the next run.
#[derive(Debug, Clone, PartialEq)]
pub struct PickPreflight {
    pub name: String,
    /// Calls: sweep temperatures × samples.
    pub calls: u64,
    pub counting: Counting,
    /// Input tokens of one call (after the `context:` policy).
    pub input_tokens: u64,
    /// The request's max tokens, when set.
    pub max_tokens: Option<u64>,
    /// The recent average output of this model, when known.
    pub avg_output: Option<u64>,
    pub window: Option<u64>,
    /// What the `context:` policy cut to fit.
    pub cut: Option<ContextCut>,
    /// USD for all calls: the least (input, plus the average output when
    /// known) and the most (input plus max output); `None`: unknown price
    /// (or, for the most, no max tokens).
    pub cost_min: Option<f64>,
    pub cost_max: Option<f64>,
}

impl PickPreflight {
    /// Tokens by which one call's input alone exceeds the window.
    pub fn over_window(&self) -> Option<u64> {
        let w = self.window?;
        (self.input_tokens > w).then(|| self.input_tokens - w)
    }

    /// Tokens by which input plus max tokens exceeds the window while the
    /// input alone fits (providers refuse or cut the answer short).
    pub fn no_room_for_output(&self) -> Option<u64> {
        let w = self.window?;
        let need = self.input_tokens + self.max_tokens?;
        (self.over_window().is_none() && need > w).then(|| need - w)
    }

    /// Output tokens expected per call: the recent average, else max tokens.
    pub fn output_per_call(&self) -> Option<u64> {
        self.avg_output.or(self.max_tokens)
    }
}

/// The next run, model by model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Preflight {
    pub picks: Vec<PickPreflight>,
}

impl Preflight {
    /// From a run's picks, its planned cells and what the policy cut per
    /// pick (see `Session::plan_fitted`); `avg_output(name)` is the recent
    /// average output of a model, if any.
    pub fn of(
        picks_in: &[ModelPick],
        cells: &[PlannedCell],
        cuts: &[Option<ContextCut>],
        catalog: &Catalog,
        avg_output: impl Fn(&str) -> Option<u64>,
    ) -> Preflight {
        let mut picks: Vec<PickPreflight> = Vec::new();
        // Models counted with the same encoder over the same request share
        // one count (o200k_base serves OpenAI's models and every estimate).
        let mut counted: Vec<(&'static str, &PlannedCell, u64)> = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            let first = i == 0 || cells[i - 1].slot.model != cell.slot.model;
            if !first {
                if let Some(p) = picks.last_mut() {
                    p.calls += 1;
                }
                continue;
            }
            let counting = picks_in
                .get(cell.slot.model)
                .map_or(Counting::Estimate, |p| {
                    Counting::for_endpoint(&p.model.endpoint)
                });
            let info = catalog.lookup(&cell.model.to_string());
            picks.push(PickPreflight {
                name: cell.name.clone(),
                calls: 1,
                counting,
                input_tokens: match counting.encoder() {
                    Some(enc) => {
                        let same = |(e, c, _): &&(&str, &PlannedCell, u64)| {
                            *e == enc
                                && c.request.messages == cell.request.messages
                                && c.request.tools == cell.request.tools
                        };
                        match counted.iter().find(same) {
                            Some((_, _, n)) => *n,
                            None => {
                                let n = counting.request(&cell.request);
                                counted.push((enc, cell, n));
                                n
                            }
                        }
                    }
                    None => counting.request(&cell.request),
                },
                max_tokens: cell.request.params.max_tokens.map(u64::from),
                avg_output: avg_output(&cell.name),
                window: info.and_then(|i| i.context_window),
                cut: cuts.get(cell.slot.model).cloned().flatten(),
                cost_min: None,
                cost_max: None,
            });
        }
        for p in &mut picks {
            let id = cells
                .iter()
                .find(|c| c.name == p.name)
                .map(|c| c.model.to_string())
                .unwrap_or_default();
            let cost = |output: u64| {
                catalog.cost(
                    &id,
                    &Usage {
                        input_tokens: Some(p.input_tokens),
                        output_tokens: Some(output),
                        ..Default::default()
                    },
                )
            };
            let calls = p.calls as f64;
            p.cost_min = cost(p.avg_output.unwrap_or(0)).map(|c| c * calls);
            p.cost_max = p.max_tokens.and_then(cost).map(|c| c * calls);
        }
        Preflight { picks }
    }

    pub fn calls(&self) -> u64 {
        self.picks.iter().map(|p| p.calls).sum()
    }

    /// Input tokens of every call.
    pub fn input_tokens(&self) -> u64 {
        self.picks.iter().map(|p| p.input_tokens * p.calls).sum()
    }

    /// Output tokens of every call, expected (recent averages, else max
    /// tokens) and at most; `None` when a model has neither.
    pub fn output_tokens(&self) -> (Option<u64>, Option<u64>) {
        let sum = |f: &dyn Fn(&PickPreflight) -> Option<u64>| {
            self.picks
                .iter()
                .try_fold(0u64, |acc, p| Some(acc + f(p)? * p.calls))
        };
        (sum(&|p| p.output_per_call()), sum(&|p| p.max_tokens))
    }

    /// Whether every count is exact.
    pub fn exact(&self) -> bool {
        self.picks.iter().all(|p| p.counting.is_exact())
    }

    /// The cost range of every call; `None` when a price is unknown.
    pub fn cost(&self) -> (Option<f64>, Option<f64>) {
        let sum = |f: fn(&PickPreflight) -> Option<f64>| {
            self.picks.iter().try_fold(0.0, |acc, p| Some(acc + f(p)?))
        };
        (sum(|p| p.cost_min), sum(|p| p.cost_max))
    }
}

#[cfg(test)]
#[path = "preflight_tests.rs"]
mod tests;

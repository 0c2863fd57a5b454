//! What an eval would cost before it runs (`pwb eval --dry-run`): per
//! model, the calls of the planned matrix, their input tokens (counted
//! with o200k_base and OpenAI's per-message framing, as `session::count`
//! counts: what OpenAI's current models count, an estimate for the others,
//! which says so), the output tokens at most (each call's max
//! tokens), and the cost range from the catalog's prices: input only, up
//! to input plus every call's max output; and the calls whose input
//! alone would not fit the model's context window. Nothing is sent.

use super::matrix::Entry;
use crate::session::ModelPick;
use crate::session::count::Counting;
use crate::types::Usage;
use crate::usage::Catalog;

/// One model's share of the matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelEstimate {
    /// The model as the user names it.
    pub name: String,
    pub id: String,
    pub calls: usize,
    /// Cells that cannot be planned (a prompt that does not render for a
    /// case): no call, counted apart.
    pub unplanned: usize,
    pub input_tokens: u64,
    /// Whether `input_tokens` is counted with the model's own tokenizer.
    pub exact_tokens: bool,
    /// Output tokens at most; `None` when a call has no max tokens.
    pub max_output_tokens: Option<u64>,
    /// USD for the input alone, and with every call's max output; `None`
    /// when the price is unknown.
    pub cost_min: Option<f64>,
    pub cost_max: Option<f64>,
    /// The model's context window, when the catalog knows it.
    pub window: Option<u64>,
    /// Calls whose input alone exceeds the window, and the largest excess.
    pub over_window: usize,
    pub max_excess: u64,
}

/// Estimates `entries` (a planned matrix) model by model, in the order
/// models first appear.
/// `models` are the matrix's picks (`Entry::key.model` indexes them): how
/// each model's tokens are counted (`session::count`).
pub fn estimate(entries: &[Entry], models: &[ModelPick], catalog: &Catalog) -> Vec<ModelEstimate> {
    let counting = |e: &Entry| {
        models.get(e.key.model).map_or(Counting::Estimate, |p| {
            Counting::for_endpoint(&p.model.endpoint)
        })
    };
    let mut out: Vec<ModelEstimate> = Vec::new();
    for e in entries {
        let id = e.model.to_string();
        let i = match out.iter().position(|m| m.name == e.name && m.id == id) {
            Some(i) => i,
            None => {
                out.push(ModelEstimate {
                    name: e.name.clone(),
                    id: id.clone(),
                    calls: 0,
                    unplanned: 0,
                    input_tokens: 0,
                    exact_tokens: counting(e).is_exact(),
                    max_output_tokens: Some(0),
                    cost_min: Some(0.0),
                    cost_max: Some(0.0),
                    window: catalog.lookup(&id).and_then(|i| i.context_window),
                    over_window: 0,
                    max_excess: 0,
                });
                out.len() - 1
            }
        };
        let m = &mut out[i];
        let Ok(cell) = &e.planned else {
            m.unplanned += 1;
            continue;
        };
        m.calls += 1;
        // OpenAI's counting recipe (role, text and 3 tokens of framing per
        // message, 3 to prime the reply, the tools), over the request as
        // sent: after the prompt's `context:` policy.
        let input = counting(e).request(&cell.request);
        m.input_tokens += input;
        if let Some(w) = m.window
            && input > w
        {
            m.over_window += 1;
            m.max_excess = m.max_excess.max(input - w);
        }
        let max_out = cell.request.params.max_tokens.map(u64::from);
        m.max_output_tokens = m.max_output_tokens.zip(max_out).map(|(a, b)| a + b);
        let info = catalog.lookup(&id);
        let cost = |output: u64| {
            info.and_then(|i| {
                i.cost(&Usage {
                    input_tokens: Some(input),
                    output_tokens: Some(output),
                    ..Default::default()
                })
            })
        };
        m.cost_min = m.cost_min.zip(cost(0)).map(|(a, b)| a + b);
        m.cost_max = match max_out {
            Some(n) => m.cost_max.zip(cost(n)).map(|(a, b)| a + b),
            None => None,
        };
    }
    out
}

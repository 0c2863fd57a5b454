//! What the next run would cost and whether it fits, kept between frames:
//! the session's `Preflight` for the checked models, the token breakdown
//! of the current request, and each model's recent output lengths. Worked
//! out again only when what it depends on changes (`App::refresh_preflight`).

use crate::session::preflight::Preflight;
use crate::session::tokens::TokenPart;
use std::collections::{HashMap, VecDeque};

/// Recent answers remembered per model for the output average.
pub const RECENT: usize = 8;

#[derive(Debug, Clone, Default)]
pub struct PreflightState {
    /// What the value was worked out from (a hash).
    pub key: u64,
    /// `None` while the tokenizer loads or the prompt does not render.
    pub value: Option<Preflight>,
    /// Where the current request's input tokens go (o200k_base).
    pub parts: Vec<TokenPart>,
    /// Output tokens of the last answers of each model, by name.
    pub outputs: HashMap<String, VecDeque<u64>>,
    /// Bumped when `outputs` changes.
    pub outputs_version: u64,
    /// How long the last working-out took; when slow, changes wait for a
    /// pause (`due`) as a slow render does.
    pub last_cost: std::time::Duration,
    /// When the pending change (`pending`, a key) is worked out.
    pub due: Option<std::time::Instant>,
    pub pending: u64,
    /// (prompt, inputs version, everything else) of the last working-out:
    /// only a change of the editor's text alone waits.
    pub seen: Option<(usize, u64, u64)>,
}

impl PreflightState {
    /// Remembers one answer's output tokens.
    pub fn note_output(&mut self, model: &str, tokens: u64) {
        let seen = self.outputs.entry(model.to_string()).or_default();
        if seen.len() == RECENT {
            seen.pop_front();
        }
        seen.push_back(tokens);
        self.outputs_version += 1;
    }

    /// The average output of `model`'s recent answers.
    pub fn avg_output(&self, model: &str) -> Option<u64> {
        let seen = self.outputs.get(model).filter(|s| !s.is_empty())?;
        Some(seen.iter().sum::<u64>().div_ceil(seen.len() as u64))
    }

    /// The preflight of the checked model called `name`.
    pub fn pick(&self, name: &str) -> Option<&crate::session::preflight::PickPreflight> {
        self.value.as_ref()?.picks.iter().find(|p| p.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_is_of_the_recent_answers() {
        let mut s = PreflightState::default();
        assert_eq!(s.avg_output("m"), None);
        s.note_output("m", 10);
        s.note_output("m", 21);
        assert_eq!(s.avg_output("m"), Some(16));
        for _ in 0..RECENT {
            s.note_output("m", 4);
        }
        assert_eq!(s.avg_output("m"), Some(4), "older answers fall out");
        assert_eq!(s.outputs_version, 2 + RECENT as u64);
    }
}

//! Keeping the next run's preflight current: after each action, work out
//! again the checked models' tokens, cost and window fit, and the request's
//! token breakdown, but only when the render, the model choices, the
//! tokenizers' readiness (o200k_base, local GGUFs) or the recent outputs
//! changed (never per frame).

use super::{App, RenderState};
use crate::run::CellStatus;
use crate::session::preflight::Preflight;
use std::hash::{DefaultHasher, Hash, Hasher};

impl App {
    /// Recomputes `self.preflight` if anything it depends on changed.
    pub(super) fn refresh_preflight(&mut self) {
        let ready = crate::prompt::estimate_tokens_if_ready("").is_some();
        let mut h = DefaultHasher::new();
        let local = crate::session::count::local_generation();
        (
            self.render_key,
            ready,
            local,
            self.preflight.outputs_version,
        )
            .hash(&mut h);
        self.models.repeats.hash(&mut h);
        for r in self.models.rows.iter().filter(|r| r.checked) {
            (r.name(), format!("{:?}{:?}", r.overrides, r.sweep)).hash(&mut h);
        }
        let key = h.finish();
        if key == self.preflight.key {
            return;
        }
        self.preflight.key = key;
        self.preflight.value = None;
        self.preflight.parts.clear();
        let RenderState::Ok(r) = &self.rendered else {
            return;
        };
        if !ready {
            return;
        }
        let picks = self.models.picks();
        let (cells, cuts) = self.session.plan_fitted(r, &picks, self.models.repeats);
        let pf = &self.preflight;
        let value = Preflight::of(&picks, &cells, &cuts, &self.session.catalog, |name| {
            pf.avg_output(name)
        });
        let parts = crate::session::tokens::breakdown(r, &r.values);
        self.preflight.value = Some(value);
        self.preflight.parts = parts;
    }

    /// `sent over the window: gpt-4o (by ≈1,200 tokens)`, when a checked
    /// model's request is over its window (the provider decides).
    pub(super) fn over_window_note(&self) -> Option<String> {
        let over: Vec<String> = self
            .preflight
            .value
            .as_ref()?
            .picks
            .iter()
            .filter_map(|p| {
                let n = p.over_window()?;
                Some(format!("{} (by {}{n} tokens)", p.name, p.counting.mark()))
            })
            .collect();
        (!over.is_empty()).then(|| format!("sent over the window: {}", over.join(", ")))
    }

    /// Remembers the output tokens of the finished run's answers.
    pub(super) fn note_outputs(&mut self) {
        let seen: Vec<(String, u64)> = self
            .outputs
            .columns()
            .iter()
            .filter(|c| matches!(c.status, CellStatus::Done) && !c.cached)
            .filter_map(|c| Some((c.name.clone(), c.usage.output_tokens?)))
            .collect();
        for (name, n) in seen {
            self.preflight.note_output(&name, n);
        }
    }
}

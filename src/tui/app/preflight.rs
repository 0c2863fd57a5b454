//! Keeping the next run's preflight current: after each action, work out
//! again the checked models' tokens, cost and window fit, and the request's
//! token breakdown, but only when the render, the model choices, the
//! tokenizers' readiness (o200k_base, local GGUFs) or the recent outputs
//! changed (never per frame).

use super::{App, RenderState};
use crate::run::CellStatus;
use crate::session::preflight::Preflight;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::{Duration, Instant};

/// Working out slower than this waits for changes to pause for `PAUSE`
/// (as a slow render does; see `app/render.rs`).
const SLOW: Duration = Duration::from_millis(8);
const PAUSE: Duration = Duration::from_millis(150);

impl App {
    /// Recomputes `self.preflight` if anything it depends on changed.
    pub(super) fn refresh_preflight(&mut self) {
        let ready = crate::prompt::estimate_tokens_if_ready("").is_some();
        let mut h = DefaultHasher::new();
        let local = crate::session::count::local_generation();
        (ready, local, self.preflight.outputs_version).hash(&mut h);
        self.models.repeats.hash(&mut h);
        for r in self.models.rows.iter().filter(|r| r.checked) {
            (r.name(), format!("{:?}{:?}", r.overrides, r.sweep)).hash(&mut h);
        }
        let rest = h.finish();
        self.render_key.hash(&mut h);
        let key = h.finish();
        if key == self.preflight.key {
            self.preflight.due = None;
            return;
        }
        // Only the editor's text changed (typing), as a slow render defers.
        let (prompt, _, inputs) = self.render_key;
        let only_text = self.preflight.seen == Some((prompt, inputs, rest));
        // Slow (a long document): wait until the changes pause. A due time
        // already past (a pause, or `Action::RenderDue`) works it out now.
        let now = Instant::now();
        let forced = self.preflight.due.is_some_and(|d| d <= now);
        if self.preflight.last_cost > SLOW && only_text && !forced {
            if key != self.preflight.pending || self.preflight.due.is_none() {
                self.preflight.pending = key;
                self.preflight.due = Some(now + PAUSE);
            }
            // The event loop wakes for a due render: piggyback on it.
            let due = self.preflight.due.unwrap_or(now);
            self.render_due = Some(self.render_due.map_or(due, |r| r.min(due)));
            return;
        }
        self.preflight.due = None;
        self.preflight.seen = Some((prompt, inputs, rest));
        let started = now;
        self.compute_preflight(key, ready);
        self.preflight.last_cost = started.elapsed();
    }

    fn compute_preflight(&mut self, key: u64, ready: bool) {
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

    /// `context cut for openai:tiny (F2 shows what)`, when the prompt's
    /// `context:` policy cut a checked model's request.
    pub(super) fn cut_note(&self) -> Option<String> {
        let names: Vec<&str> = self
            .preflight
            .value
            .as_ref()?
            .picks
            .iter()
            .filter(|p| p.cut.is_some())
            .map(|p| p.name.as_str())
            .collect();
        (!names.is_empty()).then(|| {
            format!(
                "context cut for {} (the inspector shows what)",
                names.join(", ")
            )
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Action;
    use crate::tui::keymap::Keymap;
    use crate::tui::theme::Theme;
    use crate::workspace::Workspace;

    fn app() -> App {
        crate::prompt::tokens::warm_up();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("prompts")).unwrap();
        std::fs::write(
            dir.path().join("pwb.toml"),
            "[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("prompts/p.prompt"), "Hello there.\n").unwrap();
        let ws = Workspace::load(dir.path()).unwrap().0;
        App::new(ws, Keymap::builtin(), Theme::builtin("dark").unwrap())
    }

    fn input(app: &App) -> u64 {
        app.preflight.value.as_ref().unwrap().input_tokens()
    }

    #[test]
    fn a_slow_preflight_waits_for_a_pause_and_render_due_brings_it() {
        let mut app = app();
        let first = input(&app);
        // Fast: a change is worked out at once.
        app.editor_mut().set_text("Hello there. More words here.\n");
        app.update(Action::Tick);
        let second = input(&app);
        assert!(second > first, "{first} → {second}");
        // Slow: the next change waits, and the event loop is told when.
        app.preflight.last_cost = Duration::from_millis(50);
        app.editor_mut()
            .set_text("Hello there. More words here. And yet more words.\n");
        app.update(Action::Tick);
        assert_eq!(input(&app), second, "not yet");
        let due = app.render_due().expect("a wake-up is asked for");
        assert!(due > Instant::now());
        app.update(Action::RenderDue);
        assert!(input(&app) > second, "worked out once due");
        assert_eq!(app.preflight.due, None);
    }
}

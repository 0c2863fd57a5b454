//! Variant B in the Tests screen: `v` opens the picker (another prompt of
//! the workspace, or a recorded version of the open prompt from the
//! store), and the choice adds B's columns beside the open prompt's. A run
//! then sends B through the same matrix and session planning as A.

use super::{App, Effect, Level};
use crate::eval::matrix::{DotpromptVariant, Variant};
use crate::store::versions::VersionSummary;
use crate::tui::action::{KeyCode, KeyPress};
use crate::tui::history_query::Query;
use crate::tui::state::popup::Popup;
use crate::tui::state::variants::{
    self, Choice, VariantB, VariantPicker, VersionsState, with_variant,
};

impl App {
    /// `v` in Tests: the picker, with the versions asked of the store.
    pub(super) fn open_variant_picker(&mut self, effects: &mut Vec<Effect>) {
        if self.tests.running.is_some() {
            return self.set_status(Level::Warning, "a test run is in progress (esc stops it)");
        }
        if self.tests.grid().is_none() {
            return self.set_status(Level::Warning, "no suite to compare variants on");
        }
        let prompt = self.prompt_name().to_string();
        let mut choices = Vec::new();
        if self.tests.variant.is_some() {
            choices.push(Choice::Clear);
        }
        choices.extend(
            self.prompt_names()
                .iter()
                .enumerate()
                .filter(|(_, n)| **n != prompt)
                .map(|(idx, n)| Choice::Prompt {
                    idx,
                    name: n.to_string(),
                }),
        );
        let versions = if self.history.is_some() {
            self.ask_history(
                Query::Versions {
                    prompt: prompt.clone(),
                },
                effects,
            );
            VersionsState::Loading
        } else {
            VersionsState::Unavailable("history is off: no recorded versions".into())
        };
        self.popup = Some(Popup::VariantPicker(Box::new(VariantPicker {
            prompt,
            choices,
            versions,
            cursor: 0,
        })));
    }

    /// The store's versions, for the picker if it is still open.
    pub(super) fn variant_versions(
        &mut self,
        prompt: &str,
        result: &Result<Vec<VersionSummary>, String>,
    ) -> bool {
        match self.popup.as_mut() {
            Some(Popup::VariantPicker(p)) if p.prompt == prompt => {
                p.versions_arrived(result.clone());
                true
            }
            _ => false,
        }
    }

    pub(super) fn variant_picker_key(
        &mut self,
        mut p: Box<VariantPicker>,
        key: KeyPress,
    ) -> Option<Popup> {
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return None,
            KeyCode::Up | KeyCode::Char('k') => p.step(-1),
            KeyCode::Down | KeyCode::Char('j') => p.step(1),
            KeyCode::PageUp => p.step(-10),
            KeyCode::PageDown => p.step(10),
            KeyCode::Enter => {
                if let Some(choice) = p.selected().cloned() {
                    self.choose_variant(choice);
                    return None;
                }
            }
            _ => {}
        }
        Some(Popup::VariantPicker(p))
    }

    /// Sets (or clears) variant B and reshapes every suite's grid.
    fn choose_variant(&mut self, choice: Choice) {
        let b = match choice {
            Choice::Clear => None,
            Choice::Prompt { idx, name } => {
                let source = match self.prompt_state(idx) {
                    Some(state) => state.editor.text(),
                    None => match self.session.ws.prompts.get(idx) {
                        Some(p) => p.source.clone(),
                        None => return,
                    },
                };
                Some(VariantB {
                    label: name,
                    source,
                })
            }
            Choice::Version(v) => Some(VariantB {
                label: format!("{}@{}", v.version.prompt, v.version.short()),
                source: v.version.source.clone(),
            }),
        };
        let old = self.tests.variant.as_ref().map(|v| v.label.clone());
        if let Some(b) = &b
            && self.tests.suites.iter().any(|g| {
                g.columns
                    .iter()
                    .any(|c| c.prompt == b.label && Some(&c.prompt) != old.as_ref())
            })
        {
            let msg = format!("{} is already a column of the suite", b.label);
            return self.set_status(Level::Warning, msg);
        }
        let open = self.tests.prompt.clone();
        for g in &mut self.tests.suites {
            let base: Vec<_> = g
                .columns
                .iter()
                .filter(|c| Some(&c.prompt) != old.as_ref())
                .cloned()
                .collect();
            variants::reshape(g, with_variant(base, &open, b.as_ref()));
        }
        self.tests.step(0, 0);
        let msg = match &b {
            Some(b) => format!(
                "variant B: {} beside {} · r runs both on the suite's cases",
                b.label, self.tests.prompt
            ),
            None => format!("only {} again", self.tests.prompt),
        };
        self.tests.variant = b;
        for i in 0..self.tests.suites.len() {
            self.refresh_paired_of(i);
        }
        self.set_status(Level::Info, msg);
    }

    /// The shown suite's paired rows, after a run.
    pub(super) fn refresh_paired(&mut self) {
        self.refresh_paired_of(self.tests.suite);
    }

    fn refresh_paired_of(&mut self, suite: usize) {
        let t = &mut self.tests;
        if let Some(g) = t.suites.get(suite) {
            t.paired.refresh(suite, g, &t.prompt);
        }
    }

    /// Variant B for a run, unless the suite already has it.
    pub(super) fn variant_b(&self, have: &[Box<dyn Variant>]) -> Option<Box<dyn Variant>> {
        let b = self.tests.variant.as_ref()?;
        if have.iter().any(|v| v.label() == b.label) {
            return None;
        }
        Some(Box::new(DotpromptVariant {
            name: b.label.clone(),
            source: b.source.clone(),
        }))
    }
}

//! The TUI's side of the history: each run's collector records its calls
//! (the prompt as in the editor, saved or not, with the picked examples),
//! and a problem with the database shows once in the status bar.

use super::{App, Level};
use crate::run::PlannedCell;
use crate::session::Collector;
use crate::session::record::{Face, PromptText, Recorder, RunContext};
use std::sync::Arc;

impl App {
    /// `collector`, recording each call as it settles when history is on.
    pub(super) fn recorded(&self, collector: Collector, cells: &[PlannedCell]) -> Collector {
        let Some(writer) = &self.history else {
            return collector;
        };
        let ed = self.editor();
        let text = PromptText::of(
            &self.session,
            self.prompt_name(),
            &ed.text(),
            !ed.is_dirty(),
            self.current.examples.selected(),
        );
        let context = RunContext {
            face: Face::Tui,
            workspace: self.session.ws.root.clone(),
            prompt: Arc::new(text),
        };
        let recorder: Arc<dyn Recorder> = writer.clone();
        collector.record(recorder, context, cells, &self.session.catalog)
    }

    /// Shows the history's first problem (a locked or damaged database),
    /// once; pwb goes on without history.
    pub(super) fn poll_history(&mut self) {
        if let Some(problem) = self.history.as_ref().and_then(|w| w.take_problem()) {
            self.set_status(Level::Warning, problem);
        }
    }
}

//! The TUI's side of the history: each run's collector records its calls
//! (the prompt as in the editor, saved or not, with the picked examples),
//! and a problem with the database shows once in the status bar.

use super::versions::rating_word;
use super::{App, Effect, Level};
use crate::run::PlannedCell;
use crate::session::Collector;
use crate::session::record::{Face, PromptText, Recorder, RunContext};
use crate::tui::history_query::{HistorySource, Query, Reply};
use crate::tui::state::popup::Popup;
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

impl App {
    /// Where the history is: the database the writer records to, else the
    /// one pwb.toml names (or why there is none).
    pub fn history_source(&self) -> HistorySource {
        let db = match &self.history {
            Some(w) => Ok(w.path.clone()),
            None => {
                crate::store::open::location(&self.session.ws.root, &self.session.ws.config.history)
                    .map_err(|e| e.to_string())
            }
        };
        HistorySource {
            db,
            root: self.session.ws.root.clone(),
            writer: self.history.clone(),
        }
    }

    pub(super) fn ask_history(&self, query: Query, effects: &mut Vec<Effect>) {
        effects.push(Effect::History {
            source: self.history_source(),
            query,
        });
    }

    /// The store answered: fill the popup or screen that asked (when it
    /// is still open), or say in one line why there is no answer.
    pub(super) fn on_history(&mut self, reply: Reply, effects: &mut Vec<Effect>) {
        match reply {
            Reply::Versions {
                prompt,
                result,
                labels,
            } => {
                if self.variant_versions(&prompt, &result) {
                    return;
                }
                let text = self.editor().text();
                let Some(Popup::Versions(p)) = self.popup.as_mut() else {
                    return;
                };
                if p.prompt != prompt {
                    return;
                }
                match result {
                    Ok(list) => {
                        p.list = Some(list);
                        p.labels = labels;
                        p.cursor = 0;
                        p.rediff(&text);
                    }
                    Err(e) => {
                        self.popup = None;
                        self.set_status(Level::Warning, e);
                    }
                }
            }
            Reply::Rated {
                what,
                value,
                call,
                result,
            } => match result {
                Ok(list) => {
                    self.show_ratings(&call, list);
                    self.set_status(
                        Level::Info,
                        format!("rated the answer of {what}: {}", rating_word(value)),
                    )
                }
                Err(e) => self.set_status(Level::Warning, format!("not rated: {e}")),
            },
            Reply::Voted { .. } => self.on_voted(reply),
            other => self.on_history_screen_reply(other, effects),
        }
    }
}

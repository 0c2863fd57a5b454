//! Writing the focused answer to a file (`Y` in Outputs): a popup asks for
//! the path (default `<prompt>-<model>-<n>.txt` in the workspace), the
//! event loop writes it atomically, and the status bar says where it went;
//! an existing file is overwritten only after a second Enter.

use super::{App, Effect, Level};
use crate::tui::state::popup::{LinePurpose, Popup};
use std::path::{Path, PathBuf};

/// How writing an answer to a file went.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    Written,
    /// The file is there and overwriting was not asked for.
    Exists,
    Failed(String),
}

/// Writes `text` to `path` atomically (creating missing folders); refuses
/// to replace an existing file unless `overwrite`. Run by the event loop.
pub fn write_answer(path: &Path, text: &str, overwrite: bool) -> WriteOutcome {
    if !overwrite && path.exists() {
        return WriteOutcome::Exists;
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return WriteOutcome::Failed(e.to_string());
    }
    match crate::workspace::save_atomic(path, text) {
        Ok(()) => WriteOutcome::Written,
        Err(e) => WriteOutcome::Failed(e.to_string()),
    }
}

/// `openai:gpt-4o-mini` → `openai-gpt-4o-mini`: safe in a file name.
fn file_part(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    cleaned.trim_matches(['-', '.']).to_string()
}

impl App {
    /// Opens the file popup for the focused column.
    pub(super) fn ask_answer_file(&mut self) {
        let col = self.outputs.focus_col;
        let Some(c) = self.outputs.columns().get(col) else {
            self.set_status(Level::Warning, "no answer to write: run the prompt first");
            return;
        };
        let buffer = format!(
            "{}-{}-{}.txt",
            file_part(self.prompt_name()),
            file_part(&c.name),
            col + 1
        );
        self.popup = Some(Popup::LineInput {
            purpose: LinePurpose::SaveColumn {
                col,
                overwrite: false,
            },
            buffer,
        });
    }

    /// Where a typed path points: `~/` is the home folder, a relative
    /// path is in the workspace.
    fn answer_path(&self, typed: &str) -> PathBuf {
        let home = || directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf());
        match typed.strip_prefix("~/").zip(home()) {
            Some((rest, home)) => home.join(rest),
            None if Path::new(typed).is_absolute() => PathBuf::from(typed),
            None => self.session.ws.root.join(typed),
        }
    }

    /// Enter in the file popup: asks the loop to write the column.
    pub(super) fn finish_answer_file(
        &mut self,
        col: usize,
        overwrite: bool,
        typed: &str,
        effects: &mut Vec<Effect>,
    ) {
        let typed = typed.trim();
        if typed.is_empty() {
            self.set_status(Level::Warning, "no file name: nothing written");
            return;
        }
        let Some(c) = self.outputs.columns().get(col) else {
            self.set_status(Level::Warning, "that column is gone: nothing written");
            return;
        };
        effects.push(Effect::WriteAnswer {
            col,
            path: self.answer_path(typed),
            text: c.text.clone(),
            overwrite,
        });
    }

    /// The loop wrote (or did not write) an answer file.
    pub(super) fn on_answer_written(&mut self, col: usize, path: PathBuf, outcome: WriteOutcome) {
        let shown = self.rel(&path);
        let label = self
            .outputs
            .columns()
            .get(col)
            .map_or_else(|| "the answer".to_string(), |c| c.label());
        match outcome {
            WriteOutcome::Written => {
                self.set_status(Level::Info, format!("wrote {label} to {shown}"))
            }
            WriteOutcome::Exists => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::SaveColumn {
                        col,
                        overwrite: true,
                    },
                    buffer: shown.clone(),
                });
                self.set_status(
                    Level::Warning,
                    format!("{shown} exists: Enter replaces it, Esc keeps it"),
                );
            }
            WriteOutcome::Failed(e) => {
                self.set_status(Level::Error, format!("could not write {shown}: {e}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(file_part("openai:gpt-4o-mini"), "openai-gpt-4o-mini");
        assert_eq!(file_part("ollama:llama3.2/x y"), "ollama-llama3.2-x-y");
        assert_eq!(file_part("..hidden"), "hidden");
    }

    #[test]
    fn an_existing_file_is_kept_unless_overwrite_is_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/answer.txt");
        assert_eq!(write_answer(&path, "one", false), WriteOutcome::Written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(write_answer(&path, "two", false), WriteOutcome::Exists);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        assert_eq!(write_answer(&path, "two", true), WriteOutcome::Written);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        let blocked = dir.path().join("sub/answer.txt/inside.txt");
        assert!(matches!(
            write_answer(&blocked, "x", false),
            WriteOutcome::Failed(_)
        ));
    }
}

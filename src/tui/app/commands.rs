//! What each bound command does, by focused pane.

use super::{App, Effect, Level, Pane};
use crate::run::CacheMode;
use crate::session::Collector;
use crate::tui::action::Command;
use crate::tui::state::models::Field;
use crate::tui::state::popup::{LinePurpose, Popup};
use crate::tui::state::switcher::Switcher;

impl App {
    pub(super) fn command(&mut self, cmd: Command, effects: &mut Vec<Effect>) {
        if matches!(cmd, Command::Run | Command::Inspector | Command::Variables) {
            // These show or send the rendered prompt: it must be current.
            self.refresh_render();
        }
        match cmd {
            Command::Run => self.start_run(effects),
            Command::Cancel => self.cancel(effects),
            Command::Save => self.save(effects),
            Command::Quit => {
                if self.is_dirty() {
                    self.popup = Some(Popup::ConfirmQuit);
                } else {
                    self.quit = true;
                }
            }
            Command::FocusNext => self.focus_next(true),
            Command::FocusPrev => self.focus_next(false),
            Command::Help => {
                self.popup = Some(Popup::Help {
                    scroll: Default::default(),
                })
            }
            Command::Inspector => {
                self.popup = Some(Popup::Inspector {
                    scroll: Default::default(),
                })
            }
            Command::ToggleCache => {
                self.cache_on = !self.cache_on;
                // While on, the bar's own " cache on " mark says so: the
                // message says what it means instead of repeating it.
                let msg = if self.cache_on {
                    "a request sent before is answered from the response cache"
                } else {
                    "response cache off: every request is sent"
                };
                self.set_status(Level::Info, msg);
            }
            Command::Variables => {
                let vars = &mut self.current.vars;
                vars.cursor = vars.cursor.min(vars.entries.len().saturating_sub(1));
                self.popup = Some(Popup::Variables);
            }
            Command::Versions => self.open_versions(effects),
            Command::History => self.toggle_history(effects),
            Command::Tests => self.toggle_tests(),
            Command::SwitchPrompt => {
                let names = self.prompt_names();
                let switcher = Switcher::new(&names, self.prompt_idx);
                self.popup = Some(Popup::SwitchPrompt(switcher));
            }
            _ => match self.focus {
                Pane::Editor => self.editor_command(cmd, effects),
                Pane::Examples => self.examples_command(cmd),
                Pane::Models => self.models_command(cmd),
                Pane::Outputs => self.outputs_command(cmd, effects),
            },
        }
    }

    fn start_run(&mut self, effects: &mut Vec<Effect>) {
        let (cells, cuts) = match self.planned_fitted() {
            Ok(c) => c,
            Err(e) => {
                self.set_render_status(format!("cannot run: {e}"));
                return;
            }
        };
        if cells.is_empty() {
            self.set_status(
                Level::Warning,
                "no model selected: pick one in Models (space)",
            );
            return;
        }
        let run = self.next_run_id();
        let schema = self.rendered_prompt().and_then(|r| r.output_json_schema());
        let collector = self.recorded(Collector::new(run, &cells, schema), &cells);
        self.convo.begin(&cells);
        self.restore_saved_turns(&cells);
        self.outputs.begin(collector);
        self.outputs.cuts = cuts;
        let missing = self.missing_vars().to_vec();
        let refused: Vec<String> = cells
            .iter()
            .filter_map(|c| Some(format!("{}: {}", c.label(), c.refusal()?)))
            .collect();
        let over = self.over_window_note();
        if let Some(first) = refused.first() {
            let more = match refused.len() {
                1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            self.set_status(Level::Warning, format!("{first}{more}"));
        } else if let Some(over) = over {
            self.set_status(Level::Warning, over);
        } else if missing.is_empty() {
            let models = cells.last().map_or(0, |c| c.slot.model + 1);
            let msg = match self.models.repeats {
                _ if cells.len() == models => format!("running on {models} model(s)"),
                1 => format!("running {} calls on {models} model(s)", cells.len()),
                k => format!(
                    "running {} calls on {models} model(s), {k} samples each",
                    cells.len()
                ),
            };
            let msg = match self.cut_note() {
                Some(cut) => format!("{msg} · {cut}"),
                None => msg,
            };
            self.set_status(Level::Info, msg);
        } else {
            self.set_status(
                Level::Warning,
                format!("running with unset variables: {}", missing.join(", ")),
            );
        }
        let cache = if self.cache_on {
            CacheMode::ReadWrite
        } else {
            CacheMode::Off
        };
        effects.push(Effect::StartRun { run, cells, cache });
    }

    fn cancel(&mut self, effects: &mut Vec<Effect>) {
        if self.models.edit.is_some() {
            self.models.edit = None;
        } else if self.outputs.is_running() {
            effects.push(Effect::CancelRun);
            self.set_status(Level::Info, "run cancelled");
        } else {
            self.editor_mut().cancel_selection();
        }
    }

    fn save(&mut self, effects: &mut Vec<Effect>) {
        let ed = self.editor();
        effects.push(Effect::Save {
            path: ed.path.as_path().to_path_buf(),
            text: ed.text(),
        });
    }

    /// Saves every edited prompt (quit with "save all").
    pub(super) fn save_all(&mut self, effects: &mut Vec<Effect>) {
        for ed in self
            .prompt_states()
            .map(|(_, p)| &p.editor)
            .filter(|e| e.is_dirty())
        {
            effects.push(Effect::Save {
                path: ed.path.as_path().to_path_buf(),
                text: ed.text(),
            });
        }
    }

    fn editor_command(&mut self, cmd: Command, effects: &mut Vec<Effect>) {
        let ed = self.editor_mut();
        match cmd {
            Command::Undo => {
                ed.undo();
            }
            Command::Redo => {
                ed.redo();
            }
            Command::SelectAll => ed.select_all(),
            Command::Copy => {
                if let Some(text) = ed.copy() {
                    effects.push(Effect::Clipboard(text));
                }
            }
            Command::Cut => {
                if let Some(text) = ed.cut() {
                    effects.push(Effect::Clipboard(text));
                }
            }
            Command::Paste => {
                ed.paste();
            }
            Command::Search => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::Search,
                    buffer: String::new(),
                })
            }
            Command::SearchNext if !ed.search_next() => {
                self.set_status(Level::Warning, "no match");
            }
            Command::GotoLine => {
                self.popup = Some(Popup::LineInput {
                    purpose: LinePurpose::GotoLine,
                    buffer: String::new(),
                })
            }
            _ => {}
        }
    }

    fn examples_command(&mut self, cmd: Command) {
        match cmd {
            Command::Up => self.current.examples.up(),
            Command::Down => self.current.examples.down(),
            Command::Toggle => {
                self.current.examples.toggle();
                self.inputs_changed();
            }
            Command::MoveUp => {
                self.current.examples.reorder(-1);
                self.inputs_changed();
            }
            Command::MoveDown => {
                self.current.examples.reorder(1);
                self.inputs_changed();
            }
            _ => {}
        }
    }

    fn models_command(&mut self, cmd: Command) {
        match cmd {
            Command::Up => self.models.up(),
            Command::Down => self.models.down(),
            Command::Toggle => self.models.toggle(),
            Command::MoreSamples | Command::FewerSamples => {
                self.models
                    .add_repeats(if cmd == Command::MoreSamples { 1 } else { -1 });
                let k = self.models.repeats;
                let msg = if k == 1 {
                    "one sample per model".to_string()
                } else {
                    format!("{k} samples per model: answers are compared for agreement")
                };
                self.set_status(Level::Info, msg);
            }
            Command::EditSweep => {
                if let Some(row) = self.models.rows.get(self.models.cursor) {
                    let msg = format!(
                        "temperatures for {}, comma-separated (0 to 2); empty ends the sweep",
                        row.name()
                    );
                    self.models.begin_edit(Field::Sweep, &Default::default());
                    self.set_status(Level::Info, msg);
                }
            }
            Command::EditTemperature | Command::EditMaxTokens => {
                let field = if cmd == Command::EditTemperature {
                    Field::Temperature
                } else {
                    Field::MaxTokens
                };
                let effective = self
                    .models
                    .rows
                    .get(self.models.cursor)
                    .map(|r| self.effective_params(r))
                    .unwrap_or_default();
                self.models.begin_edit(field, &effective);
            }
            _ => {}
        }
    }

    fn outputs_command(&mut self, cmd: Command, effects: &mut Vec<Effect>) {
        if cmd == Command::SaveColumn {
            self.ask_answer_file();
            return;
        }
        if cmd == Command::Blind {
            return self.open_blind();
        }
        if matches!(
            cmd,
            Command::Continue | Command::ContinueAll | Command::PickTurn
        ) {
            return self.conversation_command(cmd);
        }
        if matches!(cmd, Command::StepTools | Command::RunTools) {
            return self.step_tools(cmd == Command::RunTools, effects);
        }
        if cmd == Command::AddCase {
            return self.open_case_menu();
        }
        if matches!(cmd, Command::Rate | Command::RateUp | Command::RateDown) {
            return self.rate_command(cmd, effects);
        }
        let page = (self.size.1 / 3).max(1) as isize;
        let out = &mut self.outputs;
        match cmd {
            Command::Up => out.scroll_by(-1),
            Command::Down => out.scroll_by(1),
            Command::PageUp => out.scroll_by(-page),
            Command::PageDown => out.scroll_by(page),
            Command::Top => out.scroll_top(),
            Command::ToggleSync => {
                out.toggle_sync();
                let msg = if out.unsynced {
                    "columns scroll one at a time (s syncs them)"
                } else {
                    "columns scroll together"
                };
                self.set_status(Level::Info, msg);
            }
            Command::Bottom => {
                out.follow = true;
            }
            Command::ColumnPrev => out.focus_col = out.focus_col.saturating_sub(1),
            Command::ColumnNext if out.focus_col + 1 < out.columns().len() => {
                out.focus_col += 1;
            }
            Command::CycleDiff => {
                out.diffs.mode = out.diffs.mode.next();
                out.diffs.invalidate();
                let label = out.diffs.mode.label();
                self.set_status(Level::Info, label);
            }
            Command::Zoom => {
                out.zoom = !out.zoom;
            }
            Command::ToggleWrap => {
                out.nowrap = !out.nowrap;
                let msg = if out.nowrap {
                    "long lines clipped (w wraps them)"
                } else {
                    "long lines wrapped"
                };
                self.set_status(Level::Info, msg);
            }
            Command::CopyColumn => match out.columns().get(out.focus_col) {
                Some(c) => {
                    effects.push(Effect::Clipboard(c.text.clone()));
                    let msg = format!("copied the answer of {}", c.label());
                    self.set_status(Level::Info, msg);
                }
                None => self.set_status(Level::Warning, "no answer to copy"),
            },
            Command::TogglePretty => {
                out.pretty = !out.pretty;
                let msg = if out.pretty {
                    "JSON answers pretty-printed"
                } else {
                    "answers as sent"
                };
                self.set_status(Level::Info, msg);
            }
            Command::SetReference => {
                out.diffs.reference = out.focus_col;
                out.diffs.invalidate();
                let msg = match out.columns().get(out.focus_col) {
                    Some(c) => format!("diff reference: {}", c.label()),
                    None => "no column to make the reference".to_string(),
                };
                self.set_status(Level::Info, msg);
            }
            _ => {}
        }
    }
}

//! Carrying out the runs a TUI action starts, including the ones its run
//! events start in turn (a conversation's re-run turns, an agent loop's
//! steps), with the real runner, as the event loop would.

use pwb::run::{Runner, plan::into_cells_with};
use pwb::tui::action::Action;
use pwb::tui::app::{App, Effect};
use std::time::Duration;

/// Carries out the runs `effects` start (and those their events start)
/// until no column is running; returns the other effects.
pub fn carry_out(app: &mut App, effects: Vec<Effect>) -> Vec<Effect> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut others = Vec::new();
    rt.block_on(async {
        let runner = Runner::new(
            tokio::runtime::Handle::current(),
            super::runs::test_config(),
        );
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut pending = effects;
        loop {
            for e in pending.drain(..) {
                match e {
                    Effect::StartRun { run, cells, cache } => {
                        runner.start_as(run, into_cells_with(cells, cache), tx.clone())
                    }
                    Effect::JoinRun { run, cells, cache } => {
                        runner.join(run, 0, into_cells_with(cells, cache), tx.clone())
                    }
                    other => others.push(other),
                }
            }
            if !app.outputs.is_running() {
                break;
            }
            let ev = tokio::time::timeout(Duration::from_secs(20), rx.recv())
                .await
                .expect("the run went quiet")
                .expect("channel open");
            pending = app.update(Action::Run(ev));
        }
    });
    others
}

/// Sends `action` and carries out the runs it starts.
pub fn act(app: &mut App, action: Action) -> Vec<Effect> {
    let effects = app.update(action);
    carry_out(app, effects)
}

//! The TUI's loop: wait for input, run events, signals or a tick; drain
//! everything queued; update; carry out effects; draw at most every ~16 ms.

use super::action::Action;
use super::app::{App, Effect};
use super::editor::osc52_copy;
use super::terminal::TerminalGuard;
use super::{input, view};
use crate::run::{Runner, RunnerConfig, plan::into_cells_with};
use crate::workspace;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

const FRAME: Duration = Duration::from_millis(16);
const TICK: Duration = Duration::from_secs(2);

/// Runs the TUI until the user quits or a signal arrives.
/// `started` is when the process began; with `PWB_TRACE_STARTUP=FILE` the
/// time to the first frame is written there (used by the start-up bench).
pub async fn run(mut app: App, started: Instant) -> anyhow::Result<()> {
    let mut first_frame = true;
    let data_dir = crate::paths::data_dir();
    offer_recovery(&mut app, &data_dir);

    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });

    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    input::spawn_reader(tx.clone());
    // The tokenizer for example estimates loads in the background; a tick
    // redraws when it is ready.
    let warm_tx = tx.clone();
    std::thread::spawn(move || {
        crate::prompt::tokens::warm_up();
        let _ = warm_tx.send(Action::Tick);
    });
    // Local models' own tokenizers (GGUF headers), for exact counts.
    let local_tx = tx.clone();
    let endpoints: Vec<_> = app
        .session
        .models()
        .into_iter()
        .map(|m| m.endpoint)
        .collect();
    std::thread::spawn(move || {
        if crate::session::count::load_local(&endpoints) > 0 {
            let _ = local_tx.send(Action::Tick);
        }
    });
    let (run_tx, mut run_rx) = mpsc::unbounded_channel();
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        RunnerConfig::from_settings(&app.session.ws.config.runner),
    );
    // Stops the Tests run in progress.
    let mut eval_stop: Option<CancellationToken> = None;
    let mut signals = Signals::new()?;
    let mut tick = tokio::time::interval(TICK);
    let mut last_draw = Instant::now() - FRAME;
    let mut dirty = true;

    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            guard.terminal.draw(|f| view::draw(f, &mut app))?;
            last_draw = Instant::now();
            dirty = false;
            if first_frame {
                first_frame = false;
                if let Some(path) = std::env::var_os("PWB_TRACE_STARTUP") {
                    let ms = started.elapsed().as_secs_f64() * 1000.0;
                    let _ = std::fs::write(path, format!("{ms:.2}\n"));
                }
            }
        }
        let wait = if dirty {
            FRAME.saturating_sub(last_draw.elapsed())
        } else {
            Duration::from_secs(3600)
        };
        let mut batch = Vec::new();
        tokio::select! {
            Some(a) = rx.recv() => batch.push(a),
            Some(ev) = run_rx.recv() => batch.push(Action::Run(ev)),
            _ = tick.tick() => batch.push(Action::Tick),
            _ = signals.recv() => {
                // SIGTERM/SIGHUP/SIGINT: keep edits in recovery files, leave cleanly.
                let effects = app.update(Action::Tick);
                apply(effects, &runner, &run_tx, &tx, &data_dir, &mut eval_stop);
                break;
            }
            _ = tokio::time::sleep(wait) => {}
            _ = sleep_until_opt(app.render_due()) => batch.push(Action::RenderDue),
        }
        // Drain everything already queued before drawing once.
        while let Ok(a) = rx.try_recv() {
            batch.push(a);
        }
        while let Ok(ev) = run_rx.try_recv() {
            batch.push(Action::Run(ev));
        }
        for action in batch {
            dirty = true;
            let effects = app.update(action);
            apply(effects, &runner, &run_tx, &tx, &data_dir, &mut eval_stop);
        }
        if app.quit {
            // Let saves requested on quit report back before leaving.
            while let Ok(a) = rx.try_recv() {
                let effects = app.update(a);
                apply(effects, &runner, &run_tx, &tx, &data_dir, &mut eval_stop);
            }
            break;
        }
    }
    runner.cancel();
    if let Some(stop) = eval_stop {
        stop.cancel();
    }
    drop(guard);
    Ok(())
}

fn apply(
    effects: Vec<Effect>,
    runner: &Runner,
    run_tx: &mpsc::UnboundedSender<crate::run::RunEvent>,
    tx: &mpsc::UnboundedSender<Action>,
    data_dir: &Path,
    eval_stop: &mut Option<CancellationToken>,
) {
    for effect in effects {
        match effect {
            Effect::StartRun { run, cells, cache } => {
                runner.start_as(run, into_cells_with(cells, cache), run_tx.clone())
            }
            Effect::JoinRun { run, cells, cache } => {
                runner.join(run, 0, into_cells_with(cells, cache), run_tx.clone())
            }
            Effect::CancelRun => {
                runner.cancel();
            }
            Effect::StartEval(job) => {
                let stop = CancellationToken::new();
                if let Some(old) = eval_stop.replace(stop.clone()) {
                    old.cancel();
                }
                tokio::spawn(super::eval_job::run(*job, stop, tx.clone()));
            }
            Effect::CancelEval => {
                if let Some(stop) = eval_stop.take() {
                    stop.cancel();
                }
            }
            Effect::Save { path, text } => {
                let error = workspace::save_text(&path, &text)
                    .err()
                    .map(|e| e.to_string());
                let _ = tx.send(Action::Saved { path, error });
            }
            Effect::WriteRecovery { path, text } => {
                let _ = workspace::write_recovery(data_dir, &path, &text);
            }
            Effect::ClearRecovery { path } => {
                let _ = workspace::clear_recovery(data_dir, &path);
            }
            Effect::LoadSuites { id, root, prompt } => {
                let tx = tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = crate::tui::app::load_grids(&root, &prompt);
                    let _ = tx.send(Action::SuitesLoaded { id, result });
                });
            }
            Effect::AddCase { path, case } => {
                let result = crate::tui::app::add_case(&path, &case);
                let _ = tx.send(Action::CaseAdded { path, result });
            }
            Effect::WriteAnswer {
                col,
                path,
                text,
                overwrite,
            } => {
                let outcome = crate::tui::app::write_answer(&path, &text, overwrite);
                let _ = tx.send(Action::AnswerWritten { col, path, outcome });
            }
            Effect::History { source, query } => {
                // Opening the store and querying it touch the disk: a
                // worker does it and the answer comes back as an action.
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let reply = crate::tui::history_query::carry_out(&source, query);
                    let _ = tx.send(Action::History(reply));
                });
            }
            Effect::Clipboard(text) => {
                let mut out = std::io::stdout();
                let _ = out.write_all(osc52_copy(&text).as_bytes());
                let _ = out.flush();
            }
        }
    }
}

/// Offers the first recovery file that differs from its prompt on disk.
fn offer_recovery(app: &mut App, data_dir: &Path) {
    for (i, p) in app.session.ws.prompts.iter().enumerate() {
        if let Ok(Some(text)) = workspace::read_recovery(data_dir, &p.path)
            && text != p.source
        {
            app.offer_recovery(i, text);
            return;
        }
    }
}

/// SIGTERM, SIGHUP and SIGINT as one stream.
struct Signals {
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
        })
    }
    async fn recv(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}

/// Sleeps until `at`, or forever when there is nothing to wait for.
async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

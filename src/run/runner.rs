//! Starts one task per cell and runs it under two limits: a global cap and
//! an adaptive per-provider one. Transient failures are retried with
//! backoff; stalled or overlong calls time out; cancel drops them at once.

use super::cache::{self, CacheSlot};
use super::config::RunnerConfig;
use super::event::{RunEvent, RunId};
use super::limits::ProviderLimits;
use super::retry::{classify, wait_before};
use crate::provider::http::clip;
use crate::provider::types::secs;
use crate::provider::{
    ChatRequest, Completion, Provider, ProviderError, StreamEvent, TimeoutKind, Trace,
};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc::UnboundedSender};
use tokio_util::sync::CancellationToken;

/// One model call of a run.
pub struct Cell {
    /// Who answers; a call it cannot make (missing key, missing weights)
    /// fails this cell with the reason, the others go on.
    pub provider: Arc<dyn Provider>,
    pub request: ChatRequest,
    /// Where to look up and keep the answer; `None` = cache off.
    pub cache: Option<CacheSlot>,
}

pub struct Runner {
    handle: tokio::runtime::Handle,
    next_id: AtomicU64,
    current: Mutex<Option<CancellationToken>>,
    shared: Arc<Shared>,
}

/// What every cell task of every run shares.
struct Shared {
    config: RunnerConfig,
    global: Semaphore,
    limits: ProviderLimits,
}

impl Runner {
    pub fn new(handle: tokio::runtime::Handle, config: RunnerConfig) -> Self {
        let ceilings = config.clone();
        Runner {
            handle,
            next_id: AtomicU64::new(1),
            current: Mutex::new(None),
            shared: Arc::new(Shared {
                global: Semaphore::new(config.max_parallel.max(1)),
                limits: ProviderLimits::new(move |p| ceilings.concurrency_for(p)),
                config,
            }),
        }
    }

    pub fn config(&self) -> &RunnerConfig {
        &self.shared.config
    }

    /// Starts all cells and returns the run id; a run still in flight is
    /// cancelled first (its cells report `Cancelled`).
    pub fn start(&self, cells: Vec<Cell>, tx: UnboundedSender<RunEvent>) -> RunId {
        let run = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.start_as(run, cells, tx);
        run
    }

    /// Like `start`, with a run id the caller chose (the TUI numbers its
    /// runs itself so its state knows the id before any event arrives).
    pub fn start_as(&self, run: RunId, cells: Vec<Cell>, tx: UnboundedSender<RunEvent>) {
        let token = CancellationToken::new();
        if let Ok(mut cur) = self.current.lock()
            && let Some(old) = cur.replace(token.clone())
        {
            old.cancel();
        }
        self.spawn(run, 0, cells, tx, token);
    }

    /// Adds cells to the run in flight without cancelling it (an eval's
    /// grader calls join the calls they grade): they share its limits and
    /// its cancel, and are numbered from `first_cell`. With no run in
    /// flight they start one.
    pub fn join(
        &self,
        run: RunId,
        first_cell: usize,
        cells: Vec<Cell>,
        tx: UnboundedSender<RunEvent>,
    ) {
        let token = match self.current.lock() {
            Ok(mut cur) => cur.get_or_insert_with(CancellationToken::new).clone(),
            Err(_) => CancellationToken::new(),
        };
        self.spawn(run, first_cell, cells, tx, token);
    }

    fn spawn(
        &self,
        run: RunId,
        first_cell: usize,
        cells: Vec<Cell>,
        tx: UnboundedSender<RunEvent>,
        token: CancellationToken,
    ) {
        for (i, spec) in cells.into_iter().enumerate() {
            let cell = first_cell + i;
            let to = Reporter {
                run,
                cell,
                tx: tx.clone(),
            };
            let token = token.clone();
            let shared = self.shared.clone();
            self.handle.spawn(async move {
                // Dropping `drive` drops the connection, any permit and
                // any retry wait: cancel is immediate.
                let end = tokio::select! {
                    end = drive(&shared, spec, &to) => end,
                    _ = token.cancelled() => RunEvent::Cancelled { run, cell },
                };
                let _ = to.tx.send(end);
            });
        }
    }

    /// Cancels the run in flight, if any. Returns whether there was one.
    pub fn cancel(&self) -> bool {
        match self.current.lock().ok().and_then(|mut c| c.take()) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}

/// Where one cell's events go.
struct Reporter {
    run: RunId,
    cell: usize,
    tx: UnboundedSender<RunEvent>,
}

impl Reporter {
    fn failed(&self, error: String) -> RunEvent {
        RunEvent::Failed {
            run: self.run,
            cell: self.cell,
            error,
        }
    }
}

/// Runs one cell through its attempts; returns its terminal event.
async fn drive(shared: &Shared, spec: Cell, to: &Reporter) -> RunEvent {
    let (run, cell) = (to.run, to.cell);
    if let Some(end) = cache::replay(spec.cache.as_ref(), run, cell, &to.tx) {
        return end;
    }
    let provider = spec.provider;
    let cfg = &shared.config;
    let limiter = shared.limits.get(provider.kind().name());
    // The total timeout starts when the first attempt is sent, so time
    // spent queued behind other cells does not count.
    let mut deadline: Option<Instant> = None;
    let mut retry = 0u32;
    loop {
        let slot = limiter.acquire().await;
        let Ok(global) = shared.global.acquire().await else {
            return to.failed("the runner has shut down".into());
        };
        let deadline = *deadline.get_or_insert_with(|| Instant::now() + cfg.timeout);
        if Instant::now() >= deadline {
            return to.failed(ProviderError::Timeout(TimeoutKind::Total(cfg.timeout)).to_string());
        }
        let _ = to.tx.send(RunEvent::Started {
            run,
            cell,
            at: std::time::Instant::now(),
        });
        let (result, streamed) = attempt(&*provider, &spec.request, to, cfg, deadline).await;
        cache::remember(spec.cache.as_ref(), &result);
        let err = match result {
            Ok(completion) => {
                limiter.on_success();
                return RunEvent::Finished {
                    run,
                    cell,
                    completion,
                };
            }
            Err(e) => e,
        };
        // Once text has reached the user a retry would repeat it: final.
        let retryable = if streamed { None } else { classify(&err) };
        if retryable.as_ref().is_some_and(|r| r.rate_limited) {
            limiter.on_rate_limited();
        }
        let tried = if retry > 0 {
            format!(" (after {} attempts)", retry + 1)
        } else {
            String::new()
        };
        let Some(retryable) = retryable else {
            return to.failed(format!("{err}{tried}"));
        };
        if retry >= cfg.max_retries {
            return to.failed(format!("{err} (gave up after {} attempts)", retry + 1));
        }
        retry += 1;
        let wait = wait_before(retry, retryable.hint, cfg);
        if Instant::now() + wait >= deadline {
            return to.failed(format!(
                "{err}{tried} (no time left to retry within the {} timeout)",
                secs(cfg.timeout)
            ));
        }
        // Free both slots while waiting, so others can use them.
        drop((slot, global));
        let _ = to.tx.send(RunEvent::Retrying {
            run,
            cell,
            attempt: retry,
            max_retries: cfg.max_retries,
            wait,
            cause: err.brief(),
            reason: clip(&err.to_string()),
        });
        tokio::time::sleep(wait).await;
    }
}

/// One attempt, bounded by the stall timeout (reset by every streamed
/// event) and the total deadline. Returns whether any text or thinking
/// reached the user.
async fn attempt(
    provider: &dyn Provider,
    request: &ChatRequest,
    to: &Reporter,
    cfg: &RunnerConfig,
    deadline: Instant,
) -> (Result<Completion, ProviderError>, bool) {
    let (run, cell) = (to.run, to.cell);
    let origin = Instant::now();
    // Milliseconds from `origin` to the latest event.
    let last_event = AtomicU64::new(0);
    let streamed = AtomicBool::new(false);
    let quiet_until =
        || origin + Duration::from_millis(last_event.load(Ordering::Relaxed)) + cfg.stall_timeout;
    let mut sink = |ev: StreamEvent| {
        last_event.store(origin.elapsed().as_millis() as u64, Ordering::Relaxed);
        let msg = match ev {
            StreamEvent::Text(text) => {
                streamed.store(true, Ordering::Relaxed);
                RunEvent::Text { run, cell, text }
            }
            StreamEvent::Thinking(text) => {
                streamed.store(true, Ordering::Relaxed);
                RunEvent::Thinking { run, cell, text }
            }
            StreamEvent::Usage(usage) => RunEvent::Usage { run, cell, usage },
            StreamEvent::Status(note) => RunEvent::Status { run, cell, note },
            StreamEvent::ToolCall(call) => {
                streamed.store(true, Ordering::Relaxed);
                RunEvent::ToolCall { run, cell, call }
            }
        };
        let _ = to.tx.send(msg);
    };
    let mut trace = Trace::default();
    let result = {
        let call = provider.stream_traced(request, &mut sink, &mut trace);
        tokio::pin!(call);
        loop {
            let wake = quiet_until().min(deadline);
            tokio::select! {
                r = &mut call => break r,
                _ = tokio::time::sleep_until(wake.into()) => {
                    let now = Instant::now();
                    if now >= deadline {
                        break Err(ProviderError::Timeout(TimeoutKind::Total(cfg.timeout)));
                    }
                    if now >= quiet_until() {
                        break Err(ProviderError::Timeout(TimeoutKind::Stall(cfg.stall_timeout)));
                    }
                }
            }
        }
    };
    let _ = to.tx.send(RunEvent::Trace {
        run,
        cell,
        trace: Box::new(trace),
    });
    (result, streamed.load(Ordering::Relaxed))
}

//! Starts one task per cell, caps how many run at once, and cancels the
//! whole run on request (a new run cancels the one in flight). Dropping a
//! provider future drops its connection, so cancel is immediate.

use super::cache::{self, CacheSlot};
use super::event::{RunEvent, RunId};
use crate::provider::{ChatRequest, Provider, ProviderError, StreamEvent, Trace};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, mpsc::UnboundedSender};
use tokio_util::sync::CancellationToken;

/// One model call of a run.
pub struct Cell {
    /// The provider, or why it could not be built (missing key, unknown
    /// provider): such a cell fails with that reason, the others go on.
    pub provider: Result<Arc<dyn Provider>, ProviderError>,
    pub request: ChatRequest,
    /// Where to look up and keep the answer; `None` = cache off.
    pub cache: Option<CacheSlot>,
}

pub struct Runner {
    handle: tokio::runtime::Handle,
    next_id: AtomicU64,
    current: Mutex<Option<CancellationToken>>,
    limit: Arc<Semaphore>,
}

impl Runner {
    /// `max_parallel` caps the calls in flight across all cells.
    pub fn new(handle: tokio::runtime::Handle, max_parallel: usize) -> Self {
        Runner {
            handle,
            next_id: AtomicU64::new(1),
            current: Mutex::new(None),
            limit: Arc::new(Semaphore::new(max_parallel.max(1))),
        }
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
        for (cell, spec) in cells.into_iter().enumerate() {
            let tx = tx.clone();
            let token = token.clone();
            let limit = self.limit.clone();
            self.handle.spawn(async move {
                run_cell(run, cell, spec, tx, token, limit).await;
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

async fn run_cell(
    run: RunId,
    cell: usize,
    spec: Cell,
    tx: UnboundedSender<RunEvent>,
    token: CancellationToken,
    limit: Arc<Semaphore>,
) {
    if cache::replay(spec.cache.as_ref(), run, cell, &tx) {
        return;
    }
    let provider = match spec.provider {
        Ok(p) => p,
        Err(e) => {
            let _ = tx.send(RunEvent::Failed {
                run,
                cell,
                error: e.to_string(),
            });
            return;
        }
    };
    let permit = tokio::select! {
        p = limit.acquire_owned() => p,
        _ = token.cancelled() => {
            let _ = tx.send(RunEvent::Cancelled { run, cell });
            return;
        }
    };
    let _permit = permit;
    let _ = tx.send(RunEvent::Started { run, cell });
    let events_tx = tx.clone();
    let mut sink = move |ev: StreamEvent| {
        let msg = match ev {
            StreamEvent::Text(text) => RunEvent::Text { run, cell, text },
            StreamEvent::Thinking(text) => RunEvent::Thinking { run, cell, text },
            StreamEvent::Usage(usage) => RunEvent::Usage { run, cell, usage },
        };
        let _ = events_tx.send(msg);
    };
    let mut trace = Trace::default();
    let result = tokio::select! {
        r = provider.stream_traced(&spec.request, &mut sink, &mut trace) => Some(r),
        _ = token.cancelled() => None,
    };
    if let Some(r) = &result {
        cache::remember(spec.cache.as_ref(), r);
        let trace = Box::new(trace);
        let _ = tx.send(RunEvent::Trace { run, cell, trace });
    }
    let event = match result {
        Some(Ok(completion)) => RunEvent::Finished {
            run,
            cell,
            completion,
        },
        Some(Err(e)) => RunEvent::Failed {
            run,
            cell,
            error: e.to_string(),
        },
        None => RunEvent::Cancelled { run, cell },
    };
    let _ = tx.send(event);
}

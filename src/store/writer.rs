//! The one writer: a thread that owns a connection and is fed by a
//! channel, so recording never waits on disk. It opens the database itself
//! (a locked or damaged file never stalls a face: the problem is kept for
//! the face to show), drains what is queued, writes it in one immediate
//! transaction (each message in its own savepoint), and acknowledges
//! `flush` once everything sent before it is committed.

use super::evals::{self, EvalEnd, EvalStart, GradeRecord};
use super::{calls, ids, open, versions};
use crate::session::record::{CallId, PromptText, Recorder, SettledCall};
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Most messages written in one transaction.
const BATCH: usize = 512;

/// How long the writer waits for more calls before it commits what it has.
const LINGER: Duration = Duration::from_millis(20);

pub(crate) enum Msg {
    Call {
        uid: i64,
        created: i64,
        call: Box<SettledCall>,
    },
    BeginEval {
        uid: i64,
        start: Box<EvalStart>,
    },
    Grade {
        eval: i64,
        call: i64,
        grade: Box<GradeRecord>,
    },
    FinishEval {
        uid: i64,
        end: EvalEnd,
    },
    Flush(Sender<()>),
}

/// Records calls (and eval grades) to the history database from any
/// thread; cheap to share (`Arc`). Dropping the last handle writes what
/// is queued and stops the thread.
pub struct HistoryWriter {
    pub path: PathBuf,
    tx: Mutex<Option<Sender<Msg>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    problem: Arc<Mutex<Problem>>,
}

#[derive(Default)]
struct Problem {
    text: Option<String>,
    taken: bool,
}

impl HistoryWriter {
    /// Starts the writer for the database at `path`; never blocks.
    pub fn start(path: PathBuf) -> Arc<HistoryWriter> {
        let (tx, rx) = mpsc::channel();
        let problem = Arc::new(Mutex::new(Problem::default()));
        let (p, thread_path) = (problem.clone(), path.clone());
        let thread = std::thread::Builder::new()
            .name("pwb-history".into())
            .spawn(move || run(&thread_path, rx, &p))
            .ok();
        if thread.is_none() {
            set_problem(
                &problem,
                "history unavailable: cannot start its writer thread".into(),
            );
        }
        Arc::new(HistoryWriter {
            path,
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(thread),
            problem,
        })
    }

    pub(crate) fn send(&self, msg: Msg) {
        if let Ok(tx) = self.tx.lock()
            && let Some(tx) = tx.as_ref()
        {
            let _ = tx.send(msg);
        }
    }

    /// Waits until everything sent so far is written (a CLI calls this
    /// before it exits); returns the first problem, if any, once.
    pub fn flush(&self) -> Option<String> {
        self.wait_written();
        self.take_problem()
    }

    /// Waits until everything sent so far is written (or failed to be),
    /// leaving a problem for `flush`/`take_problem` to tell (a face that
    /// reads its history after this, or prints progress, says problems
    /// where it polls for them).
    pub fn wait_written(&self) {
        let (ack, done) = mpsc::channel();
        self.send(Msg::Flush(ack));
        // A hang here would keep a CLI from exiting: give up after a while.
        let _ = done.recv_timeout(Duration::from_secs(60));
    }

    /// The first problem the writer met (the database could not be opened,
    /// a write failed), once: a face shows it as a one-line warning.
    pub fn take_problem(&self) -> Option<String> {
        let mut p = self.problem.lock().ok()?;
        if p.taken {
            return None;
        }
        let text = p.text.clone()?;
        p.taken = true;
        Some(text)
    }

    /// Starts recording an eval; its grades follow with `record_grade`.
    pub fn begin_eval(&self, start: EvalStart) -> CallId {
        let uid = ids::new_uid();
        self.send(Msg::BeginEval {
            uid,
            start: Box::new(start),
        });
        ids::uid_hex(uid)
    }

    /// Records how call `call` (an id `record` gave) was graded in eval
    /// `eval` (an id `begin_eval` gave). Ids this writer did not give are
    /// ignored.
    pub fn record_grade(&self, eval: &str, call: &str, grade: GradeRecord) {
        if let (Some(eval), Some(call)) = (ids::parse_uid(eval), ids::parse_uid(call)) {
            self.send(Msg::Grade {
                eval,
                call,
                grade: Box::new(grade),
            });
        }
    }

    /// Marks eval `eval` finished.
    pub fn finish_eval(&self, eval: &str, end: EvalEnd) {
        if let Some(uid) = ids::parse_uid(eval) {
            self.send(Msg::FinishEval { uid, end });
        }
    }
}

impl Recorder for HistoryWriter {
    fn record(&self, call: SettledCall) -> Option<CallId> {
        let uid = ids::new_uid();
        self.send(Msg::Call {
            uid,
            created: ids::now_ms(),
            call: Box::new(call),
        });
        Some(ids::uid_hex(uid))
    }
}

impl Drop for HistoryWriter {
    fn drop(&mut self) {
        if let Ok(mut tx) = self.tx.lock() {
            tx.take();
        }
        if let Ok(mut t) = self.thread.lock()
            && let Some(t) = t.take()
        {
            let _ = t.join();
        }
    }
}

fn set_problem(p: &Mutex<Problem>, text: String) {
    if let Ok(mut p) = p.lock()
        && p.text.is_none()
    {
        p.text = Some(text);
    }
}

/// The writer thread: open, then write batches until every sender is gone.
fn run(path: &Path, rx: Receiver<Msg>, problem: &Mutex<Problem>) {
    let mut conn = match open::open(path) {
        Ok(c) => Some(c),
        Err(e) => {
            set_problem(problem, e.to_string());
            None
        }
    };
    let mut cache = Cache::default();
    while let Ok(first) = rx.recv() {
        // Calls settle one by one: waiting a moment for the next ones
        // makes one commit of many (a flush is written at once).
        let until = Instant::now() + LINGER;
        let mut batch = vec![first];
        while batch.len() < BATCH && !matches!(batch.last(), Some(Msg::Flush(_))) {
            let left = until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        let mut acks = Vec::new();
        let mut writes = Vec::new();
        for m in batch {
            match m {
                Msg::Flush(ack) => acks.push(ack),
                other => writes.push(other),
            }
        }
        if let Some(conn) = conn.as_mut()
            && !writes.is_empty()
            && let Err(e) = write_batch(conn, &writes, &mut cache)
        {
            set_problem(
                problem,
                format!(
                    "history: {} record(s) not written to {}: {}",
                    writes.len(),
                    path.display(),
                    open::reason(&e)
                ),
            );
        }
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

/// What the writer remembers between batches.
#[derive(Default)]
struct Cache {
    workspaces: HashMap<PathBuf, i64>,
    /// The prompt text of the last run and its version's row id.
    last_version: Option<(Arc<PromptText>, i64, i64)>,
    /// Eval uid -> row id.
    evals: HashMap<i64, i64>,
}

/// Writes a batch in one transaction, retrying while another process holds
/// the write lock longer than the busy timeout.
fn write_batch(conn: &mut Connection, writes: &[Msg], cache: &mut Cache) -> rusqlite::Result<()> {
    let mut tries = 0;
    loop {
        match try_batch(conn, writes, cache) {
            Err(e) if tries < 2 && is_busy(&e) => {
                tries += 1;
                // Ids remembered from the rolled-back attempt are void.
                *cache = Cache::default();
                std::thread::sleep(Duration::from_millis(200));
            }
            other => return other,
        }
    }
}

fn try_batch(conn: &mut Connection, writes: &[Msg], cache: &mut Cache) -> rusqlite::Result<()> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut first_error = None;
    for m in writes {
        let sp = tx.savepoint()?;
        match write_one(&sp, m, cache) {
            Ok(()) => sp.commit()?,
            Err(e) => {
                drop(sp);
                // Ids remembered inside the rolled-back savepoint are void.
                *cache = Cache::default();
                if is_busy(&e) {
                    return Err(e);
                }
                first_error.get_or_insert(e);
            }
        }
    }
    tx.commit()?;
    first_error.map_or(Ok(()), Err)
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn workspace_id(conn: &Connection, path: &Path, cache: &mut Cache) -> rusqlite::Result<i64> {
    if let Some(id) = cache.workspaces.get(path) {
        return Ok(*id);
    }
    let id = versions::ensure_workspace(conn, &super::workspace_key(path))?;
    cache.workspaces.insert(path.to_path_buf(), id);
    Ok(id)
}

fn write_one(conn: &Connection, m: &Msg, cache: &mut Cache) -> rusqlite::Result<()> {
    match m {
        Msg::Call { uid, created, call } => {
            let ws = workspace_id(conn, &call.context.workspace, cache)?;
            let version = version_id(conn, ws, &call.context.prompt, *created, cache)?;
            calls::insert(
                conn,
                &calls::NewCall {
                    uid: *uid,
                    created: *created,
                    workspace: ws,
                    version,
                    face: call.context.face.as_str(),
                    messages: &call.messages,
                    outcome: &call.outcome,
                    cost: call.cost,
                },
            )?;
        }
        Msg::BeginEval { uid, start } => {
            let ws = workspace_id(conn, &start.workspace, cache)?;
            let id = evals::insert(conn, *uid, ws, start)?;
            cache.evals.insert(*uid, id);
        }
        Msg::Grade { eval, call, grade } => evals::insert_grade(conn, *eval, *call, grade)?,
        Msg::FinishEval { uid, end } => evals::finish(conn, *uid, end)?,
        Msg::Flush(_) => {}
    }
    Ok(())
}

/// The row id of the version of the prompt text a call ran, recorded (and
/// its last use moved) as needed; one hash per run, not per call.
fn version_id(
    conn: &Connection,
    ws: i64,
    prompt: &Arc<PromptText>,
    created: i64,
    cache: &mut Cache,
) -> rusqlite::Result<i64> {
    if let Some((last, last_ws, id)) = &cache.last_version
        && Arc::ptr_eq(last, prompt)
        && *last_ws == ws
    {
        crate::store::exec(
            conn,
            "UPDATE prompt_versions SET last_used = max(last_used, ?2) WHERE id = ?1",
            rusqlite::params![id, created],
        )?;
        return Ok(*id);
    }
    let mut v = versions::of_text(
        &prompt.name,
        &prompt.source,
        prompt.saved,
        &prompt.partials,
        &prompt.examples,
    );
    v.first_used = created;
    v.last_used = created;
    let id = versions::upsert(conn, ws, &v)?;
    cache.last_version = Some((prompt.clone(), ws, id));
    Ok(id)
}

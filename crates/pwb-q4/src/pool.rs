//! A small parallel-for for the forward pass. The caller and the workers
//! claim work items from one atomic counter, so a worker the OS has
//! descheduled (another program busy on a 2-core machine) does not hold the
//! others back: the caller simply takes its share. Workers spin briefly
//! between jobs (a token's jobs are microseconds apart), then sleep.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU64, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// An output buffer the pool's threads write into; every work item must
/// write a set of elements no other item writes.
#[derive(Clone, Copy)]
pub(crate) struct SharedOut(*mut f32);
// SAFETY: items write disjoint elements (the rule above), and the buffer
// outlives `Pool::run`, which returns only when every item is done.
unsafe impl Send for SharedOut {}
unsafe impl Sync for SharedOut {}

impl SharedOut {
    pub(crate) fn new(buf: &mut [f32]) -> SharedOut {
        SharedOut(buf.as_mut_ptr())
    }

    /// Element `i`'s address; the caller keeps `i` inside the buffer.
    pub(crate) fn at(self, i: usize) -> *mut f32 {
        self.0.wrapping_add(i)
    }
}

/// How long an idle worker spins before it sleeps.
const SPIN: Duration = Duration::from_micros(300);

/// One parallel-for: items `0..n` run by `f`, claimed via `next`.
struct Job<'a> {
    f: &'a (dyn Fn(usize) + Sync),
    n: usize,
    next: AtomicUsize,
    left: AtomicUsize,
    /// An item panicked (on any thread); the caller panics in turn.
    panicked: AtomicBool,
}

struct Shared {
    /// The job being run (a `*const Job` on the caller's stack) or null.
    job: AtomicPtr<()>,
    /// Bumped for every job, so sleeping workers know to wake.
    generation: AtomicU64,
    /// Workers currently inside a job; the caller waits for 0 before its
    /// stack frame (and so the job) goes away.
    active: AtomicUsize,
    sleepers: AtomicUsize,
    lock: Mutex<()>,
    wake: Condvar,
}

/// The process-wide pool.
pub struct Pool {
    shared: Arc<Shared>,
    threads: usize,
    /// One caller at a time (two runs at once take turns per job).
    caller: Mutex<()>,
}

/// Threads to use: `PWB_LOCAL_THREADS`, else the CPUs available (max 8).
fn thread_count() -> usize {
    std::env::var("PWB_LOCAL_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .min(8)
}

/// The shared pool, started on first use.
pub fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::new(thread_count()))
}

impl Pool {
    fn new(threads: usize) -> Pool {
        let shared = Arc::new(Shared {
            job: AtomicPtr::new(std::ptr::null_mut()),
            generation: AtomicU64::new(0),
            active: AtomicUsize::new(0),
            sleepers: AtomicUsize::new(0),
            lock: Mutex::new(()),
            wake: Condvar::new(),
        });
        for i in 1..threads {
            let shared = shared.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("pwb-local-{i}"))
                .spawn(move || worker(&shared));
            if spawned.is_err() {
                // Fewer workers just means the caller does more.
                break;
            }
        }
        Pool {
            shared,
            threads,
            caller: Mutex::new(()),
        }
    }

    /// Threads taking part (the caller included).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f(i)` for every `i` in `0..n`, spread over the pool; returns
    /// when all are done.
    pub fn run(&self, n: usize, f: &(dyn Fn(usize) + Sync)) {
        if n == 0 {
            return;
        }
        if n == 1 || self.threads == 1 {
            (0..n).for_each(f);
            return;
        }
        let _turn = self.caller.lock().unwrap_or_else(|p| p.into_inner());
        let job = Job {
            f,
            n,
            next: AtomicUsize::new(0),
            left: AtomicUsize::new(n),
            panicked: AtomicBool::new(false),
        };
        let s = &*self.shared;
        s.job.store(&job as *const Job as *mut (), SeqCst);
        s.generation.fetch_add(1, SeqCst);
        if s.sleepers.load(SeqCst) > 0 {
            let _g = s.lock.lock().unwrap_or_else(|p| p.into_inner());
            s.wake.notify_all();
        }
        work(&job);
        let mut spins = 0u32;
        while job.left.load(SeqCst) > 0 {
            backoff(&mut spins);
        }
        s.job.store(std::ptr::null_mut(), SeqCst);
        while s.active.load(SeqCst) > 0 {
            backoff(&mut spins);
        }
        if job.panicked.load(SeqCst) {
            panic!("a work item of the local model panicked");
        }
    }
}

fn backoff(spins: &mut u32) {
    *spins += 1;
    if *spins < 20_000 {
        std::hint::spin_loop();
    } else {
        std::thread::yield_now();
    }
}

fn work(job: &Job<'_>) {
    loop {
        let i = job.next.fetch_add(1, SeqCst);
        if i >= job.n {
            return;
        }
        // A panicking item must still count as done, or the caller would
        // wait forever; the caller re-raises it.
        if catch_unwind(AssertUnwindSafe(|| (job.f)(i))).is_err() {
            job.panicked.store(true, SeqCst);
        }
        job.left.fetch_sub(1, SeqCst);
    }
}

fn worker(s: &Shared) {
    let mut seen = s.generation.load(SeqCst);
    loop {
        // Wait for a new generation: spin, then sleep.
        let started = Instant::now();
        let mut i = 0u32;
        while s.generation.load(SeqCst) == seen {
            i = i.wrapping_add(1);
            if i.is_multiple_of(64) && started.elapsed() > SPIN {
                let guard = s.lock.lock().unwrap_or_else(|p| p.into_inner());
                s.sleepers.fetch_add(1, SeqCst);
                let mut guard = guard;
                while s.generation.load(SeqCst) == seen {
                    guard = s.wake.wait(guard).unwrap_or_else(|p| p.into_inner());
                }
                s.sleepers.fetch_sub(1, SeqCst);
                drop(guard);
                break;
            }
            std::hint::spin_loop();
        }
        seen = s.generation.load(SeqCst);
        s.active.fetch_add(1, SeqCst);
        let p = s.job.load(SeqCst) as *const Job;
        if !p.is_null() {
            // SAFETY: the caller clears `job` and then waits for `active` to
            // reach 0 before its `Job` goes away; we raised `active` before
            // reading the pointer, so the job outlives this use.
            work(unsafe { &*p });
        }
        s.active.fetch_sub(1, SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_runs_exactly_once() {
        let pool = Pool::new(3);
        for n in [0, 1, 2, 7, 100, 1000] {
            let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
            pool.run(n, &|i| {
                hits[i].fetch_add(1, SeqCst);
            });
            assert!(hits.iter().all(|h| h.load(SeqCst) == 1), "n={n}");
        }
    }

    #[test]
    fn a_panicking_item_reaches_the_caller_and_the_pool_goes_on() {
        let pool = Pool::new(2);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            pool.run(100, &|i| assert!(i != 57, "item 57"));
        }));
        assert!(caught.is_err());
        let sum = AtomicUsize::new(0);
        pool.run(10, &|i| {
            sum.fetch_add(i, SeqCst);
        });
        assert_eq!(sum.load(SeqCst), 45);
    }

    #[test]
    fn workers_wake_after_sleeping() {
        let pool = Pool::new(2);
        std::thread::sleep(SPIN * 4);
        let sum = AtomicUsize::new(0);
        pool.run(64, &|i| {
            sum.fetch_add(i, SeqCst);
        });
        assert_eq!(sum.load(SeqCst), 63 * 64 / 2);
    }
}

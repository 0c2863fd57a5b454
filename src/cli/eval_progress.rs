//! `pwb eval`'s progress on stderr: a bar (indicatif) when stderr is a
//! terminal, else a plain line every 10% (and at the end), so CI logs
//! show how far it got without a flood.

use crate::eval::engine::{Progress, Tally};
use crate::usage::fmt_cost;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub struct EvalProgress {
    bar: Option<ProgressBar>,
    started: Instant,
    /// The last tenth a plain line was printed for.
    last_tenth: usize,
}

impl EvalProgress {
    /// A bar on a terminal, plain lines otherwise.
    pub fn new(total: usize) -> EvalProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(
                Some(total as u64),
                ProgressDrawTarget::stderr_with_hz(10),
            );
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} · ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        EvalProgress {
            bar,
            started: Instant::now(),
            last_tenth: 0,
        }
    }

    /// Clears the bar before the summary prints.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `✓ 12 ✗ 3 ! 1 · $0.0042`
pub fn counts(t: &Tally) -> String {
    format!(
        "✓ {} ✗ {} ! {} · {}",
        t.passed,
        t.failed,
        t.errors,
        fmt_cost(Some(t.cost))
    )
}

/// The time left at the rate so far.
pub fn eta(elapsed: Duration, done: usize, total: usize) -> Option<Duration> {
    (done > 0 && done < total).then(|| elapsed.mul_f64((total - done) as f64 / done as f64))
}

impl EvalProgress {
    /// `cell_done` with `done` of `total` will print a plain line.
    pub fn prints_line(&self, done: usize, total: usize) -> bool {
        self.bar.is_none() && (done * 10 / total.max(1) > self.last_tenth || done == total)
    }
}

impl Progress for EvalProgress {
    fn cell_done(&mut self, t: &Tally, total: usize) {
        let done = t.done();
        match &self.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                bar.set_message(counts(t));
            }
            None => {
                if self.prints_line(done, total) {
                    let tenth = done * 10 / total.max(1);
                    self.last_tenth = tenth;
                    let eta = eta(self.started.elapsed(), done, total)
                        .map(|d| format!(" · ETA {}", crate::usage::fmt_duration(d)))
                        .unwrap_or_default();
                    eprintln!("[{done}/{total}] {}{eta}", counts(t));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_eta_read_well() {
        let t = Tally {
            passed: 12,
            failed: 3,
            errors: 1,
            cost: 0.0042,
        };
        assert_eq!(counts(&t), "✓ 12 ✗ 3 ! 1 · $0.0042");
        assert_eq!(
            eta(Duration::from_secs(10), 4, 12),
            Some(Duration::from_secs(20))
        );
        assert_eq!(eta(Duration::from_secs(10), 12, 12), None);
    }
}

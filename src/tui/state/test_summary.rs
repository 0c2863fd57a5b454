//! A Tests column's running figures, kept up to date as samples come and
//! go (each graded sample added once, taken out when re-run) so that a
//! frame reads them without walking the grid: counts, score, cost and
//! the sorted latencies for the median. The view turns them into rows.

use crate::eval::stats::{self, Interval};
use crate::eval::{CellResult, Verdict};
use std::time::Duration;

/// One column's graded samples, summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnStats {
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    /// Scores of the samples that were graded (errors have none).
    pub score_sum: f64,
    pub scored: usize,
    /// USD of the calls and their grading, over `priced` samples.
    pub cost_sum: f64,
    pub priced: usize,
    /// Samples answered from the cache.
    pub cached: usize,
    /// Wall times of the calls in seconds, ascending.
    latencies: Vec<f64>,
}

impl ColumnStats {
    /// A column with no sample yet.
    pub const EMPTY: ColumnStats = ColumnStats {
        passed: 0,
        failed: 0,
        errors: 0,
        score_sum: 0.0,
        scored: 0,
        cost_sum: 0.0,
        priced: 0,
        cached: 0,
        latencies: Vec::new(),
    };

    /// Adds (`add`) or takes out a graded sample.
    pub fn account(&mut self, r: &CellResult, add: bool) {
        let step = |n: &mut usize| {
            if add {
                *n += 1
            } else {
                *n = n.saturating_sub(1)
            }
        };
        match r.verdict {
            Verdict::Pass => step(&mut self.passed),
            Verdict::Fail => step(&mut self.failed),
            Verdict::Error => step(&mut self.errors),
        }
        let sign = if add { 1.0 } else { -1.0 };
        if let Some(g) = &r.grade {
            self.score_sum += sign * g.score;
            step(&mut self.scored);
        }
        if let Some(c) = sample_cost(r) {
            self.cost_sum += sign * c;
            step(&mut self.priced);
        }
        if r.outcome.cached {
            step(&mut self.cached);
        }
        if let Some(d) = r.outcome.wall_time {
            let v = d.as_secs_f64();
            let at = self.latencies.partition_point(|x| *x < v);
            if add {
                self.latencies.insert(at, v);
            } else if self.latencies.get(at) == Some(&v) {
                self.latencies.remove(at);
            }
        }
    }

    pub fn total(&self) -> usize {
        self.passed + self.failed + self.errors
    }

    /// Passed over all samples (errors count as not passing, as in
    /// `pwb eval`), with its Wilson 95% interval.
    pub fn pass_rate(&self) -> Option<(f64, Interval)> {
        let n = self.total();
        let ci = stats::wilson(self.passed, n)?;
        Some((self.passed as f64 / n as f64, ci))
    }

    pub fn mean_score(&self) -> Option<f64> {
        (self.scored > 0).then(|| self.score_sum / self.scored as f64)
    }

    /// `None` while no sample had a price.
    pub fn cost(&self) -> Option<f64> {
        (self.priced > 0).then_some(self.cost_sum.max(0.0))
    }

    pub fn latency_p50(&self) -> Option<Duration> {
        stats::quantile_sorted(&self.latencies, 0.5).map(Duration::from_secs_f64)
    }
}

/// What a sample cost with its grading, when any price is known.
pub fn sample_cost(r: &CellResult) -> Option<f64> {
    match (r.cost, r.grader_cost) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(verdict: Verdict, secs: f64) -> CellResult {
        let mut r = super::super::test_grid::tests::result(verdict);
        r.outcome.wall_time = Some(Duration::from_secs_f64(secs));
        r
    }

    #[test]
    fn samples_come_and_go_and_the_median_follows() {
        let mut s = ColumnStats::default();
        let a = sample(Verdict::Pass, 1.0);
        let b = sample(Verdict::Fail, 3.0);
        let c = sample(Verdict::Pass, 2.0);
        for r in [&a, &b, &c] {
            s.account(r, true);
        }
        assert_eq!((s.passed, s.failed, s.total()), (2, 1, 3));
        assert_eq!(s.latency_p50(), Some(Duration::from_secs(2)));
        assert_eq!(s.cost(), Some(1.5));
        let (rate, ci) = s.pass_rate().expect("three samples");
        assert!((rate - 2.0 / 3.0).abs() < 1e-9);
        // Wilson 95% for 2/3: [0.208, 0.939].
        assert!((ci.low - 0.2077).abs() < 1e-3 && (ci.high - 0.9385).abs() < 1e-3);
        s.account(&b, false);
        assert_eq!((s.passed, s.failed), (2, 0));
        assert_eq!(s.latency_p50(), Some(Duration::from_secs_f64(1.5)));
        s.account(&a, false);
        s.account(&c, false);
        assert_eq!(s.pass_rate(), None);
        assert_eq!(s.latency_p50(), None);
        assert_eq!(s.cost(), None);
    }
}

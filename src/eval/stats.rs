//! The statistics an eval report states: a Wilson 95% interval for a pass
//! rate, McNemar's exact test on paired pass/fail, Fisher's exact test and
//! Newcombe's interval for two pass rates (baselines), a seeded bootstrap
//! interval of a mean, and percentiles. Pure functions over numbers.

/// The normal quantile for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Resamples the bootstrap draws (10,000, the usual figure).
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;

/// The bootstrap's fixed seed, so the same results give the same report.
pub const BOOTSTRAP_SEED: u64 = 0x5eed_0b00_7577_a9ed;

/// A closed interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The Wilson score interval (95%) for `passed` of `total`; `None` for no
/// trials. Unlike the normal approximation it stays inside [0, 1] and is
/// sound for small samples and rates near 0 or 1.
pub fn wilson(passed: usize, total: usize) -> Option<Interval> {
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let p = passed.min(total) as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (center - half).max(0.0),
        high: (center + half).min(1.0),
    })
}

/// McNemar's exact test, two-sided: `b` pairs where only the second
/// variant passed, `c` where only the first did. Under no difference each
/// discordant pair goes either way with probability 1/2, so the p-value
/// is twice the binomial tail of the smaller count (at most 1).
pub fn mcnemar_exact(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    let k = b.min(c);
    // ln C(n, i) - n ln 2, summed in log space so large n cannot underflow.
    let ln_fact = ln_factorials(n);
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let terms: Vec<f64> = (0..=k)
        .map(|i| ln_fact[n] - ln_fact[i] - ln_fact[n - i] - ln_half_n)
        .collect();
    let max = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let tail = max.exp() * terms.iter().map(|t| (t - max).exp()).sum::<f64>();
    (2.0 * tail).min(1.0)
}

/// ln(i!) for i in 0..=n.
fn ln_factorials(n: usize) -> Vec<f64> {
    std::iter::once(0.0)
        .chain((1..=n).scan(0.0, |acc, i| {
            *acc += (i as f64).ln();
            Some(*acc)
        }))
        .collect()
}

/// Fisher's exact test, one-sided, on the 2×2 table of a case's runs
/// before (`before_pass`, `before_fail`) and after (`after_pass`,
/// `after_fail`): the probability, with the margins fixed, of a table at
/// least as much in the baseline's favour as this one. Small means the
/// pass rate dropped beyond noise. It is scipy's
/// `fisher_exact([[bp, bf], [ap, af]], alternative='greater')`: the
/// hypergeometric upper tail P(X ≥ bp).
pub fn fisher_exact_greater(
    before_pass: usize,
    before_fail: usize,
    after_pass: usize,
    after_fail: usize,
) -> f64 {
    let n = before_pass + before_fail + after_pass + after_fail;
    let passes = before_pass + after_pass;
    let rows = before_pass + before_fail;
    if n == 0 || rows == 0 || rows == n || passes == 0 || passes == n {
        return 1.0;
    }
    let lf = ln_factorials(n);
    let ln_choose = |a: usize, b: usize| lf[a] - lf[b] - lf[a - b];
    let denom = ln_choose(n, rows);
    let hi = passes.min(rows);
    let p: f64 = (before_pass..=hi)
        .filter(|&x| rows - x <= n - passes)
        .map(|x| (ln_choose(passes, x) + ln_choose(n - passes, rows - x) - denom).exp())
        .sum();
    p.min(1.0)
}

/// Newcombe's hybrid score interval (95%; his method 10, from the two
/// Wilson intervals) for the difference of two independent pass rates,
/// `after` minus `before`, each `(passed, total)`. `None` when a side has
/// no trials. statsmodels calls it `confint_proportions_2indep(...,
/// method='newcomb')`.
pub fn newcombe_diff(before: (usize, usize), after: (usize, usize)) -> Option<Interval> {
    let (w1, w2) = (wilson(before.0, before.1)?, wilson(after.0, after.1)?);
    let p1 = before.0.min(before.1) as f64 / before.1 as f64;
    let p2 = after.0.min(after.1) as f64 / after.1 as f64;
    let d = p2 - p1;
    Some(Interval {
        low: d - ((p2 - w2.low).powi(2) + (w1.high - p1).powi(2)).sqrt(),
        high: d + ((w2.high - p2).powi(2) + (p1 - w1.low).powi(2)).sqrt(),
    })
}

/// The mean of `values`; `None` when there are none.
pub fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        None
    } else {
        Some(values.iter().sum::<f64>() / values.len() as f64)
    }
}

/// The `p`-th quantile (0 ≤ p ≤ 1) of sorted values, interpolated
/// linearly between the two nearest ranks (numpy's default, Hyndman and
/// Fan's type 7); `None` when there are none.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let h = p.clamp(0.0, 1.0) * last as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(last);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// `quantile_sorted` of values in any order.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, p)
}

/// A 95% percentile-bootstrap interval of the mean of `values`: draw
/// `resamples` samples of the same size with replacement from a PRNG
/// seeded with `seed`, and take the 2.5% and 97.5% quantiles of their
/// means. The same values and seed always give the same interval.
pub fn bootstrap_mean(values: &[f64], resamples: usize, seed: u64) -> Option<Interval> {
    if values.is_empty() || resamples == 0 {
        return None;
    }
    let mut rng = fastrand::Rng::with_seed(seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..resamples)
        .map(|_| (0..n).map(|_| values[rng.usize(..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_by(f64::total_cmp);
    Some(Interval {
        low: quantile_sorted(&means, 0.025)?,
        high: quantile_sorted(&means, 0.975)?,
    })
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;

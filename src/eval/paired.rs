//! Two variants (prompts, or models) compared over the same cases: the
//! cases where B does better than A, worse, or alike; McNemar's exact
//! two-sided p-value on the discordant cases; and a 95% interval of the
//! mean per-case score difference (B − A). Pure functions over numbers,
//! shared by `pwb eval`'s report and the TUI's Tests grid.

use super::stats::{self, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, Interval};

/// How the interval of the score difference is made, in words for reports.
pub const SCORE_INTERVAL_METHOD: &str =
    "percentile bootstrap of the mean per-case difference (10,000 resamples, fixed seed)";

/// One variant's result on one case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    /// The fraction of its runs that passed (0 or 1 without repeats).
    pub pass_rate: f64,
    /// Its (mean) score, when it was graded.
    pub score: Option<f64>,
}

impl Side {
    /// A case run once.
    pub fn once(passed: bool, score: Option<f64>) -> Side {
        Side {
            pass_rate: if passed { 1.0 } else { 0.0 },
            score,
        }
    }
}

/// B against A over the cases both ran.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedStats {
    /// Cases both variants ran.
    pub pairs: usize,
    /// Cases where B passed and A did not (with repeats: B passed more
    /// often).
    pub wins: usize,
    /// Cases where A passed and B did not (A passed more often).
    pub losses: usize,
    /// The rest: both passed or both failed (as often).
    pub ties: usize,
    /// McNemar's exact test, two-sided: the binomial test of `wins`
    /// against `losses` at 1/2. With repeats it is the sign test over cases.
    pub p_value: f64,
    /// Cases where both sides have a score.
    pub score_pairs: usize,
    /// Mean of B's score minus A's over those cases.
    pub score_diff: Option<f64>,
    /// Its 95% interval (`SCORE_INTERVAL_METHOD`).
    pub score_ci: Option<Interval>,
}

/// Compares B with A over `(a, b)` per case; `None` without any case.
pub fn compare(cases: impl IntoIterator<Item = (Side, Side)>) -> Option<PairedStats> {
    let (mut wins, mut losses, mut ties) = (0, 0, 0);
    let mut diffs = Vec::new();
    for (a, b) in cases {
        if b.pass_rate > a.pass_rate {
            wins += 1;
        } else if b.pass_rate < a.pass_rate {
            losses += 1;
        } else {
            ties += 1;
        }
        if let (Some(sa), Some(sb)) = (a.score, b.score) {
            diffs.push(sb - sa);
        }
    }
    let pairs = wins + losses + ties;
    if pairs == 0 {
        return None;
    }
    Some(PairedStats {
        pairs,
        wins,
        losses,
        ties,
        p_value: stats::mcnemar_exact(wins, losses),
        score_pairs: diffs.len(),
        score_diff: stats::mean(&diffs),
        score_ci: stats::bootstrap_mean(&diffs, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Twenty cases: (A passed, B passed, A's score, B's score).
    const CASES: [(bool, bool, f64, f64); 20] = [
        (true, true, 1.0, 1.0),
        (false, true, 0.0, 1.0),
        (false, true, 0.5, 1.0),
        (true, false, 1.0, 0.5),
        (false, true, 0.25, 0.75),
        (true, true, 1.0, 1.0),
        (false, false, 0.0, 0.0),
        (false, true, 0.0, 1.0),
        (true, true, 0.8, 1.0),
        (false, true, 0.5, 0.9),
        (true, true, 1.0, 1.0),
        (false, false, 0.2, 0.4),
        (false, true, 0.0, 1.0),
        (true, true, 1.0, 0.9),
        (false, true, 0.3, 1.0),
        (true, true, 1.0, 1.0),
        (false, true, 0.0, 1.0),
        (true, false, 1.0, 0.0),
        (true, true, 1.0, 1.0),
        (false, true, 0.5, 1.0),
    ];

    fn sides() -> Vec<(Side, Side)> {
        CASES
            .iter()
            .map(|&(pa, pb, sa, sb)| (Side::once(pa, Some(sa)), Side::once(pb, Some(sb))))
            .collect()
    }

    #[test]
    fn counts_and_the_exact_p_value_match_statsmodels() {
        let s = compare(sides()).expect("twenty cases");
        assert_eq!((s.pairs, s.wins, s.losses, s.ties), (20, 9, 2, 9));
        // statsmodels 0.15: mcnemar([[7, 2], [9, 2]], exact=True).pvalue,
        // and scipy 1.17's binomtest(2, 11, 0.5).pvalue, both 0.0654296875.
        assert!((s.p_value - 0.0654296875).abs() < 1e-12, "{}", s.p_value);
    }

    #[test]
    fn the_score_interval_agrees_with_scipys_bootstrap() {
        let s = compare(sides()).expect("twenty cases");
        assert_eq!(s.score_pairs, 20);
        // numpy: mean of the differences is 0.27.
        let d = s.score_diff.expect("scores");
        assert!((d - 0.27).abs() < 1e-12, "{d}");
        // scipy 1.17: bootstrap((d,), np.mean, method='percentile',
        // n_resamples=200000) gives [0.04, 0.49] under two seeds; our
        // 10,000 resamples move an end by about 0.01. (A paired t-interval
        // would be [0.0232, 0.5168].)
        let ci = s.score_ci.expect("an interval");
        assert!((ci.low - 0.04).abs() <= 0.02, "{ci:?}");
        assert!((ci.high - 0.49).abs() <= 0.02, "{ci:?}");
        assert_eq!(compare(sides()).and_then(|s| s.score_ci), Some(ci));
    }

    #[test]
    fn losses_only_and_missing_scores() {
        // statsmodels: mcnemar([[5, 6], [1, 3]], exact=True).pvalue = 0.125
        let mut cases = Vec::new();
        let mut push = |a, b, n| {
            for _ in 0..n {
                cases.push((Side::once(a, None), Side::once(b, None)));
            }
        };
        push(true, true, 5);
        push(true, false, 6);
        push(false, true, 1);
        push(false, false, 3);
        let s = compare(cases).expect("cases");
        assert_eq!((s.wins, s.losses, s.ties), (1, 6, 8));
        assert!((s.p_value - 0.125).abs() < 1e-12, "{}", s.p_value);
        assert_eq!((s.score_pairs, s.score_diff, s.score_ci), (0, None, None));
        assert_eq!(compare(Vec::new()), None);
    }

    #[test]
    fn with_repeats_a_case_is_won_by_the_higher_pass_rate() {
        let side = |r| Side {
            pass_rate: r,
            score: None,
        };
        let s =
            compare([(side(0.5), side(1.0)), (side(2.0 / 3.0), side(1.0 / 3.0))]).expect("cases");
        assert_eq!((s.wins, s.losses, s.ties), (1, 1, 0));
        assert_eq!(s.p_value, 1.0);
    }
}

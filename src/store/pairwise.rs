//! Blind pairwise comparisons as numbers: win rates with Wilson 95%
//! intervals (a tie counts half a win to each side; "both bad" votes are
//! counted apart and left out of the rates), and a Bradley–Terry ranking
//! fitted by Hunter's MM iteration when there are more than two contenders.

use std::collections::BTreeMap;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// How one vote came out, in terms of the two contenders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    FirstWins,
    SecondWins,
    Tie,
    BothBad,
}

/// One vote between two contenders (prompt versions or models, by name).
#[derive(Debug, Clone, PartialEq)]
pub struct Vote {
    pub first: String,
    pub second: String,
    pub outcome: Outcome,
}

/// Wilson score interval for `successes` out of `n` (successes may be
/// fractional: ties count half); `None` when `n` is 0.
pub fn wilson(successes: f64, n: f64, z: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let p = successes / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// A contender's record over all its votes.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub name: String,
    pub wins: u32,
    pub losses: u32,
    pub ties: u32,
    pub both_bad: u32,
    /// (wins + ties / 2) / (wins + losses + ties).
    pub win_rate: Option<f64>,
    pub interval: Option<(f64, f64)>,
    /// Bradley–Terry strength (strengths sum to 1), with more than two
    /// contenders.
    pub strength: Option<f64>,
}

/// Every contender's standing, best first (by strength, else win rate).
pub fn standings(votes: &[Vote]) -> Vec<Standing> {
    let mut table: BTreeMap<&str, Standing> = BTreeMap::new();
    let entry = |name: &str| -> Standing {
        Standing {
            name: name.to_string(),
            wins: 0,
            losses: 0,
            ties: 0,
            both_bad: 0,
            win_rate: None,
            interval: None,
            strength: None,
        }
    };
    for v in votes {
        for (me, first) in [(&v.first, true), (&v.second, false)] {
            let s = table.entry(me.as_str()).or_insert_with(|| entry(me));
            match (v.outcome, first) {
                (Outcome::FirstWins, true) | (Outcome::SecondWins, false) => s.wins += 1,
                (Outcome::FirstWins, false) | (Outcome::SecondWins, true) => s.losses += 1,
                (Outcome::Tie, _) => s.ties += 1,
                (Outcome::BothBad, _) => s.both_bad += 1,
            }
        }
    }
    let strengths = if table.len() > 2 {
        bradley_terry(votes)
    } else {
        BTreeMap::new()
    };
    let mut out: Vec<Standing> = table
        .into_values()
        .map(|mut s| {
            let n = f64::from(s.wins + s.losses + s.ties);
            let won = f64::from(s.wins) + f64::from(s.ties) / 2.0;
            s.win_rate = (n > 0.0).then(|| won / n);
            s.interval = wilson(won, n, Z95);
            s.strength = strengths.get(&s.name).copied();
            s
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |s: &Standing| s.strength.or(s.win_rate).unwrap_or(-1.0);
        key(b).total_cmp(&key(a)).then(a.name.cmp(&b.name))
    });
    out
}

/// Bradley–Terry strengths (summing to 1) by the MM algorithm (Hunter
/// 2004): p_i <- W_i / sum_j n_ij / (p_i + p_j), a tie half a win to each.
pub fn bradley_terry(votes: &[Vote]) -> BTreeMap<String, f64> {
    let names: Vec<&str> = {
        let mut n: Vec<&str> = votes
            .iter()
            .flat_map(|v| [v.first.as_str(), v.second.as_str()])
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    };
    let k = names.len();
    let at = |name: &str| names.binary_search(&name).unwrap_or(0);
    let mut wins = vec![0.0; k];
    let mut games = vec![vec![0.0; k]; k];
    for v in votes.iter().filter(|v| v.outcome != Outcome::BothBad) {
        let (i, j) = (at(&v.first), at(&v.second));
        if i == j {
            continue;
        }
        games[i][j] += 1.0;
        games[j][i] += 1.0;
        match v.outcome {
            Outcome::FirstWins => wins[i] += 1.0,
            Outcome::SecondWins => wins[j] += 1.0,
            _ => {
                wins[i] += 0.5;
                wins[j] += 0.5;
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    for _ in 0..10_000 {
        let mut next = vec![0.0; k];
        for i in 0..k {
            let denom: f64 = (0..k)
                .filter(|&j| j != i && games[i][j] > 0.0)
                .map(|j| games[i][j] / (p[i] + p[j]))
                .sum();
            next[i] = if denom > 0.0 { wins[i] / denom } else { p[i] };
        }
        let total: f64 = next.iter().sum();
        if total <= 0.0 {
            break;
        }
        next.iter_mut().for_each(|x| *x /= total);
        let change = next
            .iter()
            .zip(&p)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        p = next;
        if change < 1e-12 {
            break;
        }
    }
    names.iter().map(|n| n.to_string()).zip(p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(first: &str, second: &str, r: Outcome, n: usize) -> Vec<Vote> {
        vec![
            Vote {
                first: first.into(),
                second: second.into(),
                outcome: r,
            };
            n
        ]
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn wilson_matches_the_hand_computed_interval() {
        // 7 of 10: p = .7, z^2/n = .384146; centre (.7 + .192073) /
        // 1.384146 = .644494; half = 1.415985 * sqrt(.021 + .0096037)
        // = .247716: [.396778, .892209].
        let (lo, hi) = wilson(7.0, 10.0, Z95).unwrap();
        assert!(close(lo, 0.396778) && close(hi, 0.892209), "{lo} {hi}");
        // 0 of 5: [0, z^2/(n+z^2)] = [0, 3.841459/8.841459].
        let (lo, hi) = wilson(0.0, 5.0, Z95).unwrap();
        assert!(close(lo, 0.0) && close(hi, 0.434482), "{lo} {hi}");
        assert_eq!(wilson(0.0, 0.0, Z95), None);
    }

    #[test]
    fn ties_count_half_and_both_bad_apart() {
        let mut v = votes("a", "b", Outcome::FirstWins, 6);
        v.extend(votes("b", "a", Outcome::FirstWins, 2));
        v.extend(votes("a", "b", Outcome::Tie, 2));
        v.extend(votes("a", "b", Outcome::BothBad, 3));
        let s = standings(&v);
        assert_eq!(s[0].name, "a");
        assert_eq!(
            (s[0].wins, s[0].losses, s[0].ties, s[0].both_bad),
            (6, 2, 2, 3)
        );
        // (6 + 1) / 10 = .7, the interval of 7 of 10.
        assert!(close(s[0].win_rate.unwrap(), 0.7));
        let (lo, hi) = s[0].interval.unwrap();
        assert!(close(lo, 0.396778) && close(hi, 0.892209));
        assert!(close(s[1].win_rate.unwrap(), 0.3));
        assert_eq!(s[0].strength, None, "two contenders: no ranking fit");
    }

    #[test]
    fn bradley_terry_on_a_chain_is_exact() {
        // a beats b 3-1 and b beats c 3-1, a and c never meet: the MLE has
        // p_a/p_b = 3 and p_b/p_c = 3, so p = (9, 3, 1) / 13.
        let mut v = votes("a", "b", Outcome::FirstWins, 3);
        v.extend(votes("a", "b", Outcome::SecondWins, 1));
        v.extend(votes("c", "b", Outcome::SecondWins, 3));
        v.extend(votes("c", "b", Outcome::FirstWins, 1));
        let bt = bradley_terry(&v);
        assert!(close(bt["a"], 9.0 / 13.0), "{bt:?}");
        assert!(close(bt["b"], 3.0 / 13.0));
        assert!(close(bt["c"], 1.0 / 13.0));
        let s = standings(&v);
        let order: Vec<&str> = s.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        assert!(close(s[0].strength.unwrap(), 9.0 / 13.0));
    }

    #[test]
    fn even_records_give_equal_strengths() {
        let mut v = Vec::new();
        for (x, y) in [("a", "b"), ("b", "c"), ("c", "a")] {
            v.extend(votes(x, y, Outcome::FirstWins, 1));
            v.extend(votes(x, y, Outcome::SecondWins, 1));
        }
        for p in bradley_terry(&v).values() {
            assert!(close(*p, 1.0 / 3.0));
        }
    }
}

//! Two variants compared over the same cases: each prompt against the
//! first (for each model), or two models (for each prompt), the cases
//! where B wins, loses or ties, an exact p-value, and a bootstrap interval
//! of the mean score difference (`eval::paired`), said in words.

use super::analysis::{CaseStats, GroupStats};
use super::fmt::{p_value, signed};
use crate::eval::paired::{self as pairing, Side};
use crate::eval::stats::Interval;
use std::collections::HashMap;

/// What the two variants are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Prompts,
    Models,
}

/// B against A over the cases both ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Paired {
    pub axis: Axis,
    pub a: String,
    pub b: String,
    /// The model (comparing prompts) or prompt (comparing models) both ran.
    pub within: String,
    /// Cases both variants ran.
    pub pairs: usize,
    /// Cases where B passed and A did not (with repeats: B passed more
    /// often), where A did better, and the rest.
    pub wins: usize,
    pub losses: usize,
    pub ties: usize,
    /// Two-sided exact p-value on the wins and losses: McNemar's exact
    /// test, which with repeats is the sign test over cases.
    pub p_value: f64,
    /// Some case ran more than once: wins compare pass rates.
    pub repeated: bool,
    /// Mean of B's score minus A's over the cases both had graded, with a
    /// bootstrap 95% interval over those cases.
    pub score_pairs: usize,
    pub score_diff: Option<f64>,
    pub score_ci: Option<Interval>,
}

/// Every comparison the run allows.
pub(super) fn all(groups: &[GroupStats], prompts: &[&String], models: &[&String]) -> Vec<Paired> {
    let find = |p: &String, m: &String| groups.iter().find(|g| &g.prompt == p && &g.model == m);
    let mut out = Vec::new();
    if let [pa, rest @ ..] = prompts {
        for pb in rest {
            for m in models {
                if let (Some(a), Some(b)) = (find(pa, m), find(pb, m)) {
                    out.extend(compare(Axis::Prompts, a, b, m));
                }
            }
        }
    }
    if let [ma, mb] = models {
        for p in prompts {
            if let (Some(a), Some(b)) = (find(p, ma), find(p, mb)) {
                out.extend(compare(Axis::Models, a, b, p));
            }
        }
    }
    out
}

fn side(c: &CaseStats) -> Side {
    Side {
        pass_rate: c.tally.passed as f64 / c.runs().max(1) as f64,
        score: c.mean_score,
    }
}

fn compare(axis: Axis, a: &GroupStats, b: &GroupStats, within: &str) -> Option<Paired> {
    let mut repeated = false;
    let by_key: HashMap<&str, &CaseStats> = a.cases.iter().map(|c| (c.key.as_str(), c)).collect();
    let sides: Vec<(Side, Side)> = b
        .cases
        .iter()
        .filter_map(|cb| {
            let ca = by_key.get(cb.key.as_str())?;
            repeated |= ca.runs() > 1 || cb.runs() > 1;
            Some((side(ca), side(cb)))
        })
        .collect();
    let s = pairing::compare(sides)?;
    Some(Paired {
        axis,
        a: name(axis, a),
        b: name(axis, b),
        within: within.to_string(),
        pairs: s.pairs,
        wins: s.wins,
        losses: s.losses,
        ties: s.ties,
        p_value: s.p_value,
        repeated,
        score_pairs: s.score_pairs,
        score_diff: s.score_diff,
        score_ci: s.score_ci,
    })
}

fn name(axis: Axis, g: &GroupStats) -> String {
    match axis {
        Axis::Prompts => g.prompt.clone(),
        Axis::Models => g.model.clone(),
    }
}

impl Paired {
    /// `B vs A on M`: what is compared, for a heading.
    pub fn title(&self) -> String {
        let on = match self.axis {
            Axis::Prompts => "model",
            Axis::Models => "prompt",
        };
        format!("{} vs {} ({on} {})", self.b, self.a, self.within)
    }

    /// The comparison in words: who wins where, whether that could be
    /// chance, and the score difference with its interval.
    pub fn sentences(&self) -> Vec<String> {
        let (b, a) = (&self.b, &self.a);
        let cases = |n: usize| format!("{n} case{}", if n == 1 { "" } else { "s" });
        let head = if self.repeated {
            format!(
                "{b} passes more often than {a} on {}, less often on {}, as often on {}",
                cases(self.wins),
                cases(self.losses),
                self.ties
            )
        } else {
            format!(
                "{b} passes {} that {a} fails and fails {} that {a} passes ({} alike)",
                cases(self.wins),
                self.losses,
                self.ties
            )
        };
        let test = if self.repeated {
            "exact sign test over cases"
        } else {
            "McNemar's exact test"
        };
        let verdict = if self.wins + self.losses == 0 {
            "no case tells them apart".to_string()
        } else if self.p_value < 0.05 {
            "unlikely to be chance".to_string()
        } else {
            "could be chance".to_string()
        };
        let mut out = vec![format!(
            "{head}; {} ({test}): {verdict}.",
            p_value(self.p_value)
        )];
        if let (Some(d), Some(ci)) = (self.score_diff, self.score_ci) {
            out.push(format!(
                "Mean score difference ({b} − {a}): {}, 95% CI [{}, {}] (bootstrap over {}).",
                signed(d),
                signed(ci.low),
                signed(ci.high),
                cases(self.score_pairs)
            ));
        }
        out
    }
}

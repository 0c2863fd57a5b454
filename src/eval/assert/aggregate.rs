//! How assertion results add up, as promptfoo's `AssertionsResult` adds
//! them: the weighted mean score, pass when every assertion passes (or, with
//! a `threshold`, when the mean reaches it), the last failure's reason, and
//! scores by `metric`. A case and an `assert-set` aggregate the same way.

use super::js;
use crate::eval::GradingResult;
use serde_json::{Map, Value};

/// Scores by metric name, in first-seen order: the weighted sum of scores and
/// the sum of weights behind it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Named(Vec<(String, f64, f64)>);

impl Named {
    fn add(&mut self, name: &str, score: f64, weight: f64) {
        match self.0.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, s, w)) => {
                *s += score;
                *w += weight;
            }
            None => self.0.push((name.to_string(), score, weight)),
        }
    }

    /// Each metric's mean (sum / weight; 0 when its weight is 0) with its weight.
    fn normalized(&self) -> Named {
        let norm = |(n, s, w): &(String, f64, f64)| {
            let mean = if *w > 0.0 { s / w } else { 0.0 };
            (n.clone(), mean, *w)
        };
        Named(self.0.iter().map(norm).collect())
    }

    /// Builds from a script's `namedScores` (and `namedScoreWeights`).
    pub fn from_json(scores: &Map<String, Value>, weights: Option<&Map<String, Value>>) -> Named {
        let weight = |k: &str| {
            weights
                .and_then(|w| w.get(k))
                .and_then(Value::as_f64)
                .unwrap_or(1.0)
        };
        let items = scores
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?, weight(k))));
        Named(items.collect())
    }

    pub fn to_json(&self) -> Map<String, Value> {
        let num = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
        self.0
            .iter()
            .map(|(n, s, _)| (n.clone(), num(*s)))
            .collect()
    }
}

/// One graded assertion with the metric scores it carries up (an
/// `assert-set`'s, or those a script returned).
#[derive(Debug, Clone)]
pub struct Graded {
    pub result: GradingResult,
    /// Normalized scores with their weights.
    pub named: Named,
}

impl From<GradingResult> for Graded {
    fn from(result: GradingResult) -> Graded {
        Graded {
            result,
            named: Named::default(),
        }
    }
}

/// What a list of assertions comes to.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub pass: bool,
    pub score: f64,
    pub reason: String,
    /// Normalized scores by metric, with their weights.
    pub named: Named,
    /// The first assertion that could not be evaluated.
    pub error: Option<String>,
}

/// Adds results one by one, in promptfoo's order (plain assertions in order,
/// then each `assert-set`).
#[derive(Debug, Default)]
pub struct Aggregator {
    threshold: Option<f64>,
    total_score: f64,
    total_weight: f64,
    failed_reason: Option<String>,
    named: Named,
    error: Option<String>,
}

impl Aggregator {
    pub fn new(threshold: Option<f64>) -> Aggregator {
        Aggregator {
            threshold: threshold.filter(|t| !t.is_nan()),
            ..Aggregator::default()
        }
    }

    /// `metric` already rendered; `weight` as written (1 when not).
    pub fn add(&mut self, graded: &Graded, metric: Option<&str>, weight: f64) {
        let r = &graded.result;
        self.total_score += r.score * weight;
        self.total_weight += weight;
        let metric = metric.filter(|m| !m.is_empty());
        if let Some(m) = metric {
            self.named.add(m, r.score * weight, weight);
        }
        for (name, score, w) in &graded.named.0 {
            if Some(name.as_str()) != metric {
                let w = w * weight;
                self.named.add(name, score * w, w);
            }
        }
        if let (None, Some(e)) = (&self.error, &r.error) {
            self.error = Some(e.clone());
        }
        if !r.pass {
            self.failed_reason = Some(r.reason.clone());
        }
    }

    pub fn finish(self) -> Summary {
        let score = if self.total_weight > 0.0 {
            self.total_score / self.total_weight
        } else {
            0.0
        };
        let (pass, reason) = match self.threshold {
            Some(t) => {
                let pass = score >= t;
                let cmp = if pass { "≥" } else { "<" };
                let reason = format!(
                    "Aggregate score {} {cmp} {} threshold",
                    js::to_fixed(score, 2),
                    js::number(t)
                );
                (pass, reason)
            }
            None => match self.failed_reason {
                Some(r) => (false, r),
                None => (true, "All assertions passed".into()),
            },
        };
        Summary {
            pass,
            score,
            reason,
            named: self.named.normalized(),
            error: self.error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(pass: bool, score: f64) -> Graded {
        GradingResult {
            kind: "x".into(),
            pass,
            score,
            reason: format!("r{score}"),
            value: None,
            metric: None,
            weight: 1.0,
            members: vec![],
            grader: None,
            error: None,
        }
        .into()
    }

    #[test]
    fn weighted_mean_and_last_failure() {
        let mut a = Aggregator::new(None);
        a.add(&result(true, 1.0), Some("m"), 3.0);
        a.add(&result(false, 0.0), None, 1.0);
        a.add(&result(false, 0.5), Some("m"), 1.0);
        let s = a.finish();
        assert!(!s.pass);
        assert_eq!(s.score, 3.5 / 5.0);
        assert_eq!(s.reason, "r0.5");
        assert_eq!(s.named.to_json()["m"], serde_json::json!(3.5 / 4.0));
    }

    #[test]
    fn threshold_decides_and_says_so() {
        let mut a = Aggregator::new(Some(0.5));
        a.add(&result(true, 1.0), None, 1.0);
        a.add(&result(false, 0.0), None, 1.0);
        let s = a.finish();
        assert!(s.pass);
        assert_eq!(s.reason, "Aggregate score 0.50 ≥ 0.5 threshold");
    }

    #[test]
    fn zero_weights_and_empty_sets_score_zero() {
        let mut a = Aggregator::new(None);
        a.add(&result(true, 1.0), None, 0.0);
        assert_eq!(a.finish().score, 0.0);
        let s = Aggregator::new(None).finish();
        assert!(s.pass && s.score == 0.0 && s.reason == "All assertions passed");
    }
}

//! similar (promptfoo's `handleSimilar` and `matchesSimilarity`): the
//! answer and the expected text(s) are embedded and compared by cosine
//! similarity (`similar`, `similar:cosine`), dot product (`similar:dot`)
//! or euclidean distance (`similar:euclidean`). The threshold is 0.75 by
//! default; with a list of expected texts one passing is enough (for
//! `not-similar`, all must pass).
//!
//! Where pwb differs: an embedding call that fails is an *error* of the
//! assertion; promptfoo counts it as a failure.

use super::{Inputs, Verdict, js};
use crate::eval::graded::calls::Calls;
use serde_json::Value;

const DEFAULT_THRESHOLD: f64 = 0.75;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    Cosine,
    Dot,
    Euclidean,
}

/// The metric a `similar` type names (`similar:dot`), or why it names none.
pub fn metric_of(base_kind: &str) -> Result<Metric, String> {
    match base_kind.split_once(':').map(|(_, m)| m) {
        None | Some("cosine") => Ok(Metric::Cosine),
        Some("dot") => Ok(Metric::Dot),
        Some("euclidean") => Ok(Metric::Euclidean),
        Some(other) => Err(format!("Unknown similarity metric: {other}")),
    }
}

pub async fn grade(inp: &Inputs<'_>, calls: &mut Calls<'_>) -> Verdict {
    let metric = match metric_of(inp.spec.base_kind()) {
        Ok(m) => m,
        Err(e) => return Verdict::Error(e),
    };
    let expected: Vec<String> = match inp.spec.value.as_ref() {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if !items.is_empty() => items.iter().map(js::display).collect(),
        _ => {
            return Verdict::Error(
                "Similarity assertion type must have a string or a non-empty list of strings value"
                    .into(),
            );
        }
    };
    let threshold = inp.spec.threshold.unwrap_or(DEFAULT_THRESHOLD);
    let mut texts = expected.clone();
    texts.push(inp.output.to_string());
    let vectors = match calls.embed(texts).await {
        Ok(v) => v,
        Err(e) => return Verdict::Error(e),
    };
    let Some((out, expected_vectors)) = vectors.split_last() else {
        return Verdict::Error("Embedding not found".into());
    };
    let mut results = Vec::new();
    for e in expected_vectors {
        let measure = match measure(metric, e, out) {
            Ok(m) => m,
            Err(err) => return Verdict::Error(err),
        };
        results.push(judge(measure, threshold, inp.inverse, metric));
    }
    if !matches!(inp.spec.value, Some(Value::Array(_))) {
        let (pass, score, reason) = results.swap_remove(0);
        return Verdict::graded(pass, score, reason);
    }
    if inp.inverse {
        // The first that fails, else the closest.
        if let Some(fail) = results.iter().find(|r| !r.0) {
            return Verdict::graded(fail.0, fail.1, fail.2.clone());
        }
        let closest = results
            .into_iter()
            .reduce(|a, b| if b.1 < a.1 { b } else { a });
        let (pass, score, reason) = closest.unwrap_or((false, 0.0, String::new()));
        return Verdict::graded(pass, score, reason);
    }
    if let Some(pass) = results.iter().find(|r| r.0) {
        return Verdict::graded(true, pass.1, pass.2.clone());
    }
    let best = results
        .iter()
        .map(|r| r.1)
        .fold(f64::NEG_INFINITY, f64::max);
    Verdict::graded(
        false,
        best,
        "None of the provided values met the similarity threshold".into(),
    )
}

/// The similarity (or, for euclidean, the distance) of two vectors.
pub fn measure(metric: Metric, a: &[f32], b: &[f32]) -> Result<f64, String> {
    if a.len() != b.len() {
        return Err("Vectors must be of equal length".into());
    }
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    Ok(match metric {
        Metric::Cosine => cosine(a, b),
        Metric::Dot => dot,
        Metric::Euclidean => a
            .iter()
            .zip(b)
            .map(|(x, y)| (f64::from(*x) - f64::from(*y)).powi(2))
            .sum::<f64>()
            .sqrt(),
    })
}

/// promptfoo's `cosineSimilarity`: 0 when either vector is all zeros.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let norm = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// promptfoo's `buildSimilarityResult`: pass, score and reason.
fn judge(measure: f64, threshold: f64, inverse: bool, metric: Metric) -> (bool, f64, String) {
    let t = js::number(threshold);
    let shown = js::to_fixed(measure, 2);
    if metric == Metric::Euclidean {
        let pass = if inverse {
            measure >= threshold - f64::EPSILON
        } else {
            measure <= threshold + f64::EPSILON
        };
        let normalized = 1.0 / (1.0 + measure);
        let score = if inverse {
            1.0 - normalized
        } else {
            normalized
        };
        let below = format!("Distance {shown} is less than or equal to threshold {t}");
        let above = format!("Distance {shown} is greater than threshold {t}");
        let reason = if pass != inverse { below } else { above };
        return (pass, score, reason);
    }
    let pass = if inverse {
        measure <= threshold + f64::EPSILON
    } else {
        measure >= threshold - f64::EPSILON
    };
    let score = if inverse { 1.0 - measure } else { measure };
    let greater = format!("Similarity {shown} is greater than or equal to threshold {t}");
    let less = format!("Similarity {shown} is less than threshold {t}");
    let reason = if pass != inverse { greater } else { less };
    (pass, score, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_measure_as_promptfoo_does() {
        assert_eq!(cosine(&[1.0, 0.0], &[0.0, 1.0]), 0.0);
        assert!((cosine(&[1.0, 1.0], &[2.0, 2.0]) - 1.0).abs() < 1e-12);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0, "a zero vector");
        assert_eq!(measure(Metric::Dot, &[2.0, 0.0], &[0.5, 1.0]).unwrap(), 1.0);
        assert_eq!(
            measure(Metric::Euclidean, &[3.0, 0.0], &[0.0, 4.0]).unwrap(),
            5.0
        );
        assert!(measure(Metric::Cosine, &[1.0], &[1.0, 2.0]).is_err());
        assert_eq!(metric_of("similar:dot").unwrap(), Metric::Dot);
        assert!(metric_of("similar:manhattan").is_err());
    }

    #[test]
    fn judging_follows_promptfoo_for_each_metric_and_not() {
        let (pass, score, reason) = judge(0.8, 0.75, false, Metric::Cosine);
        assert_eq!((pass, score), (true, 0.8));
        assert_eq!(
            reason,
            "Similarity 0.80 is greater than or equal to threshold 0.75"
        );
        let (pass, score, reason) = judge(0.8, 0.75, true, Metric::Cosine);
        assert!(!pass);
        assert!((score - 0.2).abs() < 1e-12);
        assert_eq!(
            reason,
            "Similarity 0.80 is greater than or equal to threshold 0.75"
        );
        let (pass, score, reason) = judge(1.0, 0.5, false, Metric::Euclidean);
        assert_eq!((pass, score), (false, 0.5));
        assert_eq!(reason, "Distance 1.00 is greater than threshold 0.5");
        assert!(
            judge(0.75 - 1e-17, 0.75, false, Metric::Cosine).0,
            "within EPSILON"
        );
    }
}

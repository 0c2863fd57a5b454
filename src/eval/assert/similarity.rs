//! Closeness to a reference: levenshtein (edit distance in UTF-16 code
//! units, as fastest-levenshtein counts), rouge-n (a case-insensitive
//! ROUGE-1 F-measure on Treebank tokens), bleu, gleu and meteor, with
//! promptfoo's default thresholds and its `not-` scores (1 - score).

use super::{Args, Check, Outcome, js, meteor, treebank};
use serde_json::Value;
use std::collections::HashMap;

/// A string or a list of strings.
fn references(a: &Args, kind: &str, what: &str) -> Result<Vec<String>, String> {
    match a.value {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()),
        _ => Err(format!(
            "\"{kind}\" {what} must have a string or array of strings value"
        )),
    }
}

pub fn levenshtein(a: &Args) -> Outcome {
    let Some(Value::String(expected)) = a.value else {
        return Err("\"levenshtein\" assertion type must have a string value".into());
    };
    let (x, y) = (js::utf16(a.output), js::utf16(expected));
    let distance = rapidfuzz::distance::levenshtein::distance(x.iter(), y.iter()) as f64;
    let threshold = a.spec.threshold.unwrap_or(5.0);
    let pass = (distance <= threshold) != a.inverse;
    Ok(Check::binary(pass, || {
        format!(
            "Levenshtein distance {} is {} threshold {}",
            js::number(distance),
            if a.inverse {
                "less than or equal to"
            } else {
                "greater than"
            },
            js::number(threshold)
        )
    }))
}

/// A scored check: pass on `score >= threshold` (flipped by `not-`), and a
/// `not-` scores `1 - score`.
fn scored(a: &Args, score: f64, threshold: f64, reason: impl FnOnce(bool) -> String) -> Check {
    let pass = (score >= threshold) != a.inverse;
    Check {
        pass,
        score: if a.inverse { 1.0 - score } else { score },
        reason: reason(pass),
    }
}

fn counts<'a, T: std::hash::Hash + Eq>(
    grams: impl Iterator<Item = &'a [T]>,
) -> HashMap<&'a [T], usize> {
    let mut m = HashMap::new();
    for g in grams {
        *m.entry(g).or_insert(0) += 1;
    }
    m
}

fn ngrams<T>(words: &[T], n: usize) -> impl Iterator<Item = &[T]> {
    let count = if n == 0 || n > words.len() {
        0
    } else {
        words.len() - n + 1
    };
    (0..count).map(move |i| &words[i..i + n])
}

/// Words as numbers (equal words, equal numbers), so n-grams hash fast.
fn intern(lists: &[&[String]]) -> Vec<Vec<u32>> {
    let mut ids: HashMap<&str, u32> = HashMap::new();
    lists
        .iter()
        .map(|words| {
            words
                .iter()
                .map(|w| {
                    let next = ids.len() as u32;
                    *ids.entry(w.as_str()).or_insert(next)
                })
                .collect()
        })
        .collect()
}

/// js-rouge's `fMeasure(p, r, 1)`.
fn f_measure(p: f64, r: f64) -> f64 {
    if p == r {
        return p;
    }
    if p == 0.0 || r == 0.0 {
        return 0.0;
    }
    if p > r {
        p.min(r * (2.0 / (1.0 + r / p)))
    } else {
        r.min(p * (2.0 / (1.0 + p / r)))
    }
}

/// promptfoo's `rougeNScore` for n = 1 on lowercased text.
pub fn rouge1(candidate: &str, reference: &str) -> f64 {
    let (cand, refs) = (treebank::tokenize(candidate), treebank::tokenize(reference));
    if cand.is_empty() || refs.is_empty() {
        return 0.0;
    }
    let ids = intern(&[&cand, &refs]);
    let (cand, refs) = (&ids[0], &ids[1]);
    let ref_counts = counts(ngrams(refs, 1));
    let overlap: usize = counts(ngrams(cand, 1))
        .iter()
        .map(|(g, c)| (*c).min(ref_counts.get(g).copied().unwrap_or(0)))
        .sum();
    if overlap == 0 {
        return 0.0;
    }
    f_measure(
        overlap as f64 / cand.len() as f64,
        overlap as f64 / refs.len() as f64,
    )
}

pub fn rouge_n(a: &Args) -> Outcome {
    let Some(Value::String(reference)) = a.value else {
        return Err("\"rouge\" assertion type must be a string value".into());
    };
    let score = rouge1(&a.output.to_lowercase(), &reference.to_lowercase());
    let threshold = a.spec.threshold.unwrap_or(0.75);
    let check = scored(a, score, threshold, |_| {
        let cmp = if score >= threshold {
            "greater than or equal to"
        } else {
            "less than"
        };
        format!(
            "ROUGE-N score {} is {cmp} threshold {}",
            js::to_fixed(score, 2),
            js::number(threshold)
        )
    });
    // rouge-n says its score even when it passes.
    Ok(check)
}

fn lower_words(s: &str) -> Vec<String> {
    js::split_ws(js::trim(&s.to_lowercase()))
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// promptfoo's `calculateBleuScore` (uniform weights, 1- to 4-grams).
pub fn bleu_score(candidate: &str, references: &[String]) -> f64 {
    if js::trim(candidate).is_empty() {
        return 0.0;
    }
    let cand = lower_words(candidate);
    let refs: Vec<Vec<String>> = references.iter().map(|r| lower_words(r)).collect();
    let mut lists: Vec<&[String]> = vec![&cand];
    lists.extend(refs.iter().map(Vec::as_slice));
    let mut ids = intern(&lists).into_iter();
    let cand = ids.next().unwrap_or_default();
    let refs: Vec<Vec<u32>> = ids.collect();
    let c = cand.len() as i64;
    let closest = refs.iter().map(|r| r.len() as i64).reduce(|prev, curr| {
        let (dc, dp) = ((curr - c).abs(), (prev - c).abs());
        if dc < dp || (dc == dp && curr < prev) {
            curr
        } else {
            prev
        }
    });
    let Some(closest) = closest else {
        return 0.0;
    };
    let mut orders = Vec::new();
    for n in 1..=4 {
        let total = ngrams(&cand, n).count();
        if total == 0 {
            continue;
        }
        let cand_counts = counts(ngrams(&cand, n));
        let mut best = 0;
        for r in &refs {
            let rc = counts(ngrams(r, n));
            let clipped: usize = cand_counts
                .iter()
                .map(|(g, k)| (*k).min(rc.get(g).copied().unwrap_or(0)))
                .sum();
            best = best.max(clipped);
        }
        orders.push((best as f64 / total as f64, 0.25));
    }
    let bp = if c > closest {
        1.0
    } else {
        (1.0 - closest as f64 / c as f64).exp()
    };
    let weight_sum: f64 = orders.iter().map(|o| o.1).sum();
    if weight_sum == 0.0 {
        return 0.0;
    }
    let weighted: f64 = orders
        .iter()
        .map(|(p, w)| w / weight_sum * if *p == 0.0 { 1e-7f64 } else { *p }.ln())
        .sum();
    bp * weighted.exp()
}

pub fn bleu(a: &Args) -> Outcome {
    let refs = references(a, "bleu", "assertion type")?;
    let score = bleu_score(a.output, &refs);
    let threshold = a.spec.threshold.unwrap_or(0.5);
    Ok(scored(a, score, threshold, |pass| {
        if pass {
            "Assertion passed".into()
        } else {
            format!(
                "BLEU score {} is {} than threshold {}",
                js::to_fixed(score, 4),
                if a.inverse { "greater" } else { "less" },
                js::number(threshold)
            )
        }
    }))
}

fn gleu_words(s: &str) -> Vec<String> {
    let words: Vec<String> = js::split_ws(js::trim(&s.to_lowercase()))
        .into_iter()
        .map(|w| w.trim_end_matches('.').to_string())
        .collect();
    if words.iter().any(|w| !w.is_empty()) {
        words
    } else {
        Vec::new()
    }
}

/// promptfoo's `calculateGleuScore` (1- to 4-grams, the best reference).
pub fn gleu_score(candidate: &str, references: &[String]) -> f64 {
    let cand = gleu_words(candidate);
    if cand.is_empty() {
        return 0.0;
    }
    let per_ref = references.iter().map(|r| {
        let refs = gleu_words(r);
        if cand == refs {
            return 1.0;
        }
        let ids = intern(&[&cand, &refs]);
        let (cand, refs) = (&ids[0], &ids[1]);
        let (mut matched, mut cand_total, mut ref_total) = (0usize, 0usize, 0usize);
        for n in 1..=4 {
            let rc = counts(ngrams(refs, n));
            for (g, k) in counts(ngrams(cand, n)) {
                matched += k.min(rc.get(g).copied().unwrap_or(0));
            }
            cand_total += ngrams(cand, n).count();
            ref_total += ngrams(refs, n).count();
        }
        if cand_total == 0 || ref_total == 0 {
            return 0.0;
        }
        (matched as f64 / cand_total as f64).min(matched as f64 / ref_total as f64)
    });
    per_ref.fold(f64::NEG_INFINITY, f64::max)
}

pub fn gleu(a: &Args) -> Outcome {
    let refs = references(a, "gleu", "assertion")?;
    let score = gleu_score(a.output, &refs);
    let threshold = a.spec.threshold.unwrap_or(0.5);
    Ok(scored(a, score, threshold, |pass| {
        if pass {
            "Assertion passed".into()
        } else {
            format!(
                "GLEU score {} is {} threshold {}",
                js::to_fixed(score, 4),
                if a.inverse {
                    "greater than or equal to"
                } else {
                    "less than"
                },
                js::number(threshold)
            )
        }
    }))
}

pub fn meteor(a: &Args) -> Outcome {
    let refs = references(a, "meteor", "assertion")?;
    let score = meteor::score(a.output, &refs)?;
    let threshold = a.spec.threshold.unwrap_or(0.5);
    let pass = if a.inverse {
        score < threshold
    } else {
        score >= threshold
    };
    Ok(Check {
        pass,
        score: if a.inverse { 1.0 - score } else { score },
        reason: if pass {
            "METEOR assertion passed".into()
        } else {
            format!(
                "METEOR score {} did not meet threshold {}",
                js::to_fixed(score, 4),
                js::number(threshold)
            )
        },
    })
}

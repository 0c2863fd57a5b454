//! "Did you mean ...?" for misspelt keys and names: the closest candidate by
//! edit distance, when it is close enough to be a plausible typo.

/// The candidate closest to `word`, if within a third of its length (min 1).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(&word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint sentence: "did you mean `x`?" or the list of accepted values.
pub fn hint_for(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("expected one of: {}", candidates.join(", ")),
    }
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            did_you_mean("containz", &["contains", "equals"]),
            Some("contains")
        );
        assert_eq!(
            did_you_mean("model", &["models", "defaults"]),
            Some("models")
        );
        assert_eq!(did_you_mean("zzz", &["models", "defaults"]), None);
        assert_eq!(hint_for("zzz", &["a", "b"]), "expected one of: a, b");
    }
}

//! Splitting grader answers and contexts into lines and sentences as
//! promptfoo's ragas matchers do (`splitIntoSentences`,
//! `splitTextIntoSentences`), and comparing quoted text with a context.

/// The non-blank lines, as they are (not trimmed).
pub fn lines(text: &str) -> Vec<String> {
    text.split('\n')
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Text of two or more lines is one unit per line; otherwise it is split
/// after `.`, `!` or `?` followed by whitespace. Units are trimmed, and a
/// bare list marker (`1.`, `2)`) is not a unit.
pub fn sentences(text: &str) -> Vec<String> {
    let lines = lines(text);
    let parts = if lines.len() > 1 {
        lines
    } else {
        split_after_stops(text)
    };
    parts
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !is_list_marker(s))
        .collect()
}

fn split_after_stops(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if c.is_whitespace() && matches!(prev, Some('.' | '!' | '?')) {
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            out.push(std::mem::take(&mut current));
            prev = None;
            continue;
        }
        current.push(c);
        prev = Some(c);
    }
    out.push(current);
    out
}

fn is_list_marker(s: &str) -> bool {
    let digits = s.trim_end_matches(['.', ')']);
    s.len() == digits.len() + 1 && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Lower case, whitespace runs as one space, trimmed.
pub fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Without a leading list marker (`1.`, `2)`, `-`, `*`).
pub fn strip_marker(s: &str) -> &str {
    let t = s.trim_start();
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let rest = if digits > 0 && t[digits..].starts_with(['.', ')']) {
        &t[digits + 1..]
    } else if t.starts_with(['-', '*']) {
        &t[1..]
    } else {
        return s;
    };
    rest.trim_start()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_splits_into_sentences_and_lines_stay_lines() {
        assert_eq!(
            sentences("Paris is the capital. Berlin is big!  Rome? yes"),
            ["Paris is the capital.", "Berlin is big!", "Rome?", "yes"]
        );
        assert_eq!(
            sentences("1. Paris is the capital. 2. France is in Europe."),
            ["Paris is the capital.", "France is in Europe."],
            "bare list markers are dropped"
        );
        assert_eq!(
            sentences("a. b\nc"),
            ["a. b", "c"],
            "two lines: one unit each"
        );
        assert_eq!(sentences("\nOne line. Two.\n"), ["One line.", "Two."]);
        assert_eq!(lines(" a \n\n b"), [" a ", " b"]);
        assert_eq!(strip_marker("  12) text"), "text");
        assert_eq!(strip_marker("- text"), "text");
        assert_eq!(strip_marker("text"), "text");
        assert_eq!(normalize("  A\n b  C "), "a b c");
    }
}

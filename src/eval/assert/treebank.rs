//! js-rouge 3.2's `treeBankTokenize` (Penn Treebank rules), which promptfoo's
//! rouge-n splits words with, ported rule by rule as plain scans (its
//! regexes run once each over the text; these do the same work without a
//! regex engine, so a 50 KB answer tokenizes well within a millisecond).
//! Not ported: the quote rule after a footnote-like modifier letter
//! (`followsQuotedModifier`), which treats such a quote as closing.

use super::js;
use unicode_general_category::{GeneralCategory as G, get_general_category};

fn is_ps(c: char) -> bool {
    get_general_category(c) == G::OpenPunctuation
}

fn is_punctuation(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::ConnectorPunctuation
            | G::DashPunctuation
            | G::OpenPunctuation
            | G::ClosePunctuation
            | G::InitialPunctuation
            | G::FinalPunctuation
            | G::OtherPunctuation
    )
}

/// `^[\p{Letter}\p{Number}\p{Sc}\p{Ps}]$`
fn opens_word(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
            | G::CurrencySymbol
            | G::OpenPunctuation
    )
}

/// `text[index - 1]` as JavaScript reads it: a character outside the BMP is
/// a lone surrogate there, which no class below matches.
fn prev_bmp(chars: &[char], i: usize) -> Option<char> {
    let c = *chars.get(i.checked_sub(1)?)?;
    ((c as u32) <= 0xFFFF).then_some(c)
}

/// The quote token (``` `` ```, `''` or `"`) starting at `i`, if any.
fn quote_at(chars: &[char], i: usize) -> Option<usize> {
    match (chars.get(i), chars.get(i + 1)) {
        (Some('`'), Some('`')) | (Some('\''), Some('\'')) => Some(2),
        (Some('"'), _) => Some(1),
        _ => None,
    }
}

/// Step 1-2: whitespace runs to one space, trimmed; quotes to ``` `` ``` / `''`.
fn quotes(text: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut inside = false;
    let mut i = 0;
    while i < text.len() {
        let Some(len) = quote_at(text, i) else {
            out.push(text[i]);
            i += 1;
            continue;
        };
        let prev = prev_bmp(text, i);
        let opens = !inside
            && (i == 0
                || prev.is_some_and(|c| js::is_space(c) || is_punctuation(c) || c == '<')
                || (i >= 2 && text[i - 2] == '`' && text[i - 1] == '`'));
        let is_double = len == 1;
        let backticks = len == 2 && text[i] == '`';
        inside = backticks
            || ((i + len < text.len()
                || i == 0
                || prev.is_some_and(|c| js::is_space(c) || is_ps(c) || c == '<'))
                && opens
                && !prev.is_some_and(|c| matches!(c, '.' | '!' | '?'))
                && (is_double
                    || (i > 0
                        && text.get(i + 2).is_some_and(|c| opens_word(*c))
                        && next_quote_is_close(text, i + 2))));
        out.extend(if inside {
            " `` ".chars()
        } else {
            " '' ".chars()
        });
        i += len;
    }
    out
}

fn next_quote_is_close(text: &[char], from: usize) -> bool {
    (from..text.len())
        .find_map(|k| quote_at(text, k).map(|len| (k, len)))
        .is_some_and(|(k, len)| len == 2 && text[k] == '\'')
}

/// Surrounds every char for which `pick` says so with spaces.
fn pad(chars: Vec<char>, pick: impl Fn(&[char], usize) -> bool) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len() + 16);
    for i in 0..chars.len() {
        if pick(&chars, i) {
            out.extend([' ', chars[i], ' ']);
        } else {
            out.push(chars[i]);
        }
    }
    out
}

/// Replaces each non-overlapping occurrence of `from` (left to right).
fn replace_seq(chars: Vec<char>, from: &[char], to: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        if chars[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn is_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
}

/// `([^.])(?<!\b[A-Za-z]\.[A-Za-z])(\.)([\])}>'\s]*)$` -> `$1 $2$3 `.
fn final_period(mut chars: Vec<char>) -> Vec<char> {
    let closer = |c: char| matches!(c, ']' | ')' | '}' | '>' | '\'') || js::is_space(c);
    let mut t = chars.len();
    while t > 0 && closer(chars[t - 1]) {
        t -= 1;
    }
    if t < 2 || chars[t - 1] != '.' || chars[t - 2] == '.' {
        return chars;
    }
    let k = t - 2;
    let letter = |i: usize| chars[i].is_ascii_alphabetic();
    let abbreviation = k >= 2
        && letter(k)
        && chars[k - 1] == '.'
        && letter(k - 2)
        && !(k >= 3 && is_word(chars.get(k - 3)));
    if abbreviation {
        return chars;
    }
    chars.insert(k + 1, ' ');
    chars.push(' ');
    chars
}

/// `(?<!W)(a)(b)(?!W)` with `giu` -> ` $1 $2 `, W = `[\p{ID_Continue}\u200c\u200d]`.
fn contraction(chars: Vec<char>, a: &str, b: &str, space_after: bool) -> Vec<char> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let id = |c: Option<&char>| {
        c.is_some_and(|c| {
            unicode_ident::is_xid_continue(*c) || matches!(*c, '\u{200C}' | '\u{200D}')
        })
    };
    let eq = |x: &[char], y: &[char]| {
        x.len() == y.len()
            && x.iter()
                .zip(y)
                .all(|(p, q)| p.to_lowercase().eq(q.to_lowercase()))
    };
    let n = a.len() + b.len();
    // An ASCII character matches the pattern's (ASCII) first character
    // only as itself in either case; others go through full lowercasing
    // (the Kelvin sign lowercases to `k`).
    let first = a[0];
    let may_start = |c: char| !c.is_ascii() || c.to_ascii_lowercase() == first;
    let mut out = Vec::with_capacity(chars.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let fits = i + n <= chars.len()
            && may_start(chars[i])
            && eq(&chars[i..i + a.len()], &a)
            && eq(&chars[i + a.len()..i + n], &b)
            && !(i > 0 && id(chars.get(i - 1)))
            && !id(chars.get(i + n))
            && (!space_after || chars.get(i + n) == Some(&' '));
        if fits {
            out.push(' ');
            out.extend_from_slice(&chars[i..i + a.len()]);
            out.push(' ');
            out.extend_from_slice(&chars[i + a.len()..i + n]);
            out.push(' ');
            i += n;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Splits a sentence into Penn Treebank word tokens.
pub fn tokenize(input: &str) -> Vec<String> {
    let mut text: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        let space = js::is_space(c) || c == '\u{85}';
        if !(space && text.last() == Some(&' ')) {
            text.push(if space { ' ' } else { c });
        }
    }
    let start = text.iter().position(|c| *c != ' ').unwrap_or(text.len());
    let end = text
        .iter()
        .rposition(|c| *c != ' ')
        .map_or(start, |e| e + 1);
    let text = &text[start..end];
    if text.is_empty() {
        return Vec::new();
    }
    let mut p = quotes(text);
    p = replace_seq(p, &['.', '.', '.'], &[' ', '.', '.', '.', ' ']);
    p = pad(p, |c, i| {
        matches!(c[i], ':' | ',')
            && c.get(i + 1)
                .is_none_or(|n| get_general_category(*n) != G::DecimalNumber)
    });
    p = pad(p, |c, i| matches!(c[i], ';' | '@' | '#' | '$' | '%' | '&'));
    p = final_period(p);
    p = pad(p, |c, i| matches!(c[i], '?' | '!'));
    p = pad(p, |c, i| {
        matches!(c[i], '[' | ']' | '(' | ')' | '{' | '}' | '<' | '>')
    });
    p = replace_seq(p, &['-', '-'], &[' ', '-', '-', ' ']);
    let mut q = Vec::with_capacity(p.len() + 2);
    q.push(' ');
    q.extend(p);
    q.push(' ');
    let mut p = apostrophes(q);
    for (a, b, space) in [
        ("can", "not", false),
        ("d", "'ye", false),
        ("gim", "me", false),
        ("gon", "na", false),
        ("got", "ta", false),
        ("lem", "me", false),
        ("more", "'n", false),
        ("wan", "na", true),
        ("'t", "is", false),
        ("'t", "was", false),
    ] {
        p = contraction(p, a, b, space);
    }
    let joined: String = p.into_iter().collect();
    let mut collapsed = String::with_capacity(joined.len());
    for c in joined.chars() {
        if !(c == ' ' && collapsed.ends_with(' ')) {
            collapsed.push(c);
        }
    }
    let trimmed = collapsed.strip_prefix(' ').unwrap_or(&collapsed);
    let trimmed = trimmed.strip_suffix(' ').unwrap_or(trimmed);
    trimmed.split(' ').map(str::to_string).collect()
}

/// `([^'])' ` -> `$1 ' `; `'([sSmMdD]) ` -> ` '$1 `; `('ll|'re|'ve|n't ...) ` -> ` $1 `.
fn apostrophes(chars: Vec<char>) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '\'' && chars.get(i + 1) == Some(&'\'') && chars.get(i + 2) == Some(&' ') {
            out.extend([chars[i], ' ', '\'', ' ']);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    let chars = out;
    let mut out = Vec::with_capacity(chars.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let s = chars.get(i + 1).copied();
        if chars[i] == '\''
            && s.is_some_and(|c| "sSmMdD".contains(c))
            && chars.get(i + 2) == Some(&' ')
        {
            out.extend([' ', '\'', chars[i + 1], ' ']);
            i += 3;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    let chars = out;
    let mut out = Vec::with_capacity(chars.len() + 16);
    let mut i = 0;
    const ENDINGS: [&str; 8] = ["'ll", "'LL", "'re", "'RE", "'ve", "'VE", "n't", "N'T"];
    while i < chars.len() {
        let hit = ENDINGS.iter().find(|e| {
            let e: Vec<char> = e.chars().collect();
            chars[i..].starts_with(&e) && chars.get(i + 3) == Some(&' ')
        });
        match hit {
            Some(e) => {
                out.push(' ');
                out.extend(e.chars());
                out.push(' ');
                i += 4;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        tokenize(s)
    }

    #[test]
    fn splits_as_the_treebank_does() {
        assert_eq!(t("the cat sat."), vec!["the", "cat", "sat", "."]);
        assert_eq!(
            t("i can't go, can you?"),
            vec!["i", "ca", "n't", "go", ",", "can", "you", "?"]
        );
        assert_eq!(t("\"hi\" she said"), vec!["``", "hi", "''", "she", "said"]);
        assert_eq!(
            t("cannot gonna 3,000 u.s."),
            vec!["can", "not", "gon", "na", "3,000", "u.s."]
        );
        assert_eq!(
            t("a (b) -- c..."),
            vec!["a", "(", "b", ")", "--", "c", "..."]
        );
        assert_eq!(t("   "), Vec::<String>::new());
    }
}

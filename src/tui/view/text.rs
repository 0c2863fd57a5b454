//! Text layout helpers for views: wrapping by display width (wide chars,
//! tabs, CR), and clipping a string to a number of cells.

use unicode_width::UnicodeWidthChar;

/// Display width of a char as we draw it (tabs are expanded separately,
/// control chars take no cell).
fn cell_width(c: char) -> usize {
    if c.is_control() {
        0
    } else {
        c.width().unwrap_or(0)
    }
}

/// Cleans a line for display: tabs to spaces (4 columns), CR and other
/// control characters dropped.
pub fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut col = 0;
    for c in line.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else if !c.is_control() {
            out.push(c);
            col += cell_width(c);
        }
    }
    out
}

/// Wraps `text` to `width` cells: at spaces where possible, hard breaks
/// inside long words, never splitting a wide char across lines.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let line = clean_line(raw);
        if line.is_empty() {
            out.push(String::new());
            continue;
        }
        let mut cur = String::new();
        let mut cur_w = 0;
        let mut last_space: Option<(usize, usize)> = None; // (byte idx in cur, width up to it)
        for c in line.chars() {
            let w = cell_width(c);
            if cur_w + w > width {
                if let Some((idx, wi)) = last_space.filter(|_| c != ' ') {
                    let rest = cur[idx + 1..].to_string();
                    cur.truncate(idx);
                    out.push(std::mem::take(&mut cur));
                    cur = rest;
                    cur_w -= wi + 1;
                } else {
                    out.push(std::mem::take(&mut cur));
                    cur_w = 0;
                }
                last_space = None;
                if c == ' ' && cur.is_empty() {
                    continue;
                }
            }
            if c == ' ' {
                last_space = Some((cur.len(), cur_w));
            }
            cur.push(c);
            cur_w += w;
        }
        out.push(cur);
    }
    out
}

/// Lines `skip..skip + count` of `wrap(text, width)`, wrapping only as much
/// of the text as needed (a long answer costs what is on screen).
pub fn wrap_window(text: &str, width: usize, skip: usize, count: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    if count == 0 {
        return out;
    }
    let mut seen = 0;
    for raw in text.split('\n') {
        for l in wrap(raw, width) {
            if seen >= skip {
                out.push(l);
                if out.len() == count {
                    return out;
                }
            }
            seen += 1;
        }
    }
    out
}

/// The last `count` lines of `wrap(text, width)`, wrapping from the end.
pub fn wrap_tail(text: &str, width: usize, count: usize) -> Vec<String> {
    let mut rev: Vec<String> = Vec::with_capacity(count);
    if count == 0 {
        return rev;
    }
    for raw in text.rsplit('\n') {
        for l in wrap(raw, width).into_iter().rev() {
            rev.push(l);
            if rev.len() == count {
                rev.reverse();
                return rev;
            }
        }
    }
    rev.reverse();
    rev
}

/// Wraps runs of text that each carry a tag (a diff change, a style) to
/// `width` cells, like `wrap`: at spaces where possible, hard breaks in
/// long words; each line comes back as runs with adjacent equal tags
/// merged. Newlines inside runs end lines.
pub fn wrap_tagged<'a, K: Copy + PartialEq>(
    runs: impl IntoIterator<Item = (&'a str, K)>,
    width: usize,
) -> Vec<Vec<(String, K)>> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line: Vec<(char, K)> = Vec::new();
    for (text, k) in runs {
        for c in text.chars() {
            if c == '\n' {
                wrap_tagged_line(&line, width, &mut out);
                line.clear();
            } else {
                line.push((c, k));
            }
        }
    }
    wrap_tagged_line(&line, width, &mut out);
    out
}

/// One logical line of `wrap_tagged`: tabs expanded, control chars dropped.
fn wrap_tagged_line<K: Copy + PartialEq>(
    raw: &[(char, K)],
    width: usize,
    out: &mut Vec<Vec<(String, K)>>,
) {
    let mut clean: Vec<(char, K, usize)> = Vec::with_capacity(raw.len());
    let mut col = 0;
    for &(c, k) in raw {
        if c == '\t' {
            let n = 4 - col % 4;
            clean.extend(std::iter::repeat_n((' ', k, 1), n));
            col += n;
        } else if !c.is_control() {
            let w = cell_width(c);
            clean.push((c, k, w));
            col += w;
        }
    }
    let mut start = 0;
    while start < clean.len() || (start == 0 && clean.is_empty()) {
        let mut w = 0;
        let mut end = start;
        let mut last_space = None;
        while end < clean.len() && w + clean[end].2 <= width {
            if clean[end].0 == ' ' {
                last_space = Some(end);
            }
            w += clean[end].2;
            end += 1;
        }
        if end == start && end < clean.len() {
            // A char wider than the line: put it alone on one.
            end += 1;
        }
        let mut next = end;
        if end < clean.len() && clean[end].0 != ' ' {
            if let Some(sp) = last_space.filter(|sp| *sp > start) {
                end = sp;
                next = sp + 1;
            }
        } else if end < clean.len() {
            next = end + 1;
        }
        let mut runs: Vec<(String, K)> = Vec::new();
        for &(c, k, _) in &clean[start..end] {
            match runs.last_mut() {
                Some((s, last)) if *last == k => s.push(c),
                _ => runs.push((c.to_string(), k)),
            }
        }
        out.push(runs);
        if clean.is_empty() {
            break;
        }
        start = next;
    }
}

/// The longest prefix of `s` that fits in `width` cells.
pub fn clip(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = cell_width(c);
        if w + cw > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out
}

/// `s` in `width` cells: as it is when it fits, else cut with a `…` at
/// the end (so a cut is always visible).
pub fn clip_ellipsis(s: &str, width: usize) -> String {
    if s.chars().map(cell_width).sum::<usize>() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = clip(s, width - 1);
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wraps_words_wide_chars_tabs_and_cr() {
        assert_eq!(wrap("hello big world", 9), ["hello big", "world"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        let wide = wrap("日本語のテキスト", 5);
        assert!(wide.iter().all(|l| l.width() <= 5), "{wide:?}");
        assert_eq!(wrap("a\tb\r", 10), ["a   b"]);
        assert_eq!(wrap("x\n\ny", 3), ["x", "", "y"]);
    }

    #[test]
    fn windows_match_the_full_wrap() {
        let text = "alpha beta gamma\n\ndelta epsilon zeta eta theta\niota";
        let full = wrap(text, 7);
        for skip in 0..full.len() + 2 {
            for count in 0..full.len() + 2 {
                let want: Vec<String> = full.iter().skip(skip).take(count).cloned().collect();
                assert_eq!(
                    wrap_window(text, 7, skip, count),
                    want,
                    "skip {skip} count {count}"
                );
            }
        }
        for count in 0..full.len() + 2 {
            let start = full.len().saturating_sub(count);
            assert_eq!(
                wrap_tail(text, 7, count),
                full[start..].to_vec(),
                "count {count}"
            );
        }
    }

    #[test]
    fn never_exceeds_width() {
        let s = "The quick 🦀 brown fox\tjumps over ｌａｚｙ dogs, again and again.";
        for w in 1..30 {
            for l in wrap(s, w) {
                assert!(l.width() <= w.max(2), "width {w}: {l:?}");
            }
        }
        assert_eq!(clip("日本語", 3), "日");
        assert_eq!(clip_ellipsis("日本語", 4), "日…");
        assert_eq!(clip_ellipsis("日本語", 6), "日本語");
        assert_eq!(clip_ellipsis("abc", 2), "a…");
        assert_eq!(clip_ellipsis("abc", 0), "");
    }

    #[test]
    fn tagged_wrap_keeps_tags_and_widths() {
        let runs = [("hello ", 0), ("big", 1), (" world\nx\ty", 0)];
        let lines = wrap_tagged(runs, 9);
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|(s, _)| s.as_str()).collect())
            .collect();
        assert_eq!(text, ["hello big", "world", "x   y"]);
        assert_eq!(lines[0][1], ("big".to_string(), 1));
        assert_eq!(wrap_tagged([("", 0)], 5), vec![Vec::<(String, i32)>::new()]);
        let wide = wrap_tagged([("日本語のテキスト", 0)], 1);
        assert!(wide.iter().all(|l| !l.is_empty()), "{wide:?}");
    }
}

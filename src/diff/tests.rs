use super::*;

fn rebuild(segs: &[Segment], keep: Change) -> String {
    segs.iter()
        .filter(|s| s.change == Change::Equal || s.change == keep)
        .map(|s| s.text.as_str())
        .collect()
}

#[test]
fn word_diff_marks_changed_words_and_rebuilds_both_sides() {
    let a = "the quick brown fox";
    let b = "the slow brown fox jumps";
    let segs = word_diff(a, b);
    assert_eq!(rebuild(&segs, Change::Delete), a);
    assert_eq!(rebuild(&segs, Change::Insert), b);
    assert!(segs.contains(&Segment {
        change: Change::Delete,
        text: "quick".into()
    }));
    assert!(segs.contains(&Segment {
        change: Change::Insert,
        text: "slow".into()
    }));
    let (ins, del) = counts(segs.iter().map(|s| (s.change, s.text.as_str())));
    assert_eq!((ins, del), (2, 1), "{segs:?}");
}

#[test]
fn words_are_diffed_inside_changed_lines_only() {
    let a = "alpha beta\nsame line\ngamma delta\n";
    let b = "alpha BETA\nsame line\ngamma delta\nnew line\n";
    let segs = word_diff(a, b);
    assert_eq!(rebuild(&segs, Change::Delete), a);
    assert_eq!(rebuild(&segs, Change::Insert), b);
    let del: Vec<&str> = segs
        .iter()
        .filter(|s| s.change == Change::Delete)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(del, ["beta"]);
    let lines = split_lines(&segs);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[3][0].text, "new line");
}

#[test]
fn identical_and_empty_texts() {
    assert_eq!(
        word_diff("same text", "same text"),
        vec![Segment {
            change: Change::Equal,
            text: "same text".into()
        }]
    );
    assert!(word_diff("", "").is_empty());
    let only_new = word_diff("", "new words");
    assert!(only_new.iter().all(|s| s.change == Change::Insert));
}

#[test]
fn line_diff_is_unified_order() {
    let a = "one\ntwo\nthree\n";
    let b = "one\n2\nthree\nfour";
    let lines = line_diff(a, b);
    let shown: Vec<String> = lines
        .iter()
        .map(|l| format!("{}{}", l.sign(), l.text))
        .collect();
    assert_eq!(shown, [" one", "-two", "+2", " three", "+four"]);
}

#[test]
fn unicode_and_crlf_do_not_break_it() {
    let a = "日本語 テキスト 🦀\r\nline\tb";
    let b = "日本語 文章 🦀\r\nline\tc e\u{301}";
    let segs = word_diff(a, b);
    assert_eq!(rebuild(&segs, Change::Delete), a);
    assert_eq!(rebuild(&segs, Change::Insert), b);
    let lines = line_diff(a, b);
    assert!(lines.iter().all(|l| !l.text.ends_with('\r')));
}

#[test]
fn changed_words_read_as_one_deletion_and_one_insertion() {
    let a = "In France the Seine does not flow south.";
    let b = "In France the Loire is not flowing south.";
    let segs = word_diff(a, b);
    assert_eq!(rebuild(&segs, Change::Delete), a);
    assert_eq!(rebuild(&segs, Change::Insert), b);
    let changed: Vec<(Change, &str)> = segs
        .iter()
        .filter(|s| s.change != Change::Equal)
        .map(|s| (s.change, s.text.as_str()))
        .collect();
    assert_eq!(
        changed,
        [
            (Change::Delete, "Seine does"),
            (Change::Insert, "Loire is"),
            (Change::Delete, "flow"),
            (Change::Insert, "flowing"),
        ]
    );
    // On screen a deletion and an insertion that meet get a space.
    let shown: String = readable(&segs).iter().map(|s| s.text.as_str()).collect();
    assert_eq!(
        shown,
        "In France the Seine does Loire is not flow flowing south."
    );
}

#[test]
fn line_counts_count_lines() {
    let lines = line_diff("one two three\n", "one two four five\n");
    assert_eq!(line_counts(&lines), (1, 1), "one line each, not words");
}

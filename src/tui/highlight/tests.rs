//! Tests for the Dotprompt grammar's spans and the per-line cache.

use super::*;

fn lines(text: &str) -> Vec<String> {
    text.split('\n').map(str::to_string).collect()
}

/// The text of each span of line `row`, with its kind.
fn spans_of(text: &str, row: usize) -> Vec<(String, HlKind)> {
    let lines = lines(text);
    let mut hl = Highlighter::new();
    let spans = hl.highlight(&lines)[row].clone();
    spans
        .into_iter()
        .map(|(r, k)| (lines[row][r].to_string(), k))
        .collect()
}

fn has(spans: &[(String, HlKind)], text: &str, kind: HlKind) -> bool {
    spans.iter().any(|(t, k)| t == text && *k == kind)
}

/// The kind of the span that covers all of `needle`'s first occurrence at or
/// after byte `from` in `line`.
fn kind_of(line: &str, needle: &str, from: usize) -> Option<HlKind> {
    let start = from + line[from..].find(needle)?;
    let end = start + needle.len();
    let text = vec![line.to_string()];
    let mut hl = Highlighter::new();
    hl.highlight(&text)[0]
        .iter()
        .find(|(r, _)| r.start <= start && end <= r.end)
        .map(|(_, k)| *k)
}

const SAMPLE: &str = "---\nmodel: googleai/gemini-1.5-pro # the model\nconfig:\n  temperature: 0.7\n  stream: true\n  label: \"hi there\"\n---\n{{role \"system\"}}\nHello {{name}}!\n{{!-- a comment --}}\nkey: value\n";

#[test]
fn grammar_builds() {
    assert!(grammar().is_some());
}

#[test]
fn frontmatter_delimiters_keys_strings_numbers_comments() {
    assert_eq!(spans_of(SAMPLE, 0), vec![("---".into(), HlKind::Delimiter)]);
    let model = spans_of(SAMPLE, 1);
    assert!(has(&model, "model", HlKind::Key), "{model:?}");
    assert!(has(&model, "# the model", HlKind::Comment), "{model:?}");
    // A version inside a plain value is not a number.
    assert!(
        !model.iter().any(|(_, k)| *k == HlKind::Number),
        "{model:?}"
    );
    let temp = spans_of(SAMPLE, 3);
    assert!(has(&temp, "temperature", HlKind::Key), "{temp:?}");
    assert!(has(&temp, "0.7", HlKind::Number), "{temp:?}");
    assert!(has(&spans_of(SAMPLE, 4), "true", HlKind::Bool));
    assert!(has(&spans_of(SAMPLE, 5), "\"hi there\"", HlKind::String));
    assert_eq!(spans_of(SAMPLE, 6), vec![("---".into(), HlKind::Delimiter)]);
}

#[test]
fn role_helper_and_its_argument() {
    let role = spans_of(SAMPLE, 7);
    assert_eq!(
        role,
        vec![
            ("{{".into(), HlKind::Tag),
            ("role".into(), HlKind::Helper),
            ("\"system\"".into(), HlKind::RoleArg),
            ("}}".into(), HlKind::Tag),
        ]
    );
}

#[test]
fn variables_comments_and_blocks() {
    let hello = spans_of(SAMPLE, 8);
    assert!(has(&hello, "name", HlKind::Variable), "{hello:?}");
    assert!(!hello.iter().any(|(t, _)| t.contains("Hello")), "{hello:?}");
    assert_eq!(
        spans_of(SAMPLE, 9),
        vec![("{{!-- a comment --}}".into(), HlKind::Comment)]
    );
    let text = "{{#if user.name}}x{{else}}y{{/if}} {{#each items}}{{this}}{{/each}}";
    assert_eq!(kind_of(text, "{{#if", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "user.name", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "x", 16), None);
    assert_eq!(kind_of(text, "{{else}}", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "{{/if}}", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "{{#", 30), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "each", 0), Some(HlKind::Helper));
    assert_eq!(kind_of(text, "items", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "this", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "{{/", 40), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "each", 50), Some(HlKind::Helper));
    let text = "{{> footer style=\"x\"}} {{json data indent=2}} {{history}} {{{raw}}}";
    assert_eq!(kind_of(text, "{{> ", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "footer", 0), Some(HlKind::Helper));
    assert_eq!(kind_of(text, "style", 0), Some(HlKind::Key));
    assert_eq!(kind_of(text, "\"x\"", 0), Some(HlKind::String));
    assert_eq!(kind_of(text, "json", 0), Some(HlKind::Helper));
    assert_eq!(kind_of(text, "data", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "2", 0), Some(HlKind::Number));
    assert_eq!(kind_of(text, "history", 0), Some(HlKind::Helper));
    assert_eq!(kind_of(text, "{{{", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "raw", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "}}}", 0), Some(HlKind::Tag));
    // A custom helper is a name followed by arguments; JSON braces stay plain.
    let text = "{\"a\": {{upper name}}}";
    assert_eq!(kind_of(text, "upper", 0), Some(HlKind::Helper));
    assert_eq!(kind_of(text, "name", 0), Some(HlKind::Variable));
    assert_eq!(kind_of(text, "}}", 0), Some(HlKind::Tag));
    assert_eq!(kind_of(text, "}", 20), None);
}

#[test]
fn multiline_comment_spans_lines() {
    let text = "{{!--\nstill {{comment}}\n--}} after {{x}}";
    assert_eq!(
        spans_of(text, 1),
        vec![("still {{comment}}".into(), HlKind::Comment)]
    );
    let last = spans_of(text, 2);
    assert_eq!(last[0], ("--}}".into(), HlKind::Comment));
    assert!(has(&last, "x", HlKind::Variable), "{last:?}");
}

#[test]
fn body_yaml_lookalike_is_not_yaml() {
    assert_eq!(spans_of(SAMPLE, 10), vec![]);
    // Without frontmatter the whole file is body.
    assert_eq!(spans_of("key: value\n---\nmodel: x", 0), vec![]);
    assert_eq!(spans_of("key: value\n---\nmodel: x", 2), vec![]);
}

#[test]
fn cache_reparses_only_changed_lines_until_in_step() {
    let mut text = lines(SAMPLE);
    let mut hl = Highlighter::new();
    hl.highlight(&text);
    let full = hl.parsed;
    assert_eq!(full, text.len());
    hl.highlight(&text);
    assert_eq!(hl.parsed, full, "unchanged buffer parses nothing");

    text[8] = "Bye {{name}}".into();
    let spans = hl.highlight(&text).to_vec();
    assert_eq!(hl.parsed, full + 1, "one body line edit parses one line");
    assert_eq!(spans, Highlighter::new().highlight(&text));

    text.insert(8, "new {{line}}".into());
    let spans = hl.highlight(&text).to_vec();
    assert_eq!(hl.parsed, full + 2, "an inserted line parses one line");
    assert_eq!(spans, Highlighter::new().highlight(&text));

    // Opening a comment changes the state of the lines after it, up to the
    // line where the comment closes (10: `{{!-- a comment --}}`).
    let before = hl.parsed;
    text[7] = "{{!-- open".into();
    let spans = hl.highlight(&text).to_vec();
    assert_eq!(hl.parsed, before + 4);
    assert_eq!(spans, Highlighter::new().highlight(&text));
    assert_eq!(spans[9][0].1, HlKind::Comment);

    text.remove(0);
    let spans = hl.highlight(&text).to_vec();
    assert_eq!(spans, Highlighter::new().highlight(&text));
    text.truncate(2);
    let spans = hl.highlight(&text).to_vec();
    assert_eq!(spans, Highlighter::new().highlight(&text));
    assert_eq!(spans.len(), 2);
}

/// A 300-line prompt: frontmatter plus a body full of tags.
pub(crate) fn big_prompt() -> Vec<String> {
    let mut out = lines(
        "---\nmodel: openai:gpt-4o-mini\nconfig:\n  temperature: 0.7\n  maxOutputTokens: 512\ninput:\n  schema:\n    name: string\n    items(array): string\n---",
    );
    let body = [
        "{{role \"system\"}}",
        "You are a helpful assistant for {{name}}. Answer in {{lang}}.",
        "{{#if items}}Here are the items:{{/if}}",
        "{{#each items}}- {{this}} ({{@index}}){{/each}}",
        "{{!-- remember to keep it short --}}",
        "{{json config indent=2}} and {{> footer tone=\"dry\"}}",
        "Plain prose line with no tags at all, just words and numbers 42.",
        "{{role \"user\"}} {{history}} {{section \"output\"}}",
    ];
    while out.len() < 300 {
        out.push(body[out.len() % body.len()].to_string());
    }
    out
}

#[test]
#[ignore = "prints timings; run with --ignored --nocapture"]
fn timing_300_lines() {
    use std::time::Instant;
    let text = big_prompt();
    let t = Instant::now();
    assert!(grammar().is_some());
    let build = t.elapsed();
    let t = Instant::now();
    prewarm();
    let warm_up = t.elapsed();
    let t = Instant::now();
    let mut hl = Highlighter::new();
    hl.highlight(&text);
    let cold = t.elapsed();
    let t = Instant::now();
    Highlighter::new().highlight(&text);
    let full_warm = t.elapsed();
    let t = Instant::now();
    hl.highlight(&text);
    let unchanged = t.elapsed();
    let mut edited = text.clone();
    edited[150].push_str(" {{more}}");
    let t = Instant::now();
    hl.highlight(&edited);
    let one_line = t.elapsed();
    println!(
        "highlight 300 lines: grammar build {build:?}; prewarm (compiles regexes) {warm_up:?}; \
         first parse {cold:?}, \
         full re-parse warm {full_warm:?}, unchanged {unchanged:?}, one line edited {one_line:?}"
    );
}

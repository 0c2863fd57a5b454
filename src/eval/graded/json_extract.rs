//! Finding JSON objects in a grader's answer as promptfoo 0.123.1 does
//! (`extractJsonObjects`): from each `{`, grow the text until the braces
//! balance (or the text ends, closing what is open), turn `//` comments
//! into `#`, and read it as YAML. So prose around the object, code
//! fences, unquoted keys and a missing final brace are all accepted.

use serde_json::Value;

/// The longest object promptfoo looks at, in characters.
const MAX_JSON_LENGTH: usize = 100_000;

/// Every object found, in order (promptfoo uses the first).
pub fn objects(text: &str) -> Vec<Value> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'{' {
            i += 1;
            continue;
        }
        let (mut open, mut close) = (1usize, 0usize);
        let mut j = i + 1;
        let limit = (i + MAX_JSON_LENGTH).min(bytes.len());
        let mut next = i + 1;
        while j < limit && open > close {
            match bytes[j] {
                b'{' => open += 1,
                b'}' => close += 1,
                _ => {}
            }
            j += 1;
            let balanced = open == close;
            if (balanced || j == bytes.len() || j == i + MAX_JSON_LENGTH)
                && text.is_char_boundary(j)
            {
                let mut candidate = text[i..j].to_string();
                if open > close {
                    candidate.push_str(&"}".repeat(open - close));
                }
                match read_yaml(&slash_comments_to_hash(&candidate)) {
                    Some(v) if v.is_object() || v.is_array() => {
                        found.push(v);
                        next = j;
                        break;
                    }
                    _ if balanced => break,
                    _ => {}
                }
            }
        }
        i = next;
    }
    found
}

/// The first object, if any.
pub fn first_object(text: &str) -> Option<Value> {
    objects(text).into_iter().next()
}

fn read_yaml(text: &str) -> Option<Value> {
    serde_norway::from_str::<Value>(text).ok()
}

/// promptfoo's `convertSlashCommentsToHash`: `// note` outside quotes
/// becomes `# note` (a run of n slashes, n/2 hashes); `://` in a token
/// (a URL) is kept. The rest of a line after a comment is left as is.
fn slash_comments_to_hash(text: &str) -> String {
    text.split('\n')
        .map(line_comments_to_hash)
        .collect::<Vec<_>>()
        .join("\n")
}

fn line_comments_to_hash(line: &str) -> String {
    #[derive(PartialEq)]
    enum State {
        Normal,
        Single,
        Double,
    }
    let chars: Vec<char> = line.chars().collect();
    // JavaScript's `/[a-zA-Z]/.test(undefined)` reads "undefined": true.
    let letter = |c: Option<&char>| c.is_none_or(char::is_ascii_alphabetic);
    let escaped = |at: usize| {
        let backslashes = chars[..at].iter().rev().take_while(|c| **c == '\\').count();
        backslashes % 2 == 1
    };
    let mut state = State::Normal;
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1);
        let prev_letter = i > 0 && chars[i - 1].is_ascii_alphabetic();
        match state {
            State::Normal => {
                if c == '\'' && !prev_letter {
                    state = State::Single;
                    out.push(c);
                } else if c == '"' {
                    state = State::Double;
                    out.push(c);
                } else if c == '/' && next == Some(&'/') {
                    let token_start = chars[..i]
                        .iter()
                        .rposition(|c| c.is_whitespace())
                        .map_or(0, |p| p + 1);
                    let token: String = chars[token_start..(i + 2).min(chars.len())]
                        .iter()
                        .collect();
                    if token.contains("://") {
                        out.push(c);
                    } else {
                        let slashes = chars[i..].iter().take_while(|c| **c == '/').count();
                        let rest: String = chars[i + slashes..].iter().collect();
                        return format!("{out}{}{rest}", "#".repeat(slashes / 2));
                    }
                } else {
                    out.push(c);
                }
            }
            State::Single => {
                out.push(c);
                if c == '\'' && !escaped(i) && !letter(next) {
                    state = State::Normal;
                }
            }
            State::Double => {
                out.push(c);
                if c == '"' && !escaped(i) {
                    state = State::Normal;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_objects_in_prose_fences_and_broken_json() {
        assert_eq!(
            first_object("Sure:\n```json\n{\"pass\": true, \"score\": 0.8}\n```"),
            Some(json!({"pass": true, "score": 0.8}))
        );
        assert_eq!(
            first_object("{reason: fine, pass: true, score: 1}"),
            Some(json!({"reason": "fine", "pass": true, "score": 1})),
            "unquoted keys read as YAML"
        );
        assert_eq!(
            first_object("{\"reason\": \"cut off\", \"pass\": true, \"score\": 1"),
            Some(json!({"reason": "cut off", "pass": true, "score": 1})),
            "a missing final brace is closed"
        );
        assert_eq!(
            objects("{\"a\": 1} and {\"b\": {\"c\": 2}}"),
            vec![json!({"a": 1}), json!({"b": {"c": 2}})]
        );
        assert_eq!(first_object("no json here"), None);
        assert_eq!(first_object("{ not: [valid }"), None);
        assert_eq!(
            first_object("{\"pass\": true, // the grader's note\n\"score\": 1}"),
            Some(json!({"pass": true, "score": 1})),
            "// comments are dropped"
        );
        assert_eq!(
            first_object("{\"url\": \"see http://x.y/z\"}"),
            Some(json!({"url": "see http://x.y/z"}))
        );
        assert_eq!(
            first_object("é {\"reason\": \"ünïcode ✓\", \"pass\": false}"),
            Some(json!({"reason": "ünïcode ✓", "pass": false}))
        );
    }

    #[test]
    fn slash_comments_become_hashes_outside_quotes() {
        assert_eq!(line_comments_to_hash("a // b"), "a # b");
        assert_eq!(line_comments_to_hash("a //// b"), "a ## b");
        assert_eq!(line_comments_to_hash("\"a // b\""), "\"a // b\"");
        assert_eq!(line_comments_to_hash("'a // b' // c"), "'a // b' # c");
        assert_eq!(line_comments_to_hash("it's // c"), "it's # c");
        assert_eq!(
            line_comments_to_hash("x: http://host/a // note"),
            "x: http://host/a # note"
        );
    }
}

//! `regex` assertions are ECMAScript regular expressions, compiled as
//! promptfoo compiles them (`new RegExp(value)`: no flags, so no `u`):
//! lookarounds and backreferences work, `(?i)`-style inline flags do not.

/// Compiles `pattern` as JavaScript's `new RegExp(pattern)` would; the
/// error says what is wrong (and how to write an inline flag instead).
pub fn compile_regex(pattern: &str) -> Result<regress::Regex, String> {
    regress::Regex::with_flags(pattern, regress::Flags::default()).map_err(|e| {
        let mut message = e.to_string();
        if let Some(flags) = inline_flags(pattern) {
            message = format!(
                "inline flags `(?{flags})` are not ECMAScript (JavaScript has no inline flags): {message}"
            );
        }
        message
    })
}

/// The flag letters of a leading `(?i)`, `(?im)`..., Rust/PCRE style.
fn inline_flags(pattern: &str) -> Option<&str> {
    let start = pattern.find("(?")?;
    let rest = &pattern[start + 2..];
    let end = rest.find(')')?;
    let flags = &rest[..end];
    (!flags.is_empty() && flags.chars().all(|c| "imsxuU-".contains(c))).then_some(flags)
}

/// How to write what `(?i)`/`(?m)` meant, for hints.
pub const INLINE_FLAG_HINT: &str = "JavaScript regexes have no inline flags: for (?i) spell both cases with classes ([Ss]elect), for (?m) write (^|\\n) instead of ^";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Node 22's `new RegExp(p)` verdicts, recorded in the fixture.
    #[test]
    fn accepts_and_refuses_what_javascript_does() {
        let text = include_str!("../../tests/fixtures/promptfoo/regex.json");
        let cases: Vec<Value> = serde_json::from_str(text).expect("fixture");
        assert!(cases.len() > 20);
        for case in &cases {
            let pattern = case["pattern"].as_str().expect("pattern");
            let node_ok = case["ok"].as_bool().expect("ok");
            assert_eq!(
                compile_regex(pattern).is_ok(),
                node_ok,
                "{pattern:?}: node says {}",
                case["error"]
            );
        }
    }

    #[test]
    fn matches_as_javascript_does() {
        let re = compile_regex(r"(?<=\$)\d+(?!\d)").unwrap();
        let m = re.find("costs $125 now").unwrap();
        assert_eq!(m.range(), 7..10);
        assert!(compile_regex("^a").unwrap().find("b\na").is_none());
        let e = compile_regex("(?i)select").unwrap_err();
        assert!(e.contains("inline flags `(?i)`"), "{e}");
    }
}

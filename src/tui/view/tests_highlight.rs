//! What a drill-down highlights in an answer: the text each assertion
//! found (a regex's match, a contains' substring, a starts-with prefix),
//! marked as for or against the verdict; and, when there is nothing to
//! mark (a missing substring, a failed JSON path), a note saying so.

use crate::eval::GradingResult;
use crate::workspace::asserts::base_kind;
use serde_json::Value;
use std::ops::Range;

/// How found text bears on its assertion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// What the assertion looked for, found: it passes because of it.
    Found,
    /// Found, and a `not-` assertion fails because of it.
    Against,
}

/// An assertion's marks in the answer, and a note for its line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    pub ranges: Vec<(Range<usize>, Hit)>,
    pub note: Option<String>,
}

/// The marks of assertion `a` (members of a set included) in `output`.
pub fn marks(a: &GradingResult, output: &str) -> Marks {
    let negated = a.kind.starts_with("not-");
    let hit = if negated { Hit::Against } else { Hit::Found };
    let strings = |v: &Option<Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Some(other) if !other.is_null() => vec![other.to_string()],
            _ => Vec::new(),
        }
    };
    let mut m = Marks::default();
    let kind = base_kind(&a.kind);
    match kind {
        "regex" => {
            let Some(Value::String(p)) = &a.value else {
                return m;
            };
            match regress::Regex::new(p).ok().and_then(|re| re.find(output)) {
                Some(found) => m.ranges.push((found.range(), hit)),
                None if !negated => m.note = Some("no match in the answer".into()),
                None => {}
            }
        }
        "contains" | "icontains" | "contains-any" | "icontains-any" | "contains-all"
        | "icontains-all" => {
            let fold = kind.starts_with('i');
            let mut missing = Vec::new();
            for needle in strings(&a.value) {
                match find(output, &needle, fold) {
                    Some(r) => m.ranges.push((r, hit)),
                    None => missing.push(format!("{needle:?}")),
                }
            }
            if !negated && !a.pass && !missing.is_empty() {
                m.note = Some(format!("not in the answer: {}", missing.join(", ")));
            }
        }
        "starts-with" => {
            if let Some(Value::String(p)) = &a.value {
                if output.starts_with(p.as_str()) {
                    m.ranges.push((0..p.len(), hit));
                } else if !negated {
                    m.note = Some("the answer starts otherwise".into());
                }
            }
        }
        "is-json" | "contains-json" if !a.pass && !negated => {
            m.note = Some(match json_path(&a.reason) {
                Some(path) => format!("failed at JSON path {path}"),
                None => "no JSON in the answer matched".into(),
            });
        }
        _ => {}
    }
    m
}

/// Byte range of `needle` in `hay`, any case when `fold`.
fn find(hay: &str, needle: &str, fold: bool) -> Option<Range<usize>> {
    if needle.is_empty() {
        return None;
    }
    if !fold {
        return hay.find(needle).map(|at| at..at + needle.len());
    }
    let re = regex::RegexBuilder::new(&regex::escape(needle))
        .case_insensitive(true)
        .build()
        .ok()?;
    re.find(hay).map(|f| f.range())
}

/// The path of the first schema error in a JSON assertion's reason, as
/// ajv words it (`... Errors: data/items/0/name must be string`; `data`
/// alone is the whole value).
fn json_path(reason: &str) -> Option<String> {
    let errors = reason.split_once("Errors: ")?.1;
    let first = errors.split_whitespace().next()?;
    let path = first.strip_prefix("data").unwrap_or(first);
    match path {
        "" => Some("/ (the whole value)".into()),
        p if p.starts_with('/') => Some(p.to_string()),
        _ => None,
    }
}

/// `output` cut into runs at the marks (the first mark wins where two
/// overlap).
pub fn runs<'a>(output: &'a str, marks: &[(Range<usize>, Hit)]) -> Vec<(&'a str, Option<Hit>)> {
    let mut sorted: Vec<&(Range<usize>, Hit)> = marks
        .iter()
        .filter(|(r, _)| r.start < r.end && r.end <= output.len())
        .filter(|(r, _)| output.is_char_boundary(r.start) && output.is_char_boundary(r.end))
        .collect();
    sorted.sort_by_key(|(r, _)| r.start);
    let mut out = Vec::new();
    let mut at = 0;
    for (r, hit) in sorted {
        if r.start < at {
            continue;
        }
        if r.start > at {
            out.push((&output[at..r.start], None));
        }
        out.push((&output[r.clone()], Some(*hit)));
        at = r.end;
    }
    if at < output.len() || out.is_empty() {
        out.push((&output[at..], None));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(kind: &str, value: Value, pass: bool, reason: &str) -> GradingResult {
        GradingResult {
            kind: kind.into(),
            pass,
            score: if pass { 1.0 } else { 0.0 },
            reason: reason.into(),
            value: Some(value),
            metric: None,
            weight: 1.0,
            members: Vec::new(),
            grader: None,
            error: None,
        }
    }

    #[test]
    fn a_regex_marks_its_match_and_a_missing_one_says_so() {
        let out = "Greet Cy. Hello there";
        let m = marks(&result("regex", "H[a-z]+o".into(), true, ""), out);
        assert_eq!(m.ranges, vec![(10..15, Hit::Found)]);
        assert_eq!(&out[10..15], "Hello");
        let m = marks(&result("regex", "^Hello".into(), false, ""), out);
        assert!(m.ranges.is_empty());
        assert_eq!(m.note.as_deref(), Some("no match in the answer"));
    }

    #[test]
    fn contains_marks_found_text_in_any_case_and_names_what_is_missing() {
        let out = "Hello, ADA!";
        let m = marks(&result("icontains", "ada".into(), true, ""), out);
        assert_eq!(m.ranges, vec![(7..10, Hit::Found)]);
        let m = marks(&result("not-contains", "Hello".into(), false, ""), out);
        assert_eq!(m.ranges, vec![(0..5, Hit::Against)]);
        let v = serde_json::json!(["Hello", "Bob"]);
        let m = marks(&result("contains-all", v, false, ""), out);
        assert_eq!(m.ranges, vec![(0..5, Hit::Found)]);
        assert_eq!(m.note.as_deref(), Some("not in the answer: \"Bob\""));
    }

    #[test]
    fn a_failed_json_schema_names_its_path() {
        let reason =
            "JSON does not conform to the provided schema. Errors: data/name must be string";
        let m = marks(&result("is-json", Value::Null, false, reason), "{}");
        assert_eq!(m.note.as_deref(), Some("failed at JSON path /name"));
        let reason = "JSON does not conform to the provided schema. Errors: data must be object";
        let m = marks(&result("is-json", Value::Null, false, reason), "[]");
        assert_eq!(
            m.note.as_deref(),
            Some("failed at JSON path / (the whole value)")
        );
    }

    #[test]
    fn runs_cut_the_answer_at_the_marks() {
        let r = runs("abcdef", &[(2..4, Hit::Found), (3..5, Hit::Against)]);
        assert_eq!(
            r,
            vec![("ab", None), ("cd", Some(Hit::Found)), ("ef", None)]
        );
        assert_eq!(runs("", &[]), vec![("", None)]);
    }
}

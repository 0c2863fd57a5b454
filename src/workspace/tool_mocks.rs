//! Mock tool results, `tools/mocks/*.yaml`: a list of `{tool, match,
//! result}`. A call of `tool` whose arguments contain `match` (a subset:
//! objects key by key, anything else equal) gets `result` back, so an
//! agent loop can run without the real tool. The first match wins.

use super::diagnostic::Diagnostic;
use crate::prompt::PromptErrorKind;
use crate::prompt::yaml::parse_yaml;
use crate::prompt::yaml_locate::{Seg, locate_key, locate_or_parent};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// One canned result.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolMock {
    pub tool: String,
    /// The arguments a call must contain; empty matches every call.
    pub matcher: Map<String, Value>,
    pub result: Value,
    /// Where it is written: the file (relative to the workspace) and line.
    pub file: PathBuf,
    pub line: usize,
}

impl ToolMock {
    /// Whether a call of `tool` with `input` gets this result.
    pub fn matches(&self, tool: &str, input: &Value) -> bool {
        self.tool == tool && contains(input, &Value::Object(self.matcher.clone()))
    }

    /// `tools/mocks/weather.yaml:3`, for messages.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.display(), self.line)
    }
}

/// The first mock for a call of `tool` with `input`.
pub fn find_mock<'a>(mocks: &'a [ToolMock], tool: &str, input: &Value) -> Option<&'a ToolMock> {
    mocks.iter().find(|m| m.matches(tool, input))
}

/// Whether `have` contains `want`: objects key by key (recursively),
/// anything else equal.
pub fn contains(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(h), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| h.get(k).is_some_and(|hv| contains(hv, wv))),
        _ => have == want,
    }
}

/// Parses one mock file; `shown` is its path relative to the workspace.
pub fn parse_mocks(source: &str, shown: &Path) -> (Vec<ToolMock>, Vec<Diagnostic>) {
    let value = match parse_yaml(source, 1, PromptErrorKind::Schema) {
        Ok(v) => v,
        Err(e) => {
            let d = Diagnostic::error(shown, e.line, e.col, e.message).with_hint(e.hint);
            return (Vec::new(), vec![d]);
        }
    };
    let Value::Array(items) = value else {
        let d = Diagnostic::error(shown, 1, 1, "a mock file is a list of mock results")
            .with_hint("write `- tool: NAME`, `match: {ARG: VALUE}`, `result: ...` for each");
        return (Vec::new(), vec![d]);
    };
    let mut mocks = Vec::new();
    let mut diags = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let at = |key: Option<&str>| {
            let mut path = vec![Seg::Index(i)];
            if let Some(k) = key {
                path.push(Seg::Key(k.into()));
                if let Some(pos) = locate_key(source, &path) {
                    return pos;
                }
            }
            locate_or_parent(source, &path)
        };
        let Value::Object(map) = item else {
            let (l, c) = at(None);
            diags.push(
                Diagnostic::error(shown, l, c, format!("mock #{} is not a mapping", i + 1))
                    .with_hint("write `tool`, `match` and `result`"),
            );
            continue;
        };
        if let Some(key) = map
            .keys()
            .find(|k| !["tool", "match", "result"].contains(&k.as_str()))
        {
            let (l, c) = at(Some(key));
            diags.push(
                Diagnostic::error(shown, l, c, format!("unknown key `{key}` in a mock"))
                    .with_hint("a mock has `tool`, `match` (argument subset) and `result`"),
            );
            continue;
        }
        let Some(Value::String(tool)) = map.get("tool") else {
            let (l, c) = at(Some("tool"));
            diags.push(
                Diagnostic::error(shown, l, c, format!("mock #{} has no `tool` name", i + 1))
                    .with_hint("write `tool: NAME`, the name of a tool in tools/"),
            );
            continue;
        };
        let matcher = match map.get("match") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => {
                let (l, c) = at(Some("match"));
                diags.push(
                    Diagnostic::error(shown, l, c, "`match` must be a mapping of arguments")
                        .with_hint(
                            "write e.g. `match: {city: Paris}`; leave it out to match every call",
                        ),
                );
                continue;
            }
        };
        let Some(result) = map.get("result") else {
            let (l, c) = at(None);
            diags.push(
                Diagnostic::error(shown, l, c, format!("mock #{} has no `result`", i + 1))
                    .with_hint("write `result: ...`, what the tool returns (text or data)"),
            );
            continue;
        };
        mocks.push(ToolMock {
            tool: tool.clone(),
            matcher,
            result: result.clone(),
            file: shown.to_path_buf(),
            line: at(None).0,
        });
    }
    (mocks, diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn first_mock_whose_arguments_are_a_subset_wins() {
        let src = "- tool: get_weather\n  match: {city: Paris}\n  result: {temp: 21}\n\
                   - tool: get_weather\n  result: unknown city\n";
        let (mocks, diags) = parse_mocks(src, Path::new("tools/mocks/w.yaml"));
        assert!(diags.is_empty(), "{diags:?}");
        let paris = json!({"city": "Paris", "unit": "C"});
        assert_eq!(
            find_mock(&mocks, "get_weather", &paris).unwrap().result,
            json!({"temp": 21})
        );
        let rome = find_mock(&mocks, "get_weather", &json!({"city": "Rome"})).unwrap();
        assert_eq!(
            (rome.result.clone(), rome.place()),
            (json!("unknown city"), "tools/mocks/w.yaml:4".into())
        );
        assert!(find_mock(&mocks, "other", &paris).is_none());
    }

    #[test]
    fn malformed_mocks_are_located() {
        let (_, diags) = parse_mocks("- tool: a\n  reslt: 1\n", Path::new("m.yaml"));
        assert_eq!(
            (diags[0].line, diags[0].message.as_str()),
            (2, "unknown key `reslt` in a mock")
        );
        let (_, diags) = parse_mocks("tool: a\n", Path::new("m.yaml"));
        assert_eq!(diags[0].message, "a mock file is a list of mock results");
    }
}

//! Appending a case to a suite file (`tests/NAME.yaml`) as text, so the
//! file stays byte-identical outside the appended lines: its comments,
//! layout and quoting are the user's. The case goes at the end of the
//! `tests:` list (or of a bare list), indented as the list's items are;
//! the file is then parsed again as `pwb check` parses it, and written
//! atomically only if the new case is there and nothing became an error.

use super::diagnostic::Diagnostic;
use super::save::save_atomic;
use super::testfile::TestFile;
use serde_json::{Map, Value, json};
use std::path::Path;

/// A case to append: what the workbench knows of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewCase {
    pub description: Option<String>,
    pub vars: Map<String, Value>,
    /// Assertions as promptfoo writes them (`{type, value, ...}`).
    pub asserts: Vec<Value>,
}

/// The file's text with `case` appended, or why it cannot be done.
pub fn with_case(source: &str, case: &NewCase) -> Result<String, String> {
    let lines: Vec<&str> = source.split_inclusive('\n').collect();
    let tests_at = lines
        .iter()
        .position(|l| l.starts_with("tests:") && !l.trim_end().ends_with(']') && !l.contains("["));
    if lines
        .iter()
        .any(|l| l.starts_with("tests:") && l.contains('['))
    {
        return Err("`tests:` is written as a flow list ([...]); add the case by hand".into());
    }
    let (start, end) = match tests_at {
        Some(t) => (t + 1, block_end(&lines, t + 1)),
        None if lines
            .iter()
            .any(|l| l.starts_with("- ") || l.trim_end() == "-") =>
        {
            (0, lines.len())
        }
        None if source.trim().is_empty() || is_comments_only(&lines) => (lines.len(), lines.len()),
        None => {
            return Err("the file has neither a `tests:` list nor a list of cases".into());
        }
    };
    let indent = lines[start..end]
        .iter()
        .find_map(|l| {
            let t = l.trim_start_matches(' ');
            (t.starts_with("- ") || t.trim_end() == "-").then(|| l.len() - t.len())
        })
        .unwrap_or(if tests_at.is_some() { 2 } else { 0 });
    let text = item_text(case, indent)?;
    let mut out = String::with_capacity(source.len() + text.len() + 1);
    for l in &lines[..end] {
        out.push_str(l);
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if tests_at.is_none() && source.trim().is_empty() {
        out.push_str("tests:\n");
        out.push_str(&item_text(case, 2)?);
    } else {
        out.push_str(&text);
    }
    for l in &lines[end..] {
        out.push_str(l);
    }
    Ok(out)
}

/// Appends `case` to the suite file at `path` and checks the result as
/// `pwb check` does; nothing is written when the new file would have an
/// error or the case did not land.
pub fn append_case(path: &Path, case: &NewCase) -> Result<Vec<Diagnostic>, String> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let before = count_cases(path, &source).unwrap_or(0);
    let text = with_case(&source, case)?;
    let (after, diags) = check(path, &text);
    if let Some(e) = diags.iter().find(|d| d.is_error()) {
        return Err(format!("the case would not load: {e}"));
    }
    if after != Some(before + expansions(case)) {
        return Err("the appended case did not read back as one more case".into());
    }
    save_atomic(path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(diags)
}

fn count_cases(path: &Path, source: &str) -> Option<usize> {
    check(path, source).0
}

fn check(path: &Path, source: &str) -> (Option<usize>, Vec<Diagnostic>) {
    let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("suite");
    let (file, diags) = TestFile::parse(name, path, source, path);
    (file.map(|f| f.cases.len()), diags)
}

/// A list value in vars makes one case per element (as promptfoo does).
fn expansions(case: &NewCase) -> usize {
    case.vars
        .values()
        .map(|v| v.as_array().map_or(1, |a| a.len().max(1)))
        .product()
}

/// Where the block that starts at `from` ends: before the next top-level
/// key, and before the comments and blank lines just above that key
/// (they belong to it).
fn block_end(lines: &[&str], from: usize) -> usize {
    let next_key = lines[from..]
        .iter()
        .position(|l| {
            let c = l.chars().next();
            c.is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
        })
        .map_or(lines.len(), |i| from + i);
    let mut end = next_key;
    if next_key < lines.len() {
        while end > from && {
            let t = lines[end - 1].trim();
            t.is_empty() || t.starts_with('#')
        } {
            end -= 1;
        }
    }
    end
}

fn is_comments_only(lines: &[&str]) -> bool {
    lines.iter().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#')
    })
}

/// The case as YAML list-item lines, indented by `indent`.
fn item_text(case: &NewCase, indent: usize) -> Result<String, String> {
    let mut m = Map::new();
    if let Some(d) = &case.description {
        m.insert("description".into(), json!(d));
    }
    m.insert("vars".into(), Value::Object(case.vars.clone()));
    if !case.asserts.is_empty() {
        m.insert("assert".into(), Value::Array(case.asserts.clone()));
    }
    let yaml = serde_norway::to_string(&Value::Object(m)).map_err(|e| e.to_string())?;
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, line) in yaml.lines().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&pad);
        out.push_str(lead);
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
#[path = "append_case_tests.rs"]
mod tests;

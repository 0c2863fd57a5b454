//! Test cases from a CSV file, as promptfoo's `testCaseFromCsvRow` makes
//! them: each column is a var, except `__expected*` (an assertion written
//! as text: `contains: x`, `not-regex: ...`, `similar(0.9): ...`,
//! `grade: rubric`, `javascript: ...`, anything else `equals`),
//! `__description`, `__threshold`, `__metric`, `__metadata:KEY[[]]` and
//! `__config:__expectedN:threshold`. Rows become case values for the case
//! parser, each with the line it starts on (`testfile_expected` reads the
//! `__expected` cells).

use super::testfile_expected::assertion_from_string;
use serde_json::{Map, Value, json};

/// Rows as test-case values, each with the 1-based line it starts on.
pub(super) type Rows = Vec<(Value, usize)>;

/// A CSV file's rows as test-case values with their lines, plus warnings
/// (single-underscore columns). An error says what is wrong.
pub(super) fn csv_cases(text: &str) -> Result<(Rows, Vec<String>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut warnings = Vec::new();
    for h in &headers {
        let single = [
            "_expected",
            "_prefix",
            "_suffix",
            "_description",
            "_providerOutput",
        ]
        .iter()
        .chain(&["_metric", "_threshold", "_metadata", "_config"])
        .any(|k| h.starts_with(k));
        if single && !h.starts_with("__") {
            warnings.push(format!(
                "column `{h}` starts with one underscore: it is read as a var (did you mean `_{h}`?)"
            ));
        }
    }
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let line = record.position().map_or(i + 2, |p| p.line() as usize);
        let row = headers.iter().map(String::as_str).zip(record.iter());
        let mut case = case_from_row(row)?;
        if case
            .get("description")
            .is_none_or(|d| d.as_str() == Some(""))
        {
            case.insert("description".into(), json!(format!("Row #{}", i + 1)));
        }
        out.push((Value::Object(case), line));
    }
    Ok((out, warnings))
}

fn case_from_row<'a>(
    row: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<Map<String, Value>, String> {
    let (mut vars, mut asserts, mut options, mut metadata) =
        (Map::new(), Vec::new(), Map::new(), Map::new());
    let mut case = Map::new();
    let mut metric = None;
    let mut configs: Vec<(usize, f64)> = Vec::new();
    for (key, value) in row {
        if key.starts_with("__expected") {
            if !value.trim().is_empty() {
                asserts.push(assertion_from_string(value.trim())?);
            }
        } else if key == "__prefix" || key == "__suffix" {
            options.insert(key[2..].into(), json!(value));
        } else if key == "__description" {
            case.insert("description".into(), json!(value));
        } else if key == "__providerOutput" {
            case.insert("providerOutput".into(), json!(value));
        } else if key == "__metric" {
            metric = Some(value.to_string());
        } else if key == "__threshold" {
            if let Some(t) = finite_number(value) {
                case.insert("threshold".into(), json!(t));
            }
        } else if let Some(meta) = key.strip_prefix("__metadata:") {
            if value.trim().is_empty() {
                continue;
            }
            match meta.strip_suffix("[]") {
                Some(k) => {
                    let items: Vec<Value> = split_unescaped_commas(value)
                        .iter()
                        .map(|v| json!(v.trim().replace("\\,", ",")))
                        .collect();
                    metadata.insert(k.into(), Value::Array(items));
                }
                None => {
                    metadata.insert(meta.into(), json!(value));
                }
            }
        } else if let Some(spec) = key.strip_prefix("__config:") {
            let (which, setting) = spec
                .split_once(':')
                .ok_or_else(|| format!("column `{key}`: write __config:__expected:threshold"))?;
            let index = match which {
                "__expected" => 0,
                w => w
                    .strip_prefix("__expected")
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .map(|n| n - 1)
                    .ok_or_else(|| {
                        format!("column `{key}`: `{which}` is not __expected or __expectedN")
                    })?,
            };
            if setting != "threshold" {
                return Err(format!(
                    "column `{key}`: only `threshold` can be set this way"
                ));
            }
            let t = finite_number(value)
                .ok_or_else(|| format!("column `{key}`: `{value}` is not a number"))?;
            configs.push((index, t));
        } else if key != "__metadata" {
            vars.insert(key.into(), json!(value));
        }
    }
    for (i, a) in asserts.iter_mut().enumerate() {
        if let Some(m) = &metric {
            a.insert("metric".into(), json!(m));
        }
        for (_, t) in configs.iter().filter(|(at, _)| *at == i) {
            a.insert("threshold".into(), json!(t));
            metadata.insert("threshold".into(), json!(t));
        }
    }
    case.insert("vars".into(), Value::Object(vars));
    let asserts = asserts.into_iter().map(Value::Object).collect();
    case.insert("assert".into(), Value::Array(asserts));
    if !options.is_empty() {
        case.insert("options".into(), Value::Object(options));
    }
    if !metadata.is_empty() {
        case.insert("metadata".into(), Value::Object(metadata));
    }
    Ok(case)
}

/// promptfoo's `parseFiniteNumber`: a whole numeric literal, else none.
fn finite_number(s: &str) -> Option<f64> {
    static NUM: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = NUM.get_or_init(|| {
        regex::Regex::new(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$").expect("static regex")
    });
    let t = s.trim();
    re.is_match(t)
        .then(|| t.parse::<f64>().ok())
        .flatten()
        .filter(|f| f.is_finite())
}

fn split_unescaped_commas(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut prev = '\0';
    for c in s.chars() {
        if c == ',' && prev != '\\' {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
        prev = c;
    }
    out
}

#[cfg(test)]
#[path = "testfile_csv_tests.rs"]
mod tests;

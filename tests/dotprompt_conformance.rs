//! Runs every Dotprompt conformance case in `tests/fixtures/dotprompt-spec`
//! (a copy of google/dotprompt's `spec/` folder, with its licence; see the
//! README there) through pwb's renderer and compares with `expect`.

use pwb::prompt::yaml::to_json;
use pwb::prompt::{RenderData, Renderer, parse_document};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotprompt-spec")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn string_map(suite: &Value, keys: &[&str]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for key in keys {
        if let Some(Value::Object(m)) = suite.get(*key) {
            for (k, v) in m {
                out.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
        }
    }
    out
}

fn value_map(suite: &Value, keys: &[&str]) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for key in keys {
        if let Some(Value::Object(m)) = suite.get(*key) {
            out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    out
}

/// Runs one test case; returns a description of each mismatch.
fn run_case(suite: &Value, case: &Value) -> Result<(), String> {
    let template = suite["template"].as_str().ok_or("suite has no template")?;
    let partials = string_map(suite, &["partials", "resolverPartials"]);
    let schemas = value_map(suite, &["schemas", "resolverSchemas"]);
    let renderer = Renderer::new(partials, schemas).map_err(|e| e.report())?;

    // Suite-level data is the base; the case's data is spread over it.
    let mut data = Map::new();
    for d in [suite.get("data"), case.get("data")].into_iter().flatten() {
        if let Value::Object(m) = d {
            data.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    let data: RenderData =
        serde_json::from_value(Value::Object(data)).map_err(|e| format!("bad data: {e}"))?;
    let parsed = parse_document(template).map_err(|e| e.report())?;
    let rendered = renderer
        .render(&parsed, &data, case.get("options"))
        .map_err(|e| e.report())?;
    let got = serde_json::to_value(&rendered).map_err(|e| e.to_string())?;

    let expect = &case["expect"];
    let mut problems = Vec::new();
    for key in [
        "messages", "config", "ext", "raw", "model", "input", "output",
    ] {
        let want = match expect.get(key) {
            Some(w) => w,
            None if key == "messages" => &Value::Array(Vec::new()),
            None => continue,
        };
        let have = got.get(key).unwrap_or(&Value::Null);
        if have != want {
            problems.push(format!("  {key}:\n    want {want}\n    got  {have}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn dotprompt_spec_cases_all_pass() {
    let mut files = Vec::new();
    yaml_files(&spec_dir(), &mut files);
    assert!(
        !files.is_empty(),
        "no spec files in {}",
        spec_dir().display()
    );

    let mut count = 0;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable spec file");
        let yaml: serde_norway::Value =
            serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let suites = to_json(yaml);
        let rel = file.strip_prefix(spec_dir()).unwrap_or(file).display();
        for suite in suites.as_array().map(Vec::as_slice).unwrap_or_default() {
            let name = suite["name"].as_str().unwrap_or("?");
            for case in suite["tests"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                count += 1;
                let desc = case["desc"].as_str().unwrap_or("?");
                if let Err(why) = run_case(suite, case) {
                    failures.push(format!("{rel} / {name} / {desc}:\n{why}"));
                }
            }
        }
    }
    println!(
        "dotprompt conformance: {count} cases run, {} failed",
        failures.len()
    );
    assert!(count > 0, "no conformance cases found");
    assert!(
        failures.is_empty(),
        "{} of {count} conformance cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

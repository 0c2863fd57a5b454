//! Cases and vars kept in other files, as promptfoo reads them: `tests:`
//! entries naming files (globs, `file://` optional) of CSV rows, JSONL
//! lines, JSON or YAML cases; `vars:` naming YAML/JSON files of vars;
//! `defaultTest: file://...`. Each file's problems are reported in it.

use super::diagnostic::Diagnostic;
use super::read::read_text;
use super::testfile::TestCase;
use super::testfile_csv::csv_cases;
use super::testfile_parse::{CaseParser, has_case_content};
use super::testfile_vars::glob_files;
use super::yaml_locate::Seg;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// How deep `file://` case files may name other case files.
const MAX_DEPTH: usize = 4;

impl<'a> CaseParser<'a> {
    /// The files `reference` names, relative to this file's folder.
    fn referenced(&mut self, reference: &str, at: &[Seg], what: &str) -> Vec<PathBuf> {
        let reference = reference.strip_prefix("file://").unwrap_or(reference);
        let remote = ["http://", "https://", "huggingface://", "hf://", "az://"];
        if remote.iter().any(|p| reference.starts_with(p)) {
            let message =
                format!("{what} from `{reference}` are not supported by pwb (only local files)");
            self.error(at, message, "download the file and name it with file://");
            return Vec::new();
        }
        if self.depth >= MAX_DEPTH {
            self.error(
                at,
                format!("`{reference}`: case files nest too deep"),
                "a case file may not name itself",
            );
            return Vec::new();
        }
        match glob_files(reference, &self.dir) {
            Ok(files) => files,
            Err(e) => {
                self.error(at, e, "");
                Vec::new()
            }
        }
    }

    /// The file as shown in messages: next to this one's shown path.
    fn shown_for(&self, file: &Path) -> PathBuf {
        match file.strip_prefix(&self.dir) {
            Ok(rel) => self.shown.parent().unwrap_or(Path::new("")).join(rel),
            Err(_) => file.to_path_buf(),
        }
    }

    /// Runs `f` with a parser for `file` (text `source`), then keeps its
    /// problems with this file's.
    fn with_child<T>(
        &mut self,
        file: &Path,
        source: &str,
        lines: Option<Vec<usize>>,
        f: impl FnOnce(&mut CaseParser<'_>) -> T,
    ) -> T {
        let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
        let shown = self.shown_for(file);
        let mut child = CaseParser::new(source, dir, self.base.clone(), shown.clone());
        child.lines = lines;
        child.depth = self.depth + 1;
        child.origin = Some(shown);
        child.cache = std::mem::take(&mut self.cache);
        let out = f(&mut child);
        self.cache = std::mem::take(&mut child.cache);
        self.nested.extend(child.finish());
        out
    }

    /// Cases from the files `reference` names (`tests: file://x.csv`, or a
    /// string in the `tests:` list). `standalone`: `tests:` is that one
    /// string, where promptfoo names JSON/JSONL rows `Row #N`.
    pub(super) fn cases_file(
        &mut self,
        reference: &str,
        at: &[Seg],
        defaults: &TestCase,
        standalone: bool,
    ) -> Vec<TestCase> {
        let mut out = Vec::new();
        for file in self.referenced(reference, at, "test cases") {
            let ext = file
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let source = match read_text(&file) {
                Ok(s) => s,
                Err(e) => {
                    self.error(at, format!("cannot read `{}`: {e}", file.display()), "");
                    continue;
                }
            };
            let cases = match ext.as_str() {
                "csv" => self.csv_file(&file, &source, defaults),
                "jsonl" => self.jsonl_file(&file, &source, defaults, standalone),
                "json" | "yaml" | "yml" => {
                    self.yaml_file(&file, &source, defaults, standalone && ext == "json")
                }
                _ => {
                    let message = format!(
                        "`{}`: test cases from .{ext} files are not supported by pwb",
                        file.display()
                    );
                    self.error(at, message, "use a .csv, .jsonl, .json or .yaml file");
                    continue;
                }
            };
            out.extend(cases);
        }
        out
    }

    fn csv_file(&mut self, file: &Path, source: &str, defaults: &TestCase) -> Vec<TestCase> {
        match csv_cases(source) {
            Ok((rows, warnings)) => {
                let lines = rows.iter().map(|(_, l)| *l).collect();
                self.with_child(file, source, Some(lines), |p| {
                    for w in warnings {
                        p.warn(
                            &[],
                            w,
                            "promptfoo's special columns start with two underscores",
                        );
                    }
                    p.row_cases(rows.into_iter().map(|(v, _)| v).collect(), defaults)
                })
            }
            Err(e) => {
                let shown = self.shown_for(file);
                let message = format!("cannot read the CSV: {e}");
                self.nested.push(
                    Diagnostic::error(shown, 1, 1, message)
                        .with_hint("check the header row and the quoting"),
                );
                Vec::new()
            }
        }
    }

    fn jsonl_file(
        &mut self,
        file: &Path,
        source: &str,
        defaults: &TestCase,
        standalone: bool,
    ) -> Vec<TestCase> {
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        let mut problems = Vec::new();
        for (i, line) in source.split('\n').enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(line) {
                Ok(mut v) => {
                    if standalone && let Value::Object(m) = &mut v {
                        let unnamed = m.get("description").is_none_or(|d| d.as_str() == Some(""));
                        if unnamed {
                            m.insert(
                                "description".into(),
                                json!(format!("Row #{}", rows.len() + 1)),
                            );
                        }
                    }
                    rows.push(v);
                    lines.push(i + 1);
                }
                Err(e) => problems.push((i + 1, e.column(), e.to_string())),
            }
        }
        let shown = self.shown_for(file);
        for (line, col, e) in problems {
            let d = Diagnostic::error(shown.clone(), line, col, format!("invalid JSON: {e}"));
            self.nested
                .push(d.with_hint("a .jsonl file holds one JSON test case per line"));
        }
        self.with_child(file, source, Some(lines), |p| p.row_cases(rows, defaults))
    }

    fn yaml_file(
        &mut self,
        file: &Path,
        source: &str,
        defaults: &TestCase,
        name_rows: bool,
    ) -> Vec<TestCase> {
        self.with_child(file, source, None, |p| {
            let Some(doc) = p.yaml() else {
                return Vec::new();
            };
            let mut items = match doc {
                Value::Array(items) => items,
                v @ Value::Object(_) => vec![v],
                _ => {
                    p.error(
                        &[],
                        "a file of test cases holds a list of cases (or one case)",
                        "start with `- vars:`",
                    );
                    return Vec::new();
                }
            };
            if name_rows {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::Object(m) = item
                        && m.get("description").is_none_or(|d| d.as_str() == Some(""))
                    {
                        m.insert("description".into(), json!(format!("Row #{}", i + 1)));
                    }
                }
            }
            p.case_list(&items, &[], defaults, false)
        })
    }

    /// Cases from rows (CSV or JSONL), each at `[i]`.
    fn row_cases(&mut self, rows: Vec<Value>, defaults: &TestCase) -> Vec<TestCase> {
        let mut out = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let here = [Seg::Index(i)];
            if row.as_object().is_some_and(|m| !has_case_content(m)) {
                let message = "a test case needs vars, assert, options, metadata or threshold";
                self.error(&here, message, "promptfoo refuses a case without them too");
                continue;
            }
            if let Some(raw) = self.raw_case(row, &here) {
                let line = self
                    .lines
                    .as_ref()
                    .and_then(|l| l.get(i))
                    .copied()
                    .unwrap_or(0);
                let raw = TestCase {
                    index: i,
                    line,
                    ..raw
                };
                out.extend(self.merged(raw, defaults, &here));
            }
        }
        out
    }

    /// `vars:` given as files: YAML/JSON maps, merged in order.
    pub(super) fn var_files(&mut self, files: &Value, at: &[Seg]) -> Map<String, Value> {
        let refs: Vec<&str> = match files {
            Value::String(s) => vec![s],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let mut vars = Map::new();
        for reference in refs {
            if reference.starts_with("file://") {
                self.warn(
                    at,
                    "promptfoo 0.123.1 reads no vars from a `file://` reference here (it looks for a file named `file:`); pwb reads the file",
                    "drop `file://` (vars: vars.yaml) and both read it",
                );
            }
            for file in self.referenced(reference, at, "vars") {
                let parsed = read_text(&file)
                    .map_err(|e| e.to_string())
                    .and_then(|t| serde_norway::from_str::<Value>(&t).map_err(|e| e.to_string()));
                match parsed {
                    Ok(Value::Object(m)) => vars.extend(m),
                    Ok(_) => self.error(
                        at,
                        format!("`{}` must hold a map of vars", file.display()),
                        "e.g. ticket: My order is late",
                    ),
                    Err(e) => self.error(
                        at,
                        format!("cannot read vars from `{}`: {e}", file.display()),
                        "",
                    ),
                }
            }
        }
        vars
    }

    /// `defaultTest: file://defaults.yaml`.
    pub(super) fn default_test_file(&mut self, reference: &str, at: &[Seg]) -> Option<TestCase> {
        let file = self
            .referenced(reference, at, "defaultTest")
            .into_iter()
            .next()?;
        let source = match read_text(&file) {
            Ok(s) => s,
            Err(e) => {
                self.error(at, format!("cannot read `{}`: {e}", file.display()), "");
                return None;
            }
        };
        self.with_child(&file, &source, None, |p| {
            let doc = p.yaml()?;
            let case = p.raw_case(&doc, &[]);
            case.map(|c| TestCase { origin: None, ..c })
        })
    }
}

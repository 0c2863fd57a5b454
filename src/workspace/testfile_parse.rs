//! The parser behind `TestFile::parse` and promptfoo configs' cases: walks
//! promptfoo-shaped YAML (a list of cases, or `tests` + `defaultTest` +
//! `prompt`), reads `file://` case files (`testfile_sources`), merges
//! `defaultTest` as promptfoo does, expands vars (`testfile_vars`) and
//! reports each problem at its line.

use super::diagnostic::{Diagnostic, FileDiagnostics, Severity, yaml_error_parts};
use super::testfile::TestCase;
use super::testfile_vars::FileCache;
use super::yaml_index::YamlIndex;
use super::yaml_locate::{Seg, locate_key, locate_or_parent};
use serde_json::{Map, Value};
use std::path::PathBuf;

const FILE_KEYS: &[&str] = &["description", "prompt", "tests", "defaultTest"];
/// What kind of file is parsed: its top-level keys differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `tests/NAME.yaml`: a list, or `prompt` + `defaultTest` + `tests`.
    TestFile,
    /// A promptfoo config: its own keys are the caller's business.
    Config,
}

pub(super) struct CaseParser<'a> {
    /// The file's text (YAML or JSON), for positions.
    pub(super) source: &'a str,
    /// The line of each case when the file is not YAML (CSV, JSONL).
    pub(super) lines: Option<Vec<usize>>,
    /// The file's folder: `tests:` and `vars:` file references.
    pub(super) dir: PathBuf,
    /// Where `file://` var and assertion values are read from (the suite's
    /// folder; a promptfoo config's for every file it reads).
    pub(super) base: PathBuf,
    /// The file as shown in messages.
    pub(super) shown: PathBuf,
    pub(super) diags: FileDiagnostics,
    /// Problems in the files this one reads.
    pub(super) nested: Vec<Diagnostic>,
    pub(super) cache: FileCache,
    pub(super) depth: usize,
    /// Set when this file holds cases of another (a `file://` cases file).
    pub(super) origin: Option<PathBuf>,
    pub(super) index: Option<YamlIndex>,
}

impl<'a> CaseParser<'a> {
    pub(super) fn new(source: &'a str, dir: PathBuf, base: PathBuf, shown: PathBuf) -> Self {
        CaseParser {
            source,
            lines: None,
            dir,
            base,
            diags: FileDiagnostics::new(&shown),
            shown,
            nested: Vec::new(),
            cache: FileCache::new(),
            depth: 0,
            origin: None,
            index: None,
        }
    }

    pub(super) fn finish(self) -> Vec<Diagnostic> {
        let mut all = self.diags.finish();
        all.extend(self.nested);
        all
    }

    /// The position of the node at `path`, or its nearest parent.
    fn position(&self, path: &[Seg]) -> (usize, usize) {
        match &self.lines {
            Some(lines) => match path.first() {
                Some(Seg::Index(i)) => (lines.get(*i).copied().unwrap_or(1), 1),
                _ => (1, 1),
            },
            None => locate_or_parent(self.source, path),
        }
    }

    pub(super) fn error(
        &mut self,
        path: &[Seg],
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let at = self.position(path);
        self.diags
            .push(Severity::Error, || at, message.into(), hint.into());
    }

    pub(super) fn warn(
        &mut self,
        path: &[Seg],
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let at = self.position(path);
        self.diags
            .push(Severity::Warning, || at, message.into(), hint.into());
    }

    fn warn_key(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        let at = match self.lines {
            Some(_) => self.position(path),
            None => locate_key(self.source, path).unwrap_or_else(|| self.position(path)),
        };
        self.diags
            .push(Severity::Warning, || at, message.into(), hint.into());
    }

    /// Where an assertion starts (for `AssertSpec::line`), from an index
    /// of the file built once.
    pub(super) fn node_start(&mut self, path: &[Seg]) -> (usize, usize) {
        if let Some(lines) = &self.lines {
            let line = match path.first() {
                Some(Seg::Index(i)) => lines.get(*i).copied().unwrap_or(1),
                _ => 1,
            };
            return (line, 1);
        }
        let index = self
            .index
            .get_or_insert_with(|| YamlIndex::build(self.source));
        index.get(path).unwrap_or((1, 1))
    }

    pub(super) fn unknown_keys(
        &mut self,
        obj: &Map<String, Value>,
        at: &[Seg],
        known: &[&str],
        what: &str,
    ) {
        for key in obj.keys().filter(|k| !known.contains(&k.as_str())) {
            let hint = super::suggest::hint_for(key, known);
            self.warn_key(
                &with(at, key.as_str()),
                format!("unknown key `{key}` in {what} (ignored)"),
                hint,
            );
        }
    }

    /// Parses the file as YAML.
    pub(super) fn yaml(&mut self) -> Option<Value> {
        match serde_norway::from_str(self.source) {
            Ok(v) => Some(v),
            Err(e) => {
                let (l, c, msg) = yaml_error_parts(&e);
                let hint = "check indentation and quoting; a test file is a YAML list of cases";
                self.diags.push(
                    Severity::Error,
                    || (l, c),
                    format!("invalid YAML: {msg}"),
                    hint.into(),
                );
                None
            }
        }
    }

    /// A whole test file or config: its `prompt:` and its cases.
    pub(super) fn document(
        &mut self,
        doc: &Value,
        mode: Mode,
    ) -> Option<(Option<String>, Vec<TestCase>)> {
        match doc {
            Value::Array(items) if mode == Mode::TestFile => {
                let defaults = TestCase::default();
                Some((None, self.case_list(items, &[], &defaults, false)))
            }
            Value::Object(obj) => self.suite(obj, mode),
            Value::Null if mode == Mode::TestFile => {
                self.error(&[], "empty test file", "add cases: - vars: {text: \"...\"}\n  assert: [{type: contains, value: \"...\"}]");
                None
            }
            _ => {
                self.error(
                    &[],
                    "a test file must be a list of cases or a map with `tests:`",
                    "start with `tests:` or with `- vars:`",
                );
                None
            }
        }
    }

    fn suite(
        &mut self,
        obj: &Map<String, Value>,
        mode: Mode,
    ) -> Option<(Option<String>, Vec<TestCase>)> {
        if mode == Mode::TestFile {
            self.unknown_keys(obj, &[], FILE_KEYS, "a test file");
        }
        let prompt = match (mode, obj.get("prompt")) {
            (Mode::Config, _) | (_, None) => None,
            (_, Some(Value::String(s))) => Some(s.clone()),
            (_, Some(_)) => {
                self.error(
                    &["prompt".into()],
                    "`prompt` must be a prompt name",
                    "e.g. prompt: triage",
                );
                None
            }
        };
        let defaults = match obj.get("defaultTest") {
            Some(d) => self.default_test(d).unwrap_or_default(),
            None => TestCase::default(),
        };
        let cases = match obj.get("tests") {
            Some(Value::Array(items)) if items.is_empty() && mode == Mode::Config => {
                // promptfoo runs a config with no tests as one empty case.
                self.merged(TestCase::default(), &defaults, &[])
            }
            Some(Value::Array(items)) => self.case_list(items, &["tests".into()], &defaults, false),
            Some(Value::String(reference)) => {
                self.cases_file(reference, &["tests".into()], &defaults, true)
            }
            Some(Value::Null) | None if mode == Mode::Config => {
                // promptfoo runs a config without tests as one empty case.
                self.merged(TestCase::default(), &defaults, &[])
            }
            Some(_) => {
                self.error(
                    &["tests".into()],
                    "`tests` must be a list of cases",
                    "write each case as `- vars: ...`",
                );
                Vec::new()
            }
            None => {
                self.error(
                    &[],
                    "no `tests:` list in this test file",
                    "add `tests:` with a list of cases",
                );
                return None;
            }
        };
        Some((prompt, cases))
    }

    /// `defaultTest:` as a map, or a `file://` YAML/JSON file holding one.
    fn default_test(&mut self, value: &Value) -> Option<TestCase> {
        let at: [Seg; 1] = ["defaultTest".into()];
        match value {
            Value::Object(_) => self.raw_case(value, &at),
            Value::String(s) if s.starts_with("file://") => self.default_test_file(&s[7..], &at),
            _ => {
                self.error(
                    &at,
                    "`defaultTest` must be a map (vars, assert, options)",
                    "e.g. defaultTest:\n  assert: [...]",
                );
                None
            }
        }
    }

    /// Cases in a list: maps, or `file://` references (globs) to case files.
    pub(super) fn case_list(
        &mut self,
        items: &[Value],
        at: &[Seg],
        defaults: &TestCase,
        standalone: bool,
    ) -> Vec<TestCase> {
        if items.is_empty() {
            self.error(
                at,
                "no test cases",
                "add a case: - vars: {...}\n  assert: [...]",
            );
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let here = with(at, i);
            match item {
                Value::String(reference) => {
                    out.extend(self.cases_file(reference, &here, defaults, standalone))
                }
                Value::Object(m) if !has_case_content(m) => self.error(
                    &here,
                    "a test case needs vars, assert, options, metadata or threshold",
                    "promptfoo refuses a case without them too; add `vars:` or `assert:`",
                ),
                _ => {
                    if let Some(raw) = self.raw_case(item, &here) {
                        let raw = TestCase { index: i, ..raw };
                        out.extend(self.merged(raw, defaults, &here));
                    }
                }
            }
        }
        out
    }
}

/// promptfoo's test of a case with something in it (`readTest`).
pub(super) fn has_case_content(m: &Map<String, Value>) -> bool {
    let keys = [
        "assert",
        "vars",
        "options",
        "metadata",
        "provider",
        "providerOutput",
    ];
    keys.iter().any(|k| m.get(*k).is_some_and(|v| !v.is_null()))
        || m.get("threshold").is_some_and(Value::is_number)
}

pub(super) fn with(path: &[Seg], seg: impl Into<Seg>) -> Vec<Seg> {
    let mut v = path.to_vec();
    v.push(seg.into());
    v
}

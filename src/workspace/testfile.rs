//! `tests/NAME.yaml` in promptfoo's test-case shape: a list of cases, or a
//! map with `tests`, `defaultTest` and `prompt`. Cases get `defaultTest`
//! merged in and `file://` vars read; every problem is located by line.

use super::diagnostic::Diagnostic;
use super::testfile_parse::{CaseParser, Mode};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// A test file: the prompt it targets and its cases.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// The file stem: `tests/triage.yaml` is `triage`.
    pub name: String,
    pub path: PathBuf,
    /// The `prompt:` key, if the file names its prompt explicitly.
    pub prompt: Option<String>,
    pub cases: Vec<TestCase>,
}

/// One case, with `defaultTest` already merged in.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestCase {
    pub description: Option<String>,
    /// Template variables; `file://` references are replaced by file text.
    pub vars: Map<String, Value>,
    /// `defaultTest`'s assertions first, then the case's own.
    pub asserts: Vec<AssertSpec>,
    /// The case passes when its weighted score reaches this (promptfoo's
    /// case-level `threshold`); `None`: every assertion must pass.
    pub threshold: Option<f64>,
    /// promptfoo's `options`, kept as written.
    pub options: Option<Value>,
    /// promptfoo's `metadata`, kept as written.
    pub metadata: Option<Value>,
    /// 0-based position in the file's list of cases, to locate the case
    /// (see `TestFile::case_position`). Cases expanded from one (list
    /// vars, `file://` globs) share it: use the position in the suite's
    /// list of cases to tell them apart.
    pub index: usize,
    /// The file the case is written in when it is not its suite's own (a
    /// `tests: file://cases.csv`), as shown in messages; `index` is then
    /// its place in that file.
    pub origin: Option<PathBuf>,
    /// The 1-based line of a case read from a CSV or JSONL file (0: find
    /// it with `case_position`).
    pub line: usize,
}

/// One `assert` entry, as promptfoo writes it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssertSpec {
    /// As written, including a `not-` prefix (`assert-set` for a set).
    pub kind: String,
    /// A template rendered with the case's vars before grading (strings
    /// inside lists and maps too), as promptfoo renders it.
    pub value: Option<Value>,
    pub threshold: Option<f64>,
    pub weight: Option<f64>,
    /// Reports the score under this name (promptfoo's `namedScores`).
    pub metric: Option<String>,
    /// The grader of a model-graded assertion, over the suite's.
    pub provider: Option<Value>,
    /// A model-graded assertion's own grading prompt.
    pub rubric_prompt: Option<Value>,
    /// promptfoo's `config` of the assertion, kept as written.
    pub config: Option<Value>,
    /// The members of an `assert-set`, in order.
    pub members: Vec<AssertSpec>,
    /// Where the entry starts in its file (1-based line, col), for messages.
    pub line: usize,
    pub col: usize,
}

impl AssertSpec {
    pub fn negated(&self) -> bool {
        self.kind.starts_with("not-")
    }

    /// The type without `not-`.
    pub fn base_kind(&self) -> &str {
        super::asserts::base_kind(&self.kind)
    }
}

impl TestFile {
    /// The prompt these cases run against: `prompt:` or the file's name.
    pub fn target_prompt(&self) -> &str {
        self.prompt.as_deref().unwrap_or(&self.name)
    }

    /// The 1-based (line, col) where the case with `index` starts in
    /// `source` (the file's text), or 1:1. Re-reads the text: use it for
    /// reports, not in loops over every case.
    pub fn case_position(source: &str, index: usize) -> (usize, usize) {
        use super::yaml_locate::{Seg, locate_value};
        locate_value(source, &[Seg::Key("tests".into()), Seg::Index(index)])
            .or_else(|| locate_value(source, &[Seg::Index(index)]))
            .unwrap_or((1, 1))
    }

    /// Parses `source`, read from `path`; `shown` is the path printed in
    /// diagnostics. `None` only when the file is not YAML of the right shape.
    pub fn parse(
        name: &str,
        path: &Path,
        source: &str,
        shown: &Path,
    ) -> (Option<TestFile>, Vec<Diagnostic>) {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut p = CaseParser::new(source, dir.clone(), dir, shown.to_path_buf());
        let parsed = p.yaml().and_then(|doc| p.document(&doc, Mode::TestFile));
        let file = parsed.map(|(prompt, cases)| TestFile {
            name: name.to_string(),
            path: path.to_path_buf(),
            prompt,
            cases,
        });
        (file, p.finish())
    }

    /// The cases of a promptfoo config (`doc`, parsed from `source` read
    /// from `path`): `defaultTest` merged into `tests` (one empty case when
    /// there are none); every `file://` is relative to the config's folder.
    pub fn config_cases(
        path: &Path,
        source: &str,
        shown: &Path,
        doc: &Value,
    ) -> (Vec<TestCase>, Vec<Diagnostic>) {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let mut p = CaseParser::new(source, dir.clone(), dir, shown.to_path_buf());
        let cases = p
            .document(doc, Mode::Config)
            .map(|(_, c)| c)
            .unwrap_or_default();
        (cases, p.finish())
    }
}

#[cfg(test)]
#[path = "testfile_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "testfile_more_tests.rs"]
mod more_tests;

//! Errors and warnings about prompt files, each pinned to a 1-based line and
//! column in the file (not in the template body) and carrying a hint that
//! says what to do about it.

use std::fmt;
use std::path::PathBuf;

/// Which stage of handling a prompt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptErrorKind {
    /// The YAML frontmatter does not parse or has the wrong shape.
    Frontmatter,
    /// The handlebars template does not compile (unclosed block, bad tag).
    Template,
    /// Rendering failed (unknown helper, missing partial, helper misuse).
    Render,
    /// An input/output schema (Picoschema) is invalid.
    Schema,
    /// An examples file is malformed.
    Example,
    /// A file could not be read.
    Io,
}

/// What went wrong, where, and what to do.
///
/// `line` and `col` are 1-based positions in the file named by `file` (when
/// known); frontmatter errors count from the opening `---` on line 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PromptError {
    pub kind: PromptErrorKind,
    pub file: Option<PathBuf>,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

impl PromptError {
    pub fn new(
        kind: PromptErrorKind,
        line: usize,
        col: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        PromptError {
            kind,
            file: None,
            line: line.max(1),
            col: col.max(1),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The same error, naming the file it is about.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// `path:line:col: message` followed by `hint: ...` on the next line.
    pub fn report(&self) -> String {
        let mut out = self.to_string();
        if !self.hint.is_empty() {
            out.push_str("\nhint: ");
            out.push_str(&self.hint);
        }
        out
    }
}

impl fmt::Display for PromptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => write!(f, "{}:", file.display())?,
            None => write!(f, "line ")?,
        }
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Something legal but probably unintended, e.g. an unknown frontmatter key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptWarning {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for PromptWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

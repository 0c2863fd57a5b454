//! One problem found in a workspace file, located as `path:line:col`, with a
//! severity and an optional hint saying how to fix it; plus the helpers that
//! turn byte offsets and parser errors into 1-based line/column positions.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is: errors fail `pwb check`, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A problem in a workspace file. `line` and `col` are 1-based; a problem
/// with the file as a whole (unreadable, too large) is reported at 1:1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Relative to the workspace root when the file is inside it.
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, path.into(), line, col, message.into())
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, path.into(), line, col, message.into())
    }

    fn new(severity: Severity, path: PathBuf, line: usize, col: usize, message: String) -> Self {
        Diagnostic {
            path,
            line: line.max(1),
            col: col.max(1),
            severity,
            message,
            hint: None,
        }
    }

    /// Adds a hint; an empty hint is dropped.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        self.hint = (!hint.trim().is_empty()).then_some(hint);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.severity,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            // Indent continuation lines so multi-line hints stay readable.
            write!(f, "\n  hint: {}", hint.replace('\n', "\n        "))?;
        }
        Ok(())
    }
}

/// How many problems one file reports before the rest are only counted:
/// locating a problem re-reads the file, and nobody reads 5000 of them.
pub const MAX_PER_FILE: usize = 50;

/// A file's diagnostics, capped at `MAX_PER_FILE`; the rest are counted and
/// summed up in one closing note (an error if any hidden one is).
#[derive(Debug)]
pub struct FileDiagnostics {
    shown: PathBuf,
    list: Vec<Diagnostic>,
    hidden: [usize; 2],
}

impl FileDiagnostics {
    pub fn new(shown: &Path) -> Self {
        FileDiagnostics {
            shown: shown.to_path_buf(),
            list: Vec::new(),
            hidden: [0, 0],
        }
    }

    /// Adds a problem; `at` (which may be slow) runs only if it is shown.
    pub fn push(
        &mut self,
        severity: Severity,
        at: impl FnOnce() -> (usize, usize),
        message: String,
        hint: String,
    ) {
        if self.list.len() >= MAX_PER_FILE {
            self.hidden[usize::from(severity == Severity::Warning)] += 1;
            return;
        }
        let (line, col) = at();
        let d = Diagnostic::new(severity, self.shown.clone(), line, col, message);
        self.list.push(d.with_hint(hint));
    }

    pub fn finish(mut self) -> Vec<Diagnostic> {
        let [errors, warnings] = self.hidden;
        if errors + warnings > 0 {
            let severity = if errors > 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            let message =
                format!("{errors} more errors and {warnings} more warnings in this file not shown");
            // At the last shown problem, so that it sorts after them.
            let (line, col) = self
                .list
                .iter()
                .map(|d| (d.line, d.col))
                .max()
                .unwrap_or((1, 1));
            let d = Diagnostic::new(severity, self.shown, line, col, message);
            self.list
                .push(d.with_hint("fix the problems above and run the check again"));
        }
        self.list
    }
}

/// `path` relative to `root` when it is inside it, else `path` unchanged.
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The 1-based (line, column) of byte `offset` in `source`; the column counts
/// characters, not bytes. Offsets past the end or inside a character clamp.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// The (line, column, message) of a YAML parse error, with serde_norway's
/// " at line N column M" suffixes removed from the message.
pub fn yaml_error_parts(err: &serde_norway::Error) -> (usize, usize, String) {
    let (line, col) = err
        .location()
        .map_or((1, 1), |loc| (loc.line(), loc.column()));
    (line, col, strip_positions(&err.to_string()))
}

fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 4..];
        let skip = position_len(tail);
        if skip == 0 {
            out.push_str(" at ");
        }
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out
}

/// Length of a leading "line N column M" or "position N", else 0.
fn position_len(s: &str) -> usize {
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    if let Some(t) = s.strip_prefix("line ") {
        let n = digits(t);
        if n > 0
            && let Some(u) = t[n..].strip_prefix(" column ")
            && digits(u) > 0
        {
            return s.len() - u.len() + digits(u);
        }
    } else if let Some(t) = s.strip_prefix("position ") {
        let n = digits(t);
        if n > 0 {
            return s.len() - t.len() + n;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_chars() {
        let src = "ab\ncdé\nf";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, 7), (2, 4));
        assert_eq!(line_col(src, 6), (2, 3)); // inside 'é' clamps back
        assert_eq!(line_col(src, 99), (3, 2));
    }

    #[test]
    fn display_has_path_line_col_and_hint() {
        let d = Diagnostic::error("prompts/a.prompt", 3, 7, "bad thing").with_hint("do x");
        assert_eq!(
            d.to_string(),
            "prompts/a.prompt:3:7: error: bad thing\n  hint: do x"
        );
        let w = Diagnostic::warning("pwb.toml", 0, 0, "meh");
        assert_eq!(w.to_string(), "pwb.toml:1:1: warning: meh");
    }

    #[test]
    fn file_diagnostics_are_capped_with_a_note() {
        let mut f = FileDiagnostics::new(Path::new("t.yaml"));
        let mut located = 0;
        for i in 0..MAX_PER_FILE + 3 {
            let severity = if i % 2 == 0 {
                Severity::Error
            } else {
                Severity::Warning
            };
            f.push(
                severity,
                || {
                    located += 1;
                    (i + 1, 1)
                },
                format!("p{i}"),
                String::new(),
            );
        }
        let list = f.finish();
        assert_eq!(located, MAX_PER_FILE);
        assert_eq!(list.len(), MAX_PER_FILE + 1);
        let last = list.last().unwrap();
        assert!(last.is_error());
        assert_eq!(last.line, MAX_PER_FILE);
        assert!(
            last.message
                .starts_with("2 more errors and 1 more warnings"),
            "{}",
            last.message
        );
    }

    #[test]
    fn yaml_positions_are_stripped_from_messages() {
        let err = serde_norway::from_str::<serde_json::Value>("a: [1, 2\nb: 3\n").unwrap_err();
        let (line, _, msg) = yaml_error_parts(&err);
        assert!(line >= 1);
        assert!(!msg.contains(" at line "), "{msg}");
        assert_eq!(
            strip_positions("x at line 2 column 3, y at position 5"),
            "x, y"
        );
        assert_eq!(strip_positions("look at this"), "look at this");
    }
}

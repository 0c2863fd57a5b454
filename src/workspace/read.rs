//! Reading workspace files defensively: refuse non-files, files over
//! `MAX_FILE_BYTES` (without reading them), binary files and invalid UTF-8,
//! each with a message that says where and what to do.

use super::diagnostic::{Diagnostic, line_col};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest file pwb reads: prompts, examples and tests are hand-written.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a file could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read file: permission denied")]
    PermissionDenied,
    #[error("no such file")]
    NotFound,
    #[error("not a regular file")]
    NotAFile,
    #[error("file is too large ({size} bytes); pwb reads files up to {limit} bytes (1 MiB)")]
    TooLarge { size: u64, limit: u64 },
    #[error("binary file: NUL byte at byte {offset} (line {line})")]
    Binary {
        offset: usize,
        line: usize,
        col: usize,
    },
    #[error("invalid UTF-8 at byte {offset} (line {line}, column {col})")]
    InvalidUtf8 {
        offset: usize,
        line: usize,
        col: usize,
    },
    #[error("cannot read file: {0}")]
    Io(io::Error),
}

impl ReadError {
    /// Where in the file the problem is (1:1 for whole-file problems).
    pub fn position(&self) -> (usize, usize) {
        match self {
            ReadError::Binary { line, col, .. } | ReadError::InvalidUtf8 { line, col, .. } => {
                (*line, *col)
            }
            _ => (1, 1),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ReadError::PermissionDenied => "make the file readable, e.g. `chmod u+r FILE`",
            ReadError::NotFound => "create the file or fix the reference",
            ReadError::NotAFile => "replace it with a regular file or move it out of the workspace",
            ReadError::TooLarge { .. } => {
                "keep prompts and test files small; put large inputs in a separate file and \
                 reference it from a test with `file://`"
            }
            ReadError::Binary { .. } => {
                "pwb expects UTF-8 text; remove the file or move it out of the workspace folders"
            }
            ReadError::InvalidUtf8 { .. } => {
                "re-save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE`"
            }
            ReadError::Io(_) => "check that the file is readable",
        }
    }

    /// This error as a diagnostic for `shown` (the path to print).
    pub fn to_diagnostic(&self, shown: impl Into<PathBuf>) -> Diagnostic {
        let (line, col) = self.position();
        Diagnostic::error(shown, line, col, self.to_string()).with_hint(self.hint())
    }
}

fn io_error(err: io::Error) -> ReadError {
    match err.kind() {
        io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(err),
    }
}

/// Reads `path` as UTF-8 text, refusing anything over `MAX_FILE_BYTES`.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    read_text_limited(path, MAX_FILE_BYTES)
}

/// Reads `path` as UTF-8 text of at most `limit` bytes. A leading UTF-8
/// byte-order mark is dropped.
pub fn read_text_limited(path: &Path, limit: u64) -> Result<String, ReadError> {
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(io_error)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between stat and read: never take more than limit+1.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    decode_text(bytes)
}

/// Checks that `bytes` is NUL-free UTF-8 and returns it as a string.
pub fn decode_text(mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        let (line, col) = position_in_prefix(&bytes, offset);
        return Err(ReadError::Binary { offset, line, col });
    }
    String::from_utf8(bytes).map_err(|err| {
        let offset = err.utf8_error().valid_up_to();
        let (line, col) = position_in_prefix(err.as_bytes(), offset);
        ReadError::InvalidUtf8 { offset, line, col }
    })
}

/// Line/column of `offset`, counting only the valid UTF-8 text before it.
fn position_in_prefix(bytes: &[u8], offset: usize) -> (usize, usize) {
    let prefix = &bytes[..offset.min(bytes.len())];
    let valid = match std::str::from_utf8(prefix) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&prefix[..e.valid_up_to()]).unwrap_or_default(),
    };
    line_col(valid, valid.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_nul_bytes_with_position() {
        let err = decode_text(b"ok\nab\0cd".to_vec()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Binary {
                    offset: 5,
                    line: 2,
                    col: 3
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("binary file"));
    }

    #[test]
    fn reports_invalid_utf8_byte_and_line() {
        let err = decode_text(b"one\ntw\xFFo".to_vec()).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::InvalidUtf8 {
                    offset: 6,
                    line: 2,
                    col: 3
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("byte 6"));
    }

    #[test]
    fn drops_bom_and_accepts_text() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFhi".to_vec()).unwrap(), "hi");
    }

    #[test]
    fn refuses_large_files_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.prompt");
        std::fs::write(&path, vec![b'a'; 2048]).unwrap();
        assert!(matches!(
            read_text_limited(&path, 1024),
            Err(ReadError::TooLarge {
                size: 2048,
                limit: 1024
            })
        ));
        assert_eq!(read_text_limited(&path, 4096).unwrap().len(), 2048);
        assert!(matches!(read_text(dir.path()), Err(ReadError::NotAFile)));
        assert!(matches!(
            read_text(&dir.path().join("nope")),
            Err(ReadError::NotFound)
        ));
    }
}

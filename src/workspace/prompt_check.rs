//! Per-file checks of `.prompt` sources through the `prompt` module: parse,
//! lint and template compile, turned into workspace diagnostics.
// PENDING: wired to `crate::prompt` once branch `prompt` lands parse_document.

use super::diagnostic::Diagnostic;
use std::path::Path;

/// Diagnostics for one prompt (or partial) source.
pub fn check_source(_source: &str, _shown: &Path, _partial: bool) -> Vec<Diagnostic> {
    Vec::new()
}

//! `--output FILE`: the format by the file's extension, rendering a run in
//! it, and writing the file atomically (a half-written report never
//! replaces a good one). Check the name with `Format::from_path` before
//! the run starts, so a typo costs no calls.

use crate::eval::EvalRun;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Jsonl,
    /// JUnit XML.
    Xml,
    Markdown,
    Csv,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "cannot tell the report format of {}{}\nhint: end the name in .json, .jsonl, .xml (JUnit), .md or .csv",
        path.display(),
        ext.as_ref().map(|e| format!(": `.{e}` is not one pwb writes")).unwrap_or_default()
    )]
    UnknownFormat { path: PathBuf, ext: Option<String> },
    #[error("cannot write the report {}: {source}\nhint: check that its folder exists and is writable", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render the {format} report: {message}")]
    Render {
        format: &'static str,
        message: String,
    },
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Jsonl,
        Format::Xml,
        Format::Markdown,
        Format::Csv,
    ];

    /// The format a file name asks for, by extension (any case).
    pub fn from_path(path: &Path) -> Result<Format, ReportError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("json") => Ok(Format::Json),
            Some("jsonl") | Some("ndjson") => Ok(Format::Jsonl),
            Some("xml") => Ok(Format::Xml),
            Some("md") | Some("markdown") => Ok(Format::Markdown),
            Some("csv") => Ok(Format::Csv),
            _ => Err(ReportError::UnknownFormat {
                path: path.to_path_buf(),
                ext,
            }),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Jsonl => "JSON Lines",
            Format::Xml => "JUnit XML",
            Format::Markdown => "Markdown",
            Format::Csv => "CSV",
        }
    }
}

/// The run in `format`.
pub fn render(run: &EvalRun, format: Format) -> Result<String, ReportError> {
    let fail = |message: String| ReportError::Render {
        format: format.name(),
        message,
    };
    Ok(match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&super::json::run_json(run))
                .map_err(|e| fail(e.to_string()))?;
            s.push('\n');
            s
        }
        Format::Jsonl => {
            let mut s = String::new();
            for c in &run.cells {
                s.push_str(&super::json::cell_json(c).to_string());
                s.push('\n');
            }
            s
        }
        Format::Xml => super::junit::junit(run).map_err(|e| fail(e.to_string()))?,
        Format::Markdown => super::markdown::markdown(run),
        Format::Csv => super::csv::csv(run).map_err(|e| fail(e.to_string()))?,
    })
}

/// Writes the run to `path` in the format its extension names.
pub fn write(run: &EvalRun, path: &Path) -> Result<Format, ReportError> {
    let format = Format::from_path(path)?;
    let text = render(run, format)?;
    crate::workspace::save::save_atomic(path, &text).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(format)
}

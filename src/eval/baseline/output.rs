//! `-o FILE` with a baseline: the `.json` report gains a `baseline`
//! object and the `.md` report the comparison section; the other formats
//! are written as without one.

use super::compare::Comparison;
use crate::eval::EvalRun;
use crate::eval::report::{self, Format, ReportError};
use std::path::Path;

/// The report of `run` in `format`, with the comparison when there is one.
pub fn render(
    run: &EvalRun,
    cmp: Option<&Comparison>,
    format: Format,
) -> Result<String, ReportError> {
    let Some(cmp) = cmp else {
        return report::render(run, format);
    };
    Ok(match format {
        Format::Json => {
            let mut v = report::run_json(run);
            if let Some(o) = v.as_object_mut() {
                o.insert("baseline".into(), super::json::comparison_json(cmp));
            }
            let mut s = serde_json::to_string_pretty(&v).map_err(|e| ReportError::Render {
                format: format.name(),
                message: e.to_string(),
            })?;
            s.push('\n');
            s
        }
        Format::Markdown => report::markdown(run) + &super::markdown::markdown(cmp),
        other => report::render(run, other)?,
    })
}

/// Writes the report of `run` to `path` (format by extension), with the
/// comparison when there is one.
pub fn write(run: &EvalRun, cmp: Option<&Comparison>, path: &Path) -> Result<Format, ReportError> {
    let format = Format::from_path(path)?;
    let text = render(run, cmp, format)?;
    crate::workspace::save::save_atomic(path, &text).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(format)
}

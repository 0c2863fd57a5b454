//! `pwb check [DIR|FILE]`: print every problem in the workspace (or in a
//! promptfoo config, or one test file, as `pwb eval` loads them) as
//! `path:line:col: error|warning: message` (+ hint) and a summary line;
//! exit 1 when there is any error (or no workspace), 0 otherwise.

use crate::workspace::{CheckReport, Diagnostic, check};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

const CHECK_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Runs the check on `dir` and prints the report to stdout (fatal problems
/// to stderr).
pub fn run(dir: &Path) -> ExitCode {
    let yaml = ["yaml", "yml", "json"]
        .iter()
        .any(|e| dir.extension().is_some_and(|x| x == *e));
    if dir.is_file() && yaml {
        return run_suite_file(dir);
    }
    // Checking walks user-written templates and YAML recursively: give it a
    // large stack, and turn a bug's panic into a message rather than a trace.
    let owned = dir.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("pwb-check".into())
        .stack_size(CHECK_STACK_BYTES)
        .spawn(move || check(&owned, &crate::provider::ranges::prompt_warnings));
    let result = match worker.map(|w| w.join()) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(_) => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "error: pwb check failed unexpectedly while checking {}\n  hint: this is a bug in pwb; please report it with the file that triggers it",
                dir.display()
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(report) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`pwb check | head`) is not worth a panic.
            let _ = out.write_all(render(dir, &report).as_bytes());
            if report.errors() > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(err) => {
            let hint = err.hint().replace('\n', "\n  ");
            let _ = writeln!(std::io::stderr().lock(), "error: {err}\n  hint: {hint}");
            ExitCode::FAILURE
        }
    }
}

/// A promptfoo config or a test file, checked as `pwb eval` loads it.
fn run_suite_file(file: &Path) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_default();
    let diagnostics = match crate::eval::suite::load(file, &cwd) {
        Ok(suites) => suites.into_iter().flat_map(|s| s.warnings).collect(),
        Err(diags) => diags,
    };
    // A test file's problems are named from its workspace's folder.
    let root = match crate::eval::suite::is_promptfoo_config(file) {
        true => None,
        false => file
            .ancestors()
            .skip(1)
            .find(|d| d.join("pwb.toml").is_file()),
    };
    let report = CheckReport {
        diagnostics,
        files: 1,
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(render(root.unwrap_or(Path::new(".")), &report).as_bytes());
    if report.errors() > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The report as printed: one block per diagnostic with paths as seen from
/// the current folder (`DIR/prompts/x.prompt`), then the summary.
pub fn render(dir: &Path, report: &CheckReport) -> String {
    let mut text = String::new();
    for d in &report.diagnostics {
        text.push_str(&shown_from_cwd(dir, d).to_string());
        text.push('\n');
    }
    text.push_str(&report.summary());
    text.push('\n');
    text
}

fn shown_from_cwd(dir: &Path, d: &Diagnostic) -> Diagnostic {
    let mut d = d.clone();
    if !(dir.as_os_str().is_empty() || dir == Path::new(".") || d.path.is_absolute()) {
        d.path = dir.join(&d.path);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_prefixed_with_the_folder_given() {
        let report = CheckReport {
            diagnostics: vec![Diagnostic::error("prompts/a.prompt", 2, 3, "bad").with_hint("fix")],
            files: 2,
        };
        let text = render(Path::new("ws"), &report);
        assert_eq!(
            text,
            "ws/prompts/a.prompt:2:3: error: bad\n  hint: fix\n1 error, 0 warnings in 2 files\n"
        );
        assert!(render(Path::new("."), &report).starts_with("prompts/a.prompt:2:3:"));
    }
}

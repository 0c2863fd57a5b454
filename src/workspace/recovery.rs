//! Crash recovery for the editor: unsaved text is autosaved to a recovery
//! file in the data dir, named from a stable hash of the edited file's
//! absolute path, and offered back when that file is next opened.

use super::save::save_atomic;
use std::io;
use std::path::{Path, PathBuf};

/// Where the recovery copy of `file` lives under `data_dir`. Stable across
/// runs and Rust versions (FNV-1a of the absolute path); the file's name is
/// kept in front of the hash so a person can tell the files apart.
pub fn recovery_path(data_dir: &Path, file: &Path) -> PathBuf {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let hash = fnv1a(absolute.as_os_str().as_encoded_bytes());
    let stem: String = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    data_dir
        .join("recovery")
        .join(format!("{stem}-{hash:016x}.recover"))
}

/// Saves `contents` as the recovery copy of `file`; returns where.
pub fn write_recovery(data_dir: &Path, file: &Path, contents: &str) -> io::Result<PathBuf> {
    let path = recovery_path(data_dir, file);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    save_atomic(&path, contents)?;
    Ok(path)
}

/// The recovery copy of `file`, if there is one.
pub fn read_recovery(data_dir: &Path, file: &Path) -> io::Result<Option<String>> {
    match std::fs::read_to_string(recovery_path(data_dir, file)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Removes the recovery copy of `file` (after a save or a declined offer).
pub fn clear_recovery(data_dir: &Path, file: &Path) -> io::Result<()> {
    match std::fs::remove_file(recovery_path(data_dir, file)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_is_stable_and_distinct() {
        let data = Path::new("/data");
        let a = recovery_path(data, Path::new("/ws/prompts/triage.prompt"));
        assert_eq!(
            a,
            recovery_path(data, Path::new("/ws/prompts/triage.prompt"))
        );
        assert_ne!(
            a,
            recovery_path(data, Path::new("/other/prompts/triage.prompt"))
        );
        assert!(a.starts_with("/data/recovery"));
        let name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("triage.prompt-") && name.ends_with(".recover"),
            "{name}"
        );
        // Known FNV-1a value: the name must not change between versions.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn relative_paths_hash_as_absolute() {
        let rel = Path::new("x.prompt");
        let abs = std::env::current_dir().unwrap().join("x.prompt");
        assert_eq!(
            recovery_path(Path::new("/d"), rel),
            recovery_path(Path::new("/d"), &abs)
        );
    }

    #[test]
    fn write_read_clear_round_trip() {
        let data = tempfile::tempdir().unwrap();
        let file = Path::new("/ws/prompts/a.prompt");
        assert_eq!(read_recovery(data.path(), file).unwrap(), None);
        let at = write_recovery(data.path(), file, "unsaved text").unwrap();
        assert!(at.exists());
        assert_eq!(
            read_recovery(data.path(), file).unwrap().as_deref(),
            Some("unsaved text")
        );
        clear_recovery(data.path(), file).unwrap();
        assert_eq!(read_recovery(data.path(), file).unwrap(), None);
        clear_recovery(data.path(), file).unwrap();
    }
}

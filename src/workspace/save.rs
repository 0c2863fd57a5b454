//! Writing files so that a crash never leaves half a file: write a temp file
//! in the same folder, fsync it, give it the original's permissions, then
//! rename it over the original (atomic on POSIX filesystems).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `contents` atomically. A symlink is followed, so the
/// file it points to is replaced and the link stays. The original file's
/// permissions are kept; a new file gets the default ones.
pub fn save_atomic(path: &Path, contents: &str) -> io::Result<()> {
    let target = resolve_symlink(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let original_perms = fs::metadata(&target).ok().map(|m| m.permissions());

    let (tmp_path, mut tmp) = create_temp(&dir, &file_name.to_string_lossy())?;
    let result = (|| {
        tmp.write_all(contents.as_bytes())?;
        tmp.sync_all()?;
        if let Some(perms) = original_perms {
            fs::set_permissions(&tmp_path, perms)?;
        }
        drop(tmp);
        fs::rename(&tmp_path, &target)?;
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp_path);
    }
    result
}

/// Saves edited text over a text file, atomically, keeping the UTF-8
/// byte-order mark the file started with (files are read without it), so
/// the file changes by the edit and nothing else.
pub fn save_text(path: &Path, contents: &str) -> io::Result<()> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let mut head = [0u8; 3];
    let had_bom = File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head == BOM;
    if had_bom && !contents.starts_with('\u{feff}') {
        save_atomic(path, &format!("\u{feff}{contents}"))
    } else {
        save_atomic(path, contents)
    }
}

fn resolve_symlink(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// A new, exclusively created hidden temp file next to the target.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.pwb-tmp-{}-{n}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temp file",
    ))
}

/// Makes the rename durable; best effort (not possible on every platform).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.prompt");
        fs::write(&path, "old contents that are longer").unwrap();
        save_atomic(&path, "new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        save_atomic(&dir.path().join("b.prompt"), "fresh").unwrap();
        assert_eq!(entries(dir.path()), vec!["a.prompt", "b.prompt"]);
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_symlinks() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o750)).unwrap();
        save_atomic(&path, "new").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o750
        );

        let link = dir.path().join("link.sh");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        save_atomic(&link, "via link").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), "via link");
    }

    #[test]
    fn failure_leaves_original_alone() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-dir").join("x.prompt");
        assert!(save_atomic(&missing, "x").is_err());
        assert!(entries(dir.path()).is_empty());
    }
}

//! Where the history database is and how it is opened: the data folder's
//! `history.sqlite` unless pwb.toml's `[history]` says otherwise, WAL mode
//! (readers never wait for the writer), a busy timeout (two processes
//! writing at once both succeed), and the migrations. A locked, damaged,
//! read-only or newer-schema file is `StoreError::Unavailable` with a
//! reason fit for one line.

use super::error::{Result, StoreError};
use super::migrations;
use crate::workspace::config::HistorySettings;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default file name in the data folder.
pub const FILE_NAME: &str = "history.sqlite";

/// How long a statement waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database a workspace records to: `[history] path` (relative to the
/// workspace root), else `data_dir()/history.sqlite`; `Err(Disabled)` when
/// `[history] enabled = false`.
pub fn location(root: &Path, settings: &HistorySettings) -> Result<PathBuf> {
    if settings.enabled == Some(false) {
        return Err(StoreError::Disabled);
    }
    Ok(match &settings.path {
        Some(p) => root.join(p),
        None => crate::paths::data_dir().join(FILE_NAME),
    })
}

/// Opens (creating if need be) the history database at `path`, migrated to
/// the latest schema.
pub fn open(path: &Path) -> Result<Connection> {
    let unavailable = |reason: String| StoreError::Unavailable {
        path: path.to_path_buf(),
        reason,
    };
    // Root ignores file modes; a file the user made read-only stays so.
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().readonly()
    {
        return Err(unavailable("is read-only".into()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| unavailable(format!("cannot be created: {e}")))?;
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    // SQLite answers some lock conflicts at once, without its busy
    // handler (two processes creating the file and switching it to WAL at
    // the same moment): those are retried until the busy timeout.
    let started = std::time::Instant::now();
    loop {
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(|e| unavailable(reason(&e)))?;
        match setup(&mut conn, path) {
            Ok(()) => return Ok(conn),
            Err(StoreError::Sql(e)) if is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                drop(conn);
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(StoreError::Sql(e)) => return Err(unavailable(reason(&e))),
            Err(other) => return Err(other),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn setup(conn: &mut Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Unavailable {
            path: path.to_path_buf(),
            reason: format!("cannot use write-ahead logging (journal mode stays {mode})"),
        });
    }
    // In WAL mode NORMAL loses no committed transaction when a process dies.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Version and tables read in one snapshot: another process creating
    // the database at the same moment must not look like a stranger's.
    let foreign = {
        let tx = conn.transaction()?;
        let foreign = migrations::version(&tx)? == 0 && has_tables(&tx)?;
        tx.commit()?;
        foreign
    };
    if foreign {
        return Err(StoreError::Unavailable {
            path: path.to_path_buf(),
            reason: "is a SQLite database of another program, not pwb's history".into(),
        });
    }
    migrations::migrate(conn, path)
}

fn has_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
}

/// A database error as the end of "history unavailable: PATH ...".
pub fn reason(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => format!(
            "is locked by another program (waited {} s)",
            BUSY_TIMEOUT.as_secs()
        ),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            "is damaged or not a database".into()
        }
        Some(ErrorCode::ReadOnly) => "is read-only".into(),
        Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => "cannot be opened".into(),
        Some(ErrorCode::DiskFull) => "cannot grow: the disk is full".into(),
        _ => format!("cannot be used: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_created_in_wal_mode_at_the_latest_schema() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("sub/h.sqlite");
        let conn = open(&path).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(migrations::version(&conn).unwrap(), migrations::LATEST);
        drop(conn);
        // Opening again is a no-op.
        assert!(open(&path).is_ok());
    }

    #[test]
    fn damaged_read_only_and_foreign_files_are_unavailable_with_a_reason() {
        let tmp = tempfile::tempdir().unwrap();
        let garbage = tmp.path().join("g.sqlite");
        std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
        let e = open(&garbage).unwrap_err().to_string();
        assert!(e.contains("is damaged or not a database"), "{e}");

        let ro = tmp.path().join("ro.sqlite");
        drop(open(&ro).unwrap());
        let mut perms = std::fs::metadata(&ro).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&ro, perms).unwrap();
        let e = open(&ro).unwrap_err().to_string();
        assert!(e.ends_with("ro.sqlite is read-only"), "{e}");

        let foreign = tmp.path().join("f.sqlite");
        let c = Connection::open(&foreign).unwrap();
        c.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
        drop(c);
        let e = open(&foreign).unwrap_err().to_string();
        assert!(e.contains("another program"), "{e}");
    }

    #[test]
    fn the_location_follows_pwb_toml() {
        let root = Path::new("/ws");
        let off = HistorySettings {
            enabled: Some(false),
            path: None,
        };
        assert!(matches!(location(root, &off), Err(StoreError::Disabled)));
        let moved = HistorySettings {
            enabled: None,
            path: Some("var/h.sqlite".into()),
        };
        assert_eq!(
            location(root, &moved).unwrap(),
            PathBuf::from("/ws/var/h.sqlite")
        );
    }
}

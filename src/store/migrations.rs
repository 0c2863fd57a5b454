//! The schema and its versions. `PRAGMA user_version` says which version a
//! database has; `migrate` applies the missing steps in one immediate
//! transaction (two processes opening an old file at once: one migrates,
//! the other waits and finds it done). A file from a newer pwb is refused.

use super::error::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Each step's SQL; step `i` takes a database from version `i` to `i + 1`.
pub const STEPS: &[&str] = &[
    include_str!("schema/v1.sql"),
    include_str!("schema/v2.sql"),
    include_str!("schema/v3.sql"),
    include_str!("schema/v4.sql"),
];

/// The schema version this pwb writes.
pub const LATEST: i64 = STEPS.len() as i64;

/// The database's schema version (0 for a new, empty file).
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the database at `path` up to [`LATEST`].
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let current = version(conn)?;
    if current > LATEST {
        return Err(newer(path, current));
    }
    if current == LATEST {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have migrated while we waited for the lock.
    let current = version(&tx)?;
    if current > LATEST {
        return Err(newer(path, current));
    }
    for (i, step) in STEPS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    tx.commit()?;
    Ok(())
}

fn newer(path: &Path, found: i64) -> StoreError {
    StoreError::Unavailable {
        path: path.to_path_buf(),
        reason: format!(
            "was written by a newer pwb (schema v{found}; this pwb knows up to v{LATEST}): update pwb to use it"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn every_step_applies_on_top_of_the_one_before() {
        let path = Path::new("mem");
        for from in 0..=LATEST {
            let mut conn = Connection::open_in_memory().unwrap();
            for (i, step) in STEPS.iter().enumerate().take(from as usize) {
                conn.execute_batch(step).unwrap();
                conn.pragma_update(None, "user_version", i as i64 + 1)
                    .unwrap();
            }
            migrate(&mut conn, path).unwrap();
            assert_eq!(version(&conn).unwrap(), LATEST, "from v{from}");
            let t = tables(&conn);
            for want in ["calls", "prompt_versions", "ratings", "baselines"] {
                assert!(t.iter().any(|n| n == want), "from v{from}: {want} in {t:?}");
            }
        }
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        let e = migrate(&mut conn, Path::new("h.sqlite")).unwrap_err();
        assert!(e.to_string().contains("newer pwb"), "{e}");
        assert_eq!(version(&conn).unwrap(), LATEST + 1);
        assert!(tables(&conn).is_empty());
    }
}

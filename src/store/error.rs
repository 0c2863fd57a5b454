//! What can go wrong with the history store, said so a user can act on
//! it: the database is unusable (locked, corrupt, read-only, newer), history
//! is turned off, or a reference (call id, version, label) finds nothing.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be used at all; pwb goes on without history.
    #[error("history unavailable: {} {reason}", path.display())]
    Unavailable { path: PathBuf, reason: String },
    /// `[history] enabled = false` in pwb.toml.
    #[error("history is turned off in pwb.toml ([history] enabled = false)")]
    Disabled,
    /// A reference (call id, prompt version, label) that names nothing.
    #[error("{what}")]
    NotFound { what: String, hint: String },
    /// A failure while reading or writing an open database.
    #[error("history database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{0}")]
    Io(String),
}

impl StoreError {
    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            StoreError::Unavailable { .. } => {
                "pwb runs without history meanwhile; move the file away (or set [history] path in pwb.toml) to start a new one".into()
            }
            StoreError::Disabled => "set [history] enabled = true (or remove the line) to record calls".into(),
            StoreError::NotFound { hint, .. } => hint.clone(),
            StoreError::Sql(_) => "another pwb may hold the database; try again, or see `pwb history --help`".into(),
            StoreError::Io(_) => "check the path and its permissions".into(),
        }
    }

    pub fn not_found(what: impl Into<String>, hint: impl Into<String>) -> StoreError {
        StoreError::NotFound {
            what: what.into(),
            hint: hint.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

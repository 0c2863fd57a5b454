//! The workspace on disk: `pwb.toml`, `prompts/`, `examples/`, `tests/`.
//! Loads and validates every file (problems become located `Diagnostic`s),
//! saves atomically, and keeps crash-recovery copies for the editor.

pub mod asserts;
pub mod config;
mod config_check;
pub mod diagnostic;
pub mod read;
pub mod recovery;
pub mod save;
mod suggest;
pub mod testfile;
mod testfile_parse;
pub mod yaml_locate;

pub use config::{Defaults, ModelEntry, Secret, WorkspaceConfig};
pub use diagnostic::{Diagnostic, Severity};
pub use recovery::{clear_recovery, read_recovery, recovery_path, write_recovery};
pub use save::save_atomic;
pub use testfile::{AssertSpec, TestCase, TestFile};

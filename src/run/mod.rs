//! The one runner: the TUI, `pwb run` and `pwb eval` send every model
//! call through here, so concurrency, retries, timeouts and
//! cancellation behave the same everywhere. Work reports back as `RunEvent`s.

pub mod cache;
pub mod config;
pub mod event;
pub mod limits;
pub mod outcome;
pub mod plan;
pub mod retry;
pub mod runner;
pub mod variants;

pub use cache::CacheMode;
pub use config::RunnerConfig;
pub use event::RunEvent;
pub use outcome::{Attempt, CellOutcome, CellStatus};
pub use plan::{CellSlot, PlannedCell};
pub use runner::{Cell, Runner};

//! The one runner: the TUI, `pwb run` and (later) `pwb eval` send every
//! model call through here, so cancellation and reporting behave the same
//! everywhere. Work runs on tokio tasks and reports back as `RunEvent`s.

pub mod cache;
pub mod event;
pub mod plan;
pub mod runner;

pub use cache::CacheMode;
pub use event::RunEvent;
pub use plan::{ModelChoice, PlannedCell};
pub use runner::{Cell, Runner};

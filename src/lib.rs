//! pwb: a prompt workbench. Everything here except `tui` is a terminal-free
//! library; the CLI (`main.rs`) and the TUI are two faces over `workspace`,
//! `prompt`, `run` and `provider`.

pub mod cli;
pub mod compare;
pub mod diff;
pub mod eval;
pub mod paths;
pub mod prompt;
pub mod provider;
pub mod run;
pub mod session;
pub mod store;
pub mod tui;
pub mod types;
pub mod usage;
pub mod wheel;
pub mod workspace;

//! The terminal UI: the only module that imports ratatui or crossterm.
//! State lives in plain structs; `view/` borrows it and draws.

pub mod editor;
pub mod highlight;
pub mod theme;
pub mod view;

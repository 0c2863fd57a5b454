//! The terminal UI: the only module that imports ratatui or crossterm.
//! `App` holds the state, `view` draws it, `event_loop` drives both.

pub mod action;
pub mod app;
pub mod editor;
pub mod eval_job;
pub mod event_loop;
pub mod highlight;
pub mod history_query;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod startup;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod view;

pub use app::App;

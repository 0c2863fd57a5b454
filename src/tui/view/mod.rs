//! One file per pane or popup; each borrows state and draws it.

pub mod editor;

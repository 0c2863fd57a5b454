//! TODO module tui

//! TODO module run

//! TODO module workspace

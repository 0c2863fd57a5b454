//! TODO module usage

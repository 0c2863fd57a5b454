//! The App's state, one file per pane or popup. Plain data plus small
//! methods that `App::update` calls; views only read it.

pub mod diffs;
pub mod examples;
pub mod models;
pub mod outputs;
pub mod popup;
pub mod vars;

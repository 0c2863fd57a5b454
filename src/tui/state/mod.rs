//! The App's state, one file per pane or popup. Plain data plus small
//! methods that `App::update` calls; views only read it.

pub mod blind;
pub mod case_menu;
pub mod conversation;
pub mod diffs;
pub mod examples;
pub mod field;
pub mod history;
pub mod models;
pub mod outputs;
pub mod popup;
pub mod preflight;
pub mod scroll;
pub mod switcher;
pub mod test_grid;
pub mod test_summary;
pub mod tests_screen;
pub mod variants;
pub mod vars;
pub mod versions;

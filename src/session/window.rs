//! Whether a planned request fits its model's context window, checked
//! before it is sent. Every token is at least one byte, so a request of no
//! more bytes than the window fits without counting; otherwise its tokens
//! are counted with o200k_base (exact for OpenAI's current models, an
//! estimate for others) plus OpenAI's per-message framing and the tools
//! (`session::count`).

use super::count::Counting;
use crate::run::PlannedCell;
use crate::usage::Catalog;

/// A request over its model's window.
#[derive(Debug, Clone, PartialEq)]
pub struct OverWindow {
    /// Estimated input tokens.
    pub tokens: u64,
    pub window: u64,
}

/// `Some` when `cell`'s input alone does not fit its model's window (as
/// the catalog knows it).
pub fn over_window(cell: &PlannedCell, catalog: &Catalog) -> Option<OverWindow> {
    let window = catalog.lookup(&cell.model.to_string())?.context_window?;
    let texts: Vec<String> = cell
        .request
        .messages
        .iter()
        .map(|m| m.plain_text())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    if bytes as u64 <= window {
        return None;
    }
    let tokens = Counting::Exact("o200k_base").request(&cell.request);
    (tokens > window).then_some(OverWindow { tokens, window })
}

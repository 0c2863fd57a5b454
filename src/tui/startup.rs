//! Building the App for `pwb [DIR]`: load the workspace, keymap and theme,
//! and turn load problems into messages a user can act on.

use super::app::{App, Level};
use super::keymap::Keymap;
use super::theme::Theme;
use crate::workspace::Workspace;
use std::path::Path;

/// Everything the TUI needs before the terminal is touched; errors are
/// full messages (printed before any screen is drawn).
pub fn build_app(dir: &Path, theme_name: &str) -> Result<App, String> {
    // Compile the highlighting grammar off the main thread meanwhile.
    std::thread::spawn(super::highlight::prewarm);
    let (ws, diagnostics) = Workspace::load(dir).map_err(|e| format!("error: {e}"))?;
    let config_dir = crate::paths::config_dir();
    let keymap = Keymap::load(&config_dir).map_err(|e| format!("error: keymap: {e}"))?;
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(theme_name, no_color).map_err(|e| format!("error: theme: {e}"))?;
    let history = crate::store::writer_for(&ws.root, &ws.config.history).ok();
    let mut app = App::new(ws, keymap, theme);
    app.history = history;
    // The event loop loads suites off the UI thread.
    app.suites_in_background = true;
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        let first = &diagnostics
            .iter()
            .find(|d| d.is_error())
            .map(|d| d.to_string())
            .unwrap_or_default();
        let first = first.lines().next().unwrap_or_default();
        app.set_status(
            Level::Error,
            format!("{errors} problem(s) in the workspace (pwb check lists them): {first}"),
        );
    }
    Ok(app)
}

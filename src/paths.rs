//! Where pwb keeps its own files: config dir (keymap/theme overrides), data
//! dir (crash reports, recovery files, weights). `PWB_CONFIG_DIR` and
//! `PWB_DATA_DIR` override both, which tests use to stay hermetic.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "pwb")
}

/// The user's config folder (`~/.config/pwb` on Linux).
pub fn config_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("PWB_CONFIG_DIR") {
        return PathBuf::from(p);
    }
    project_dirs()
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("pwb-config"))
}

/// The user's data folder (`~/.local/share/pwb` on Linux).
pub fn data_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("PWB_DATA_DIR") {
        return PathBuf::from(p);
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("pwb-data"))
}

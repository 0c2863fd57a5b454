//! The theme: one named `Style` per purpose, loaded from the TOML themes
//! compiled into the binary and merged with the user's `themes/NAME.toml`
//! from the config dir. `NO_COLOR` strips colors but keeps modifiers.

use std::path::{Path, PathBuf};

use ratatui::style::{Modifier, Style};
use serde::Deserialize;

use super::highlight::HlKind;

mod file;
use file::{StyleSpec, parse_theme_file};

const DARK: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/dark.toml"));
const LIGHT: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/light.toml"));

/// The names of the themes compiled into the binary.
pub const BUILTIN_THEMES: [&str; 2] = ["dark", "light"];

/// What went wrong loading a theme, and where.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "unknown theme `{name}`: use `dark` or `light`, or create {}",
        path.display()
    )]
    Unknown { name: String, path: PathBuf },
    #[error("bad theme name `{0}`: use letters, digits, `-` and `_` only")]
    BadName(String),
    #[error("cannot read theme {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

macro_rules! theme_styles {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {
        /// Every style the UI draws with, named by what it is for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct Theme {
            $($(#[$doc])* pub $name: Style,)+
        }

        /// A theme file's `[styles]` table: each entry overrides one style.
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct StyleOverrides {
            $(#[serde(default)] $name: Option<StyleSpec>,)+
        }

        impl StyleOverrides {
            /// Replace each style this file names; leave the others alone.
            fn apply(&self, theme: &mut Theme) {
                $(if let Some(spec) = &self.$name {
                    theme.$name = spec.to_style();
                })+
            }

            /// The style names this file leaves out.
            #[cfg(test)]
            fn missing(&self) -> Vec<&'static str> {
                let mut out = Vec::new();
                $(if self.$name.is_none() {
                    out.push(stringify!($name));
                })+
                out
            }
        }

        impl Theme {
            fn for_each_style(&mut self, mut f: impl FnMut(&'static str, &mut Style)) {
                $(f(stringify!($name), &mut self.$name);)+
            }
        }
    };
}

theme_styles! {
    /// Text and background of every pane.
    base, border, border_focused, title, title_focused,
    status_bar, status_key, status_text,
    selection, cursor, cursor_line, line_number, search_match,
    checkbox_on, checkbox_off, list_selected, dim,
    error, warning, ok, popup, popup_border, readout,
    diff_insert, diff_delete,
    /// The `---` lines around the frontmatter.
    hl_delimiter,
    /// YAML keys in the frontmatter.
    hl_key, hl_string, hl_number, hl_bool, hl_comment,
    /// `{{`, `}}`, `#if`, `/if`, `else`.
    hl_tag,
    /// Helper names: `role`, `json`, `history`, `section`, `media`, `each`, ...
    hl_helper, hl_variable,
    /// The quoted argument of `{{role "..."}}`.
    hl_role_arg,
}

impl Theme {
    /// Load theme `name`: a builtin (`dark`, `light`) merged with
    /// `config_dir()/themes/NAME.toml` if that exists; a user theme with a new
    /// name extends `dark` (or the builtin named by its `extends` key).
    pub fn load(name: &str, no_color: bool) -> Result<Theme, ThemeError> {
        Self::load_from(&crate::paths::config_dir(), name, no_color)
    }

    /// [`Theme::load`] with the config folder given (tests use this).
    pub fn load_from(config_dir: &Path, name: &str, no_color: bool) -> Result<Theme, ThemeError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ThemeError::BadName(name.to_string()));
        }
        let path = config_dir.join("themes").join(format!("{name}.toml"));
        let user = match std::fs::read_to_string(&path) {
            Ok(text) => Some(parse_theme_file(&text, &path)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(ThemeError::Io { path, source }),
        };
        let base_name = match (builtin_source(name), &user) {
            (Some(_), _) => name,
            (None, Some(file)) => file.extends.as_deref().unwrap_or("dark"),
            (None, None) => {
                return Err(ThemeError::Unknown {
                    name: name.into(),
                    path,
                });
            }
        };
        let mut theme = Self::builtin(base_name).ok_or_else(|| ThemeError::Parse {
            path: path.clone(),
            line: 1,
            message: format!("`extends = \"{base_name}\"`: no such builtin theme"),
        })?;
        if let Some(file) = user {
            file.styles.apply(&mut theme);
        }
        if no_color {
            theme = theme.without_colors();
        }
        Ok(theme)
    }

    /// A builtin theme by name, without user overrides.
    pub fn builtin(name: &str) -> Option<Theme> {
        let text = builtin_source(name)?;
        let path = PathBuf::from(format!("<builtin>/themes/{name}.toml"));
        let file = parse_theme_file(text, &path).ok()?;
        let mut theme = Theme::default();
        file.styles.apply(&mut theme);
        Some(theme)
    }

    /// The style for one highlighted span kind.
    pub fn hl(&self, kind: HlKind) -> Style {
        match kind {
            HlKind::Delimiter => self.hl_delimiter,
            HlKind::Key => self.hl_key,
            HlKind::String => self.hl_string,
            HlKind::Number => self.hl_number,
            HlKind::Bool => self.hl_bool,
            HlKind::Comment => self.hl_comment,
            HlKind::Tag => self.hl_tag,
            HlKind::Helper => self.hl_helper,
            HlKind::Variable => self.hl_variable,
            HlKind::RoleArg => self.hl_role_arg,
        }
    }

    /// This theme with every color removed (for `NO_COLOR`): modifiers stay,
    /// and the styles that must stand out get REVERSED/BOLD/UNDERLINED.
    pub fn without_colors(mut self) -> Theme {
        self.for_each_style(|name, style| {
            let mut plain = Style::new();
            plain.add_modifier = style.add_modifier;
            plain.sub_modifier = style.sub_modifier;
            let extra = match name {
                "selection" | "cursor" | "list_selected" | "status_bar" => Modifier::REVERSED,
                "search_match" | "diff_insert" => Modifier::UNDERLINED,
                "border_focused" | "title_focused" | "status_key" | "checkbox_on" => Modifier::BOLD,
                "error" => Modifier::BOLD,
                "diff_delete" => Modifier::CROSSED_OUT,
                "dim" | "hl_comment" | "line_number" | "checkbox_off" => Modifier::DIM,
                _ => Modifier::empty(),
            };
            *style = plain.add_modifier(extra);
        });
        self
    }
}

fn builtin_source(name: &str) -> Option<&'static str> {
    match name {
        "dark" => Some(DARK),
        "light" => Some(LIGHT),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

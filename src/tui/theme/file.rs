//! The on-disk shape of a theme file (`[styles]` of `{ fg, bg, modifiers }`)
//! and its parsing, with errors that name the file and line.

use std::fmt;
use std::path::Path;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{StyleOverrides, ThemeError};

/// A whole theme file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ThemeFile {
    /// The builtin a new user theme starts from (default `dark`).
    #[serde(default)]
    pub extends: Option<String>,
    #[serde(default)]
    pub styles: StyleOverrides,
}

/// One style as written: `{ fg = "#5c6370", bg = "reset", modifiers = ["bold"] }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StyleSpec {
    #[serde(default)]
    fg: Option<ColorSpec>,
    #[serde(default)]
    bg: Option<ColorSpec>,
    #[serde(default)]
    modifiers: Vec<ModifierSpec>,
}

impl StyleSpec {
    pub(super) fn to_style(&self) -> Style {
        let mut style = Style::new();
        if let Some(ColorSpec(c)) = self.fg {
            style = style.fg(c);
        }
        if let Some(ColorSpec(c)) = self.bg {
            style = style.bg(c);
        }
        for ModifierSpec(m) in &self.modifiers {
            style = style.add_modifier(*m);
        }
        style
    }
}

/// Parse a theme file's text; `path` is only used to name it in errors.
pub(super) fn parse_theme_file(text: &str, path: &Path) -> Result<ThemeFile, ThemeError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start).min(text.len());
        ThemeError::Parse {
            path: path.to_path_buf(),
            line: text[..offset].matches('\n').count() + 1,
            message: e.message().trim().to_string(),
        }
    })
}

/// A color: a name (`red`, `darkgray`, `reset`), `#rrggbb`, or a 0-255 index.
#[derive(Debug, Clone, Copy)]
struct ColorSpec(Color);

impl<'de> Deserialize<'de> for ColorSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ColorSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a color name, \"#rrggbb\" or a number 0-255")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ColorSpec, E> {
                s.parse::<Color>().map(ColorSpec).map_err(|_| {
                    E::custom(format!(
                        "unknown color `{s}`: use a name like `red` or `darkgray`, \
                         `reset`, \"#rrggbb\", or a number 0-255"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ColorSpec, E> {
                u8::try_from(n)
                    .map(|i| ColorSpec(Color::Indexed(i)))
                    .map_err(|_| E::custom(format!("color index {n} is not in 0-255")))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ColorSpec, E> {
                self.visit_i64(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(V)
    }
}

/// A modifier name: `bold`, `dim`, `italic`, `underlined`, `reversed`, ...
#[derive(Debug, Clone, Copy)]
struct ModifierSpec(Modifier);

impl<'de> Deserialize<'de> for ModifierSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        let m = match name.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "bold" => Modifier::BOLD,
            "dim" => Modifier::DIM,
            "italic" => Modifier::ITALIC,
            "underlined" | "underline" => Modifier::UNDERLINED,
            "slow_blink" | "blink" => Modifier::SLOW_BLINK,
            "rapid_blink" => Modifier::RAPID_BLINK,
            "reversed" | "reverse" => Modifier::REVERSED,
            "hidden" => Modifier::HIDDEN,
            "crossed_out" | "strikethrough" => Modifier::CROSSED_OUT,
            _ => {
                return Err(de::Error::custom(format!(
                    "unknown modifier `{name}`: use bold, dim, italic, underlined, \
                     slow_blink, rapid_blink, reversed, hidden or crossed_out"
                )));
            }
        };
        Ok(ModifierSpec(m))
    }
}

//! Tests for theme loading: builtins, user overrides, NO_COLOR and errors
//! that point at the bad line.

use super::*;
use ratatui::style::Color;

fn write_user_theme(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("themes")).expect("mkdir");
    std::fs::write(dir.path().join("themes").join(format!("{name}.toml")), text).expect("write");
    dir
}

#[test]
fn builtins_parse_and_define_every_style() {
    for name in BUILTIN_THEMES {
        let path = PathBuf::from(name);
        let file = parse_theme_file(builtin_source(name).unwrap(), &path)
            .unwrap_or_else(|e| panic!("builtin {name}: {e}"));
        assert_eq!(
            file.styles.missing(),
            Vec::<&str>::new(),
            "{name} misses styles"
        );
        let theme = Theme::builtin(name).unwrap();
        assert_ne!(theme, Theme::default());
    }
}

#[test]
fn load_builtin_without_user_file() {
    let dir = tempfile::tempdir().unwrap();
    let theme = Theme::load_from(dir.path(), "dark", false).unwrap();
    assert_eq!(theme, Theme::builtin("dark").unwrap());
    assert_eq!(theme.hl(HlKind::Key), theme.hl_key);
}

#[test]
fn user_file_overrides_only_named_styles() {
    let dir = write_user_theme(
        "dark",
        "[styles]\nborder = { fg = \"red\", bg = \"reset\", modifiers = [\"bold\"] }\n\
         hl_key = { fg = 33 }\n",
    );
    let theme = Theme::load_from(dir.path(), "dark", false).unwrap();
    let dark = Theme::builtin("dark").unwrap();
    assert_eq!(
        theme.border,
        Style::new()
            .fg(Color::Red)
            .bg(Color::Reset)
            .add_modifier(Modifier::BOLD)
    );
    assert_eq!(theme.hl_key, Style::new().fg(Color::Indexed(33)));
    assert_eq!(theme.selection, dark.selection);
    assert_eq!(theme.base, dark.base);
}

#[test]
fn new_user_theme_extends_dark_or_named_builtin() {
    let dir = write_user_theme("mine", "[styles]\nerror = { fg = \"#010203\" }\n");
    let theme = Theme::load_from(dir.path(), "mine", false).unwrap();
    assert_eq!(theme.error, Style::new().fg(Color::Rgb(1, 2, 3)));
    assert_eq!(theme.base, Theme::builtin("dark").unwrap().base);

    let dir = write_user_theme("paper", "extends = \"light\"\n[styles]\n");
    let theme = Theme::load_from(dir.path(), "paper", false).unwrap();
    assert_eq!(theme, Theme::builtin("light").unwrap());
}

#[test]
fn unknown_and_bad_names_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = Theme::load_from(dir.path(), "nope", false).unwrap_err();
    assert!(matches!(err, ThemeError::Unknown { .. }), "{err}");
    assert!(err.to_string().contains("nope.toml"), "{err}");
    let err = Theme::load_from(dir.path(), "../etc/x", false).unwrap_err();
    assert!(matches!(err, ThemeError::BadName(_)), "{err}");
}

#[test]
fn no_color_strips_colors_keeps_modifiers() {
    let dir = tempfile::tempdir().unwrap();
    for name in BUILTIN_THEMES {
        let mut theme = Theme::load_from(dir.path(), name, true).unwrap();
        assert!(theme.border_focused.add_modifier.contains(Modifier::BOLD));
        assert!(theme.selection.add_modifier.contains(Modifier::REVERSED));
        assert!(theme.cursor.add_modifier.contains(Modifier::REVERSED));
        assert!(
            theme
                .search_match
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert!(theme.hl_comment.add_modifier.contains(Modifier::ITALIC));
        theme.for_each_style(|name, style| {
            assert_eq!(style.fg, None, "{name} keeps fg");
            assert_eq!(style.bg, None, "{name} keeps bg");
            assert_eq!(style.underline_color, None, "{name}");
        });
    }
}

#[test]
fn bad_user_file_error_names_file_and_line() {
    let cases = [
        (
            "[styles]\nborder = { fg = \"red\" }\ntitle = { fg = \"blurple\" }\n",
            3,
            "blurple",
        ),
        ("[styles]\n\nbordr = { fg = \"red\" }\n", 3, "bordr"),
        (
            "[styles]\nborder = { fg = \"red\", modifiers = [\"shiny\"] }\n",
            2,
            "shiny",
        ),
        ("[styles]\nborder = { fg = 300 }\n", 2, "300"),
        ("[styles]\nborder = { fg = \"red\"\n", 2, ""),
    ];
    for (text, line, needle) in cases {
        let dir = write_user_theme("dark", text);
        let err = Theme::load_from(dir.path(), "dark", false).unwrap_err();
        let ThemeError::Parse {
            line: got,
            ref path,
            ref message,
        } = err
        else {
            panic!("not a parse error: {err}");
        };
        assert_eq!(got, line, "{text:?}: {err}");
        assert!(message.contains(needle), "{text:?}: {message}");
        assert!(path.ends_with("themes/dark.toml"));
        let shown = err.to_string();
        assert!(shown.contains(&format!("dark.toml:{line}:")), "{shown}");
    }
}

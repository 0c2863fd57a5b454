//! Key bindings: `themes/keymap.toml` compiled in, the user's
//! `keymap.toml` from the config dir merged over it. Bindings are per
//! context (global, editor, list, outputs); lookups fall back to global.

use super::action::{Command, KeyCode, KeyPress};
use std::collections::HashMap;
use std::path::Path;

const DEFAULT_KEYMAP: &str = include_str!("../../themes/keymap.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Editor,
    List,
    Outputs,
}

impl Context {
    fn from_name(s: &str) -> Option<Context> {
        Some(match s {
            "global" => Context::Global,
            "editor" => Context::Editor,
            "list" => Context::List,
            "outputs" => Context::Outputs,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Editor => "editor",
            Context::List => "list",
            Context::Outputs => "outputs",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: HashMap<Context, HashMap<KeyPress, Command>>,
    /// Key names as written, for help and the status bar.
    names: HashMap<(Context, Command), Vec<String>>,
}

impl Keymap {
    /// Built-in bindings merged with `CONFIG_DIR/keymap.toml` if present.
    pub fn load(config_dir: &Path) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        map.merge_toml(DEFAULT_KEYMAP, "built-in keymap")?;
        let user = config_dir.join("keymap.toml");
        if let Ok(text) = std::fs::read_to_string(&user) {
            map.merge_toml(&text, &user.display().to_string())?;
        }
        Ok(map)
    }

    pub fn builtin() -> Keymap {
        let mut map = Keymap::default();
        // The built-in file is tested; failing here would be a build bug.
        let _ = map.merge_toml(DEFAULT_KEYMAP, "built-in keymap");
        map
    }

    fn merge_toml(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| format!("{origin}: {e}"))?;
        for (ctx_name, binds) in table {
            let toml::Value::Table(binds) = binds else {
                return Err(format!(
                    "{origin}: [{ctx_name}] must be a table of \"key\" = \"action\""
                ));
            };
            let ctx = Context::from_name(&ctx_name).ok_or_else(|| {
                format!(
                    "{origin}: unknown section [{ctx_name}] (use global, editor, list, outputs)"
                )
            })?;
            for (key, cmd) in binds {
                let toml::Value::String(cmd) = cmd else {
                    return Err(format!(
                        "{origin}: [{ctx_name}] \"{key}\" must name an action"
                    ));
                };
                let press = parse_key(&key)
                    .ok_or_else(|| format!("{origin}: [{ctx_name}] cannot read key \"{key}\""))?;
                let command: Command =
                    serde_json::from_value(serde_json::Value::String(cmd.clone()))
                        .map_err(|_| format!("{origin}: [{ctx_name}] unknown action \"{cmd}\""))?;
                if let Some(old) = self.bindings.entry(ctx).or_default().insert(press, command)
                    && let Some(names) = self.names.get_mut(&(ctx, old))
                {
                    names.retain(|n| parse_key(n) != Some(press));
                }
                self.names.entry((ctx, command)).or_default().push(key);
            }
        }
        Ok(())
    }

    /// The command for a key in a context, falling back to global bindings.
    pub fn lookup(&self, ctx: Context, key: KeyPress) -> Option<Command> {
        let key = normalize(key);
        self.bindings
            .get(&ctx)
            .and_then(|b| b.get(&key))
            .or_else(|| self.bindings.get(&Context::Global)?.get(&key))
            .copied()
    }

    /// The first key bound to a command (context first, then global).
    pub fn key_for(&self, ctx: Context, cmd: Command) -> Option<&str> {
        self.names
            .get(&(ctx, cmd))
            .or_else(|| self.names.get(&(Context::Global, cmd)))
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// Every binding of a context, sorted by command, for the help popup.
    pub fn bindings_of(&self, ctx: Context) -> Vec<(String, Command)> {
        let mut out: Vec<(String, Command)> = self
            .names
            .iter()
            .filter(|((c, _), _)| *c == ctx)
            .map(|((_, cmd), keys)| (keys.join(" / "), *cmd))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        out.sort_by_key(|(_, c)| format!("{c:?}"));
        out
    }
}

/// Shift is implied by an uppercase char and by BackTab (Shift-Tab);
/// terminals differ in reporting it.
fn normalize(mut key: KeyPress) -> KeyPress {
    match key.code {
        KeyCode::Char(c) => {
            key.shift = false;
            if key.ctrl {
                key.code = KeyCode::Char(c.to_ascii_lowercase());
            }
        }
        KeyCode::BackTab => key.shift = false,
        _ => {}
    }
    key
}

/// Reads "ctrl-r", "shift-up", "f1", "space", "K", "?" ...
pub fn parse_key(s: &str) -> Option<KeyPress> {
    let mut press = KeyPress::plain(KeyCode::Esc);
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            press.ctrl = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            press.alt = true;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("shift-") {
            press.shift = true;
            rest = r;
        } else {
            break;
        }
    }
    press.code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
            KeyCode::F(f[1..].parse().ok()?)
        }
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next()?),
        _ => return None,
    };
    Some(normalize(press))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_keymap_parses_and_resolves() {
        let mut map = Keymap::default();
        map.merge_toml(DEFAULT_KEYMAP, "builtin")
            .expect("built-in keymap is valid");
        assert_eq!(
            map.lookup(Context::Editor, KeyPress::ctrl('r')),
            Some(Command::Run)
        );
        assert_eq!(
            map.lookup(Context::Editor, KeyPress::ctrl('c')),
            Some(Command::Copy)
        );
        assert_eq!(
            map.lookup(Context::List, KeyPress::ctrl('c')),
            Some(Command::Quit)
        );
        let shift_k = KeyPress {
            shift: true,
            ..KeyPress::plain(KeyCode::Char('K'))
        };
        assert_eq!(map.lookup(Context::List, shift_k), Some(Command::MoveUp));
        assert_eq!(map.key_for(Context::Editor, Command::Run), Some("ctrl-r"));
    }

    #[test]
    fn user_file_overrides_and_reports_bad_entries() {
        let mut map = Keymap::builtin();
        map.merge_toml("[global]\n\"f5\" = \"run\"\n", "user")
            .unwrap();
        assert_eq!(
            map.lookup(Context::List, KeyPress::plain(KeyCode::F(5))),
            Some(Command::Run)
        );
        let err = map
            .merge_toml("[global]\n\"f5\" = \"fly\"\n", "user.toml")
            .unwrap_err();
        assert!(err.contains("unknown action \"fly\""), "{err}");
        let err = map.merge_toml("[nope]\n", "user.toml").unwrap_err();
        assert!(err.contains("unknown section"), "{err}");
    }
}

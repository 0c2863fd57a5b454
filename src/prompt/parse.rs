//! Splitting a `.prompt` file into YAML frontmatter and handlebars template,
//! exactly as JS dotprompt's `parseDocument` does, plus the file positions
//! (body start, frontmatter key lines) that diagnostics need.

use super::error::{PromptError, PromptErrorKind, PromptWarning};
use super::yaml::{js_trim, parse_yaml};
use super::yaml_locate::{Seg, locate_key, locate_value};
use regex::Regex;
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// Frontmatter keys Dotprompt understands; everything else without a dot is
/// unknown (see [`lint`]), keys with a dot are extensions.
pub const RESERVED_KEYS: &[&str] = &[
    "name",
    "variant",
    "version",
    "description",
    "model",
    "tools",
    "toolDefs",
    "config",
    "input",
    "output",
    "raw",
    "ext",
    "metadata",
    "default",
];

/// Frontmatter keys Genkit reads from a prompt file's raw frontmatter
/// (outside Dotprompt's own keys): not unknown.
pub const GENKIT_KEYS: &[&str] = &["toolChoice", "maxTurns", "returnToolRequests"];

/// A parsed `.prompt` file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedPrompt {
    /// The handlebars template: trimmed when the file has frontmatter.
    pub template: String,
    /// Reserved frontmatter keys as written (`model`, `config`, `input`, ...);
    /// `raw` and `ext` are kept in their own fields instead.
    pub meta: Map<String, Value>,
    /// Dotted keys, split at the last dot: `a.b.c: 1` -> `ext["a.b"]["c"] = 1`.
    pub ext: Map<String, Value>,
    /// The whole frontmatter as parsed; `None` when the file has none.
    pub raw: Option<Map<String, Value>>,
    /// 1-based file line and column where `template` starts.
    pub body_line: usize,
    pub body_col: usize,
    /// Top-level frontmatter keys with their 1-based file lines.
    pub key_lines: Vec<(String, usize)>,
    /// The frontmatter text and the file line it starts on (to locate
    /// nested keys such as `config.temperature` for diagnostics).
    pub frontmatter: String,
    pub frontmatter_line: usize,
}

impl ParsedPrompt {
    /// Maps a 1-based (line, col) inside `template` to the file.
    pub fn file_pos(&self, line: usize, col: usize) -> (usize, usize) {
        let line = line.max(1);
        if line == 1 {
            (self.body_line, self.body_col + col.max(1) - 1)
        } else {
            (self.body_line + line - 1, col.max(1))
        }
    }

    /// The file line of a top-level frontmatter key (1 if unknown).
    pub fn key_line(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }

    /// The file position of `config.KEY` (of its value, or with `at_key`
    /// of the key itself); the `config:` line when it cannot be found.
    pub fn config_pos(&self, key: &str, at_key: bool) -> (usize, usize) {
        let path = [Seg::Key("config".into()), Seg::Key(key.into())];
        let found = if at_key {
            locate_key(&self.frontmatter, &path)
        } else {
            locate_value(&self.frontmatter, &path)
        };
        match found {
            Some((line, col)) => (self.frontmatter_line + line - 1, col),
            None => (self.key_line("config"), 1),
        }
    }

    pub fn model(&self) -> Option<&str> {
        self.meta.get("model").and_then(Value::as_str)
    }
}

/// JS dotprompt's `FRONTMATTER_AND_BODY_REGEX`, preceded by the licence
/// header the current Dotprompt sources allow: `#` comment lines and blank
/// lines before the opening `---` are skipped. PyPI dotpromptz 0.2.0 skips
/// them too (line by line: a line starting with `#`, or only whitespace);
/// npm dotprompt 1.1.2 (which Genkit JS 1.42 still uses) predates the change
/// and renders such a file, header and frontmatter, as one user message.
/// pwb follows the current sources, as the issue asks; a blank line may end
/// in `\r\n` as in dotpromptz.
fn frontmatter_regex() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:(?:#[^\n]*|[ \t\r]*)\n)*",
            r"---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$"
        ))
        .expect("frontmatter regex is valid")
    })
}

/// 1-based line and column (in characters) of byte `offset` in `text`;
/// `\r\n`, `\n` and a lone `\r` each end a line.
pub fn line_col_at(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let mut line = 1;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, before[line_start..].chars().count() + 1)
}

/// Parses a `.prompt` source. Without frontmatter the whole source is the
/// template, untouched; with frontmatter the body is trimmed.
pub fn parse_document(source: &str) -> Result<ParsedPrompt, PromptError> {
    let caps = frontmatter_regex().captures(source);
    let groups = caps.as_ref().and_then(|c| Some((c.get(1)?, c.get(2)?)));
    let (fm, body) = match groups {
        // Like JS, an empty frontmatter counts as none.
        Some((fm, body)) if !fm.as_str().is_empty() => (fm, body),
        _ => {
            return Ok(ParsedPrompt {
                template: source.to_string(),
                body_line: 1,
                body_col: 1,
                ..Default::default()
            });
        }
    };
    let fm_line = line_col_at(source, fm.start()).0;
    let key_lines = top_level_key_lines(fm.as_str(), fm_line);
    let parsed = parse_yaml(fm.as_str(), fm_line, PromptErrorKind::Frontmatter)?;
    let raw = match parsed {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(PromptError::new(
                PromptErrorKind::Frontmatter,
                fm_line,
                1,
                format!("frontmatter must be a set of `key: value` lines, found {other}"),
                "write the frontmatter as a YAML mapping, e.g. `model: openai:gpt-4o-mini`",
            ));
        }
    };

    let mut out = ParsedPrompt {
        key_lines,
        frontmatter: fm.as_str().to_string(),
        frontmatter_line: fm_line,
        ..Default::default()
    };
    for (key, value) in &raw {
        if RESERVED_KEYS.contains(&key.as_str()) {
            if key != "raw" && key != "ext" {
                check_shape(key, value, &out)?;
                out.meta.insert(key.clone(), value.clone());
            }
        } else if let Some(dot) = key.rfind('.') {
            let (ns, field) = (&key[..dot], &key[dot + 1..]);
            let entry = out
                .ext
                .entry(ns.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                m.insert(field.to_string(), value.clone());
            }
        }
    }
    out.raw = Some(raw);
    super::config_keys::check_types(&out)?;

    let body_text = body.as_str();
    let trimmed = js_trim(body_text);
    let lead = body_text.len() - body_text.trim_start_matches(is_js_space).len();
    let (line, col) = line_col_at(source, body.start() + lead);
    out.template = trimmed.to_string();
    out.body_line = line;
    out.body_col = col;
    Ok(out)
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `config`, `input` and `output` must be mappings when present.
fn check_shape(key: &str, value: &Value, parsed: &ParsedPrompt) -> Result<(), PromptError> {
    let must_be_map = matches!(key, "config" | "input" | "output");
    if must_be_map && !matches!(value, Value::Object(_) | Value::Null) {
        return Err(PromptError::new(
            PromptErrorKind::Frontmatter,
            parsed.key_line(key),
            1,
            format!("`{key}` must be a mapping, found {value}"),
            format!("indent the settings under `{key}:`, one `name: value` per line"),
        ));
    }
    Ok(())
}

/// Finds `key:` lines at column 1 of the frontmatter (a light scan, good
/// enough to point diagnostics at the right line).
fn top_level_key_lines(frontmatter: &str, first_line: usize) -> Vec<(String, usize)> {
    (first_line..)
        .zip(frontmatter.split('\n'))
        .filter_map(|(line_no, line)| Some((key_of_line(line.trim_end_matches('\r'))?, line_no)))
        .collect()
}

fn key_of_line(line: &str) -> Option<String> {
    let first = line.chars().next()?;
    if first.is_whitespace() || matches!(first, '#' | '-' | '[' | '{' | '}' | ']') {
        return None;
    }
    if first == '"' || first == '\'' {
        let rest = &line[1..];
        let end = rest.find(first)?;
        return Some(rest[..end].to_string());
    }
    let colon = line
        .match_indices(':')
        .find(|(i, _)| matches!(line[i + 1..].chars().next(), None | Some(' ' | '\t')))?
        .0;
    Some(line[..colon].trim().to_string())
}

/// Bytes of `#` comment and blank lines at the start of `source` (the
/// licence header the frontmatter regex skips).
fn header_len(source: &str) -> usize {
    let mut at = 0;
    for line in source.split_inclusive('\n') {
        let blank = line.trim().is_empty() && line.ends_with('\n');
        if !(line.starts_with('#') || blank) {
            break;
        }
        at += line.len();
    }
    at
}

/// Warnings for legal-but-suspicious frontmatter: unknown top-level keys,
/// `config` keys that are not sent to models, and a `---` opening that is
/// never closed.
pub fn lint(parsed: &ParsedPrompt) -> Vec<PromptWarning> {
    let Some(raw) = &parsed.raw else {
        let header = header_len(&parsed.template);
        if parsed.template[header..].starts_with("---") {
            return vec![PromptWarning {
                line: line_col_at(&parsed.template, header).0,
                col: 1,
                message: "the file starts with `---` but the frontmatter is never closed, \
                          so it is all template text"
                    .to_string(),
                hint: "end the frontmatter with a line holding only `---`".to_string(),
            }];
        }
        return Vec::new();
    };
    let mut out: Vec<PromptWarning> = raw
        .keys()
        .filter(|k| {
            !RESERVED_KEYS.contains(&k.as_str())
                && !GENKIT_KEYS.contains(&k.as_str())
                && k.as_str() != super::context_policy::KEY
                && !k.contains('.')
        })
        .map(|k| PromptWarning {
            line: parsed.key_line(k),
            col: 1,
            message: format!("unknown frontmatter key `{k}` (ignored)"),
            hint: format!(
                "use one of {}, or a dotted extension key like `myapp.{k}`",
                RESERVED_KEYS.join(", ")
            ),
        })
        .collect();
    out.extend(super::config_keys::config_warnings(parsed));
    out
}

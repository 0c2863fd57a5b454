//! The template scanner: text, `{{ var }}` outputs, comments and raw
//! blocks, with Nunjucks' whitespace control; anything else inside a tag is
//! an error naming what pwb does not support.

use super::{Key, Piece, Template, TemplateError, VarPath};

/// Characters that end a Nunjucks symbol (its lexer's delimiters).
const DELIMS: &str = "()[]{}%*-+~/#,:|.<>=!'\"";

fn err(offset: usize, message: impl Into<String>, hint: impl Into<String>) -> TemplateError {
    TemplateError {
        offset,
        message: message.into(),
        hint: hint.into(),
    }
}

pub(super) fn parse(src: &str) -> Result<Template, TemplateError> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut trim_next = false;
    let mut i = 0;
    while i < src.len() {
        let Some(rel) = src[i..].find('{') else {
            push_text(&mut text, &src[i..], &mut trim_next);
            break;
        };
        let at = i + rel;
        let open = &src[at..];
        let kind = match open.as_bytes().get(1) {
            Some(b'{') => b'{',
            Some(b'%') => b'%',
            Some(b'#') => b'#',
            _ => {
                push_text(&mut text, &src[i..at + 1], &mut trim_next);
                i = at + 1;
                continue;
            }
        };
        push_text(&mut text, &src[i..at], &mut trim_next);
        let trim_before = open.as_bytes().get(2) == Some(&b'-');
        if trim_before {
            let kept = text.trim_end().len();
            text.truncate(kept);
        }
        let body_start = at + 2 + usize::from(trim_before);
        let (body, end, trim_after) = match kind {
            b'{' => close_of(src, body_start, "}}", at)?,
            b'%' => close_of(src, body_start, "%}", at)?,
            _ => close_of(src, body_start, "#}", at)?,
        };
        match kind {
            b'{' => {
                flush(&mut pieces, &mut text);
                pieces.push(Piece::Var(expression(body, body_start)?));
                i = end;
            }
            b'#' => i = end,
            _ => {
                let dashed = trim_before || trim_after;
                let (raw, after, trim) = raw_block(src, body, body_start, end, dashed)?;
                push_text(&mut text, raw, &mut false);
                i = after;
                trim_next = trim;
                continue;
            }
        }
        trim_next = trim_after;
    }
    flush(&mut pieces, &mut text);
    Ok(Template { pieces })
}

fn push_text(text: &mut String, s: &str, trim_next: &mut bool) {
    if std::mem::take(trim_next) {
        text.push_str(s.trim_start());
    } else {
        text.push_str(s);
    }
}

fn flush(pieces: &mut Vec<Piece>, text: &mut String) {
    if !text.is_empty() {
        pieces.push(Piece::Text(std::mem::take(text)));
    }
}

/// The body of a tag opened at `open_at` (from `start` to its `close`,
/// quotes respected), the offset after the close, and whether it ended
/// with `-` (trim what follows).
fn close_of<'a>(
    src: &'a str,
    start: usize,
    close: &str,
    open_at: usize,
) -> Result<(&'a str, usize, bool), TemplateError> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (rel, c) in src[start..].char_indices() {
        let at = start + rel;
        if let Some(q) = quote {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                _ if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        if close != "#}" && (c == '"' || c == '\'') {
            quote = Some(c);
        } else if src[at..].starts_with(close) {
            let body = &src[start..at];
            return Ok(match body.strip_suffix('-') {
                Some(b) => (b, at + 2, true),
                None => (body, at + 2, false),
            });
        }
    }
    let opener = &src[open_at..open_at + 2];
    Err(err(
        open_at,
        format!("`{opener}` is never closed with `{close}`"),
        format!("close it with `{close}`, or write the text inside {{% raw %}}...{{% endraw %}}"),
    ))
}

/// `{% raw %}` up to its `{% endraw %}`: the literal text between, the
/// offset after the end tag, and whether that tag ends with `-%}`.
fn raw_block<'a>(
    src: &'a str,
    body: &str,
    body_start: usize,
    after_open: usize,
    dashed: bool,
) -> Result<(&'a str, usize, bool), TemplateError> {
    let name = body.trim();
    if name != "raw" && name != "verbatim" {
        let word = name.split_whitespace().next().unwrap_or("");
        return Err(err(
            body_start,
            format!("Nunjucks tags (`{{% {word} %}}`) are not supported by pwb"),
            "pwb renders variables only (`{{ name }}`, `{{ a.b }}`); compute the text in `vars:` instead",
        ));
    }
    if dashed {
        return Err(err(
            body_start,
            format!("whitespace control (`{{%- {name} -%}}`) is not supported by pwb"),
            format!("write `{{% {name} %}}` without `-`"),
        ));
    }
    let end_name = format!("end{name}");
    let mut from = after_open;
    while let Some(rel) = src[from..].find("{%") {
        let at = from + rel;
        if let Ok((inner, end, false)) = close_of(src, at + 2, "%}", at)
            && inner.trim() == end_name
        {
            return Ok((&src[after_open..at], end, false));
        }
        from = at + 2;
    }
    Err(err(
        body_start,
        format!("`{{% {name} %}}` has no `{{% {end_name} %}}`"),
        format!("end the block with {{% {end_name} %}}"),
    ))
}

/// The inside of `{{ ... }}`: a variable with member lookups.
fn expression(body: &str, offset: usize) -> Result<VarPath, TemplateError> {
    let shown = format!("{{{{{body}}}}}");
    let lead = body.len() - body.trim_start().len();
    let s = body.trim();
    let at = offset + lead;
    let (root, mut rest) = symbol(s);
    if root.is_empty() || root.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(unsupported(&shown, s, at));
    }
    if matches!(
        root,
        "true" | "false" | "none" | "null" | "True" | "False" | "None" | "not"
    ) {
        return Err(unsupported(&shown, s, at));
    }
    let mut keys = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix('.') {
            let (name, r) = symbol(after);
            if name.is_empty() {
                return Err(unsupported(&shown, rest, at));
            }
            keys.push(Key::Name(name.to_string()));
            rest = r;
        } else if let Some(after) = rest.strip_prefix('[') {
            let (key, r) =
                subscript(after.trim_start()).ok_or_else(|| unsupported(&shown, rest, at))?;
            keys.push(key);
            rest = r;
        } else {
            break;
        }
    }
    if !rest.trim().is_empty() {
        return Err(unsupported(&shown, rest.trim_start(), at));
    }
    Ok(VarPath {
        root: root.to_string(),
        keys,
    })
}

/// A symbol as Nunjucks' lexer reads one, and the text after it.
fn symbol(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| c.is_whitespace() || DELIMS.contains(c))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// `0]` or `"key"]` after a `[`.
fn subscript(s: &str) -> Option<(Key, &str)> {
    let (key, rest) = if let Some(q) = s.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let body = &s[1..];
        let end = body.find(q)?;
        let text = &body[..end];
        if text.contains('\\') {
            return None;
        }
        (Key::Name(text.to_string()), &body[end + 1..])
    } else {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        (Key::Index(s[..end].parse().ok()?), &s[end..])
    };
    let rest = rest.trim_start().strip_prefix(']')?;
    Some((key, rest))
}

/// Says which Nunjucks feature `rest` (the unparsed part) starts with.
fn unsupported(shown: &str, rest: &str, offset: usize) -> TemplateError {
    let (what, hint) = if rest.starts_with('|') {
        (
            "Nunjucks filters",
            "compute the value in `vars:` instead (or check it with a javascript assertion)",
        )
    } else if rest.starts_with('(') {
        ("function calls", "compute the value in `vars:` instead")
    } else if rest.starts_with(['"', '\'']) || rest.starts_with(|c: char| c.is_ascii_digit()) {
        ("literals", "write the text itself outside `{{ }}`")
    } else {
        (
            "expressions other than a variable",
            "pwb renders `{{ name }}`, `{{ a.b }}`, `{{ a[0] }}` and `{{ a[\"key\"] }}`",
        )
    };
    err(
        offset,
        format!("`{shown}`: {what} are not supported by pwb"),
        hint,
    )
}

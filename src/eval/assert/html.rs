//! is-html and contains-html as promptfoo 0.123 decides them: is-html parses
//! the answer as an HTML document (html5ever here, parse5 there) and wants a
//! known element and no loose text in an implied body; contains-html counts
//! tag-like signs in the text.

use super::{Args, Check, Outcome, js};
use scraper::{Html, Node};
use std::sync::LazyLock;

const MAX_INPUT: usize = 10_485_760;

const ELEMENTS: &[&str] = &[
    "html",
    "head",
    "title",
    "base",
    "link",
    "meta",
    "style",
    "body",
    "article",
    "section",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "footer",
    "address",
    "p",
    "hr",
    "pre",
    "blockquote",
    "ol",
    "ul",
    "li",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "main",
    "div",
    "a",
    "em",
    "strong",
    "small",
    "s",
    "cite",
    "q",
    "dfn",
    "abbr",
    "ruby",
    "rt",
    "rp",
    "data",
    "time",
    "code",
    "var",
    "samp",
    "kbd",
    "sub",
    "sup",
    "i",
    "b",
    "u",
    "mark",
    "bdi",
    "bdo",
    "span",
    "br",
    "wbr",
    "img",
    "iframe",
    "embed",
    "object",
    "param",
    "picture",
    "source",
    "video",
    "audio",
    "track",
    "map",
    "area",
    "svg",
    "math",
    "script",
    "noscript",
    "canvas",
    "ins",
    "del",
    "table",
    "caption",
    "colgroup",
    "col",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "form",
    "label",
    "input",
    "button",
    "select",
    "datalist",
    "optgroup",
    "option",
    "textarea",
    "output",
    "progress",
    "meter",
    "fieldset",
    "legend",
    "details",
    "summary",
    "dialog",
    "menu",
    "slot",
    "template",
];

/// `<html`, `<head` or `<body` written in the answer (followed by space, `>` or `/`):
/// parse5 then gives the element a source location, an implied one has none.
fn written(lower: &str, tag: &str) -> bool {
    let needle = format!("<{tag}");
    lower.match_indices(&needle).any(|(i, _)| {
        lower[i + needle.len()..]
            .chars()
            .next()
            .is_some_and(|c| c == '>' || c == '/' || js::is_space(c))
    })
}

fn validate(output: &str) -> Result<(), &'static str> {
    let trimmed = js::trim(output);
    if trimmed.is_empty() {
        return Err("Output is empty");
    }
    if trimmed.encode_utf16().count() > MAX_INPUT {
        return Err("Output exceeds maximum size limit");
    }
    let lower = trimmed.to_lowercase();
    if lower.trim_start_matches(js::is_space).starts_with("<?xml") {
        return Err("Output appears to be XML, not HTML");
    }
    let doc = Html::parse_document(trimmed);
    let body_written = written(&lower, "body");
    let body = doc
        .tree
        .nodes()
        .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "body"));
    let loose_text = body.is_some_and(|b| {
        b.children()
            .any(|c| matches!(c.value(), Node::Text(t) if !js::trim(t).is_empty()))
    });
    if !body_written && loose_text {
        return Err("Output must be wrapped in HTML tags");
    }
    let known = doc.tree.nodes().any(|n| match n.value() {
        Node::Element(e) => {
            let name = e.name();
            if matches!(name, "html" | "head" | "body") {
                written(&lower, name)
            } else {
                ELEMENTS.contains(&name) || name.contains('-')
            }
        }
        _ => false,
    });
    if !known {
        return Err("Output does not contain recognized HTML elements");
    }
    Ok(())
}

pub fn is_html(a: &Args) -> Outcome {
    let result = validate(a.output);
    let pass = result.is_ok() != a.inverse;
    Ok(Check::binary(pass, || match result {
        Err(reason) => reason.to_string(),
        Ok(()) => "Output is valid HTML".to_string(),
    }))
}

struct Signs {
    opening: regress::Regex,
    closing: regress::Regex,
    self_closing: regress::Regex,
    entity: regress::Regex,
    doctype: regress::Regex,
    comment: regress::Regex,
    attribute: regress::Regex,
    common_tag: regress::Regex,
}

static SIGNS: LazyLock<Option<Signs>> = LazyLock::new(|| {
    let re = |p: &str, flags: &str| regress::Regex::with_flags(p, flags).ok();
    Some(Signs {
        opening: re(r"<[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?>", "")?,
        closing: re(r"<\/[a-zA-Z][a-zA-Z0-9-]*\s*>", "")?,
        self_closing: re(r"<[a-zA-Z][a-zA-Z0-9-]*(?:\s[^>]*)?\/>", "")?,
        entity: re(r"&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);", "")?,
        doctype: re(r"<!DOCTYPE\s+html", "i")?,
        comment: re(r"<!--[^-]*(?:-[^-]+)*-->", "")?,
        attribute: re(r#"\s[a-zA-Z-]+=\s*["'][^"']*["']"#, "")?,
        common_tag: re(
            r"<(html|head|body|div|span|p|a|img|h[1-6]|ul|ol|li|table|tr|td|th|form|input|button|script|style|link|meta|br|hr)\b",
            "i",
        )?,
    })
});

/// promptfoo's `containsHtml`: two or more signs of HTML.
fn contains(text: &str) -> bool {
    let Some(s) = SIGNS.as_ref() else {
        return false;
    };
    if text.encode_utf16().count() > MAX_INPUT {
        return false;
    }
    // ASCII patterns whose classes match a whole code point as they match
    // its two UTF-16 halves: searching the UTF-8 text finds the same.
    let hit = |re: &regress::Regex| re.find(text).is_some();
    let (open, close) = (hit(&s.opening), hit(&s.closing));
    let mut signs = match (open, close) {
        (true, true) => 2,
        (true, false) | (false, true) => 1,
        _ => 0,
    };
    signs += hit(&s.self_closing) as u32;
    signs += hit(&s.entity) as u32;
    signs += 2 * hit(&s.doctype) as u32;
    signs += hit(&s.comment) as u32;
    signs += hit(&s.attribute) as u32;
    signs += 2 * hit(&s.common_tag) as u32;
    signs >= 2
}

pub fn contains_html(a: &Args) -> Outcome {
    let pass = contains(a.output) != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}contain HTML content", a.not())
    }))
}

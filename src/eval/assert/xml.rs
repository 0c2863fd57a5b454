//! is-xml and contains-xml as promptfoo 0.123 decides them: is-xml wants the
//! whole answer well-formed (namespaces checked, no DTD internal subset);
//! contains-xml looks for balanced tag runs and checks each; a `value` names
//! elements that must be there (`root.child`, list indices, `@_attr`).

use super::{Args, Check, Outcome, js};
use roxmltree::{Document, Node, ParsingOptions};
use serde_json::Value;

/// The `value` of an xml assertion: required element paths.
fn required(a: &Args) -> Result<Vec<String>, String> {
    Ok(match a.value {
        Some(Value::String(s)) => s.split(',').map(|e| js::trim(e).to_string()).collect(),
        Some(Value::Array(items)) if !items.is_empty() => items.iter().map(js::string).collect(),
        Some(Value::Object(m)) if !m.is_empty() => match m.get("requiredElements") {
            Some(Value::Array(items)) => items.iter().map(js::string).collect(),
            _ => {
                return Err("xml assertion must contain a string, array value, or no value".into());
            }
        },
        _ => Vec::new(),
    })
}

fn parse(xml: &str) -> Result<Document<'_>, String> {
    let opts = ParsingOptions {
        allow_dtd: true,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(xml, opts).map_err(|e| e.to_string())
}

/// A DOCTYPE with an internal subset (`[...]`), which promptfoo refuses.
fn has_internal_subset(xml: &str) -> bool {
    let Some(start) = xml.find("<!DOCTYPE") else {
        return false;
    };
    let mut quote = None;
    for c in xml[start + 9..].chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => return true,
            (None, '>') => return false,
            _ => {}
        }
    }
    false
}

/// Whether `path` (dot-separated) names something in the document, as
/// promptfoo walks fast-xml-parser's object: elements by tag, repeated
/// elements by index, attributes as `@_name`, mixed text as `#text`; an
/// element with only text is a value, not an object.
fn has_path(doc: &Document, path: &str) -> bool {
    let keys: Vec<&str> = path.split('.').collect();
    let Some((first, rest)) = keys.split_first() else {
        return false;
    };
    let roots: Vec<Node> = doc.root().children().filter(|n| n.is_element()).collect();
    let matching: Vec<Node> = roots.into_iter().filter(|n| tag(n) == *first).collect();
    walk(&matching, rest)
}

fn tag(n: &Node) -> String {
    let name = n.tag_name().name();
    match n.lookup_prefix(n.tag_name().namespace().unwrap_or_default()) {
        Some(p) if !p.is_empty() && n.tag_name().namespace().is_some() => format!("{p}:{name}"),
        _ => name.to_string(),
    }
}

fn is_object(n: &Node) -> bool {
    n.children().any(|c| c.is_element()) || n.attributes().len() > 0
}

/// `nodes` is what the path so far reached: none, one element, or a list.
fn walk(nodes: &[Node], keys: &[&str]) -> bool {
    let Some((key, rest)) = keys.split_first() else {
        return !nodes.is_empty();
    };
    match nodes {
        [] => false,
        [one] => {
            if !is_object(one) {
                return false;
            }
            if let Some(attr) = key.strip_prefix("@_") {
                return rest.is_empty() && one.attributes().any(|a| a.name() == attr);
            }
            if *key == "#text" {
                return rest.is_empty()
                    && one
                        .children()
                        .any(|c| c.is_text() && !js::trim(c.text().unwrap_or("")).is_empty());
            }
            let children: Vec<Node> = one
                .children()
                .filter(|c| c.is_element() && tag(c) == *key)
                .collect();
            walk(&children, rest)
        }
        many => match key.parse::<usize>() {
            Ok(i) if i.to_string() == *key => many.get(i).is_some_and(|n| walk(&[*n], rest)),
            _ => false,
        },
    }
}

fn check_candidate(xml: &str, required: &[String]) -> Result<(), (String, bool)> {
    let doc = parse(xml).map_err(|e| (format!("XML parsing failed: {e}"), false))?;
    let missing: Vec<&str> = required
        .iter()
        .filter(|p| !has_path(&doc, p))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err((
            format!("XML is missing required elements: {}", missing.join(", ")),
            true,
        ))
    }
}

pub fn is_xml(a: &Args) -> Outcome {
    let req = required(a)?;
    let result = if has_internal_subset(a.output) {
        Err("DTD internal subsets are not supported by is-xml validation".to_string())
    } else {
        check_candidate(a.output, &req).map_err(|(r, _)| r)
    };
    let pass = result.is_ok() != a.inverse;
    Ok(Check::binary(pass, || match result {
        Err(r) => r,
        Ok(()) => "XML is valid and contains all required elements".into(),
    }))
}

pub fn contains_xml(a: &Args) -> Outcome {
    let req = required(a)?;
    let candidates = candidates(a.output);
    let result = if candidates.is_empty() {
        Err("No XML content found in the output".to_string())
    } else {
        let mut well_formed: Vec<(usize, usize)> = Vec::new();
        let mut found = false;
        for (start, end) in candidates {
            if well_formed.iter().any(|(s, e)| start >= *s && end <= *e) {
                continue;
            }
            match check_candidate(&a.output[start..end], &req) {
                Ok(()) => {
                    found = true;
                    break;
                }
                Err((_, true)) => well_formed.push((start, end)),
                Err(_) => {}
            }
        }
        if found {
            Ok(())
        } else {
            Err("No valid XML content found matching the requirements".to_string())
        }
    };
    let pass = result.is_ok() != a.inverse;
    Ok(Check::binary(pass, || match result {
        Err(r) => r,
        Ok(()) => "XML is valid and contains all required elements".into(),
    }))
}

fn name_start(c: char) -> bool {
    matches!(c as u32, 58 | 95 | 65..=90 | 97..=122 | 192..=214 | 216..=246 | 248..=767 | 880..=893
        | 895..=8191 | 8204..=8205 | 8304..=8591 | 11264..=12271 | 12289..=55295 | 63744..=64975
        | 65008..=65533 | 65536..=983039)
}

fn name_char(c: char) -> bool {
    name_start(c) || matches!(c as u32, 45 | 46 | 48..=57 | 183 | 768..=879 | 8255..=8256)
}

/// A tag at byte `i` (a `<`): (kind, end byte of its `>`, name, self-closing).
fn read_tag(s: &str, i: usize) -> Option<(u8, usize, String, bool)> {
    let rest = &s[i + 1..];
    let next = rest.chars().next()?;
    let name_at = |from: usize| -> Option<String> {
        let t = &s[from..];
        let first = t.chars().next().filter(|c| name_start(*c))?;
        let len: usize = first.len_utf8()
            + t[first.len_utf8()..]
                .chars()
                .take_while(|c| name_char(*c))
                .map(char::len_utf8)
                .sum::<usize>();
        Some(t[..len].to_string())
    };
    let tag_end = |from: usize| -> Option<usize> {
        let mut quote = None;
        for (k, c) in s[from + 1..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '<') => return None,
                (None, '>') => return Some(from + 1 + k),
                _ => {}
            }
        }
        None
    };
    match next {
        '!' => {
            let end = if rest.starts_with("!--") {
                s[i + 4..]
                    .find("-->")
                    .map_or(s.len() - 1, |k| i + 4 + k + 2)
            } else if rest.starts_with("![CDATA[") {
                s[i + 9..]
                    .find("]]>")
                    .map_or(s.len() - 1, |k| i + 9 + k + 2)
            } else {
                declaration_end(s, i)
            };
            Some((0, end, String::new(), false))
        }
        '?' => {
            let end = s[i + 2..].find("?>").map_or(s.len() - 1, |k| i + 2 + k + 1);
            Some((0, end, String::new(), false))
        }
        '/' => {
            let name = name_at(i + 2)?;
            Some((2, tag_end(i)?, name, false))
        }
        _ => {
            let name = name_at(i + 1)?;
            let end = tag_end(i)?;
            let self_closing = s[i..end]
                .trim_end_matches(char::is_whitespace)
                .ends_with('/');
            Some((1, end, name, self_closing))
        }
    }
}

fn declaration_end(s: &str, i: usize) -> usize {
    let mut quote = None;
    let mut depth = 0usize;
    for (k, c) in s[i + 2..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') if depth > 0 => depth -= 1,
            (None, '>') if depth == 0 => return i + 2 + k,
            _ => {}
        }
    }
    s.len() - 1
}

/// promptfoo's `extractXmlCandidates` (byte ranges): balanced elements,
/// sibling runs joined, outermost first.
fn candidates(s: &str) -> Vec<(usize, usize)> {
    struct C {
        start: usize,
        end: usize,
        parent: Option<usize>,
    }
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut found: Vec<C> = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let Some(off) = s[i..].find('<') else {
            break;
        };
        i += off;
        match read_tag(s, i) {
            None => i += 1,
            Some((kind, end, name, self_closing)) => {
                let parent = stack.last().map(|t| t.1);
                match kind {
                    1 if self_closing => found.push(C {
                        start: i,
                        end: end + 1,
                        parent,
                    }),
                    1 => stack.push((name, i)),
                    2 => match stack.last() {
                        Some((open, start)) if *open == name => {
                            let start = *start;
                            stack.pop();
                            let parent = stack.last().map(|t| t.1);
                            found.push(C {
                                start,
                                end: end + 1,
                                parent,
                            });
                        }
                        _ => stack.clear(),
                    },
                    _ => {}
                }
                i = end + 1;
            }
        }
    }
    let starts: std::collections::HashSet<usize> = found.iter().map(|c| c.start).collect();
    let mut ordered: Vec<(usize, usize)> = Vec::new();
    let add = |r: (usize, usize), ordered: &mut Vec<(usize, usize)>| {
        if !ordered.contains(&r) {
            ordered.push(r);
        }
    };
    let mut parents: Vec<Option<usize>> = Vec::new();
    for c in &found {
        if !parents.contains(&c.parent) {
            parents.push(c.parent);
        }
    }
    for p in &parents {
        let mut siblings: Vec<&C> = found.iter().filter(|c| c.parent == *p).collect();
        if siblings.len() <= 1 || p.is_some_and(|p| starts.contains(&p)) {
            continue;
        }
        siblings.sort_by_key(|c| (c.start, c.end));
        let (first, last) = (siblings[0], siblings[siblings.len() - 1]);
        add((first.start, last.end), &mut ordered);
    }
    let mut maximal: Vec<&C> = found
        .iter()
        .filter(|c| c.parent.is_none_or(|p| !starts.contains(&p)))
        .collect();
    maximal.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    for c in maximal {
        add((c.start, c.end), &mut ordered);
    }
    ordered
}

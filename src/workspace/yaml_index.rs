//! Where every node of a YAML document starts, found in one pass (for
//! positions that are needed for every entry, like each assertion's line:
//! `yaml_locate` re-reads the text per lookup, which is fine for a few
//! diagnostics but not for thousands of entries).

use super::yaml_locate::Seg;
use std::collections::HashMap;
use yaml_rust::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust::scanner::Marker;

/// The 1-based (line, col) of each node, by path.
#[derive(Debug, Default)]
pub struct YamlIndex {
    at: HashMap<Vec<Seg>, (usize, usize)>,
}

impl YamlIndex {
    /// Indexes `source`; an empty index when it does not parse.
    pub fn build(source: &str) -> YamlIndex {
        let mut walker = Walker {
            source: source.chars().collect(),
            at: HashMap::new(),
            path: Vec::new(),
            frames: Vec::new(),
            pending: None,
        };
        let mut parser = Parser::new(source.chars());
        if parser.load(&mut walker, false).is_err() {
            return YamlIndex::default();
        }
        YamlIndex { at: walker.at }
    }

    pub fn get(&self, path: &[Seg]) -> Option<(usize, usize)> {
        self.at.get(path).copied()
    }
}

/// The containers open around the current event.
enum Frame {
    Seq(usize),
    /// A mapping: `Some(key)` when the next node is that key's value.
    Map(Option<String>),
}

struct Walker {
    /// The text by character (the parser's marks count characters).
    source: Vec<char>,
    at: HashMap<Vec<Seg>, (usize, usize)>,
    path: Vec<Seg>,
    frames: Vec<Frame>,
    /// A block mapping whose position is its first key's (the parser
    /// marks it further on, where libyaml and `yaml_locate` do not).
    pending: Option<Vec<Seg>>,
}

impl Walker {
    /// The character at `mark`.
    fn source_char(&self, mark: &Marker) -> Option<char> {
        self.source.get(mark.index()).copied()
    }

    /// Called before a node starts: where it sits, or `None` for a key.
    fn node_path(&mut self) -> Option<Vec<Seg>> {
        match self.frames.last_mut() {
            None => Some(Vec::new()),
            Some(Frame::Seq(i)) => {
                let mut p = self.path.clone();
                p.push(Seg::Index(*i));
                *i += 1;
                Some(p)
            }
            Some(Frame::Map(Some(key))) => {
                let mut p = self.path.clone();
                p.push(Seg::Key(std::mem::take(key)));
                self.frames.pop();
                self.frames.push(Frame::Map(None));
                Some(p)
            }
            Some(Frame::Map(None)) => None,
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = (mark.line(), mark.col() + 1);
        match ev {
            Event::Scalar(text, ..) => match self.node_path() {
                Some(p) => {
                    self.at.entry(p).or_insert(pos);
                }
                None => {
                    if let Some(p) = self.pending.take() {
                        self.at.entry(p).or_insert(pos);
                    }
                    if let Some(Frame::Map(slot)) = self.frames.last_mut() {
                        *slot = Some(text);
                    }
                }
            },
            Event::Alias(_) => {
                self.node_path();
            }
            Event::SequenceStart(_) | Event::MappingStart(_) => {
                let p = self.node_path().unwrap_or_default();
                let flow = matches!(self.source_char(&mark), Some('{' | '['));
                if flow || matches!(ev, Event::SequenceStart(_)) {
                    self.at.entry(p.clone()).or_insert(pos);
                } else {
                    self.pending = Some(p.clone());
                }
                // Inside the container, paths start from its own.
                self.path = p;
                self.frames.push(if matches!(ev, Event::SequenceStart(_)) {
                    Frame::Seq(0)
                } else {
                    Frame::Map(None)
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                self.frames.pop();
                self.path.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::yaml_locate::locate_value;

    #[test]
    fn positions_match_the_one_by_one_locator() {
        let src = "defaultTest:\n  assert:\n    - type: is-json\ntests:\n  - vars: {a: é}\n    assert:\n      - type: contains\n        value: x\n      - {type: equals, value: y}\n  - description: two\n";
        let index = YamlIndex::build(src);
        for path in [
            vec![
                Seg::Key("tests".into()),
                Seg::Index(0),
                Seg::Key("assert".into()),
                Seg::Index(0),
            ],
            vec![
                Seg::Key("tests".into()),
                Seg::Index(0),
                Seg::Key("assert".into()),
                Seg::Index(1),
            ],
            vec![Seg::Key("tests".into()), Seg::Index(1)],
            vec![
                Seg::Key("defaultTest".into()),
                Seg::Key("assert".into()),
                Seg::Index(0),
            ],
            vec![
                Seg::Key("tests".into()),
                Seg::Index(0),
                Seg::Key("vars".into()),
                Seg::Key("a".into()),
            ],
        ] {
            assert_eq!(index.get(&path), locate_value(src, &path), "{path:?}");
        }
        assert_eq!(YamlIndex::build("a: [").get(&[]), None);
    }
}

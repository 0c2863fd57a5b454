//! Finding where a node sits in a YAML file. serde_norway gives positions
//! only for errors, so we re-read the text with a probe that fails on purpose
//! at the wanted node and take the position of that error.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(k: &str) -> Self {
        Seg::Key(k.to_string())
    }
}

impl From<usize> for Seg {
    fn from(i: usize) -> Self {
        Seg::Index(i)
    }
}

const FOUND: &str = "pwb-yaml-locate-found";

/// The 1-based (line, col) of the value at `path`, if it exists.
pub fn locate_value(source: &str, path: &[Seg]) -> Option<(usize, usize)> {
    run(source, Probe { path, key: false })
}

/// The 1-based (line, col) of the key that ends `path` (e.g. an unknown key).
pub fn locate_key(source: &str, path: &[Seg]) -> Option<(usize, usize)> {
    run(source, Probe { path, key: true })
}

/// The position of the value at `path`, else of its nearest existing parent,
/// else 1:1: a diagnostic always has somewhere to point.
pub fn locate_or_parent(source: &str, path: &[Seg]) -> (usize, usize) {
    (0..=path.len())
        .rev()
        .find_map(|n| locate_value(source, &path[..n]))
        .unwrap_or((1, 1))
}

fn run(source: &str, probe: Probe<'_>) -> Option<(usize, usize)> {
    let de = serde_norway::Deserializer::from_str(source);
    match probe.deserialize(de) {
        Err(e) if e.to_string().contains(FOUND) => e.location().map(|l| (l.line(), l.column())),
        _ => None,
    }
}

struct Probe<'a> {
    path: &'a [Seg],
    /// Point at the last key of `path` instead of its value.
    key: bool,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! leaf {
    ($($name:ident: $ty:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $ty) -> Result<(), E> { self.leaf() }
    )*};
}

impl Probe<'_> {
    fn leaf<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }
    leaf!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.leaf()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.leaf()
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Seg::Key(want) = first else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let fail_on_key = self.key && rest.is_empty();
        while let Some(hit) = map.next_key_seed(KeyProbe {
            want,
            fail: fail_on_key,
        })? {
            if hit {
                map.next_value_seed(Probe {
                    path: rest,
                    key: self.key,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let want = match first {
            Seg::Index(i) => Some(*i),
            Seg::Key(_) => None,
        };
        let mut i = 0;
        loop {
            let more = if Some(i) == want {
                seq.next_element_seed(Probe {
                    path: rest,
                    key: self.key,
                })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// Reads a mapping key; true when it is the wanted one. With `fail`, the
/// wanted key itself is the target and reading it stops the probe.
struct KeyProbe<'a> {
    want: &'a str,
    fail: bool,
}

impl<'de> DeserializeSeed<'de> for KeyProbe<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyProbe<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match (v == self.want, self.fail) {
            (true, true) => Err(E::custom(FOUND)),
            (hit, _) => Ok(hit),
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        self.visit_str(if v { "true" } else { "false" })
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "tests:\n  - vars:\n      a: 1\n    assert:\n      - type: equals\n        value: x\n      - type: containz\n";

    #[test]
    fn finds_values_and_keys() {
        let p = |segs: &[Seg]| segs.to_vec();
        let path = p(&[
            "tests".into(),
            0.into(),
            "assert".into(),
            1.into(),
            "type".into(),
        ]);
        assert_eq!(locate_value(SRC, &path), Some((7, 15)));
        assert_eq!(locate_key(SRC, &path), Some((7, 9)));
        assert_eq!(
            locate_value(
                SRC,
                &p(&["tests".into(), 0.into(), "vars".into(), "a".into()])
            ),
            Some((3, 10))
        );
        assert_eq!(locate_value(SRC, &p(&["nope".into()])), None);
        let missing = p(&["tests".into(), 0.into(), "assert".into(), 5.into()]);
        assert_eq!(locate_or_parent(SRC, &missing), (5, 7));
    }

    #[test]
    fn broken_yaml_locates_only_what_comes_before_the_break() {
        let src = "a: 1\nb: [1,\nc: 2\n";
        assert_eq!(locate_value(src, &[Seg::Key("a".into())]), Some((1, 4)));
        assert_eq!(locate_value(src, &[Seg::Key("c".into())]), None);
    }
}

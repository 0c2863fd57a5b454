//! Stop sequences over streamed text: text that might be the start of a
//! stop sequence is held back until the next piece decides, so a stop
//! sequence split across tokens never leaks into the answer.

#[derive(Debug, Default)]
pub struct StopFilter {
    stops: Vec<String>,
    pending: String,
}

/// What one piece of text gives: text safe to show, and whether a stop
/// sequence was met (then generation ends; the sequence is not shown).
#[derive(Debug, PartialEq)]
pub struct Filtered {
    pub text: String,
    pub stopped: bool,
}

impl StopFilter {
    pub fn new(stops: &[String]) -> Self {
        StopFilter {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            pending: String::new(),
        }
    }

    pub fn push(&mut self, piece: &str) -> Filtered {
        self.pending.push_str(piece);
        if let Some(at) = self
            .stops
            .iter()
            .filter_map(|s| self.pending.find(s.as_str()))
            .min()
        {
            let text = self.pending[..at].to_string();
            self.pending.clear();
            return Filtered {
                text,
                stopped: true,
            };
        }
        let keep = self.held_back_len();
        let cut = self.pending.len() - keep;
        let text = self.pending[..cut].to_string();
        self.pending.drain(..cut);
        Filtered {
            text,
            stopped: false,
        }
    }

    /// The text still held back (shown when generation ends otherwise).
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.pending)
    }

    /// Length of the longest tail of `pending` that starts a stop sequence.
    fn held_back_len(&self) -> usize {
        let p = &self.pending;
        (1..=p.len())
            .rev()
            .filter(|&n| p.is_char_boundary(p.len() - n))
            .find(|&n| {
                let tail = &p[p.len() - n..];
                self.stops
                    .iter()
                    .any(|s| s.len() > n && s.starts_with(tail))
            })
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&str]) -> (String, bool) {
        let stops: Vec<String> = stops.iter().map(|s| s.to_string()).collect();
        let mut f = StopFilter::new(&stops);
        let mut out = String::new();
        for p in pieces {
            let r = f.push(p);
            out.push_str(&r.text);
            if r.stopped {
                return (out, true);
            }
        }
        out.push_str(&f.finish());
        (out, false)
    }

    #[test]
    fn stops_split_across_pieces_are_caught_and_not_shown() {
        assert_eq!(
            run(&["END"], &["Paris", " E", "N", "D more"]),
            ("Paris ".into(), true)
        );
        assert_eq!(run(&["\n\n"], &["a\n", "\nb"]), ("a".into(), true));
    }

    #[test]
    fn near_misses_are_released() {
        assert_eq!(run(&["END"], &["EN", "d", " ok"]), ("ENd ok".into(), false));
        assert_eq!(run(&[], &["é", "🙂"]), ("é🙂".into(), false));
        assert_eq!(run(&["🙂!"], &["a🙂", "b"]), ("a🙂b".into(), false));
    }
}

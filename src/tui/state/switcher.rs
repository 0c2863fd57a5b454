//! The prompt switcher (Ctrl-P): a filter typed over the prompt names
//! (case-insensitive; names containing it first, then names holding its
//! letters in order) and the highlighted match.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Switcher {
    pub query: String,
    /// Index into `matches` of the highlighted one.
    pub cursor: usize,
}

impl Switcher {
    /// The switcher with the prompt at index `current` highlighted.
    pub fn new(names: &[&str], current: usize) -> Switcher {
        let mut s = Switcher::default();
        s.cursor = s
            .matches(names)
            .iter()
            .position(|&i| i == current)
            .unwrap_or(0);
        s
    }

    /// Indices of the names the query matches, best first: names that
    /// contain it (earlier position first), then names that hold its
    /// letters in order; ties keep the list's order.
    pub fn matches(&self, names: &[&str]) -> Vec<usize> {
        let q = self.query.to_lowercase();
        let mut ranked: Vec<(usize, usize, usize)> = names
            .iter()
            .enumerate()
            .filter_map(|(i, name)| {
                let name = name.to_lowercase();
                match name.find(&q) {
                    Some(pos) => Some((0, pos, i)),
                    None => subsequence(&q, &name).then_some((1, 0, i)),
                }
            })
            .collect();
        ranked.sort();
        ranked.into_iter().map(|(_, _, i)| i).collect()
    }

    /// The prompt index highlighted now, if anything matches.
    pub fn selected(&self, names: &[&str]) -> Option<usize> {
        let m = self.matches(names);
        m.get(self.cursor.min(m.len().saturating_sub(1))).copied()
    }

    pub fn type_char(&mut self, c: char) {
        self.query.push(c);
        self.cursor = 0;
    }

    pub fn backspace(&mut self) {
        self.query.pop();
        self.cursor = 0;
    }

    /// Moves the highlight within the `n` matches.
    pub fn step(&mut self, down: bool, n: usize) {
        self.cursor = if down {
            (self.cursor + 1).min(n.saturating_sub(1))
        } else {
            self.cursor.saturating_sub(1)
        };
    }
}

/// Whether the chars of `q` appear in `s` in order.
fn subsequence(q: &str, s: &str) -> bool {
    let mut rest = s.chars();
    q.chars().all(|c| rest.any(|d| d == c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: [&str; 5] = [
        "summary",
        "triage",
        "sub/refund-triage",
        "Translate",
        "tone",
    ];

    #[test]
    fn filters_case_insensitively_best_first() {
        let mut s = Switcher::new(&NAMES, 1);
        assert_eq!(s.selected(&NAMES), Some(1), "starts on the open prompt");
        assert_eq!(s.matches(&NAMES), [0, 1, 2, 3, 4], "empty query: all");
        s.type_char('T');
        s.type_char('r');
        assert_eq!(s.cursor, 0, "typing goes back to the best match");
        // "triage" and "translate" start with it; "refund-triage" has it
        // later; "tone" does not contain it and lacks the r.
        assert_eq!(s.matches(&NAMES), [1, 3, 2]);
        s.type_char('g');
        assert_eq!(s.matches(&NAMES), [1, 2], "letters in order: t..r..g");
        s.step(true, 2);
        assert_eq!(s.selected(&NAMES), Some(2));
        s.step(true, 2);
        assert_eq!(s.selected(&NAMES), Some(2), "stays on the last match");
        s.type_char('x');
        assert_eq!(s.selected(&NAMES), None);
        s.backspace();
        assert_eq!(s.selected(&NAMES), Some(1));
    }
}

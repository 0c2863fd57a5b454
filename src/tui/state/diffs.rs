//! Diff results of the Outputs pane, kept in App state: the mode (`d`
//! cycles it), the reference column (`r`), and the diffs computed for the
//! current texts, recomputed only when a text grew (throttled while live).

use crate::diff::{self, DiffLine, Segment};
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// While a run streams, diffs are recomputed at most this often.
pub const DIFF_THROTTLE: Duration = Duration::from_millis(100);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffMode {
    #[default]
    Off,
    /// Each column word-diffed against the reference column.
    Words,
    /// Reference vs focused column, line by line, full width.
    Unified,
    /// Each column word-diffed against the same model's previous run.
    Previous,
}

impl DiffMode {
    pub fn next(self) -> DiffMode {
        match self {
            DiffMode::Off => DiffMode::Words,
            DiffMode::Words => DiffMode::Unified,
            DiffMode::Unified => DiffMode::Previous,
            DiffMode::Previous => DiffMode::Off,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DiffMode::Off => "diff off",
            DiffMode::Words => "word diff vs reference",
            DiffMode::Unified => "unified diff: reference vs focused",
            DiffMode::Previous => "word diff vs previous run",
        }
    }
}

/// What the current diffs were computed from; equal keys mean the diffs
/// are current.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DiffKey {
    mode: DiffMode,
    reference: usize,
    focus: usize,
    run: Option<u64>,
    lens: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Diffs {
    pub mode: DiffMode,
    /// The column others are compared with.
    pub reference: usize,
    /// Per column, its word diff (Words / Previous) cut into lines;
    /// `None` where there is nothing to compare with (the reference
    /// itself, no previous run).
    pub words: Vec<Option<Vec<Vec<Segment>>>>,
    /// Reference vs focused column (Unified).
    pub unified: Vec<DiffLine>,
    /// How many times diffs were computed (tests check the throttle).
    pub computed: u64,
    key: Option<DiffKey>,
    last: Option<Instant>,
}

/// The texts a diff pass reads.
pub struct DiffInput<'a> {
    pub run: Option<u64>,
    /// Each column's history key (see `OutputColumn::history_key`) and text.
    pub texts: Vec<(Cow<'a, str>, &'a str)>,
    pub focus: usize,
    pub running: bool,
    pub previous: &'a HashMap<String, String>,
}

impl Diffs {
    /// Forgets computed diffs (a new run began, or the mode changed).
    pub fn invalidate(&mut self) {
        self.key = None;
        self.last = None;
    }

    /// Recomputes the diffs if their inputs changed: at most every
    /// `DIFF_THROTTLE` while `running`, at once otherwise. Returns whether
    /// it recomputed.
    pub fn refresh(&mut self, input: DiffInput, now: Instant) -> bool {
        let n = input.texts.len();
        self.reference = self.reference.min(n.saturating_sub(1));
        if self.mode == DiffMode::Off {
            self.words.clear();
            self.unified.clear();
            self.key = None;
            return false;
        }
        let key = DiffKey {
            mode: self.mode,
            reference: self.reference,
            focus: input.focus,
            run: input.run,
            lens: input.texts.iter().map(|(_, t)| t.len()).collect(),
        };
        if self.key.as_ref() == Some(&key) {
            return false;
        }
        let same_view = self.key.as_ref().is_some_and(|k| {
            k.mode == key.mode && k.reference == key.reference && k.focus == key.focus
        });
        if input.running
            && same_view
            && self
                .last
                .is_some_and(|t| now.duration_since(t) < DIFF_THROTTLE)
        {
            return false;
        }
        let reference = input.texts.get(self.reference).map_or("", |(_, t)| *t);
        self.words.clear();
        self.unified.clear();
        match self.mode {
            DiffMode::Off => {}
            DiffMode::Words => {
                for (i, (_, text)) in input.texts.iter().enumerate() {
                    self.words
                        .push((i != self.reference).then(|| lines(reference, text)));
                }
            }
            DiffMode::Previous => {
                for (key, text) in &input.texts {
                    self.words.push(
                        input
                            .previous
                            .get(key.as_ref())
                            .map(|prev| lines(prev, text)),
                    );
                }
            }
            DiffMode::Unified => {
                let other = input.texts.get(input.focus).map_or("", |(_, t)| *t);
                self.unified = diff::line_diff(reference, other);
            }
        }
        self.computed += 1;
        self.key = Some(key);
        self.last = Some(now);
        true
    }
}

fn lines(reference: &str, text: &str) -> Vec<Vec<Segment>> {
    diff::split_lines(&diff::word_diff(reference, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(
        texts: &[&'a str],
        running: bool,
        prev: &'a HashMap<String, String>,
    ) -> DiffInput<'a> {
        DiffInput {
            run: Some(1),
            texts: texts.iter().map(|t| (Cow::Borrowed("m"), *t)).collect(),
            focus: 1,
            running,
            previous: prev,
        }
    }

    #[test]
    fn live_diffs_are_throttled_and_final_ones_are_not() {
        let prev = HashMap::new();
        let mut d = Diffs {
            mode: DiffMode::Words,
            ..Default::default()
        };
        let t0 = Instant::now();
        assert!(d.refresh(input(&["a b", "a"], true, &prev), t0));
        // Unchanged text: nothing to do, whatever the time.
        assert!(!d.refresh(input(&["a b", "a"], true, &prev), t0 + DIFF_THROTTLE * 5));
        // Grown text while streaming: waits for the throttle.
        let ms = Duration::from_millis;
        assert!(!d.refresh(input(&["a b", "a c"], true, &prev), t0 + ms(10)));
        assert!(d.refresh(input(&["a b", "a c"], true, &prev), t0 + ms(120)));
        // Finished: at once.
        assert!(d.refresh(input(&["a b", "a c d"], false, &prev), t0 + ms(121)));
        assert_eq!(d.computed, 3);
        let w = d.words[1].as_ref().expect("column 1 diffed");
        assert!(w.iter().flatten().any(|s| s.text.contains('d')));
        // Switching mode or reference recomputes at once even while live.
        d.mode = DiffMode::Unified;
        assert!(d.refresh(input(&["a b", "a c d"], true, &prev), t0 + ms(122)));
        assert!(!d.unified.is_empty());
    }
}

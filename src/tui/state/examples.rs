//! The few-shot example picker: every example of the workspace with a
//! checkbox; picked examples are sent in the order they were picked, and
//! that order can be changed.

use crate::prompt::Example;

#[derive(Debug, Clone)]
pub struct ExampleItem {
    /// The examples file it came from (without `.yaml`).
    pub file: String,
    pub example: Example,
    /// Token estimate of input + output, computed once the tokenizer is
    /// loaded (it loads in the background at start-up).
    pub tokens: std::cell::OnceCell<usize>,
}

impl ExampleItem {
    pub fn new(file: String, example: Example) -> Self {
        ExampleItem {
            file,
            example,
            tokens: std::cell::OnceCell::new(),
        }
    }

    /// The estimate, or None while the tokenizer is still loading.
    pub fn tokens(&self) -> Option<usize> {
        if let Some(n) = self.tokens.get() {
            return Some(*n);
        }
        let input = match &self.example.input {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let n = crate::prompt::estimate_tokens_if_ready(&input)?
            + crate::prompt::estimate_tokens(&self.example.output_text());
        Some(*self.tokens.get_or_init(|| n))
    }
}

#[derive(Debug, Clone, Default)]
pub struct ExamplePicker {
    pub items: Vec<ExampleItem>,
    pub cursor: usize,
    /// Indexes into `items`, in the order they will be sent.
    pub picked: Vec<usize>,
}

impl ExamplePicker {
    pub fn new(items: Vec<ExampleItem>) -> Self {
        ExamplePicker {
            items,
            ..Default::default()
        }
    }

    /// 1-based position in the send order, if picked.
    pub fn position(&self, index: usize) -> Option<usize> {
        self.picked.iter().position(|&i| i == index).map(|p| p + 1)
    }

    pub fn toggle(&mut self) {
        if self.items.is_empty() {
            return;
        }
        match self.picked.iter().position(|&i| i == self.cursor) {
            Some(p) => {
                self.picked.remove(p);
            }
            None => self.picked.push(self.cursor),
        }
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self) {
        if self.cursor + 1 < self.items.len() {
            self.cursor += 1;
        }
    }

    /// Moves the example under the cursor earlier (`-1`) or later (`+1`)
    /// in the send order.
    pub fn reorder(&mut self, delta: isize) {
        let Some(p) = self.picked.iter().position(|&i| i == self.cursor) else {
            return;
        };
        let q = p as isize + delta;
        if q >= 0 && (q as usize) < self.picked.len() {
            self.picked.swap(p, q as usize);
        }
    }

    /// The picked examples in send order.
    pub fn selected(&self) -> Vec<Example> {
        self.picked
            .iter()
            .filter_map(|&i| self.items.get(i))
            .map(|it| it.example.clone())
            .collect()
    }

    /// Sum of the picked examples' estimates (None while loading).
    pub fn picked_tokens(&self) -> Option<usize> {
        self.picked
            .iter()
            .filter_map(|&i| self.items.get(i))
            .map(|it| it.tokens())
            .sum()
    }

    pub fn current(&self) -> Option<&ExampleItem> {
        self.items.get(self.cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(name: &str) -> ExampleItem {
        let it = ExampleItem::new(
            "f".into(),
            Example {
                name: name.into(),
                input: json!("q"),
                output: json!("a"),
            },
        );
        let _ = it.tokens.set(2);
        it
    }

    #[test]
    fn picks_in_order_and_reorders() {
        let mut p = ExamplePicker::new(vec![item("a"), item("b"), item("c")]);
        p.cursor = 2;
        p.toggle();
        p.cursor = 0;
        p.toggle();
        let names: Vec<_> = p.selected().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["c", "a"]);
        p.reorder(-1);
        let names: Vec<_> = p.selected().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["a", "c"]);
        assert_eq!(p.position(2), Some(2));
        p.toggle();
        assert_eq!(p.picked, vec![2]);
        assert_eq!(p.picked_tokens(), Some(2));
    }
}

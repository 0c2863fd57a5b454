//! The model picker: the models of `pwb.toml` with checkboxes, and the
//! temperature / max tokens of each editable in place.

use crate::provider::{Endpoint, GenParams};
use crate::run::ModelChoice;

#[derive(Debug, Clone)]
pub struct ModelRow {
    pub id: String,
    pub label: Option<String>,
    pub endpoint: Endpoint,
    pub checked: bool,
    /// From the model's entry in pwb.toml, then edited here.
    pub params: GenParams,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Temperature,
    MaxTokens,
}

#[derive(Debug, Clone)]
pub struct FieldEdit {
    pub field: Field,
    pub buffer: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ModelPicker {
    pub rows: Vec<ModelRow>,
    pub cursor: usize,
    pub edit: Option<FieldEdit>,
}

impl ModelPicker {
    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }
    pub fn down(&mut self) {
        if self.cursor + 1 < self.rows.len() {
            self.cursor += 1;
        }
    }
    pub fn toggle(&mut self) {
        if let Some(r) = self.rows.get_mut(self.cursor) {
            r.checked = !r.checked;
        }
    }

    /// Starts editing a field of the row under the cursor, pre-filled with
    /// its effective value.
    pub fn begin_edit(&mut self, field: Field, effective: &GenParams) {
        let buffer = match field {
            Field::Temperature => effective.temperature.map(|t| t.to_string()),
            Field::MaxTokens => effective.max_tokens.map(|t| t.to_string()),
        }
        .unwrap_or_default();
        self.edit = Some(FieldEdit {
            field,
            buffer,
            error: None,
        });
    }

    /// Applies the edit; an invalid value keeps the edit open with a reason.
    /// An empty value clears the override.
    pub fn commit_edit(&mut self) {
        let Some(edit) = self.edit.as_mut() else {
            return;
        };
        let Some(row) = self.rows.get_mut(self.cursor) else {
            self.edit = None;
            return;
        };
        let text = edit.buffer.trim();
        match edit.field {
            Field::Temperature => match text.parse::<f64>() {
                _ if text.is_empty() => row.params.temperature = None,
                Ok(t) if (0.0..=2.0).contains(&t) => row.params.temperature = Some(t),
                _ => {
                    edit.error = Some("temperature is a number from 0 to 2".into());
                    return;
                }
            },
            Field::MaxTokens => match text.parse::<u32>() {
                _ if text.is_empty() => row.params.max_tokens = None,
                Ok(n) if n > 0 => row.params.max_tokens = Some(n),
                _ => {
                    edit.error = Some("max tokens is a whole number above 0".into());
                    return;
                }
            },
        }
        self.edit = None;
    }

    /// Checked models with parameters layered over `base` (defaults and
    /// the prompt's config).
    pub fn choices(&self, base: &GenParams) -> Vec<ModelChoice> {
        self.rows
            .iter()
            .filter(|r| r.checked)
            .map(|r| ModelChoice {
                endpoint: r.endpoint.clone(),
                params: base.overlay(&r.params),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> ModelRow {
        ModelRow {
            id: id.into(),
            label: None,
            endpoint: Endpoint {
                id: id.into(),
                ..Default::default()
            },
            checked: true,
            params: GenParams::default(),
        }
    }

    #[test]
    fn edits_validate_and_layer_over_base() {
        let mut p = ModelPicker {
            rows: vec![row("openai:a"), row("openai:b")],
            ..Default::default()
        };
        let base = GenParams {
            temperature: Some(0.7),
            max_tokens: Some(100),
            ..Default::default()
        };
        p.begin_edit(Field::Temperature, &base);
        assert_eq!(p.edit.as_ref().unwrap().buffer, "0.7");
        p.edit.as_mut().unwrap().buffer = "9".into();
        p.commit_edit();
        assert!(
            p.edit.as_ref().unwrap().error.is_some(),
            "out of range is refused"
        );
        p.edit.as_mut().unwrap().buffer = "0.1".into();
        p.commit_edit();
        assert!(p.edit.is_none());
        p.cursor = 1;
        p.toggle();
        let c = p.choices(&base);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].params.temperature, Some(0.1));
        assert_eq!(c[0].params.max_tokens, Some(100));
    }
}

//! The model picker: the models of `pwb.toml` with checkboxes, the
//! temperature / max tokens of each editable in place, a temperature sweep
//! per model, and the repeat count (samples per model) of the next run.

use crate::provider::ranges;
use crate::run::variants::{MAX_REPEAT, fmt_sweep, parse_sweep};
use crate::session::{ModelOption, ModelPick};
use crate::types::GenParams;

#[derive(Debug, Clone)]
pub struct ModelRow {
    /// The model as pwb.toml lists it (label, endpoint, its parameters).
    pub model: ModelOption,
    pub checked: bool,
    /// Edits made here, over the model's own parameters.
    pub overrides: GenParams,
    /// Temperatures to run this model at (empty: its own temperature).
    pub sweep: Vec<f64>,
}

impl ModelRow {
    pub fn new(model: ModelOption) -> ModelRow {
        ModelRow {
            checked: model.selected,
            model,
            overrides: GenParams::default(),
            sweep: Vec::new(),
        }
    }

    /// What the row shows: the label, else the id.
    pub fn name(&self) -> &str {
        &self.model.name
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Temperature,
    MaxTokens,
    /// The temperatures of a sweep, comma-separated.
    Sweep,
}

#[derive(Debug, Clone)]
pub struct FieldEdit {
    pub field: Field,
    pub buffer: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ModelPicker {
    pub rows: Vec<ModelRow>,
    pub cursor: usize,
    pub edit: Option<FieldEdit>,
    /// Samples per model (and sweep temperature) of the next run.
    pub repeats: u32,
}

impl Default for ModelPicker {
    fn default() -> Self {
        ModelPicker {
            rows: Vec::new(),
            cursor: 0,
            edit: None,
            repeats: 1,
        }
    }
}

impl ModelPicker {
    /// Changes the repeat count by `delta`, kept within 1..=`MAX_REPEAT`.
    pub fn add_repeats(&mut self, delta: i32) {
        let k = (self.repeats as i64 + delta as i64).clamp(1, MAX_REPEAT as i64);
        self.repeats = k as u32;
    }

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
            Field::Sweep => self.rows.get(self.cursor).map(|r| fmt_sweep(&r.sweep)),
        }
        .unwrap_or_default();
        self.edit = Some(FieldEdit {
            field,
            buffer,
            error: None,
        });
    }

    /// Applies the edit; an invalid value (or a temperature the row's
    /// provider refuses) keeps the edit open with a reason, which the
    /// Models pane and the status bar show. An empty value clears the
    /// override.
    pub fn commit_edit(&mut self) {
        let Some(edit) = self.edit.as_mut() else {
            return;
        };
        let Some(row) = self.rows.get_mut(self.cursor) else {
            self.edit = None;
            return;
        };
        let text = edit.buffer.trim();
        let provider = row.model.id().provider().name();
        // A temperature this model's provider refuses, said as it would.
        let refused = |temps: &[f64]| {
            temps.iter().find_map(|t| {
                let probe = GenParams {
                    temperature: Some(*t),
                    ..GenParams::default()
                };
                ranges::check(provider, &probe)
                    .first()
                    .map(|p| p.to_string())
            })
        };
        match edit.field {
            Field::Temperature if text.is_empty() => row.overrides.temperature = None,
            Field::Temperature => {
                let t = text.parse::<f64>().ok().filter(|t| (0.0..=2.0).contains(t));
                let error = match t {
                    None => Some("temperature is a number from 0 to 2".to_string()),
                    Some(t) => refused(&[t]),
                };
                if error.is_some() {
                    edit.error = error;
                    return;
                }
                row.overrides.temperature = t;
            }
            Field::MaxTokens => match text.parse::<u32>() {
                _ if text.is_empty() => row.overrides.max_tokens = None,
                Ok(n) if n > 0 => row.overrides.max_tokens = Some(n),
                _ => {
                    edit.error = Some("max tokens is a whole number above 0".into());
                    return;
                }
            },
            Field::Sweep => {
                let temps = parse_sweep(text);
                let error = match &temps {
                    Ok(temps) => refused(temps),
                    Err(e) => Some(e.clone()),
                };
                match temps {
                    Ok(temps) if error.is_none() => row.sweep = temps,
                    _ => {
                        edit.error = error;
                        return;
                    }
                }
            }
        }
        self.edit = None;
    }

    /// The checked models with their edits and sweeps.
    pub fn picks(&self) -> Vec<ModelPick> {
        self.rows
            .iter()
            .filter(|r| r.checked)
            .map(|r| ModelPick {
                model: r.model.clone(),
                overrides: r.overrides.clone(),
                sweep: r.sweep.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> ModelRow {
        let mut r = ModelRow::new(ModelOption::ad_hoc(
            crate::types::ModelId::parse(id).unwrap(),
        ));
        r.checked = true;
        r
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
        let c = p.picks();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].overrides.temperature, Some(0.1));
        assert_eq!(c[0].overrides.max_tokens, None);
    }

    #[test]
    fn repeats_stay_within_one_and_the_cap() {
        let mut p = ModelPicker::default();
        assert_eq!(p.repeats, 1);
        p.add_repeats(-1);
        assert_eq!(p.repeats, 1);
        p.add_repeats(2);
        assert_eq!(p.repeats, 3);
        p.add_repeats(100);
        assert_eq!(p.repeats, MAX_REPEAT);
    }

    #[test]
    fn a_sweep_is_validated_and_an_empty_one_ends_it() {
        let mut p = ModelPicker {
            rows: vec![row("openai:a")],
            ..Default::default()
        };
        p.begin_edit(Field::Sweep, &GenParams::default());
        p.edit.as_mut().unwrap().buffer = "0,abc".into();
        p.commit_edit();
        assert_eq!(
            p.edit.as_ref().unwrap().error.as_deref(),
            Some("'abc' is not a number (expected e.g. 0,0.7,1.2)")
        );
        p.edit.as_mut().unwrap().buffer = "0, 1.2".into();
        p.commit_edit();
        assert!(p.edit.is_none());
        assert_eq!(p.rows[0].sweep, vec![0.0, 1.2]);
        assert_eq!(p.picks()[0].sweep, vec![0.0, 1.2]);
        p.begin_edit(Field::Sweep, &GenParams::default());
        assert_eq!(p.edit.as_ref().unwrap().buffer, "0,1.2", "pre-filled");
        p.edit.as_mut().unwrap().buffer.clear();
        p.commit_edit();
        assert!(p.rows[0].sweep.is_empty());
    }

    #[test]
    fn a_temperature_the_rows_provider_refuses_keeps_the_edit_open() {
        let mut p = ModelPicker {
            rows: vec![row("anthropic:claude"), row("openai:a")],
            ..Default::default()
        };
        let why = "temperature 1.5 is outside 0..1, the range anthropic accepts";
        for field in [Field::Temperature, Field::Sweep] {
            p.begin_edit(field, &GenParams::default());
            p.edit.as_mut().unwrap().buffer = "1.5".into();
            p.commit_edit();
            assert_eq!(p.edit.as_ref().unwrap().error.as_deref(), Some(why));
        }
        assert_eq!(p.rows[0].overrides.temperature, None);
        assert!(p.rows[0].sweep.is_empty());
        p.edit = None;
        p.cursor = 1;
        p.begin_edit(Field::Temperature, &GenParams::default());
        p.edit.as_mut().unwrap().buffer = "1.5".into();
        p.commit_edit();
        assert!(p.edit.is_none(), "openai takes 1.5");
        assert_eq!(p.rows[1].overrides.temperature, Some(1.5));
    }
}

//! One test case as written (`raw_case`: its keys checked, what pwb does
//! not run refused), then merged with `defaultTest` as promptfoo merges it
//! and expanded into one case per var combination (`merged`).

use super::testfile::TestCase;
use super::testfile_parse::{CaseParser, with};
use super::testfile_vars::{expand, prepare};
use super::yaml_locate::Seg;
use serde_json::{Map, Value};

const CASE_KEYS: &[&str] = &[
    "description",
    "vars",
    "assert",
    "options",
    "threshold",
    "metadata",
];
/// promptfoo case keys that change what runs, which pwb does not do.
const CASE_UNSUPPORTED: &[(&str, &str)] = &[
    (
        "provider",
        "a case-level provider replaces the model under test in promptfoo",
    ),
    ("providerOutput", "pwb always calls the models"),
    ("prompts", "pwb runs every case with every prompt"),
    ("providers", "pwb runs every case with every model"),
    (
        "assertScoringFunction",
        "pwb scores cases as promptfoo does by default",
    ),
];
/// `options` keys that change the prompt or the answer.
const OPTIONS_UNSUPPORTED: &[(&str, &str)] = &[
    ("prefix", "it changes the prompt"),
    ("suffix", "it changes the prompt"),
    ("transform", "it changes the answer graded"),
    ("postprocess", "it changes the answer graded"),
    ("transformVars", "it changes the vars"),
    ("storeOutputAs", "cases do not feed each other in pwb"),
    ("repeat", "repeats are per run: pwb eval --repeat K"),
];

impl CaseParser<'_> {
    /// A case's own keys, without `defaultTest` and before var expansion.
    pub(super) fn raw_case(&mut self, item: &Value, at: &[Seg]) -> Option<TestCase> {
        let Value::Object(obj) = item else {
            self.error(
                at,
                "a test case must be a map",
                "e.g. - description: refund request\n  vars: {ticket: \"...\"}",
            );
            return None;
        };
        let mut known = CASE_KEYS.to_vec();
        known.extend(CASE_UNSUPPORTED.iter().map(|(k, _)| *k));
        self.unknown_keys(obj, at, &known, "a test case");
        for (key, why) in CASE_UNSUPPORTED {
            if obj.contains_key(*key) {
                let message = format!("`{key}` in a test case is not supported by pwb: {why}");
                self.error(
                    &with(at, *key),
                    message,
                    "remove it, or run this suite with promptfoo",
                );
            }
        }
        let mut case = TestCase {
            origin: self.origin.clone(),
            ..TestCase::default()
        };
        match obj.get("description") {
            Some(Value::String(s)) => case.description = Some(s.clone()),
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "description"),
                "`description` must be text",
                "quote it",
            ),
        }
        match obj.get("vars") {
            Some(Value::Object(vars)) => case.vars = vars.clone(),
            Some(Value::Null) | None => {}
            Some(files @ (Value::String(_) | Value::Array(_))) => {
                case.vars = self.var_files(files, &with(at, "vars"));
            }
            Some(_) => self.error(
                &with(at, "vars"),
                "`vars` must be a map of variable names to values",
                "e.g. vars: {ticket: \"My order is late\"}",
            ),
        }
        match obj.get("assert") {
            Some(Value::Array(list)) => {
                for (i, a) in list.iter().enumerate() {
                    if let Some(spec) = self.assertion(a, &with(&with(at, "assert"), i), true) {
                        case.asserts.push(spec);
                    }
                }
            }
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "assert"),
                "`assert` must be a list",
                "e.g. assert:\n  - type: contains\n    value: refund",
            ),
        }
        match obj.get("options") {
            Some(Value::Object(options)) => {
                for (key, why) in OPTIONS_UNSUPPORTED
                    .iter()
                    .filter(|(k, _)| options.contains_key(*k))
                {
                    let message = format!("`options.{key}` is not supported by pwb: {why}");
                    self.error(
                        &with(&with(at, "options"), *key),
                        message,
                        "remove it, or run this suite with promptfoo",
                    );
                }
                case.options = Some(Value::Object(options.clone()));
            }
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "options"),
                "`options` must be a map",
                "e.g. options: {provider: ...}",
            ),
        }
        match obj.get("threshold") {
            Some(Value::Number(n)) => case.threshold = n.as_f64(),
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "threshold"),
                "`threshold` must be a number",
                "e.g. threshold: 0.8",
            ),
        }
        match obj.get("metadata") {
            Some(m @ Value::Object(_)) => case.metadata = Some(m.clone()),
            Some(Value::Null) | None => {}
            Some(_) => self.error(
                &with(at, "metadata"),
                "`metadata` must be a map",
                "e.g. metadata: {topic: billing}",
            ),
        }
        Some(case)
    }

    /// `case` with `defaults` merged in as promptfoo merges them, its vars
    /// expanded (one case per combination) and prepared.
    pub(super) fn merged(
        &mut self,
        case: TestCase,
        defaults: &TestCase,
        at: &[Seg],
    ) -> Vec<TestCase> {
        let own_options = case.options.as_ref().and_then(Value::as_object);
        let flag =
            |k: &str| own_options.and_then(|o| o.get(k)).and_then(Value::as_bool) == Some(true);
        let (no_defaults, no_expansion) =
            (flag("disableDefaultAsserts"), flag("disableVarExpansion"));
        let mut vars = defaults.vars.clone();
        vars.extend(case.vars.clone());
        let mut asserts = if no_defaults {
            Vec::new()
        } else {
            defaults.asserts.clone()
        };
        asserts.extend(case.asserts.iter().cloned());
        let merged = TestCase {
            vars: Map::new(),
            asserts,
            threshold: case.threshold.or(defaults.threshold),
            options: merge_maps(&defaults.options, &case.options),
            metadata: merge_maps(&defaults.metadata, &case.metadata),
            ..case
        };
        let combos = if no_expansion {
            Ok(vec![vars])
        } else {
            expand(&vars, &self.base, &mut self.cache)
        };
        match combos {
            Ok(combos) => combos
                .into_iter()
                .map(|mut vars| {
                    prepare(&mut vars);
                    TestCase {
                        vars,
                        ..merged.clone()
                    }
                })
                .collect(),
            Err((var, message)) => {
                let hint = format!(
                    "`file://` vars are read relative to {}",
                    self.base.display()
                );
                let place = with(&with(at, "vars"), var.as_str());
                self.error(&place, format!("var `{var}`: {message}"), hint);
                Vec::new()
            }
        }
    }
}

/// `{...a, ...b}` for two optional maps (b's keys win).
fn merge_maps(a: &Option<Value>, b: &Option<Value>) -> Option<Value> {
    match (
        a.as_ref().and_then(Value::as_object),
        b.as_ref().and_then(Value::as_object),
    ) {
        (None, None) => None,
        (a, b) => {
            let mut m = a.cloned().unwrap_or_default();
            m.extend(b.cloned().unwrap_or_default());
            Some(Value::Object(m))
        }
    }
}

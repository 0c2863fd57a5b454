//! From a debugging session to a test: `A` in Outputs appends the current
//! variables as a new case of the prompt's suite (its `tests/` file, else
//! `tests/NAME.yaml`), with the check typed on one line: `equals` (this
//! answer), `contains TEXT`, `regex RE`, `is-json` (with the prompt's
//! output schema), `rubric TEXT` (llm-rubric) or `none`. The file is
//! appended by the event loop (`workspace::append_case`: the rest of the
//! file kept byte for byte, re-checked as `pwb check` reads it).

use super::{App, Effect, Level, RenderState};
use crate::workspace::append_case::{NewCase, append_case};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The check a typed line asks for, given the focused answer and the
/// prompt's output schema.
pub fn check_of(
    typed: &str,
    answer: &str,
    schema: Option<&Value>,
) -> Result<Option<Value>, String> {
    let typed = typed.trim();
    let (word, rest) = typed.split_once(char::is_whitespace).unwrap_or((typed, ""));
    let rest = rest.trim();
    let need = |what: &str| -> Result<(), String> {
        if rest.is_empty() {
            Err(format!("`{word}` needs {what} after it"))
        } else {
            Ok(())
        }
    };
    Ok(Some(match word {
        "equals" => json!({"type": "equals", "value": answer}),
        "contains" => {
            need("the text")?;
            json!({"type": "contains", "value": rest})
        }
        "regex" => {
            need("a regular expression")?;
            crate::workspace::compile_regex(rest).map_err(|e| format!("regex: {e}"))?;
            json!({"type": "regex", "value": rest})
        }
        "is-json" => match schema {
            Some(s) => json!({"type": "is-json", "value": s}),
            None => json!({"type": "is-json"}),
        },
        "rubric" | "llm-rubric" => {
            need("the rubric")?;
            json!({"type": "llm-rubric", "value": rest})
        }
        "none" => return Ok(None),
        _ => {
            return Err(
                "type equals, contains TEXT, regex RE, is-json, rubric TEXT or none".into(),
            );
        }
    }))
}

/// Appends `case` to the suite file at `path` (made when missing). Run
/// by the event loop; `Ok` holds the file's warnings.
pub fn add_case(path: &Path, case: &NewCase) -> Result<Vec<String>, String> {
    if !path.exists() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        crate::workspace::save_atomic(path, "").map_err(|e| e.to_string())?;
    }
    append_case(path, case).map(|diags| diags.iter().map(|d| d.to_string()).collect())
}

impl App {
    /// The suite file of the open prompt: the test file that targets it,
    /// else `tests/NAME.yaml`.
    fn suite_file(&self) -> PathBuf {
        let name = self.prompt_name();
        self.session
            .ws
            .tests
            .iter()
            .find(|t| t.target_prompt() == name)
            .map(|t| t.path.clone())
            .unwrap_or_else(|| {
                self.session
                    .ws
                    .root
                    .join("tests")
                    .join(format!("{name}.yaml"))
            })
    }

    /// The one-line answer to `A`: the check, then the case is appended.
    pub(super) fn finish_add_case(&mut self, col: usize, typed: &str, effects: &mut Vec<Effect>) {
        let answer = self
            .outputs
            .columns()
            .get(col)
            .map(|c| c.text.clone())
            .unwrap_or_default();
        let (schema, input) = match &self.rendered {
            RenderState::Ok(r) => (r.output_json_schema(), r.input.clone()),
            RenderState::Err(_) => {
                return self.set_status(Level::Warning, "not added: the prompt does not render");
            }
        };
        if typed.trim() == "equals" && answer.is_empty() {
            return self.set_status(
                Level::Warning,
                "not added: the focused column has no answer",
            );
        }
        let check = match check_of(typed, &answer, schema.as_ref()) {
            Ok(c) => c,
            Err(why) => return self.set_status(Level::Warning, format!("not added: {why}")),
        };
        let mut vars = self.current.vars.to_input(input.as_ref());
        // A conversation's turns before the checked answer.
        if let Some(turns) = self.conversation_var(col) {
            vars.insert(crate::session::conversation::HISTORY_VAR.to_string(), turns);
        }
        let case = NewCase {
            description: None,
            vars,
            asserts: check.into_iter().collect(),
        };
        effects.push(Effect::AddCase {
            path: self.suite_file(),
            case,
        });
    }

    /// The loop appended the case (or could not).
    pub(super) fn on_case_added(&mut self, path: PathBuf, result: Result<Vec<String>, String>) {
        let shown = path
            .strip_prefix(&self.session.ws.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        match result {
            Ok(warnings) if warnings.is_empty() => self.set_status(
                Level::Info,
                format!("added a case to {shown}; pwb check: ok"),
            ),
            Ok(warnings) => self.set_status(
                Level::Warning,
                format!("added a case to {shown}; pwb check: {}", warnings[0]),
            ),
            Err(why) => self.set_status(Level::Error, format!("not added to {shown}: {why}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_line_is_the_check() {
        let schema = json!({"type": "object"});
        assert_eq!(
            check_of("equals", "Hi Ada", None).unwrap(),
            Some(json!({"type": "equals", "value": "Hi Ada"}))
        );
        assert_eq!(
            check_of(" contains  refund ", "", None).unwrap(),
            Some(json!({"type": "contains", "value": "refund"}))
        );
        assert_eq!(
            check_of("is-json", "", Some(&schema)).unwrap(),
            Some(json!({"type": "is-json", "value": schema}))
        );
        assert_eq!(
            check_of("rubric is polite", "", None).unwrap(),
            Some(json!({"type": "llm-rubric", "value": "is polite"}))
        );
        assert_eq!(check_of("none", "", None).unwrap(), None);
        assert!(
            check_of("regex (?i)x", "", None)
                .unwrap_err()
                .contains("inline flags")
        );
        assert!(
            check_of("contains", "", None)
                .unwrap_err()
                .contains("needs the text")
        );
        assert!(
            check_of("maybe", "", None)
                .unwrap_err()
                .starts_with("type equals")
        );
    }
}

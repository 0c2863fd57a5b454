//! `A` in Outputs: the short menu of checks a case made from the focused
//! answer gets (several may be ticked), then the text of each ticked check
//! that needs one, asked on a one-line input and held to the answer.

use crate::eval::assert::value::render_str;
use serde_json::{Map, Value, json};

/// One choice of the menu, in the order it is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    Equals,
    Contains,
    Regex,
    IsJson,
    Rubric,
    Nothing,
}

pub const KINDS: [CheckKind; 6] = [
    CheckKind::Equals,
    CheckKind::Contains,
    CheckKind::Regex,
    CheckKind::IsJson,
    CheckKind::Rubric,
    CheckKind::Nothing,
];

impl CheckKind {
    /// The letter that ticks it: its first.
    pub fn key(self) -> char {
        match self {
            CheckKind::Equals => 'e',
            CheckKind::Contains => 'c',
            CheckKind::Regex => 'r',
            CheckKind::IsJson => 'i',
            CheckKind::Rubric => 'l',
            CheckKind::Nothing => 'n',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Equals => "equals this answer",
            CheckKind::Contains => "contains… (text in the answer)",
            CheckKind::Regex => "regex… (ECMAScript, matching the answer)",
            CheckKind::IsJson => "is-json with the prompt's output schema",
            CheckKind::Rubric => "llm-rubric… (a typed rubric)",
            CheckKind::Nothing => "no assertion (the case alone)",
        }
    }

    /// What the one-line input asks for it.
    pub fn ask(self) -> &'static str {
        match self {
            CheckKind::Contains => "contains (↑↓ a line of the answer): ",
            CheckKind::Regex => "regex (ECMAScript, matching the answer): ",
            _ => "llm-rubric (what a good answer does): ",
        }
    }

    pub fn needs_text(self) -> bool {
        matches!(
            self,
            CheckKind::Contains | CheckKind::Regex | CheckKind::Rubric
        )
    }
}

/// The text being typed for one ticked check.
#[derive(Debug, Clone, PartialEq)]
pub struct Asking {
    pub kind: CheckKind,
    pub buffer: String,
    /// Why the last Enter did not take the text.
    pub error: Option<String>,
    /// For `contains`: which line of the answer ↑/↓ last put in.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CaseMenu {
    /// The output column whose answer the case is made from.
    pub col: usize,
    pub answer: String,
    pub schema: Option<Value>,
    /// The case's variables (what `pwb eval` fills `{{ }}` in values with).
    pub vars: Map<String, Value>,
    /// The suite file, as shown (relative to the workspace).
    pub suite: String,
    pub cursor: usize,
    pub ticked: [bool; 6],
    /// Why the last key did nothing (a greyed choice, nothing ticked).
    pub note: Option<String>,
    /// Once Enter went on: the checks picked, in menu order.
    pub picked: Vec<CheckKind>,
    /// The assertions made so far from `picked[..next]`.
    pub asserts: Vec<Value>,
    pub next: usize,
    pub asking: Option<Asking>,
}

impl CaseMenu {
    /// The menu for column `col`'s (answer, output schema).
    pub fn new(
        col: usize,
        (answer, schema): (String, Option<Value>),
        vars: Map<String, Value>,
        suite: String,
    ) -> Self {
        let mut m = CaseMenu {
            col,
            answer,
            schema,
            vars,
            suite,
            cursor: 0,
            ticked: [false; 6],
            note: None,
            picked: Vec::new(),
            asserts: Vec::new(),
            next: 0,
            asking: None,
        };
        // Start on the first choice that can be taken.
        m.cursor = (0..KINDS.len())
            .find(|&i| m.why_off(KINDS[i]).is_none())
            .unwrap_or(0);
        m
    }

    /// Why `kind` cannot be picked here, if it cannot.
    pub fn why_off(&self, kind: CheckKind) -> Option<&'static str> {
        match kind {
            CheckKind::IsJson if self.schema.is_none() => Some("the prompt has no output.schema"),
            CheckKind::IsJson if !self.answer.is_empty() => self
                .schema
                .as_ref()
                .and_then(|s| json_fails(&self.answer, s)),
            CheckKind::Equals | CheckKind::Contains | CheckKind::Regex | CheckKind::IsJson
                if self.answer.is_empty() =>
            {
                Some("the focused column has no answer yet (run the prompt first)")
            }
            CheckKind::Equals if render_str(&self.answer, &self.vars) != self.answer => {
                Some("the answer holds {{ }}, which pwb eval would fill in from the vars")
            }
            _ => None,
        }
    }

    pub fn step(&mut self, by: isize) {
        let last = KINDS.len() as isize - 1;
        self.cursor = (self.cursor as isize + by).clamp(0, last) as usize;
        self.note = None;
    }

    /// Space on the cursor, or a choice's letter: ticks or unticks it.
    /// "No assertion" and the checks exclude each other.
    pub fn toggle(&mut self, i: usize) {
        self.cursor = i;
        if let Some(why) = self.why_off(KINDS[i]) {
            self.note = Some(format!("{}: {why}", KINDS[i].label()));
            return;
        }
        self.note = None;
        self.ticked[i] = !self.ticked[i];
        if self.ticked[i] {
            let nothing = KINDS.len() - 1;
            if i == nothing {
                self.ticked = [false; 6];
                self.ticked[nothing] = true;
            } else {
                self.ticked[nothing] = false;
            }
        }
    }

    /// Enter in the menu: the ticked choices, else the one under the
    /// cursor; then the first text to ask. `Some` holds the assertions
    /// when no text is needed; `None` with `note` set: nothing to go on.
    pub fn go_on(&mut self) -> Option<Vec<Value>> {
        let mut picked: Vec<CheckKind> = (0..KINDS.len())
            .filter(|&i| self.ticked[i])
            .map(|i| KINDS[i])
            .collect();
        if picked.is_empty() {
            let kind = KINDS[self.cursor];
            if let Some(why) = self.why_off(kind) {
                self.note = Some(format!("{}: {why}", kind.label()));
                return None;
            }
            picked.push(kind);
        }
        self.picked = picked;
        self.advance()
    }

    /// Enter on the one-line input: the text checked against the answer;
    /// a text that fails stays with the reason.
    pub fn take_text(&mut self) -> Option<Vec<Value>> {
        let ask = self.asking.as_mut()?;
        match check_text(ask.kind, &ask.buffer, (&self.answer, &self.vars)) {
            Ok(v) => {
                self.asserts.push(v);
                self.next += 1;
                self.asking = None;
                self.advance()
            }
            Err(why) => {
                ask.error = Some(why);
                None
            }
        }
    }

    /// Makes the picked checks that need no text, up to the next that
    /// does (asked with its prefill); `Some` when all are made.
    fn advance(&mut self) -> Option<Vec<Value>> {
        while let Some(&kind) = self.picked.get(self.next) {
            match kind {
                CheckKind::Equals => self
                    .asserts
                    .push(json!({"type": "equals", "value": self.answer})),
                CheckKind::IsJson => {
                    let schema = self.schema.clone().unwrap_or(Value::Null);
                    self.asserts
                        .push(json!({"type": "is-json", "value": schema}));
                }
                CheckKind::Nothing => {}
                _ => {
                    let buffer = match kind {
                        CheckKind::Contains => first_line(&self.answer).to_string(),
                        _ => String::new(),
                    };
                    self.asking = Some(Asking {
                        kind,
                        buffer,
                        error: None,
                        line: 0,
                    });
                    return None;
                }
            }
            self.next += 1;
        }
        Some(std::mem::take(&mut self.asserts))
    }

    /// ↑/↓ on the `contains` input: the previous or next line of the
    /// answer in place of the text (then edited as typed).
    pub fn step_line(&mut self, by: isize) {
        let lines: Vec<&str> = text_lines(&self.answer).collect();
        let Some(ask) = self
            .asking
            .as_mut()
            .filter(|a| a.kind == CheckKind::Contains)
        else {
            return;
        };
        if lines.is_empty() {
            return;
        }
        let last = lines.len() as isize - 1;
        ask.line = (ask.line as isize + by).clamp(0, last) as usize;
        ask.buffer = lines[ask.line].to_string();
        ask.error = None;
    }

    /// Where the input stands: (this text's number, how many texts).
    pub fn text_progress(&self) -> (usize, usize) {
        let texts = |ks: &[CheckKind]| ks.iter().filter(|k| k.needs_text()).count();
        let upto = (self.next + 1).min(self.picked.len());
        (texts(&self.picked[..upto]), texts(&self.picked))
    }
}

/// Why `answer` fails is-json with `schema` (as `pwb eval` compiles it:
/// draft 7, formats checked), if it does.
fn json_fails(answer: &str, schema: &Value) -> Option<&'static str> {
    let Ok(parsed) = serde_json::from_str::<Value>(answer) else {
        return Some("the answer is not JSON");
    };
    let validator = jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(schema);
    match validator {
        Ok(v) if v.is_valid(&parsed) => None,
        Ok(_) => Some("the answer does not fit the schema"),
        Err(_) => Some("the output schema does not compile"),
    }
}

/// The first line of the answer with text on it, trimmed.
pub fn first_line(answer: &str) -> &str {
    text_lines(answer).next().unwrap_or("")
}

/// The answer's lines with text on them, trimmed: what ↑/↓ offer for
/// `contains`.
fn text_lines(answer: &str) -> impl Iterator<Item = &str> {
    answer.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The assertion `kind` makes of `text`, if it holds for `answer`: a
/// check that fails on the answer it was made from would be a wrong test.
/// `pwb eval` fills `{{ }}` in a value from the case's vars before it
/// checks: what it would check is what is held to the answer.
pub fn check_text(
    kind: CheckKind,
    typed: &str,
    (answer, vars): (&str, &Map<String, Value>),
) -> Result<Value, String> {
    if typed.is_empty() {
        return Err("type the text first (Esc adds nothing)".into());
    }
    let filled = render_str(typed, vars);
    let text = filled.as_str();
    let value = |kind: &str| json!({"type": kind, "value": typed});
    match kind {
        CheckKind::Contains if !answer.contains(text) => {
            Err("the answer does not contain this text".into())
        }
        CheckKind::Contains => Ok(value("contains")),
        CheckKind::Regex => {
            let re = crate::workspace::compile_regex(text)
                .map_err(|e| format!("not ECMAScript: {e}"))?;
            if re.find(answer).is_none() {
                return Err("the regex does not match the answer".into());
            }
            Ok(value("regex"))
        }
        _ => Ok(json!({"type": "llm-rubric", "value": typed.trim()})),
    }
}

#[cfg(test)]
#[path = "case_menu_tests.rs"]
mod tests;

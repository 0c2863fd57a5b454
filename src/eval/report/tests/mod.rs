//! Crafted runs for the report tests: `two_prompts()` (one model, four
//! cases: passes, a plain failure, an assert-set failure, a threshold
//! failure with a grader, a provider error) and `repeats()` (two models,
//! three cases, three repeats each, flaky cases and an error).

mod exit_progress;
mod failing;
mod figures;
mod formats;
mod junit;
mod snapshots;

use crate::eval::{CaseGrade, CellResult, EvalRun, GraderAnswer, GradingResult, Verdict};
use crate::run::{CellOutcome, CellStatus};
use crate::types::{FinishReason, GenParams, Message, ModelId, Usage};
use serde_json::{Map, Value, json};
use std::time::Duration;

pub fn gr(kind: &str, pass: bool, score: f64, reason: &str, value: Value) -> GradingResult {
    GradingResult {
        kind: kind.into(),
        pass,
        score,
        reason: reason.into(),
        value: (!value.is_null()).then_some(value),
        metric: None,
        weight: 1.0,
        members: Vec::new(),
        grader: None,
        error: None,
    }
}

/// A case's grade from its results: passes when all pass (or on the
/// threshold), scored by the mean.
pub fn grade(results: Vec<GradingResult>, threshold: Option<f64>) -> CaseGrade {
    let score = results.iter().map(|r| r.score).sum::<f64>() / results.len().max(1) as f64;
    let pass = match threshold {
        Some(t) => score >= t,
        None => results.iter().all(|r| r.pass),
    };
    let reason = match threshold {
        Some(t) if !pass => format!("Aggregate score {score:.2} < threshold {t}"),
        _ if pass => "All assertions passed".into(),
        _ => results
            .iter()
            .find(|r| !r.pass)
            .map(|r| r.reason.clone())
            .unwrap_or_default(),
    };
    CaseGrade {
        pass,
        score,
        reason,
        named_scores: Map::new(),
        results,
    }
}

pub struct Cell<'a> {
    pub prompt: &'a str,
    pub model: &'a str,
    pub case: usize,
    pub description: Option<&'a str>,
    pub vars: Value,
    pub repeat: u32,
    pub repeats: u32,
    pub text: &'a str,
    pub ms: u64,
    pub tokens: (u64, u64),
    pub cost: Option<f64>,
}

impl Cell<'_> {
    /// A cell that answered and was graded.
    pub fn graded(&self, g: CaseGrade) -> CellResult {
        let verdict = if g.results.iter().any(|r| r.error.is_some()) {
            Verdict::Error
        } else if g.pass {
            Verdict::Pass
        } else {
            Verdict::Fail
        };
        let mut c = self.base(CellStatus::Done);
        c.grade = Some(g);
        c.verdict = verdict;
        c
    }

    /// A cell whose call failed.
    pub fn failed(&self, error: &str) -> CellResult {
        let mut c = self.base(CellStatus::Failed(error.into()));
        c.outcome.text.clear();
        c.outcome.usage = Usage::default();
        c.outcome.finish_reason = None;
        c.cost = None;
        c.verdict = Verdict::Error;
        c
    }

    fn base(&self, status: CellStatus) -> CellResult {
        let id = ModelId::parse(self.model).unwrap();
        let mut o = CellOutcome::new(self.model.into(), id.clone(), GenParams::default());
        o.status = status;
        o.text = self.text.into();
        o.usage = Usage {
            input_tokens: Some(self.tokens.0),
            output_tokens: Some(self.tokens.1),
            ..Default::default()
        };
        o.finish_reason = Some(FinishReason::Stop);
        o.wall_time = Some(Duration::from_millis(self.ms));
        o.total_time = Some(Duration::from_millis(self.ms));
        let vars = match &self.vars {
            Value::Object(m) => m.clone(),
            _ => Map::new(),
        };
        let ticket = vars
            .get("ticket")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        CellResult {
            prompt: self.prompt.into(),
            model: self.model.into(),
            model_id: id,
            case: self.case,
            description: self.description.map(str::to_string),
            vars,
            repeat: self.repeat,
            repeats: self.repeats,
            messages: vec![
                Message::text("system", "Route the ticket."),
                Message::text("user", ticket),
            ],
            outcome: o,
            cost: self.cost,
            grade: None,
            verdict: Verdict::Pass,
            grader_usage: Usage::default(),
            grader_cost: None,
            call_id: None,
            context: None,
        }
    }
}

fn cell<'a>(prompt: &'a str, case: usize, text: &'a str, ms: u64) -> Cell<'a> {
    let (description, ticket) = [
        (Some("refund request"), "I was charged twice for INV-4821."),
        (Some("dark mode wish"), "Please add a dark mode."),
        (
            Some("2FA lockout (German)"),
            "Ich komme nicht mehr in mein Konto.",
        ),
        (None, "Can I get a VAT receipt?"),
    ][case];
    Cell {
        prompt,
        model: "openai:gpt-4o-mini",
        case,
        description,
        vars: json!({"ticket": ticket, "channel": "email"}),
        repeat: 0,
        repeats: 1,
        text,
        ms,
        tokens: (120, 30),
        cost: Some(0.000036),
    }
}

/// Two prompts on one model over four cases.
pub fn two_prompts() -> EvalRun {
    let refund = || {
        vec![
            gr("contains", true, 1.0, "", json!("refund")),
            gr("not-icontains", true, 1.0, "", json!("sorry")),
        ]
    };
    let mut set = gr(
        "assert-set",
        false,
        0.5,
        "1 of 2 assertions failed",
        Value::Null,
    );
    set.members = vec![
        gr(
            "regex",
            false,
            0.0,
            "Expected output to match regex \"^account\"",
            json!("^account"),
        ),
        gr("is-json", true, 1.0, "", Value::Null),
    ];
    let mut rubric = gr(
        "llm-rubric",
        false,
        0.0,
        "The reply asks for a password, which the rubric forbids.",
        json!("never asks for a password"),
    );
    rubric.grader = Some(GraderAnswer {
        model: "openai:gpt-4o".into(),
        request: vec![Message::text("user", "Grade this output.")],
        text: r#"{"pass": false, "score": 0, "reason": "asks for a password"}"#.into(),
        usage: Usage {
            input_tokens: Some(210),
            output_tokens: Some(25),
            ..Default::default()
        },
        cost: Some(0.00078),
        steps: Vec::new(),
    });
    let mut v2_lockout = cell(
        "triage-v2",
        2,
        "{\"queue\": \"account\"}\nPlease send your password.",
        450,
    )
    .graded(grade(
        vec![gr("contains", true, 1.0, "", json!("account")), rubric],
        Some(0.8),
    ));
    v2_lockout.grader_usage = Usage {
        input_tokens: Some(210),
        output_tokens: Some(25),
        ..Default::default()
    };
    v2_lockout.grader_cost = Some(0.00078);
    let cells = vec![
        cell("triage", 0, "Queue: billing. A refund is due.", 310).graded(grade(refund(), None)),
        cell("triage", 1, "Queue: billing.", 280).graded(grade(
            vec![
                gr("contains", false, 0.0, "Expected output to contain \"feature\"", json!("feature")),
                gr("not-contains", true, 1.0, "", json!("refund")),
            ],
            None,
        )),
        cell("triage", 2, "{\"queue\": \"billing\"}", 520).graded(grade(vec![set], None)),
        cell("triage", 3, "Queue: billing. Receipt sent.", 300)
            .graded(grade(vec![gr("contains", true, 1.0, "", json!("billing"))], None)),
        cell("triage-v2", 0, "Queue: billing. Refund issued.", 290).graded(grade(refund(), None)),
        cell("triage-v2", 1, "Queue: feature request.", 330).graded(grade(
            vec![
                gr("contains", true, 1.0, "", json!("feature")),
                gr("not-contains", true, 1.0, "", json!("refund")),
            ],
            None,
        )),
        v2_lockout,
        cell("triage-v2", 3, "", 1200).failed(
            "HTTP 500 from http://127.0.0.1:9/v1/chat/completions: server overloaded\nhint: try again later",
        ),
    ];
    EvalRun {
        suite: "tests/triage.yaml".into(),
        prompts: vec!["triage".into(), "triage-v2".into()],
        models: vec!["openai:gpt-4o-mini".into()],
        cells,
        wall_time: Duration::from_millis(1830),
        interrupted: false,
        stopped_at_cost: None,
    }
}

/// One prompt on two models, three cases, three repeats: `P`ass, `F`ail
/// or `E`rror per repeat.
pub fn repeats() -> EvalRun {
    let plan = [
        ("openai:gpt-4o-mini", ["PPP", "PFP", "PPP"], Some(0.00002)),
        ("local:smollm2-135m", ["PFF", "FFF", "PPE"], Some(0.0)),
    ];
    let mut cells = Vec::new();
    for (m, (model, cases, cost)) in plan.iter().enumerate() {
        for (case, outcomes) in cases.iter().enumerate() {
            for (r, v) in outcomes.chars().enumerate() {
                let c = Cell {
                    prompt: "triage",
                    model,
                    case,
                    description: Some(["refund request", "dark mode wish", "2FA lockout"][case]),
                    vars: json!({"ticket": format!("ticket {case}")}),
                    repeat: r as u32,
                    repeats: 3,
                    text: if v == 'P' {
                        "Queue: billing"
                    } else {
                        "Queue: unknown"
                    },
                    ms: 100 * (1 + m as u64) * (1 + (case * 3 + r) as u64),
                    tokens: (50, 10),
                    cost: *cost,
                };
                let contains = |pass| {
                    let reason = if pass {
                        ""
                    } else {
                        "Expected output to contain \"billing\""
                    };
                    grade(
                        vec![gr(
                            "contains",
                            pass,
                            f64::from(u8::from(pass)),
                            reason,
                            json!("billing"),
                        )],
                        None,
                    )
                };
                cells.push(match v {
                    'P' => c.graded(contains(true)),
                    'F' => c.graded(contains(false)),
                    _ => c.failed("local model: out of memory"),
                });
            }
        }
    }
    EvalRun {
        suite: "sample-workspace/tests/triage.yaml".into(),
        prompts: vec!["triage".into()],
        models: vec!["openai:gpt-4o-mini".into(), "local:smollm2-135m".into()],
        cells,
        wall_time: Duration::from_millis(4200),
        interrupted: false,
        stopped_at_cost: None,
    }
}

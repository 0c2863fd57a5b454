//! Model-graded assertions against a scripted grader: verdicts, scores,
//! thresholds, `not-`, errors, what the grader is asked, and the tokens
//! and cost kept with each result.

use super::*;
use crate::eval::grade::GraderRequest;
use crate::provider::BoxFuture;
use crate::run::CellOutcome;
use crate::types::{GenParams, ModelId, Usage};
use serde_json::json;
use std::sync::Mutex;

/// Answers each request with the next scripted answer, and records it.
pub struct Scripted {
    answers: Mutex<Vec<Result<String, String>>>,
    vectors: Mutex<Vec<Vec<f32>>>,
    pub requests: Mutex<Vec<GraderRequest>>,
    pub embedded: Mutex<Vec<(Vec<String>, Option<Value>)>>,
}

impl Scripted {
    pub fn new(answers: &[&str]) -> Scripted {
        Scripted {
            answers: Mutex::new(answers.iter().rev().map(|a| Ok(a.to_string())).collect()),
            vectors: Mutex::new(Vec::new()),
            requests: Mutex::new(Vec::new()),
            embedded: Mutex::new(Vec::new()),
        }
    }
    fn failing(error: &str) -> Scripted {
        let s = Scripted::new(&[]);
        s.answers.lock().unwrap().push(Err(error.into()));
        s
    }
    fn with_vectors(self, vectors: Vec<Vec<f32>>) -> Scripted {
        *self.vectors.lock().unwrap() = vectors;
        self
    }
    fn asked(&self, i: usize) -> String {
        let r = self.requests.lock().unwrap();
        r[i].messages
            .iter()
            .map(|m| format!("[{}] {}", m.role, m.plain_text()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Grader for Scripted {
    fn complete(&self, request: GraderRequest) -> BoxFuture<'_, Result<GraderAnswer, String>> {
        let next = self.answers.lock().unwrap().pop();
        self.requests.lock().unwrap().push(request.clone());
        Box::pin(async move {
            let text = next.unwrap_or_else(|| Err("no more scripted answers".into()))?;
            Ok(GraderAnswer {
                model: "openai:judge".into(),
                request: request.messages,
                text,
                usage: Usage {
                    input_tokens: Some(10),
                    output_tokens: Some(5),
                    ..Default::default()
                },
                cost: Some(0.001),
                steps: Vec::new(),
            })
        })
    }
    fn embed(
        &self,
        texts: Vec<String>,
        provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Vec<Vec<f32>>, String>> {
        let n = texts.len();
        self.embedded.lock().unwrap().push((texts, provider));
        let all = self.vectors.lock().unwrap().clone();
        Box::pin(async move {
            if all.len() < n {
                return Err("embedding endpoint down".into());
            }
            Ok(all[..n].to_vec())
        })
    }
}

struct Case {
    vars: Map<String, Value>,
    messages: Vec<crate::types::Message>,
    cell: CellOutcome,
}

impl Case {
    fn new(vars: Value) -> Case {
        Case {
            vars: vars.as_object().cloned().unwrap_or_default(),
            messages: vec![crate::types::Message::text(
                "user",
                "What is the capital of France?",
            )],
            cell: CellOutcome::new(
                "m".into(),
                ModelId::parse("openai:m").unwrap(),
                GenParams::default(),
            ),
        }
    }
    fn ctx<'a>(&'a self, output: &'a str) -> AssertContext<'a> {
        AssertContext {
            output,
            vars: &self.vars,
            messages: &self.messages,
            cell: &self.cell,
            cost: None,
        }
    }
}

fn spec(kind: &str, value: Value) -> AssertSpec {
    AssertSpec {
        kind: kind.into(),
        value: Some(value),
        ..Default::default()
    }
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn llm_rubric_passes_fails_inverts_and_keeps_the_grader_call() {
    let case = Case::new(json!({"topic": "greetings"}));
    let g = Scripted::new(&[r#"{"reason": "It greets", "pass": true, "score": 0.9}"#]);
    let r = run(grade(
        &spec("llm-rubric", json!("Greets the user")),
        &case.ctx("Hello!"),
        &g,
    ));
    assert_eq!(
        (r.pass, r.score, r.reason.as_str()),
        (true, 0.9, "It greets")
    );
    assert_eq!(r.error, None);
    assert_eq!(r.kind, "llm-rubric");
    assert_eq!(r.value, Some(json!("Greets the user")));
    let asked = g.asked(0);
    assert!(
        asked.starts_with("[system] You are grading output according to a user-specified rubric.")
    );
    assert!(
        asked.ends_with("[user] <Output>\nHello!\n</Output>\n<Rubric>\nGreets the user\n</Rubric>")
    );
    assert!(
        g.requests.lock().unwrap()[0].json,
        "llm-rubric expects JSON"
    );
    let answer = r.grader.expect("the grader call is kept");
    assert_eq!(
        answer.text,
        r#"{"reason": "It greets", "pass": true, "score": 0.9}"#
    );
    assert_eq!(answer.usage.input_tokens, Some(10));

    let g = Scripted::new(&[r#"{"reason": "It greets", "pass": true, "score": 0.9}"#]);
    let r = run(grade(
        &spec("not-llm-rubric", json!("Greets")),
        &case.ctx("Hello!"),
        &g,
    ));
    assert!(!r.pass);
    assert!(
        (r.score - 0.1).abs() < 1e-12,
        "not- inverts the score: {}",
        r.score
    );

    let mut thresholded = spec("llm-rubric", json!("Greets"));
    thresholded.threshold = Some(0.95);
    let g = Scripted::new(&[r#"{"pass": true, "score": 0.9}"#]);
    let r = run(grade(&thresholded, &case.ctx("Hello!"), &g));
    assert_eq!(
        (r.pass, r.reason.as_str()),
        (false, "Score 0.9 below threshold 0.95")
    );
}

#[test]
fn a_grader_answer_that_cannot_be_read_is_an_error_not_a_failure() {
    let case = Case::new(json!({}));
    for kind in ["llm-rubric", "not-llm-rubric"] {
        let g = Scripted::new(&["I think it passes."]);
        let r = run(grade(&spec(kind, json!("Greets")), &case.ctx("Hi"), &g));
        assert!(!r.pass);
        assert_eq!(r.score, 0.0);
        assert_eq!(
            r.error.as_deref(),
            Some("Could not extract JSON from llm-rubric response"),
            "{kind}: an error stays an error under not-"
        );
        assert!(r.grader.is_some(), "the unreadable answer is kept");
    }
    let g = Scripted::failing("grader openai:judge: HTTP 500");
    let r = run(grade(
        &spec("factuality", json!("Paris")),
        &case.ctx("Paris"),
        &g,
    ));
    assert_eq!(r.error.as_deref(), Some("grader openai:judge: HTTP 500"));
    assert_eq!(r.grader, None, "no answer to keep");
    let g = Scripted::new(&["Unclear."]);
    let r = run(grade(
        &spec("model-graded-closedqa", json!("Names a colour")),
        &case.ctx("Blue"),
        &g,
    ));
    assert!(
        r.error
            .unwrap()
            .starts_with("Model grader produced a malformed response")
    );
}

#[test]
fn geval_asks_for_steps_then_a_score_and_sums_the_calls() {
    let case = Case::new(json!({}));
    let g = Scripted::new(&[
        r#"{"steps":["Check a","Check b"]}"#,
        r#"{"score":8,"reason":"Good."}"#,
    ]);
    let r = run(grade(
        &spec("g-eval", json!("Is polite")),
        &case.ctx("Hello, friend."),
        &g,
    ));
    assert_eq!((r.pass, r.score, r.reason.as_str()), (true, 0.8, "Good."));
    assert!(
        g.asked(1)
            .contains("**Evaluation Steps**\n- Check a\n- Check b\n")
    );
    assert!(
        g.asked(1)
            .contains("**Prompt**\nWhat is the capital of France?\n\n**Reply**\nHello, friend.\n")
    );
    let answer = r.grader.unwrap();
    assert_eq!(
        answer.steps.len(),
        1,
        "the steps call is kept before the score call"
    );
    assert_eq!(
        (answer.usage.input_tokens, answer.usage.output_tokens),
        (Some(20), Some(10))
    );
    assert!((answer.cost.unwrap() - 0.002).abs() < 1e-12);

    let g = Scripted::new(&[
        r#"{"steps":["a"]}"#,
        r#"{"score":9,"reason":"x"}"#,
        r#"{"steps":["b"]}"#,
        r#"{"score":5,"reason":"y"}"#,
    ]);
    let r = run(grade(
        &spec("g-eval", json!(["A", "B"])),
        &case.ctx("Hi"),
        &g,
    ));
    assert_eq!(
        (r.pass, r.score, r.reason.as_str()),
        (true, 0.7, "x\n\ny"),
        "averaged, at the 0.7 default"
    );
    let g = Scripted::new(&[r#"{"steps":["a"]}"#, r#"{"score":3,"reason":"not rude"}"#]);
    let r = run(grade(
        &spec("not-g-eval", json!("Is rude")),
        &case.ctx("Hi"),
        &g,
    ));
    assert!(r.pass);
    assert!((r.score - 0.7).abs() < 1e-12);
}

#[test]
fn factuality_uses_the_case_options_and_ignores_not_as_promptfoo_does() {
    let case = Case::new(json!({}));
    let options = json!({"factuality": {"subset": 0.25}});
    let g = Scripted::new(&[r#"{"category": "A", "reason": "Subset."}"#]);
    let r = run(grade_with_options(
        &spec("factuality", json!("Paris is the capital")),
        &case.ctx("Paris"),
        Some(&options),
        &g,
    ));
    assert_eq!((r.pass, r.score), (true, 0.25));
    assert!(
        g.asked(0)
            .contains("<expert_answer>\nParis is the capital\n</expert_answer>")
    );
    assert!(
        g.asked(0)
            .contains("<question>\nWhat is the capital of France?\n</question>")
    );
    let g = Scripted::new(&[r#"{"category": "D", "reason": "Disagrees."}"#]);
    let r = run(grade(
        &spec("not-factuality", json!("Paris")),
        &case.ctx("Lyon"),
        &g,
    ));
    assert_eq!((r.pass, r.score), (false, 0.0));
}

#[test]
fn the_grader_is_the_assertions_then_the_cases_then_the_suites() {
    let case = Case::new(json!({}));
    let mut own = spec("llm-rubric", json!("x"));
    own.provider = Some(json!("anthropic:claude"));
    let options =
        json!({"provider": "openai:case", "rubricPrompt": "Custom {{ output }} / {{ rubric }}"});
    let g = Scripted::new(&[r#"{"pass": true}"#, r#"{"pass": true}"#]);
    run(grade_with_options(&own, &case.ctx("A"), Some(&options), &g));
    run(grade_with_options(
        &spec("llm-rubric", json!("x")),
        &case.ctx("B"),
        Some(&options),
        &g,
    ));
    let reqs = g.requests.lock().unwrap();
    assert_eq!(reqs[0].provider, Some(json!("anthropic:claude")));
    assert_eq!(reqs[1].provider, Some(json!("openai:case")));
    assert_eq!(
        reqs[1].messages[0].plain_text(),
        "Custom B / x",
        "the case's rubricPrompt"
    );
}

#[test]
fn similar_embeds_the_expected_and_the_answer_in_one_call() {
    let case = Case::new(json!({}));
    let g = Scripted::new(&[]).with_vectors(vec![vec![1.0, 0.0], vec![0.8, 0.6]]);
    let r = run(grade(&spec("similar", json!("Hello")), &case.ctx("Hi"), &g));
    assert!(r.pass);
    assert!((r.score - 0.8).abs() < 1e-6);
    assert_eq!(
        r.reason,
        "Similarity 0.80 is greater than or equal to threshold 0.75"
    );
    assert_eq!(g.embedded.lock().unwrap()[0].0, ["Hello", "Hi"]);
    let g = Scripted::new(&[]).with_vectors(vec![vec![1.0, 0.0], vec![0.0, 1.0], vec![0.6, 0.8]]);
    let r = run(grade(
        &spec("similar", json!(["A", "B"])),
        &case.ctx("C"),
        &g,
    ));
    assert!(r.pass, "one of the values is close enough");
    assert!((r.score - 0.8).abs() < 1e-6);
    let g = Scripted::new(&[]);
    let r = run(grade(&spec("similar", json!("A")), &case.ctx("C"), &g));
    assert_eq!(r.error.as_deref(), Some("embedding endpoint down"));
}

#[test]
fn answer_relevance_asks_three_samples_and_compares_their_embeddings() {
    let case = Case::new(json!({}));
    let g = Scripted::new(&[
        "Capital of France?",
        "Which city is the capital?",
        "France's capital?",
    ])
    .with_vectors(vec![
        vec![1.0, 0.0],
        vec![1.0, 0.0],
        vec![0.6, 0.8],
        vec![0.0, 1.0],
    ]);
    let r = run(grade(
        &spec("answer-relevance", Value::Null),
        &case.ctx("Paris."),
        &g,
    ));
    let samples: Vec<u32> = g
        .requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.sample)
        .collect();
    assert_eq!(samples, [0, 1, 2], "three samples of one request");
    assert!((r.score - 1.6 / 3.0).abs() < 1e-6);
    assert!(r.pass);
    assert_eq!(
        g.embedded.lock().unwrap()[0].0,
        [
            "What is the capital of France?",
            "Capital of France?",
            "Which city is the capital?",
            "France's capital?"
        ]
    );
}

#[test]
fn context_assertions_read_the_context_var() {
    let case = Case::new(
        json!({"query": "Capital?", "context": "Paris is the capital of France. Berlin is in Germany."}),
    );
    let g = Scripted::new(&["Paris is the capital of France."]);
    let r = run(grade(
        &spec("context-relevance", Value::Null),
        &case.ctx("Paris"),
        &g,
    ));
    assert_eq!(
        (r.pass, r.score, r.reason.as_str()),
        (true, 0.5, "Context relevance 0.50 is >= 0.5")
    );
    let g = Scripted::new(&[
        "1. Paris is the capital. So [Attributed]\n2. It is big. So [Not Attributed]",
    ]);
    let r = run(grade(
        &spec(
            "not-context-recall",
            json!("Paris is the capital. It is big."),
        ),
        &case.ctx("x"),
        &g,
    ));
    assert_eq!((r.pass, r.score), (false, 0.5));
    let g = Scripted::new(&[
        "Paris is the capital.\nParis has cats.",
        "Final verdict for each statement in order: Yes. No.",
    ]);
    let r = run(grade(
        &spec("context-faithfulness", Value::Null),
        &case.ctx("Paris, with cats."),
        &g,
    ));
    assert_eq!((r.pass, r.score), (true, 0.5));
    assert!(
        g.asked(1)
            .contains("statements:\nParis is the capital.\nParis has cats.\nAnswer:\n")
    );
    let no_context = Case::new(json!({"query": "Capital?"}));
    let r = run(grade(
        &spec("context-relevance", Value::Null),
        &no_context.ctx("x"),
        &Scripted::new(&[]),
    ));
    assert!(r.error.unwrap().starts_with("Context is required"));
}

#[test]
fn select_best_picks_one_and_counts_the_call_once() {
    let g = Scripted::new(&["The best is 1."]);
    let vars = Map::new();
    let rs = run(select_best(
        &spec("select-best", json!("Most formal")),
        &["Hi", "Good day"],
        &vars,
        None,
        &g,
    ));
    assert_eq!(rs.iter().map(|r| r.pass).collect::<Vec<_>>(), [false, true]);
    assert_eq!(rs[1].reason, "Output selected as the best: Most formal");
    assert!(g.asked(0).contains("<Text index=\"1\">\nGood day\n</Text>"));
    assert_eq!(rs[0].grader.as_ref().unwrap().usage.input_tokens, Some(10));
    assert_eq!(
        rs[1].grader.as_ref().unwrap().usage.input_tokens,
        None,
        "counted once"
    );
    let g = Scripted::new(&["7"]);
    let rs = run(select_best(
        &spec("select-best", json!("x")),
        &["a", "b"],
        &vars,
        None,
        &g,
    ));
    assert!(
        rs.iter()
            .all(|r| r.error.as_deref() == Some("Invalid select-best verdict: 7"))
    );
}

#[test]
fn weight_zero_passes_and_edge_answers_are_graded() {
    let case = Case::new(json!({}));
    let mut zero = spec("llm-rubric", json!("x"));
    zero.weight = Some(0.0);
    let g = Scripted::new(&[r#"{"pass": false, "score": 0}"#]);
    let r = run(grade(&zero, &case.ctx("A"), &g));
    assert_eq!((r.pass, r.weight), (true, 0.0));
    let huge = "é ✓ ".repeat(20_000);
    for output in ["", huge.as_str()] {
        let g = Scripted::new(&[r#"{"pass": true, "score": 1}"#]);
        let r = run(grade(
            &spec("llm-rubric", json!("x")),
            &case.ctx(output),
            &g,
        ));
        assert!(r.pass);
        assert!(
            g.asked(0)
                .contains(&format!("<Output>\n{output}\n</Output>"))
        );
    }
    let r = run(grade(
        &spec("select-best", json!("x")),
        &case.ctx("A"),
        &Scripted::new(&[]),
    ));
    assert!(
        r.error.is_some(),
        "select-best is graded across a case's cells"
    );
}

//! pwb's model-graded assertions held to promptfoo 0.123.1: each case of
//! tests/fixtures/graded/promptfoo_graded.json (recorded from promptfoo
//! against a scripted grader, see its README) is replayed with the same
//! scripted answers. pwb must send its grader the same messages, embed the
//! same texts, and reach promptfoo's verdict, score and reason; where pwb
//! decides differently (a grader answer it cannot read is an error, not a
//! failure) the case is listed below and checked for pwb's verdict.

use pwb::eval::graded::{grade_with_options, select_best};
use pwb::eval::{AssertContext, Grader, GraderAnswer, GraderRequest, GradingResult};
use pwb::provider::BoxFuture;
use pwb::run::CellOutcome;
use pwb::types::{GenParams, Message, ModelId, Usage};
use pwb::workspace::AssertSpec;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::sync::Mutex;

/// promptfoo counts these as failures; pwb as errors of the assertion
/// (the grader's answer could not be read). README: "pwb eval and promptfoo".
const PWB_ERRORS: &[&str] = &["f04", "f05", "c03", "sb3", "sb4"];

fn fixture() -> Vec<Value> {
    let text = std::fs::read_to_string("tests/fixtures/graded/promptfoo_graded.json").unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["cases"].as_array().unwrap().clone()
}

/// The grader promptfoo met: replies chosen by the text of the request.
struct Rules {
    replies: Vec<(Option<String>, Value)>,
    embeddings: Vec<(String, Vec<f32>)>,
    asked: Mutex<Vec<Vec<(String, String)>>>,
    embedded: Mutex<Vec<String>>,
}

impl Rules {
    fn of(case: &Value) -> Rules {
        Rules {
            replies: case["replies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| (r["phase"].as_str().map(str::to_string), r["reply"].clone()))
                .collect(),
            embeddings: case["embeddings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    let v = e[1]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_f64().unwrap() as f32);
                    (e[0].as_str().unwrap().to_string(), v.collect())
                })
                .collect(),
            asked: Mutex::default(),
            embedded: Mutex::default(),
        }
    }
}

impl Grader for Rules {
    fn complete(&self, request: GraderRequest) -> BoxFuture<'_, Result<GraderAnswer, String>> {
        let messages: Vec<(String, String)> = request
            .messages
            .iter()
            .map(|m| (m.role.clone(), m.plain_text()))
            .collect();
        let text: String = messages
            .iter()
            .map(|m| m.1.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        self.asked.lock().unwrap().push(messages);
        let reply = self
            .replies
            .iter()
            .find(|(phase, _)| phase.as_ref().is_none_or(|p| text.contains(p.as_str())))
            .map(|r| r.1.clone());
        Box::pin(async move {
            let reply = reply.ok_or_else(|| format!("no scripted reply for: {text}"))?;
            let Value::String(text) = reply else {
                return Err(format!("API error: {reply}"));
            };
            Ok(GraderAnswer {
                model: "openai:grader".into(),
                request: request.messages,
                text,
                usage: Usage::default(),
                cost: None,
                steps: Vec::new(),
            })
        })
    }

    fn embed(
        &self,
        texts: Vec<String>,
        _provider: Option<Value>,
    ) -> BoxFuture<'_, Result<Vec<Vec<f32>>, String>> {
        self.embedded.lock().unwrap().extend(texts.iter().cloned());
        let vectors: Result<Vec<Vec<f32>>, String> = texts
            .iter()
            .map(|t| {
                self.embeddings
                    .iter()
                    .find(|(m, _)| t.contains(m.as_str()))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("no vector for {t}"))
            })
            .collect();
        Box::pin(async move { vectors })
    }
}

fn spec(case: &Value) -> AssertSpec {
    let a = &case["assert"];
    AssertSpec {
        kind: a["type"].as_str().unwrap().into(),
        value: a.get("value").cloned(),
        threshold: a.get("threshold").and_then(Value::as_f64),
        rubric_prompt: a.get("rubricPrompt").cloned(),
        provider: a.get("provider").cloned(),
        ..Default::default()
    }
}

fn requests(case: &Value) -> Vec<Vec<(String, String)>> {
    case["grader_requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|msgs| {
            msgs.as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let role = m["role"].as_str().unwrap().to_string();
                    (role, m["content"].as_str().unwrap().to_string())
                })
                .collect()
        })
        .collect()
}

/// pwb's result against promptfoo's; `embedded`: scores from embeddings
/// (f32 vectors) are compared to 1e-6.
fn check(id: &str, r: &GradingResult, pf: &Value, embedded: bool) {
    let pwb_error = PWB_ERRORS.contains(&id);
    let pf_error = pf["grader_error"].as_bool().unwrap();
    if pwb_error || pf_error {
        assert!(r.error.is_some(), "{id}: an error in pwb, got {r:?}");
        assert!((!r.pass, r.score) == (true, 0.0), "{id}: {r:?}");
        assert!(!pf["pass"].as_bool().unwrap(), "{id}: promptfoo failed it");
        if pf_error {
            assert_eq!(pf["score"].as_f64(), Some(0.0));
        }
        return;
    }
    assert_eq!(r.error, None, "{id}: {r:?}");
    assert_eq!(r.pass, pf["pass"].as_bool().unwrap(), "{id}: pass; {r:?}");
    let score = pf["score"].as_f64().unwrap();
    let tolerance = if embedded { 1e-6 } else { 1e-12 };
    assert!(
        (r.score - score).abs() <= tolerance,
        "{id}: score {} vs promptfoo {score}",
        r.score
    );
    assert_eq!(r.reason, pf["reason"].as_str().unwrap(), "{id}: reason");
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn every_graded_case_sends_what_promptfoo_sent_and_gets_its_verdict() {
    let cases = fixture();
    let mut checked = 0;
    for case in cases
        .iter()
        .filter(|c| c["assert"]["type"] != "select-best")
    {
        let id = case["id"].as_str().unwrap();
        let vars: Map<String, Value> = case["vars"].as_object().unwrap().clone();
        let messages = vec![Message::text("user", case["prompt"].as_str().unwrap())];
        let cell = CellOutcome::new(
            "m".into(),
            ModelId::parse("openai:mut").unwrap(),
            GenParams::default(),
        );
        let output = case["output"].as_str().unwrap();
        let ctx = AssertContext {
            output,
            vars: &vars,
            messages: &messages,
            cell: &cell,
            cost: None,
        };
        let grader = Rules::of(case);
        let options = case.get("options").filter(|o| !o.is_null());
        let r = block_on(grade_with_options(&spec(case), &ctx, options, &grader));
        assert_eq!(
            *grader.asked.lock().unwrap(),
            requests(case),
            "{id}: the grader is asked what promptfoo asked"
        );
        let want: BTreeSet<String> = case["embedded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        let got: BTreeSet<String> = grader.embedded.lock().unwrap().iter().cloned().collect();
        assert_eq!(got, want, "{id}: the texts embedded");
        check(id, &r, &case["promptfoo"], !want.is_empty());
        checked += 1;
    }
    assert_eq!(checked, 68, "every recorded case ran");
}

#[test]
fn select_best_sends_what_promptfoo_sent_and_picks_the_same_answer() {
    let cases = fixture();
    let ids: BTreeSet<&str> = cases
        .iter()
        .filter(|c| c["assert"]["type"] == "select-best")
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    for id in ids {
        // One entry per model, in the order of the config's providers.
        let mut cells: Vec<&Value> = cases.iter().filter(|c| c["id"] == id).collect();
        cells.sort_by_key(|c| c["provider"].as_str().unwrap().to_string());
        let outputs: Vec<&str> = cells
            .iter()
            .map(|c| c["output"].as_str().unwrap())
            .collect();
        let grader = Rules::of(cells[0]);
        let vars = cells[0]["vars"].as_object().unwrap().clone();
        let results = block_on(select_best(&spec(cells[0]), &outputs, &vars, None, &grader));
        assert_eq!(*grader.asked.lock().unwrap(), requests(cells[0]), "{id}");
        for (cell, r) in cells.iter().zip(&results) {
            check(id, r, &cell["promptfoo"], false);
        }
    }
}

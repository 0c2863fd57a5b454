//! Model-graded assertions through `RunnerGrader` on the one runner,
//! against a grader on 127.0.0.1 speaking the OpenAI wire: pass, fail, a
//! malformed answer (an error with its reason), what the grader is sent,
//! its tokens and cost kept apart, embeddings for `similar`, the grader
//! an assertion names, no grader at all (an error before any call),
//! cancel shared with the run, and the response cache.

mod support;

use pwb::eval::graded::{RunnerGrader, grade, missing_grader};
use pwb::eval::{AssertContext, GradingResult};
use pwb::run::{CacheMode, CellOutcome, Runner, RunnerConfig};
use pwb::session::Session;
use pwb::types::{GenParams, Message, ModelId};
use pwb::workspace::{AssertSpec, TestCase, Workspace};
use serde_json::{Map, Value, json};
use std::time::Duration;
use support::mock_llm::{MockServer, RecordedRequest, Reply, Step, openai_stream};
use support::tui::write_files;

/// Tests here share the process environment (PWB_DATA_DIR for the cache
/// test), so they take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The grader's reply, chosen by a word in the last message.
fn grader(req: &RecordedRequest) -> Reply {
    let body: Value = serde_json::from_str(&req.body).unwrap_or_default();
    if req.path.ends_with("/embeddings") {
        let input = body["input"].as_array().cloned().unwrap_or_default();
        let data: Vec<Value> = input
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let v = if t.as_str().unwrap_or("").contains("Hello") {
                    [1.0, 0.0]
                } else {
                    [0.8, 0.6]
                };
                json!({"object": "embedding", "index": i, "embedding": v})
            })
            .collect();
        let reply = json!({"data": data, "model": body["model"], "usage": {"prompt_tokens": 4, "total_tokens": 4}});
        return Reply::json(200, &reply.to_string());
    }
    let last = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_string();
    let answer = if last.contains("PASSES") {
        r#"{"reason": "It greets the user", "pass": true, "score": 1}"#
    } else if last.contains("FAILS") {
        r#"{"reason": "No greeting at all", "pass": false, "score": 0}"#
    } else if last.contains("SLOW") {
        let mut steps = vec![Step::Sleep(Duration::from_secs(10))];
        steps.extend(openai_stream(&["{}"], 1, Duration::ZERO));
        return Reply::sse(steps);
    } else if last.contains("Generate question") {
        "What is the capital?"
    } else {
        "I would say it is fine."
    };
    Reply::sse(openai_stream(&[answer], 120, Duration::ZERO))
}

struct Fixture {
    _dir: tempfile::TempDir,
    server: MockServer,
    session: Session,
    runner: Runner,
}

fn fixture() -> Fixture {
    let server = MockServer::start(grader);
    let dir = tempfile::tempdir().unwrap();
    let toml = format!(
        "[[models]]\nid = \"openai:judge\"\nbase_url = \"{base}\"\n\n\
         [pricing.\"openai:judge\"]\ninput = 1000\noutput = 2000\n\n\
         [pricing.\"openai:text-embedding-3-large\"]\ninput = 100\noutput = 0\n\n\
         [eval]\ngrader = \"openai:judge\"\n",
        base = server.base_v1()
    );
    write_files(dir.path(), &[("pwb.toml", &toml)]);
    let session = Session::new(Workspace::load(dir.path()).unwrap().0);
    let config = RunnerConfig {
        max_retries: 0,
        ..Default::default()
    };
    let runner = Runner::new(tokio::runtime::Handle::current(), config);
    Fixture {
        _dir: dir,
        server,
        session,
        runner,
    }
}

fn rubric(kind: &str, value: &str) -> AssertSpec {
    AssertSpec {
        kind: kind.into(),
        value: Some(json!(value)),
        ..Default::default()
    }
}

async fn graded(
    f: &Fixture,
    default: Option<Value>,
    spec: &AssertSpec,
    output: &str,
    cache: CacheMode,
) -> GradingResult {
    let g = RunnerGrader::new(&f.session, &f.runner, 1, cache, default);
    g.check_default().unwrap();
    let vars = Map::new();
    let messages = vec![Message::text("user", "Greet me")];
    let cell = CellOutcome::new(
        "m".into(),
        ModelId::parse("openai:m").unwrap(),
        GenParams::default(),
    );
    let ctx = AssertContext {
        output,
        vars: &vars,
        messages: &messages,
        cell: &cell,
        cost: None,
    };
    grade(spec, &ctx, &g).await
}

fn default_grader(f: &Fixture) -> Option<Value> {
    pwb::eval::graded::default_grader(None, None, f.session.ws.config.eval.grader.as_deref())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn llm_rubric_passes_fails_and_a_malformed_answer_is_an_error() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture();
    let d = default_grader(&f);
    let pass = graded(
        &f,
        d.clone(),
        &rubric("llm-rubric", "PASSES if it greets"),
        "Hello!",
        CacheMode::Off,
    )
    .await;
    assert_eq!(
        (
            pass.pass,
            pass.score,
            pass.reason.as_str(),
            pass.error.as_deref()
        ),
        (true, 1.0, "It greets the user", None)
    );
    let answer = pass.grader.as_ref().unwrap();
    assert_eq!(answer.model, "openai:judge");
    assert_eq!(
        (answer.usage.input_tokens, answer.usage.output_tokens),
        (Some(120), Some(1))
    );
    let cost = answer.cost.expect("priced in pwb.toml");
    assert!(
        (cost - (120.0 * 1000.0 + 2000.0) / 1e6).abs() < 1e-12,
        "{cost}"
    );
    assert_eq!(
        answer.request[1].plain_text(),
        "<Output>\nHello!\n</Output>\n<Rubric>\nPASSES if it greets\n</Rubric>"
    );

    let body = f.server.requests()[0].json();
    assert_eq!(body["model"], "judge");
    assert_eq!(
        body["temperature"].as_f64(),
        Some(0.0),
        "graders judge at temperature 0"
    );
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        body["messages"][0]["content"]
            .as_str()
            .unwrap()
            .starts_with("You are grading output according to a user-specified rubric.")
    );
    assert!(
        body.get("response_format").is_none(),
        "as promptfoo with a named grader: no JSON mode"
    );

    let fail = graded(
        &f,
        d.clone(),
        &rubric("llm-rubric", "FAILS unless it greets"),
        "Go away",
        CacheMode::Off,
    )
    .await;
    assert_eq!(
        (
            fail.pass,
            fail.score,
            fail.reason.as_str(),
            fail.error.as_deref()
        ),
        (false, 0.0, "No greeting at all", None)
    );
    let not = graded(
        &f,
        d.clone(),
        &rubric("not-llm-rubric", "FAILS unless it greets"),
        "Go away",
        CacheMode::Off,
    )
    .await;
    assert_eq!((not.pass, not.score), (true, 1.0));

    let bad = graded(
        &f,
        d,
        &rubric("llm-rubric", "is garbled"),
        "Hi",
        CacheMode::Off,
    )
    .await;
    assert!(!bad.pass);
    assert_eq!(
        bad.error.as_deref(),
        Some("Could not extract JSON from llm-rubric response")
    );
    assert_eq!(
        bad.grader.unwrap().text,
        "I would say it is fine.",
        "the malformed answer is kept"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn similar_gets_embeddings_through_the_runner_from_the_graders_provider() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture();
    let r = graded(
        &f,
        default_grader(&f),
        &rubric("similar", "Hello there"),
        "Hi there",
        CacheMode::Off,
    )
    .await;
    assert!(r.pass, "{r:?}");
    assert!((r.score - 0.8).abs() < 1e-6);
    let req = &f.server.requests()[0];
    assert_eq!(req.path, "/v1/embeddings");
    assert_eq!(
        req.json(),
        json!({"model": "text-embedding-3-large", "input": ["Hello there", "Hi there"]})
    );
    let answer = r.grader.unwrap();
    assert_eq!(answer.model, "openai:text-embedding-3-large");
    assert_eq!(answer.usage.input_tokens, Some(4));
    assert!((answer.cost.unwrap() - 4.0 * 100.0 / 1e6).abs() < 1e-12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_assertions_own_grader_wins_and_none_at_all_is_an_error_before_any_call() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture();
    let other = MockServer::start(grader);
    let mut own = rubric("llm-rubric", "PASSES");
    own.provider = Some(
        json!({"id": "openai:chat:strict-judge", "config": {"apiBaseUrl": other.base_v1(), "temperature": 0.2}}),
    );
    let r = graded(&f, default_grader(&f), &own, "Hello", CacheMode::Off).await;
    assert!(r.pass);
    assert!(f.server.requests().is_empty());
    let body = other.requests()[0].json();
    assert_eq!(
        (body["model"].as_str(), body["temperature"].as_f64()),
        (Some("strict-judge"), Some(0.2))
    );

    let case = TestCase {
        asserts: vec![rubric("factuality", "Paris")],
        ..Default::default()
    };
    let missing = missing_grader(std::slice::from_ref(&case), None).unwrap();
    assert_eq!(
        missing.to_string(),
        "factuality needs a grader model and none is configured"
    );
    let r = graded(&f, None, &case.asserts[0], "Paris", CacheMode::Off).await;
    assert!(r.error.unwrap().starts_with("no grader configured"));
    assert!(
        f.server.requests().is_empty() && other.requests().len() == 1,
        "no call was made"
    );

    let typo = RunnerGrader::new(
        &f.session,
        &f.runner,
        1,
        CacheMode::Off,
        Some(json!("gpt4")),
    );
    assert!(
        typo.check_default()
            .unwrap_err()
            .contains("has no provider")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grader_call_is_cancelled_with_the_run_it_joined() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let f = fixture();
    let runner = &f.runner;
    let cancel = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(runner.cancel(), "the grader's call is the run in flight");
    };
    let slow = rubric("llm-rubric", "SLOW");
    let started = std::time::Instant::now();
    let (r, ()) = tokio::join!(
        graded(&f, default_grader(&f), &slow, "x", CacheMode::Off),
        cancel
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cancel is immediate"
    );
    assert_eq!(r.error.as_deref(), Some("grader openai:judge: cancelled"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grader_answers_come_from_the_response_cache_each_sample_its_own() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let data = tempfile::tempdir().unwrap();
    // SAFETY: the tests of this file take turns (ONE_AT_A_TIME).
    unsafe { std::env::set_var("PWB_DATA_DIR", data.path()) };
    let f = fixture();
    let d = default_grader(&f);
    let spec = rubric("answer-relevance", "");
    let first = graded(
        &f,
        d.clone(),
        &spec,
        "Paris is the capital.",
        CacheMode::ReadWrite,
    )
    .await;
    let sent = f.server.requests().len();
    assert_eq!(sent, 4, "three questions, one embeddings call");
    let again = graded(&f, d, &spec, "Paris is the capital.", CacheMode::ReadWrite).await;
    unsafe { std::env::remove_var("PWB_DATA_DIR") };
    assert_eq!(f.server.requests().len(), sent, "all from the cache");
    assert_eq!((first.pass, first.score), (again.pass, again.score));
    assert!(first.pass);
}

//! The eval matrix planned through the session and fed to the one runner
//! against a mock server: never more calls in flight than `-j`, every
//! entry settles once, a case that does not render is an error entry,
//! `--max-cost` stops new calls, an interrupt stops the rest.

mod support;

use pwb::eval::execute::Execution;
use pwb::eval::matrix::{DotpromptVariant, Variant, plan};
use pwb::run::{CacheMode, CellStatus, Runner};
use pwb::session::Session;
use pwb::workspace::{TestCase, Workspace};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::mock_llm::{MockServer, Reply, openai_stream};
use support::tui::write_files;
use tokio_util::sync::CancellationToken;

/// A server that answers after `delay`, counting the most requests it
/// held at once.
fn server(delay: Duration) -> (MockServer, Arc<AtomicUsize>) {
    let now = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (n, m) = (now.clone(), most.clone());
    let s = MockServer::start(move |_| {
        let k = n.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(k, Ordering::SeqCst);
        std::thread::sleep(delay);
        n.fetch_sub(1, Ordering::SeqCst);
        Reply::sse(openai_stream(&["ok"], 1000, Duration::ZERO))
    });
    (s, most)
}

fn session(dir: &std::path::Path, base: &str) -> Session {
    write_files(
        dir,
        &[
            (
                "pwb.toml",
                &format!(
                    "[[models]]\nid = \"openai:a\"\nbase_url = \"{base}\"\n\n\
                     [[models]]\nid = \"openai:b\"\nbase_url = \"{base}\"\n\n\
                     [pricing.\"openai:a\"]\ninput = 1000\noutput = 1000\n"
                ),
            ),
            ("prompts/q.prompt", "Answer {{q}}\n"),
        ],
    );
    Session::new(Workspace::load(dir).unwrap().0)
}

fn cases(n: usize) -> Vec<TestCase> {
    (0..n)
        .map(|i| TestCase {
            vars: serde_json::json!({"q": format!("question {i}")})
                .as_object()
                .unwrap()
                .clone(),
            index: i,
            ..Default::default()
        })
        .collect()
}

fn variants() -> Vec<Box<dyn Variant>> {
    vec![
        Box::new(DotpromptVariant {
            name: "q".into(),
            source: "Answer {{q}}\n".into(),
        }),
        Box::new(DotpromptVariant {
            name: "broken".into(),
            source: "Answer {{#if q}}\n".into(),
        }),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_j_calls_in_flight_and_every_entry_settles_once() {
    let (srv, most) = server(Duration::from_millis(30));
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path(), &srv.base_v1());
    let picks: Vec<_> = s.models().into_iter().map(|m| m.pick()).collect();
    let entries = plan(&s, &variants(), &cases(5), &picks, 2);
    assert_eq!(entries.len(), 2 * 5 * 2 * 2);
    assert!(
        entries[20].planned.is_err(),
        "the broken variant does not render"
    );
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let exec = Execution {
        runner: &runner,
        cache: CacheMode::Off,
        concurrency: 3,
        max_cost: None,
        catalog: &s.catalog,
        interrupt: CancellationToken::new(),
    };
    let mut settled = vec![0; entries.len()];
    let done = exec.run(entries, |i, _| settled[i] += 1).await;
    assert!(settled.iter().all(|&k| k == 1), "{settled:?}");
    assert_eq!(srv.requests().len(), 20, "only the rendered entries call");
    assert!(
        most.load(Ordering::SeqCst) <= 3,
        "{}",
        most.load(Ordering::SeqCst)
    );
    assert!(most.load(Ordering::SeqCst) >= 2, "calls overlap");
    assert!(
        done.results.cells[..20]
            .iter()
            .all(|c| c.status == CellStatus::Done)
    );
    assert!(
        done.results.cells[20]
            .error()
            .is_some_and(|e| e.contains("does not render")),
        "{:?}",
        done.results.cells[20].status
    );
    assert!(!done.interrupted && done.stopped_at_cost.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_cost_stops_new_calls_and_an_interrupt_stops_the_rest() {
    let (srv, _) = server(Duration::from_millis(20));
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path(), &srv.base_v1());
    // Only openai:a is priced: $1000/M tokens, 1000 in + 1 out a call.
    let picks = vec![s.find_model("openai:a").unwrap().pick()];
    let entries = plan(&s, &variants()[..1], &cases(10), &picks, 1);
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let exec = Execution {
        runner: &runner,
        cache: CacheMode::Off,
        concurrency: 1,
        max_cost: Some(2.5),
        catalog: &s.catalog,
        interrupt: CancellationToken::new(),
    };
    let done = exec.run(entries, |_, _| {}).await;
    let ran = done.started.iter().filter(|s| **s).count();
    assert_eq!(ran, 3, "three calls of ~$1 each reach $2.5");
    assert!(done.stopped_at_cost.is_some_and(|c| c >= 2.5));
    assert_eq!(srv.requests().len(), 3);

    let entries = plan(&s, &variants()[..1], &cases(10), &picks, 1);
    let interrupt = CancellationToken::new();
    let exec = Execution {
        max_cost: None,
        interrupt: interrupt.clone(),
        ..exec
    };
    let stop = interrupt.clone();
    let mut n = 0;
    let done = exec
        .run(entries, move |_, _| {
            n += 1;
            if n == 2 {
                stop.cancel();
            }
        })
        .await;
    assert!(done.interrupted);
    let ran = done.started.iter().filter(|s| **s).count();
    assert!(ran <= 3, "no call starts after the interrupt: {ran}");
}

/// A grading that passes when the answer contains the case's `expected`.
struct ContainsExpected;

impl pwb::eval::engine::Grading for ContainsExpected {
    fn grade<'a>(
        &'a self,
        case: &'a TestCase,
        ctx: pwb::eval::AssertContext<'a>,
    ) -> pwb::provider::BoxFuture<'a, pwb::eval::engine::Graded> {
        Box::pin(async move {
            let want = case.vars["expected"].as_str().unwrap_or_default();
            let pass = ctx.output.contains(want);
            pwb::eval::engine::Graded {
                grade: pwb::eval::CaseGrade {
                    pass,
                    score: if pass { 1.0 } else { 0.0 },
                    reason: String::new(),
                    named_scores: Default::default(),
                    results: Vec::new(),
                },
                grader_usage: Default::default(),
                grader_cost: None,
            }
        })
    }
}

struct Count(Vec<usize>);

impl pwb::eval::engine::Progress for Count {
    fn cell_done(&mut self, t: &pwb::eval::engine::Tally, _total: usize) {
        self.0.push(t.done());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_grades_each_cell_as_it_settles_in_plan_order() {
    // The server answers with the question it was asked.
    let srv = MockServer::start(|req| {
        let q = req.json()["messages"][0]["content"]
            .as_str()
            .unwrap_or("")
            .to_string();
        Reply::sse(openai_stream(&[q.as_str()], 10, Duration::ZERO))
    });
    let dir = tempfile::tempdir().unwrap();
    let s = session(dir.path(), &srv.base_v1());
    let mut cases = cases(3);
    for (i, c) in cases.iter_mut().enumerate() {
        let want = if i == 1 { "nowhere" } else { "question" };
        c.vars.insert("expected".into(), serde_json::json!(want));
    }
    let runner = Runner::new(
        tokio::runtime::Handle::current(),
        support::runs::test_config(),
    );
    let exec = Execution {
        runner: &runner,
        cache: CacheMode::Off,
        concurrency: 4,
        max_cost: None,
        catalog: &s.catalog,
        interrupt: CancellationToken::new(),
    };
    let plan = pwb::eval::engine::Plan {
        suite: "t".into(),
        variants: variants(),
        cases: &cases,
        models: vec![s.find_model("openai:b").unwrap().pick()],
        repeats: 2,
        recording: None,
    };
    let mut progress = Count(Vec::new());
    let run = pwb::eval::engine::run(&s, &exec, plan, &ContainsExpected, &mut progress).await;
    assert_eq!(run.cells.len(), 12);
    assert_eq!(progress.0, (1..=12).collect::<Vec<_>>());
    use pwb::eval::Verdict::*;
    let verdicts: Vec<_> = run.cells.iter().map(|c| c.verdict).collect();
    assert_eq!(
        verdicts,
        [
            Pass, Pass, Fail, Fail, Pass, Pass, Error, Error, Error, Error, Error, Error
        ],
        "variant q: cases 0..3 × 2 repeats, then the broken variant's errors"
    );
    assert_eq!(run.cells[2].case, 1);
    assert_eq!(run.cells[3].repeat, 1);
    assert_eq!(run.cells[0].prompt, "q");
    assert_eq!(run.cells[6].prompt, "broken");
    assert!(run.cells[0].outcome.text.contains("question 0"));
    assert_eq!(run.prompts, ["q", "broken"]);
}

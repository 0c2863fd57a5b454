//! The store end to end in one process: calls recorded through the writer
//! (the `Recorder` the session uses) come back in listings, versions,
//! search, statistics, ratings, exports and pruning.

use super::testing::{answered, failed, prompt, writer};
use super::*;
use crate::session::record::Recorder;
use filter::CallFilter;
use serde_json::Value;

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    (tmp, ws)
}

#[test]
fn recorded_calls_are_listed_searched_and_shown() {
    let (tmp, ws) = setup();
    let w = writer(tmp.path());
    let saved = prompt("triage", "---\n---\nRoute {{ticket}}", true);
    let edited = prompt("triage", "---\n---\nRoute this: {{ticket}}", false);
    let a = w
        .record(answered(
            &ws,
            &saved,
            "refund please",
            "openai:gpt-4o",
            "billing queue",
            100,
        ))
        .unwrap();
    w.record(answered(
        &ws,
        &saved,
        "refund please",
        "openai:gpt-4o-mini",
        "billing",
        300,
    ));
    w.record(answered(
        &ws,
        &edited,
        "app crashes",
        "openai:gpt-4o",
        "engineering queue",
        200,
    ));
    w.record(failed(
        &ws,
        &edited,
        "openai:gpt-4o-mini",
        "HTTP 500: overloaded",
    ));
    assert_eq!(w.flush(), None, "no problem");
    let store = Store::open(&w.path).unwrap();
    let id = store
        .workspace(&ws)
        .unwrap()
        .expect("the workspace recorded");
    let recent = calls::recent(store.conn(), &CallFilter::workspace(id), 10, 0).unwrap();
    let got: Vec<(&str, &str)> = recent
        .iter()
        .map(|c| (c.model.as_str(), c.preview.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("openai:gpt-4o-mini", "HTTP 500: overloaded"),
            ("openai:gpt-4o", "engineering queue"),
            ("openai:gpt-4o-mini", "billing"),
            ("openai:gpt-4o", "billing queue"),
        ]
    );
    assert_eq!(
        recent[3].uid,
        ids::parse_uid(&a).unwrap(),
        "the id the recorder gave"
    );
    // Two calls sent the same messages: one stored request.
    let requests: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(requests, 3);
    // Versions: the saved text and the unsaved edit.
    let vs = versions::list(store.conn(), id, "triage").unwrap();
    assert_eq!(vs.len(), 2);
    assert_eq!(
        (vs[0].version.saved, vs[0].calls, vs[0].errors),
        (false, 2, 1)
    );
    assert_eq!((vs[1].version.saved, vs[1].calls), (true, 2));
    assert_eq!(vs[1].mean_latency_ms, Some(200.0));
    // Search: answers, and what was sent.
    let hits = search::calls(store.conn(), id, "queue", 10).unwrap();
    assert_eq!(hits.len(), 2);
    let hits = search::calls(store.conn(), id, "refund", 10).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.preview.as_str()).collect::<Vec<_>>(),
        ["billing", "billing queue"]
    );
    assert!(
        search::calls(store.conn(), id, "nothing-like-it", 10)
            .unwrap()
            .is_empty()
    );
    let vhits = search::versions(store.conn(), id, "Route this", 10).unwrap();
    assert_eq!(vhits.len(), 1);
    // One call in full.
    let (row, uid) = calls::resolve(store.conn(), id, &a[..8]).unwrap();
    assert_eq!(uid, ids::parse_uid(&a).unwrap());
    let d = calls::detail(store.conn(), row).unwrap();
    assert_eq!(d.answer, "billing queue");
    assert_eq!(d.messages[1].plain_text(), "refund please");
    assert_eq!(d.params["temperature"], 0.2);
    assert_eq!(d.usage["input_tokens"], 10);
    assert_eq!(d.summary.ttft_ms, Some(50));
}

#[test]
fn statistics_per_version_and_model() {
    let (tmp, ws) = setup();
    let w = writer(tmp.path());
    let p = prompt("p", "x", true);
    for ms in [100, 200, 300, 400] {
        w.record(answered(&ws, &p, "q", "openai:a", "ok", ms));
    }
    w.record(failed(&ws, &p, "openai:a", "boom"));
    w.record(answered(&ws, &p, "q", "openai:b", "ok", 50));
    assert_eq!(w.flush(), None);
    let store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let s = stats::by_version(store.conn(), &CallFilter::workspace(id)).unwrap();
    assert_eq!(s.len(), 2);
    let a = s.iter().find(|s| s.model == "openai:a").unwrap();
    assert_eq!((a.calls, a.errors), (5, 1));
    assert!((a.error_rate - 0.2).abs() < 1e-9);
    assert_eq!((a.total_p50_ms, a.total_p95_ms), (Some(200), Some(400)));
    assert_eq!((a.ttft_p50_ms, a.ttft_p95_ms), (Some(100), Some(200)));
    assert_eq!(a.output_tokens_per_call, Some(5.0));
    // Four priced calls at $0.001; the failed one has no cost.
    assert!((a.total_cost - 0.004).abs() < 1e-12);
    assert_eq!(a.pass_rate, None);
    let only_b = CallFilter {
        model: Some("openai:b".into()),
        ..CallFilter::workspace(id)
    };
    assert_eq!(stats::by_version(store.conn(), &only_b).unwrap().len(), 1);
    let days = stats::trend(store.conn(), &CallFilter::workspace(id)).unwrap();
    assert_eq!(days.iter().map(|d| d.calls).sum::<u64>(), 6);
}

#[test]
fn exports_parse_back_in_their_shapes() {
    let (tmp, ws) = setup();
    let w = writer(tmp.path());
    let p = prompt("p", "x", true);
    let good = w
        .record(answered(&ws, &p, "2+2?", "openai:a", "4", 10))
        .unwrap();
    let bad = w
        .record(answered(&ws, &p, "2+2?", "openai:b", "5", 10))
        .unwrap();
    w.record(answered(&ws, &p, "unrated", "openai:a", "meh", 10));
    assert_eq!(w.flush(), None);
    let store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let (g, _) = calls::resolve(store.conn(), id, &good).unwrap();
    let (b, _) = calls::resolve(store.conn(), id, &bad).unwrap();
    ratings::rate(store.conn(), g, ratings::RatingValue::Up, Some("right")).unwrap();
    ratings::rate(store.conn(), b, ratings::RatingValue::Score(1), None).unwrap();
    let f = CallFilter::workspace(id);
    let mut out = Vec::new();
    assert_eq!(
        export::write(store.conn(), &f, export::Format::OpenaiJsonl, &mut out).unwrap(),
        1
    );
    let line: Value = serde_json::from_slice(&out).unwrap();
    // OpenAI's chat fine-tuning record: messages of role and string content,
    // ending with the assistant's answer.
    let msgs = line["messages"].as_array().unwrap();
    let roles: Vec<&str> = msgs.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant"]);
    assert!(
        msgs.iter()
            .all(|m| m["content"].is_string() && m.as_object().unwrap().len() == 2)
    );
    assert_eq!(msgs[2]["content"], "4");

    let mut out = Vec::new();
    assert_eq!(
        export::write(store.conn(), &f, export::Format::Dpo, &mut out).unwrap(),
        1
    );
    let pair: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(pair["prompt"][1]["content"], "2+2?");
    assert_eq!(
        pair["chosen"],
        serde_json::json!([{"role": "assistant", "content": "4"}])
    );
    assert_eq!(pair["rejected"][0]["content"], "5");

    let mut out = Vec::new();
    assert_eq!(
        export::write(store.conn(), &f, export::Format::Csv, &mut out).unwrap(),
        3
    );
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        export::CSV_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!((&rows[0][13], &rows[0][15]), ("up", "4"));
    assert_eq!(&rows[1][13], "1");
    assert_eq!(&rows[0][0], good.as_str());
}

#[test]
fn pruning_removes_old_calls_with_their_ratings() {
    let (tmp, ws) = setup();
    let w = writer(tmp.path());
    let p = prompt("p", "x", true);
    let old = w
        .record(answered(&ws, &p, "old", "openai:a", "old answer", 10))
        .unwrap();
    assert_eq!(w.flush(), None);
    let mut store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let (row, _) = calls::resolve(store.conn(), id, &old).unwrap();
    ratings::rate(store.conn(), row, ratings::RatingValue::Up, None).unwrap();
    store
        .conn()
        .execute("UPDATE calls SET created = created - 100 * 86400000", [])
        .unwrap();
    w.record(answered(&ws, &p, "new", "openai:a", "new answer", 10));
    assert_eq!(w.flush(), None);
    let cutoff = ids::now_ms() - 90 * 86_400_000;
    assert_eq!(calls::prune(store.conn_mut(), id, cutoff).unwrap(), 1);
    let left = calls::recent(store.conn(), &CallFilter::workspace(id), 10, 0).unwrap();
    assert_eq!(left.len(), 1);
    assert!(
        search::calls(store.conn(), id, "old", 10)
            .unwrap()
            .is_empty()
    );
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM ratings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn an_unusable_database_is_one_problem_and_recording_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("h.sqlite");
    std::fs::write(&path, b"this is not a database, not at all, no").unwrap();
    let w = HistoryWriter::start(path.clone());
    let p = prompt("p", "x", true);
    assert!(
        w.record(answered(tmp.path(), &p, "q", "openai:a", "ok", 1))
            .is_some()
    );
    let problem = w.flush().expect("a problem");
    assert_eq!(
        problem,
        format!(
            "history unavailable: {} is damaged or not a database",
            path.display()
        )
    );
    assert_eq!(w.take_problem(), None, "said once");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"this is not a database, not at all, no"
    );
}

#[test]
fn ratings_join_the_statistics_latest_rating_of_a_call_counting() {
    let (tmp, ws) = setup();
    let w = writer(tmp.path());
    let p = prompt("p", "x", true);
    let ids: Vec<String> = (0..3)
        .map(|i| {
            w.record(answered(&ws, &p, "q", "openai:a", "ok", 100 + i))
                .unwrap()
        })
        .collect();
    assert_eq!(w.flush(), None);
    let store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let row = |uid: &str| calls::resolve(store.conn(), id, uid).unwrap().0;
    use ratings::{RatingValue, rate};
    rate(store.conn(), row(&ids[0]), RatingValue::Up, None).unwrap();
    rate(store.conn(), row(&ids[0]), RatingValue::Score(2), None).unwrap();
    rate(store.conn(), row(&ids[1]), RatingValue::Down, None).unwrap();
    rate(
        store.conn(),
        row(&ids[1]),
        RatingValue::Up,
        Some("on second look"),
    )
    .unwrap();
    rate(store.conn(), row(&ids[2]), RatingValue::Down, None).unwrap();
    rate(store.conn(), row(&ids[2]), RatingValue::Score(4), None).unwrap();
    let s = &stats::by_version(store.conn(), &CallFilter::workspace(id)).unwrap()[0];
    assert_eq!((s.rated_up, s.rated_down), (2, 1));
    assert_eq!(s.mean_score, Some(3.0));
}

//! An eval recorded through the writer: its cells, grades, assertions and
//! pass rates come back; baselines are blessed on purpose only.

use super::*;
use crate::eval::{CaseGrade, GradingResult, Verdict};
use crate::session::record::Recorder;
use crate::store::filter::CallFilter;
use crate::store::testing::{answered, prompt, writer};
use crate::store::{Store, stats, versions};

fn result(kind: &str, pass: bool, reason: &str) -> GradingResult {
    GradingResult {
        kind: kind.into(),
        pass,
        score: if pass { 1.0 } else { 0.0 },
        reason: reason.into(),
        value: None,
        metric: None,
        weight: 1.0,
        members: Vec::new(),
        grader: None,
        error: None,
    }
}

fn grade(case: usize, pass: bool) -> GradeRecord {
    let results = vec![
        result("contains", true, "contains \"billing\""),
        result(
            "icontains",
            pass,
            if pass { "ok" } else { "expected \"refund\"" },
        ),
    ];
    GradeRecord {
        variant: "triage".into(),
        case,
        description: Some(format!("case {case}")),
        vars: serde_json::Map::new(),
        repeat: 0,
        repeats: 1,
        verdict: if pass { Verdict::Pass } else { Verdict::Fail },
        grade: Some(CaseGrade {
            pass,
            score: if pass { 1.0 } else { 0.5 },
            reason: if pass {
                "All assertions passed".into()
            } else {
                "expected \"refund\"".into()
            },
            named_scores: serde_json::Map::new(),
            results,
        }),
        grader_usage: Default::default(),
        grader_cost: None,
    }
}

#[test]
fn an_eval_is_recorded_with_every_assertion() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().to_path_buf();
    let w = writer(tmp.path());
    let p = prompt("triage", "x", true);
    let eval = w.begin_eval(EvalStart {
        workspace: ws.clone(),
        suite: "tests/triage.yaml".into(),
        prompts: vec!["triage".into()],
        models: vec!["openai:a".into()],
        face: Face::Eval,
    });
    for case in 0..4 {
        let call = w
            .record(answered(
                &ws,
                &p,
                &format!("ticket {case}"),
                "openai:a",
                "billing",
                10,
            ))
            .unwrap();
        w.record_grade(&eval, &call, grade(case, case != 2));
    }
    w.finish_eval(
        &eval,
        EvalEnd {
            wall_time: Duration::from_millis(1234),
            interrupted: false,
            stopped_at_cost: None,
        },
    );
    assert_eq!(w.flush(), None);
    let store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let last = last(store.conn(), id, "tests/triage.yaml")
        .unwrap()
        .expect("finished");
    assert_eq!(ids::uid_hex(last.uid), eval);
    assert_eq!(find(store.conn(), id, &eval[..6]).unwrap().id, last.id);
    let cases = cases(store.conn(), last.id).unwrap();
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[2].pass, Some(false));
    assert_eq!(cases[2].reason.as_deref(), Some("expected \"refund\""));
    assert_eq!(cases[2].verdict, "fail");
    assert_eq!(cases[2].model_name, "openai:a");
    assert_eq!(cases[2].vars, serde_json::Map::new());
    assert_eq!(cases[2].description.as_deref(), Some("case 2"));
    let (n, failing): (i64, String) = store
        .conn()
        .query_row(
            "SELECT count(*), max(CASE WHEN pass = 0 THEN reason END) FROM assertion_results",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((n, failing.as_str()), (8, "expected \"refund\""));
    let v = &versions::list(store.conn(), id, "triage").unwrap()[0];
    assert_eq!((v.graded, v.pass_rate), (4, Some(0.75)));
    let s = &stats::by_version(store.conn(), &CallFilter::workspace(id)).unwrap()[0];
    assert_eq!((s.graded, s.passed, s.pass_rate), (4, 3, Some(0.75)));
    // Baselines move only when blessed.
    assert_eq!(
        baseline(store.conn(), id, "tests/triage.yaml").unwrap(),
        None
    );
    bless(store.conn(), id, last.id, Some("release 1")).unwrap();
    assert_eq!(
        baseline(store.conn(), id, "tests/triage.yaml")
            .unwrap()
            .unwrap()
            .id,
        last.id
    );
}

#[test]
fn a_tests_screen_run_is_never_the_last_baseline_unless_named() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().to_path_buf();
    let w = writer(tmp.path());
    let start = |face| EvalStart {
        workspace: ws.clone(),
        suite: "tests/triage.yaml".into(),
        prompts: vec!["triage".into()],
        models: vec!["openai:a".into()],
        face,
    };
    let end = EvalEnd {
        wall_time: Duration::from_millis(5),
        interrupted: false,
        stopped_at_cost: None,
    };
    let cli = w.begin_eval(start(Face::Eval));
    w.finish_eval(&cli, end.clone());
    let tui = w.begin_eval(start(Face::Tui));
    w.finish_eval(&tui, end);
    assert_eq!(w.flush(), None);
    let store = Store::open(&w.path).unwrap();
    let id = store.workspace(&ws).unwrap().unwrap();
    let last = last(store.conn(), id, "tests/triage.yaml")
        .unwrap()
        .unwrap();
    assert_eq!(
        ids::uid_hex(last.uid),
        cli,
        "the CLI's eval, not the newer TUI run"
    );
    let face: String = store
        .conn()
        .query_row(
            "SELECT face FROM evals WHERE id = ?1",
            [find(store.conn(), id, &tui[..8]).unwrap().id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        face, "tui",
        "the TUI run is kept and can be named by its id"
    );
}

use super::*;
use crate::provider::Completion;
use crate::run::{CellOutcome, RunEvent};
use crate::types::{FinishReason, GenParams, ModelId, Usage};
use crate::usage::{ModelInfo, PricePerMillion};

fn info() -> ModelInfo {
    ModelInfo {
        context_window: Some(128_000),
        price: Some(PricePerMillion {
            input: 1.0,
            output: 2.0,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn cell(name: &str, params: GenParams, completion: Completion) -> CellOutcome {
    let mut c = CellOutcome::new(name.into(), ModelId::parse("openai:x").unwrap(), params);
    c.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    c.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion,
    });
    c
}

#[test]
fn header_lines_read_well() {
    let p = GenParams {
        temperature: Some(0.7),
        top_p: Some(0.9),
        ..Default::default()
    };
    let info = info();
    let c = cell(
        "openai:x",
        p,
        Completion {
            usage: Usage {
                input_tokens: Some(12_800),
                output_tokens: Some(101),
                reasoning_tokens: Some(20),
                ..Default::default()
            },
            time_to_first_token: Some(Duration::from_millis(500)),
            total_time: Duration::from_millis(2500),
            finish_reason: Some(FinishReason::Stop),
            ..Default::default()
        },
    );
    assert_eq!(
        Readout::new(&c, Some(&info)).lines(10),
        [
            "t=0.7 p=0.9 · in 12800 out 101 (reasoning 20)".to_string(),
            "ctx [█░░░░░░░░░] 10% of 128k".to_string(),
            "$0.0130 · ttft 500ms · 2.50s · 50.0 tok/s · stop".to_string(),
        ]
    );
}

#[test]
fn tokens_per_second_only_when_it_means_something() {
    let timed = |out: u64, ttft_ms: u64, total_ms: u64, cached: bool| {
        let c = cell(
            "x",
            GenParams::default(),
            Completion {
                usage: Usage {
                    output_tokens: Some(out),
                    ..Default::default()
                },
                time_to_first_token: Some(Duration::from_millis(ttft_ms)),
                total_time: Duration::from_millis(total_ms),
                cached,
                ..Default::default()
            },
        );
        Readout::new(&c, None).tokens_per_sec()
    };
    assert_eq!(timed(13, 6, 6, false), None, "13 tokens in 6 ms");
    assert_eq!(timed(13, 1, 7, false), None, "a few ms of generation");
    assert_eq!(timed(4, 100, 900, false), None, "too few tokens");
    assert_eq!(timed(200, 0, 2000, true), None, "a cache replay");
    let r = timed(201, 500, 2500, false).unwrap();
    assert!((r - 100.0).abs() < 1e-9, "{r}");
}

#[test]
fn retries_show_their_cause_wait_and_the_wall_time() {
    let mut c = CellOutcome::new(
        "x".into(),
        ModelId::parse("openai:x").unwrap(),
        GenParams::default(),
    );
    c.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    c.apply(RunEvent::Retrying {
        run: 1,
        cell: 0,
        attempt: 1,
        max_retries: 3,
        wait: Duration::from_millis(1000),
        cause: "HTTP 429".into(),
        reason: "HTTP 429 from u: rate limited".into(),
    });
    c.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    c.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion: Completion {
            text: "ok".into(),
            total_time: Duration::from_millis(1),
            ..Default::default()
        },
    });
    c.wall_time = Some(Duration::from_millis(1004));
    let r = Readout::new(&c, None);
    assert_eq!(
        r.retries().as_deref(),
        Some("retried 1×: HTTP 429, waited 1.00s · wall 1.00s")
    );
    assert_eq!(r.lines(4).len(), 4);
    assert!(
        r.line()
            .ends_with("retried 1×: HTTP 429, waited 1.00s · wall 1.00s")
    );
}

#[test]
fn unknowns_show_as_question_marks() {
    let c = CellOutcome::new(
        "x".into(),
        ModelId::parse("openai:x").unwrap(),
        GenParams::default(),
    );
    let f = Readout::new(&c, None);
    assert_eq!(f.context_line(8), "ctx ?");
    assert_eq!(f.cost_and_timing(), "$?");
    assert_eq!(context_bar(None, Some(8192), 4), "ctx ? of 8k");
    assert_eq!(
        context_bar(Some(10), Some(200_000), 4),
        "ctx [█░░░] <1% of 200k"
    );
    assert_eq!(
        context_bar(Some(999_999), Some(10), 3),
        "ctx [███] 9999990% of 10"
    );
}

#[test]
fn run_summary_sums_and_ranks() {
    let info = info();
    let done = |ms| Completion {
        usage: Usage {
            input_tokens: Some(1000),
            output_tokens: Some(500),
            ..Default::default()
        },
        total_time: Duration::from_millis(ms),
        ..Default::default()
    };
    let a = cell("a", GenParams::default(), done(640));
    let b = cell("b", GenParams::default(), done(1830));
    let s = RunSummary::of(&[Readout::new(&a, Some(&info)), Readout::new(&b, None)]);
    assert_eq!(s.total_tokens, 3000);
    assert_eq!(
        s.line(),
        "run: 3000 tokens · $0.0020 (+1 unknown) · slowest b 1.83s · fastest a 640ms"
    );
    assert_eq!(RunSummary::of(&[]).line(), "run: 0 tokens · $0");
}

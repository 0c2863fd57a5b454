use super::*;
use crate::usage::PricePerMillion;

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

#[test]
fn header_lines_read_well() {
    let p = GenParams {
        temperature: Some(0.7),
        top_p: Some(0.9),
        ..Default::default()
    };
    let info = info();
    let f = CallFacts {
        model_id: "openai:x",
        params: Some(&p),
        usage: Usage {
            input_tokens: Some(12_800),
            output_tokens: Some(100),
            reasoning_tokens: Some(20),
            ..Default::default()
        },
        time_to_first_token: Some(Duration::from_millis(500)),
        total_time: Some(Duration::from_millis(2500)),
        finish_reason: Some(&FinishReason::Stop),
        info: Some(&info),
        cached: false,
    };
    assert_eq!(
        f.lines(10),
        [
            "t=0.7 p=0.9 · in 12800 out 100 (reasoning 20)".to_string(),
            "ctx [█░░░░░░░░░] 10% of 128k".to_string(),
            "$0.0130 · ttft 500ms · 2.50s · 50.0 tok/s · stop".to_string(),
        ]
    );
}

#[test]
fn unknowns_show_as_question_marks() {
    let f = CallFacts::default();
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
    let usage = Usage {
        input_tokens: Some(1000),
        output_tokens: Some(500),
        ..Default::default()
    };
    let a = CallFacts {
        model_id: "a",
        usage,
        total_time: Some(Duration::from_millis(640)),
        info: Some(&info),
        ..Default::default()
    };
    let b = CallFacts {
        model_id: "b",
        usage,
        total_time: Some(Duration::from_millis(1830)),
        ..Default::default()
    };
    let s = RunSummary::of(&[a, b]);
    assert_eq!(s.total_tokens, 3000);
    assert_eq!(
        s.line(),
        "run: 3000 tokens · $0.0020 (+1 unknown) · slowest b 1.83s · fastest a 640ms"
    );
    assert_eq!(RunSummary::of(&[]).line(), "run: 0 tokens · $0");
}

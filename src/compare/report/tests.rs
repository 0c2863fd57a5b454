use super::*;
use crate::provider::Completion;
use crate::run::RunEvent;
use crate::types::{FinishReason, GenParams, ModelId, Usage};
use std::time::Duration;

fn done(model: &str, slot: CellSlot, text: &str, out: u64, ms: u64) -> CellOutcome {
    let params = GenParams {
        temperature: slot.temperature.or(Some(0.4)),
        ..Default::default()
    };
    let mut c =
        CellOutcome::new(model.into(), ModelId::parse(model).unwrap(), params).with_slot(slot);
    c.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    c.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion: Completion {
            text: text.into(),
            usage: Usage {
                input_tokens: Some(1000),
                output_tokens: Some(out),
                ..Default::default()
            },
            finish_reason: Some(FinishReason::Stop),
            time_to_first_token: Some(Duration::from_millis(ms / 2)),
            total_time: Duration::from_millis(ms),
            ..Default::default()
        },
    });
    c
}

fn sample(i: u32, k: u32) -> CellSlot {
    CellSlot {
        sample: i,
        samples: k,
        ..Default::default()
    }
}

/// Three samples of gpt-4o-mini (two alike) and one of a model that failed.
fn comparison(catalog: &Catalog) -> Comparison<'_> {
    let mut failed = CellOutcome::new(
        "openai:gone".into(),
        ModelId::parse("openai:gone").unwrap(),
        GenParams::default(),
    )
    .with_slot(CellSlot {
        model: 1,
        ..Default::default()
    });
    failed.apply(RunEvent::Failed {
        run: 1,
        cell: 1,
        error: "HTTP 404 from http://127.0.0.1/v1: no | such model".into(),
    });
    Comparison::new(
        "prompts/greet.prompt",
        vec![
            done("openai:gpt-4o-mini", sample(0, 3), "Hello, Ada!", 10, 1000),
            done("openai:gpt-4o-mini", sample(1, 3), "Hello, Ada!", 12, 1500),
            done(
                "openai:gpt-4o-mini",
                sample(2, 3),
                "Hi there, Ada!",
                14,
                2000,
            ),
            failed,
        ],
        None,
        catalog,
    )
}

#[test]
fn text_report_has_table_agreement_and_word_diffs() {
    let catalog = Catalog::builtin();
    let t = comparison(&catalog).to_text();
    assert!(
        t.starts_with("Comparison of prompts/greet.prompt (4 columns)\n\n#  column"),
        "{t}"
    );
    let row = t
        .lines()
        .find(|l| l.starts_with("3  openai:gpt-4o-mini #3/3"))
        .expect("row 3");
    for cell in [
        "0.4",
        "1000",
        "14",
        "<1% of 128k",
        "$0.0002",
        "1.00s",
        "2.00s",
        "13.0",
        "stop",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
    assert!(t.contains("4  openai:gone"), "{t}");
    assert!(
        t.lines()
            .any(|l| l.starts_with("4  openai:gone") && l.ends_with("error")),
        "{t}"
    );
    assert!(
        t.contains(
            "  openai:gpt-4o-mini (3 samples): 2/3 identical · sim 60% (words) · out 10–14 tok (12.0±2.0) · time 1.00s–2.00s (1.50s±500ms)"
        ),
        "{t}"
    );
    assert!(
        t.contains("── [1] openai:gpt-4o-mini #1/3 (reference) ──\nHello, Ada!\n"),
        "{t}"
    );
    assert!(
        t.contains("── [2] openai:gpt-4o-mini #2/3 ──\n(same as [1])\n"),
        "{t}"
    );
    assert!(t.contains("[-Hello,-]{+Hi there,+} Ada!"), "{t}");
    assert!(t.contains("── [4] openai:gone ──\nerror: HTTP 404"), "{t}");
}

#[test]
fn markdown_report_has_tables_and_diff_blocks() {
    let catalog = Catalog::builtin();
    let md = comparison(&catalog).to_markdown();
    assert!(
        md.starts_with("## Comparison of `prompts/greet.prompt`\n\n| # | column | temp |"),
        "{md}"
    );
    assert!(
        md.contains("|---:|---|---|---:|---:|---|---:|---:|---:|---:|---|\n"),
        "{md}"
    );
    assert!(
        md.contains("| 3 | openai:gpt-4o-mini #3/3 | 0.4 | 1000 | 14 |"),
        "{md}"
    );
    assert!(md.contains("### Agreement"), "{md}");
    assert!(
        md.contains("| openai:gpt-4o-mini | 3 | 2/3 identical | 60% | 10–14 tok (12.0±2.0) | 1.00s–2.00s (1.50s±500ms) |"),
        "{md}"
    );
    assert!(
        md.contains("#### [1] openai:gpt-4o-mini #1/3 — reference\n\n```text\nHello, Ada!\n```\n"),
        "{md}"
    );
    assert!(
        md.contains("#### [2] openai:gpt-4o-mini #2/3 — same as [1]\n"),
        "{md}"
    );
    assert!(
        md.contains("#### [3] openai:gpt-4o-mini #3/3 — diff against [1]\n\n```diff\n-Hello, Ada!\n+Hi there, Ada!\n```\n"),
        "{md}"
    );
    assert!(
        md.contains("#### [4] openai:gone — error\n\n> HTTP 404"),
        "{md}"
    );
}

#[test]
fn json_report_carries_every_figure() {
    let catalog = Catalog::builtin();
    let v = comparison(&catalog).to_json();
    assert_eq!(v["reference"], 1);
    let cells = v["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    assert_eq!(cells[2]["label"], "openai:gpt-4o-mini #3/3");
    assert_eq!(cells[2]["sample"], 3);
    assert_eq!(cells[2]["samples"], 3);
    assert_eq!(cells[2]["text"], "Hi there, Ada!");
    assert_eq!(cells[2]["finish_reason"], "stop");
    assert_eq!(cells[2]["usage"]["output_tokens"], 14);
    assert_eq!(cells[2]["total_time_ms"], 2000);
    assert_eq!(cells[2]["time_to_first_token_ms"], 1000);
    // 13 tokens after the first, in the second after it.
    assert_eq!(cells[2]["tokens_per_sec"], 13.0);
    assert_eq!(cells[2]["context_window"], 128_000);
    assert!(cells[2]["cost_usd"].as_f64().unwrap() > 0.0);
    assert_eq!(cells[2]["diff_vs_reference"]["against"], 1);
    assert_eq!(cells[2]["diff_vs_reference"]["inserted_words"], 2);
    assert_eq!(cells[2]["diff_vs_reference"]["deleted_words"], 1);
    assert!(cells[0]["diff_vs_reference"].is_null());
    assert_eq!(
        cells[3]["error"].as_str().unwrap().split(':').next(),
        Some("HTTP 404 from http")
    );
    assert!(cells[3]["finish_reason"].is_null());
    let groups = v["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["cells"], serde_json::json!([1, 2, 3]));
    assert_eq!(groups[0]["identical"], 2);
    assert_eq!(groups[0]["distinct"], 2);
    // Pairs: 1 (equal), and 2·1/5 twice ("Ada!" of 2 and 3 words).
    let sim = groups[0]["similarity"].as_f64().unwrap();
    assert!((sim - 0.6).abs() < 1e-12, "{sim}");
    assert_eq!(groups[0]["output_tokens"]["sd"], 2.0);
    assert_eq!(groups[0]["latency_ms"]["mean"], 1500.0);
    assert_eq!(groups[1]["answered"], 0);
    assert_eq!(v["summary"]["slowest"]["column"], "openai:gpt-4o-mini #3/3");
}

#[test]
fn answers_are_checked_against_the_schema() {
    let catalog = Catalog::builtin();
    let schema = serde_json::json!({"type": "object", "required": ["label"]});
    let cmp = Comparison::new(
        "p",
        vec![
            done("openai:a", sample(0, 1), r#"{"label": "x"}"#, 3, 10),
            done(
                "openai:b",
                CellSlot {
                    model: 1,
                    ..Default::default()
                },
                "{}",
                3,
                10,
            ),
        ],
        Some(&schema),
        &catalog,
    );
    let (head, rows) = cmp.table();
    assert_eq!(head.last(), Some(&"json"));
    assert_eq!(rows[0].last().unwrap(), "✓ valid");
    assert!(rows[1].last().unwrap().starts_with("✗ $:"), "{:?}", rows[1]);
    let v = cmp.to_json();
    assert_eq!(v["cells"][0]["json_check"]["valid"], true);
    assert_eq!(v["cells"][1]["json_check"]["valid"], false);
    assert_eq!(v["cells"][1]["json_check"]["path"], "$");
    assert!(!cmp.has_repeats());
    assert!(!cmp.to_text().contains("Agreement"));
}

#[test]
fn fences_outgrow_backticks_in_the_answer() {
    assert_eq!(markdown::fenced("text", "a"), "```text\na\n```\n");
    assert_eq!(
        markdown::fenced("diff", "x ```` y\n"),
        "`````diff\nx ```` y\n`````\n"
    );
}

//! Every deterministic assertion on a 50 KB answer (prose with a JSON
//! object, an XML and an SQL block in it), graded as `pwb eval` grades it.
//! Run: `cargo bench --bench assertions`. Prints figures only.

use pwb::eval::AssertContext;
use pwb::eval::assert::grade_one;
use pwb::run::CellOutcome;
use pwb::types::{FinishReason, GenParams, ModelId};
use pwb::workspace::testfile::AssertSpec;
use serde_json::{Map, Value, json};
use std::time::{Duration, Instant};

/// About 50 KB: prose lines, then a JSON object, an XML element, SQL.
fn answer() -> String {
    let words = [
        "the", "model", "explains", "its", "answer", "step", "by", "careful", "step,", "citing",
        "sources", "where", "it", "can.", "Refunds", "take", "5", "days.",
    ];
    let mut s = String::new();
    let mut i = 0usize;
    while s.len() < 49_000 {
        s.push_str(words[i % words.len()]);
        s.push(if i % 12 == 11 { '\n' } else { ' ' });
        i += 1;
    }
    s.push_str(
        "\n{\"category\": \"billing\", \"urgent\": true, \"tags\": [\"refund\", \"duplicate\"]}\n",
    );
    s.push_str("<ticket><id>4821</id><team>billing</team></ticket>\n");
    s.push_str("```sql\nSELECT id, total FROM orders WHERE customer_id = 7 ORDER BY total DESC LIMIT 5\n```\n");
    s
}

fn spec(kind: &str, value: Option<Value>, threshold: Option<f64>) -> AssertSpec {
    AssertSpec {
        kind: kind.into(),
        value,
        threshold,
        ..AssertSpec::default()
    }
}

fn main() {
    let output = answer();
    let reference =
        "The model explains its answer step by step and cites its sources; refunds take five days.";
    let schema = json!({"type": "object", "required": ["category", "urgent"], "properties": {"urgent": {"type": "boolean"}}});
    let asserts = vec![
        spec("equals", Some(json!("no")), None),
        spec("contains", Some(json!("duplicate")), None),
        spec("icontains", Some(json!("REFUNDS TAKE")), None),
        spec(
            "contains-any",
            Some(json!(["zebra", "yak", "billing"])),
            None,
        ),
        spec(
            "contains-all",
            Some(json!(["model", "sources", "4821"])),
            None,
        ),
        spec("icontains-any", Some(json!(["ZEBRA", "BILLING"])), None),
        spec("icontains-all", Some(json!(["MODEL", "SOURCES"])), None),
        spec("starts-with", Some(json!("the model")), None),
        spec("regex", Some(json!(r"\bcustomer_id = \d+")), None),
        spec("not-regex", Some(json!(r"(?<=refund)s{3}")), None),
        spec("word-count", Some(json!({"min": 100, "max": 20000})), None),
        spec("is-json", None, None),
        spec("contains-json", Some(schema), None),
        spec("is-xml", None, None),
        spec("contains-xml", Some(json!("ticket.id")), None),
        spec("is-html", None, None),
        spec("contains-html", None, None),
        spec("is-sql", None, None),
        spec("contains-sql", None, None),
        spec("levenshtein", Some(json!(reference)), Some(5.0)),
        spec("rouge-n", Some(json!(reference)), None),
        spec("bleu", Some(json!(reference)), None),
        spec("gleu", Some(json!(reference)), None),
        spec(
            "meteor",
            Some(json!("the model explains its answer step by step")),
            None,
        ),
        spec("latency", None, Some(1000.0)),
        spec("cost", None, Some(0.01)),
        spec("finish-reason", Some(json!("stop")), None),
        spec("is-refusal", None, None),
    ];
    let model = ModelId::parse("openai:gpt-4o-mini").expect("model id");
    let mut cell = CellOutcome::new("bench".into(), model, GenParams::default());
    cell.total_time = Some(Duration::from_millis(420));
    cell.finish_reason = Some(FinishReason::Stop);
    let vars = Map::new();
    let ctx = AssertContext {
        output: &output,
        vars: &vars,
        messages: &[],
        cell: &cell,
        cost: Some(0.0004),
    };
    println!(
        "assertions on a {} KB answer (median of 30 runs, after one warm-up)",
        output.len() / 1024
    );
    let mut worst = (String::new(), 0.0f64);
    for a in &asserts {
        let first = grade_one(a, &ctx);
        let mut samples: Vec<f64> = (0..30)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(grade_one(a, &ctx));
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        samples.sort_by(|x, y| x.total_cmp(y));
        let median = samples[samples.len() / 2];
        let verdict = match (&first.error, first.pass) {
            (Some(e), _) => format!("error: {}", e.chars().take(60).collect::<String>()),
            (None, p) => format!("pass={p} score={:.3}", first.score),
        };
        println!("  {:<16} {median:>8.3} ms   {verdict}", a.kind);
        if median > worst.1 {
            worst = (a.kind.clone(), median);
        }
    }
    println!("slowest: {} at {:.3} ms", worst.0, worst.1);
}

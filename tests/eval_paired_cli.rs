//! `pwb eval` on a promptfoo config with three prompts: the text and JSON
//! reports compare each prompt with the first (McNemar's exact p, the
//! bootstrap interval of the score difference), never the second with
//! the third. The echo provider answers with the rendered prompt.

mod support;

use support::cli::pwb;

const CONFIG: &str = "\
prompts:
  - 'Hello {{name}}'
  - 'Hi {{name}}'
  - 'Hello there, {{name}}'
providers: [echo]
tests:
  - vars: { name: Ada }
    assert: [{ type: contains, value: Hello }]
  - vars: { name: Bob }
    assert: [{ type: contains, value: Hello }]
  - vars: { name: Cy }
    assert: [{ type: contains, value: Cy }]
";

#[test]
fn each_prompt_is_compared_with_the_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("three.yaml"), CONFIG).unwrap();
    let (code, out, err) = pwb(dir.path(), &["eval", "three.yaml", "-o", "r.json"]);
    assert_eq!(code, 100, "{out}\n{err}");
    // Hi fails the two cases Hello passes; scipy.stats.binomtest(0, 2,
    // 0.5).pvalue == 0.5. "Hello there" passes the same cases as Hello.
    assert!(
        out.contains("Comparison: Hi {{name}} vs Hello {{name}} (model echo), 3 cases"),
        "{out}"
    );
    assert!(
        out.contains("Comparison: Hello there, {{name}} vs Hello {{name}} (model echo), 3 cases"),
        "{out}"
    );
    assert!(
        !out.contains("vs Hi {{name}}"),
        "only against the first: {out}"
    );
    assert!(out.contains("p = 0.50 (McNemar's exact test)"), "{out}");
    assert!(
        out.contains("−0.67, 95% CI [−1.00, +0.00] (bootstrap over 3 cases)"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let cmp = json["comparisons"].as_array().expect("comparisons");
    let pairs: Vec<(&str, &str, u64, u64, f64)> = cmp
        .iter()
        .map(|c| {
            (
                c["a"].as_str().unwrap(),
                c["b"].as_str().unwrap(),
                c["b_wins"].as_u64().unwrap(),
                c["b_loses"].as_u64().unwrap(),
                c["p_value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            ("Hello {{name}}", "Hi {{name}}", 0, 2, 0.5),
            ("Hello {{name}}", "Hello there, {{name}}", 0, 0, 1.0)
        ]
    );
}

//! Suites loaded from every shape, held to what promptfoo 0.123.1 made of
//! the same configs (`tests/fixtures/promptfoo/*/promptfoo.json`, recorded
//! by `regen.sh` there with the echo provider): the cases in order, each
//! prompt rendered to the same text, each assertion with the same type,
//! rendered value, threshold and metric.

use super::*;
use crate::eval::template::render_value;
use crate::provider::echo::echo_text;
use crate::session::Session;
use crate::workspace::{Severity, Workspace};
use serde_json::json;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/promptfoo")
}

fn session() -> Session {
    Session::new(Workspace::default())
}

fn load_one(target: &Path) -> Suite {
    let suites = load(target, Path::new("/")).unwrap_or_else(|d| panic!("{target:?}: {d:#?}"));
    assert_eq!(suites.len(), 1);
    suites.into_iter().next().unwrap()
}

/// `''` and a missing metric are the same to promptfoo.
fn metric(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(str::to_string)
}

#[test]
fn configs_load_and_render_as_promptfoo_did() {
    let session = session();
    for name in ["expansion", "csv", "files", "prompts"] {
        let dir = fixtures().join(name);
        let suite = load_one(&dir.join("promptfooconfig.yaml"));
        let text = std::fs::read_to_string(dir.join("promptfoo.json")).unwrap();
        let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
        let pairs: Vec<(&TestCase, &SuitePrompt)> = suite
            .cases
            .iter()
            .flat_map(|c| suite.prompts.iter().map(move |p| (c, p)))
            .collect();
        assert_eq!(pairs.len(), rows.len(), "{name}: cases × prompts");
        for ((case, prompt), row) in pairs.iter().zip(&rows) {
            let what = format!("{name}: {row}");
            assert_eq!(prompt.label(), row["prompt"].as_str().unwrap(), "{what}");
            assert_eq!(
                case.description.as_deref(),
                row["description"].as_str(),
                "{what}"
            );
            assert_eq!(case.threshold, row["threshold"].as_f64(), "{what}");
            let variant = prompt.variant(&session).unwrap();
            let rendered = variant.render(&session, &case.vars).unwrap();
            assert_eq!(
                echo_text(&rendered.messages),
                row["output"].as_str().unwrap(),
                "{what}"
            );
            let asserts = row["asserts"].as_array().unwrap();
            assert_eq!(case.asserts.len(), asserts.len(), "{what}");
            for (mine, theirs) in case.asserts.iter().zip(asserts) {
                assert_eq!(mine.kind, theirs["type"].as_str().unwrap(), "{what}");
                let value = mine.value.as_ref().map(|v| render_value(v, &case.vars));
                let want = theirs.get("value").map(|v| render_value(v, &case.vars));
                assert_eq!(value, want, "{what}");
                assert_eq!(mine.threshold, theirs["threshold"].as_f64(), "{what}");
                assert_eq!(mine.metric, metric(theirs.get("metric")), "{what}");
            }
        }
    }
}

#[test]
fn a_config_needs_no_workspace_and_keeps_its_grader_and_providers() {
    let suite = load_one(&fixtures().join("expansion"));
    assert_eq!(suite.name, "expansion");
    assert_eq!(suite.default_grader, Some(json!("openai:gpt-4o-mini")));
    assert_eq!(suite.providers.len(), 1);
    assert_eq!(
        suite.providers[0].id.provider(),
        crate::types::ProviderKind::Echo
    );
    let prompts = load_one(&fixtures().join("prompts/promptfooconfig.yaml"));
    assert_eq!(prompts.providers[0].model_option().name, "mirror");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn problems(dir: &Path, file: &str) -> Vec<Diagnostic> {
    load(Path::new(file), dir).expect_err("the suite must not load")
}

#[test]
fn any_yaml_with_prompts_is_a_config_and_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "prompts:\n  - 'Hi {{ name | upper }}'\nproviders:\n  - openai:chat:gpt-4o-mini\n  - vertex:gemini-pro\ntests:\n  - vars: {name: a}\n    assert:\n      - type: containz\n        value: a\n      - type: regex\n        value: '(?i)^hi'\n";
    write(dir.path(), "evals/anything.yml", cfg);
    let got = problems(dir.path(), "evals/anything.yml");
    let lines: Vec<(usize, &str)> = got.iter().map(|d| (d.line, d.message.as_str())).collect();
    assert!(
        got.iter()
            .all(|d| d.path == Path::new("evals/anything.yml") && d.is_error()),
        "{got:#?}"
    );
    assert!(
        lines[0].0 == 2 && lines[0].1.contains("filters"),
        "{lines:?}"
    );
    assert!(
        lines[1].0 == 5 && lines[1].1.contains("Vertex"),
        "{lines:?}"
    );
    assert!(
        lines[2].0 == 9 && got[2].hint.as_deref().unwrap().contains("`contains`"),
        "{got:#?}"
    );
    assert!(
        lines[3].0 == 12 && lines[3].1.contains("inline flags"),
        "{lines:?}"
    );
}

#[test]
fn var_texts_promptfoo_would_render_must_be_renderable() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "prompts: ['{{a}} {{b}}']\nproviders: [echo]\ntests:\n  - vars:\n      a: x\n      b: '{{ a | upper }}'\n  - vars:\n      b: '{{ unset | upper }}'\n";
    write(dir.path(), "c.yaml", cfg);
    let got = problems(dir.path(), "c.yaml");
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].line, 6);
    assert!(got[0].message.starts_with("var `b`:"), "{got:#?}");
    // A var that reads an unset var is left as it is, as promptfoo leaves it.
    write(
        dir.path(),
        "d.yaml",
        "prompts: ['{{b}}']\nproviders: [echo]\ntests:\n  - vars: {b: '{{ unset | upper }}'}\n",
    );
    let suite = load(Path::new("d.yaml"), dir.path()).unwrap().remove(0);
    let session = session();
    let rendered = suite.prompts[0]
        .variant(&session)
        .unwrap()
        .render(&session, &suite.cases[0].vars);
    assert_eq!(
        echo_text(&rendered.unwrap().messages),
        "{{ unset | upper }}"
    );
}

#[test]
fn promptfoo_keys_pwb_cannot_honour_stop_the_load_and_others_warn() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.yaml",
        "prompts: [x]\nproviders: [echo]\nscenarios: []\noutputPath: out.json\n",
    );
    let got = problems(dir.path(), "c.yaml");
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!((got[0].severity, got[0].line), (Severity::Error, 3));
    assert_eq!((got[1].severity, got[1].line), (Severity::Warning, 4));
    write(
        dir.path(),
        "d.yaml",
        "prompts: [x]\nproviders: [echo]\noutputPath: out.json\n",
    );
    let suites = load(Path::new("d.yaml"), dir.path()).unwrap();
    assert_eq!(suites[0].warnings.len(), 1);
    assert_eq!(
        suites[0].cases.len(),
        1,
        "no tests: one empty case, as promptfoo runs"
    );
}

#[test]
fn providers_map_to_pwb_models() {
    let id = |s: &str| map_provider(s).map(|(m, _)| m.to_string());
    assert_eq!(id("openai:chat:gpt-4o-mini").unwrap(), "openai:gpt-4o-mini");
    assert_eq!(id("openai:gpt-4o-mini").unwrap(), "openai:gpt-4o-mini");
    assert_eq!(
        id("anthropic:messages:claude-sonnet-4-5").unwrap(),
        "anthropic:claude-sonnet-4-5"
    );
    assert_eq!(
        id("anthropic:claude-3-haiku").unwrap(),
        "anthropic:claude-3-haiku"
    );
    assert_eq!(id("ollama:chat:llama3.2:1b").unwrap(), "ollama:llama3.2:1b");
    assert!(
        map_provider("ollama:llama3.2").unwrap().1.is_some(),
        "noted: promptfoo uses /api/generate"
    );
    assert_eq!(
        id("google:gemini-2.5-flash").unwrap(),
        "gemini:gemini-2.5-flash"
    );
    assert_eq!(id("echo").unwrap(), "echo:echo");
    assert_eq!(id("local:smollm2-135m").unwrap(), "local:smollm2-135m");
    for refused in [
        "openai:embedding:text-embedding-3-small",
        "vertex:gemini-pro",
        "bedrock:x",
        "file://p.js",
        "exec:run.sh",
        "openai:chat:",
    ] {
        assert!(map_provider(refused).is_err(), "{refused}");
    }
}

#[test]
fn provider_config_sets_endpoint_and_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = "prompts: [x]\nproviders:\n  - id: openai:chat:qwen\n    label: Qwen\n    config:\n      apiBaseUrl: http://127.0.0.1:8080/v1/\n      temperature: 0.2\n      max_tokens: 64\n      apiKeyEnvar: LLAMA_KEY\n      frequency_penalty: 1\n  - google:gemini-2.5-flash:\n      config: {generationConfig: {maxOutputTokens: 9, topK: 3}}\n";
    write(dir.path(), "c.yaml", cfg);
    let suite = load(Path::new("c.yaml"), dir.path()).unwrap().remove(0);
    let qwen = &suite.providers[0];
    assert_eq!(qwen.base_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
    assert_eq!(
        (qwen.params.temperature, qwen.params.max_tokens),
        (Some(0.2), Some(64))
    );
    let option = qwen.model_option();
    assert_eq!(
        (option.name.as_str(), option.endpoint.api_key_env.as_deref()),
        ("Qwen", Some("LLAMA_KEY"))
    );
    let gemini = &suite.providers[1];
    assert_eq!(
        (gemini.params.max_tokens, gemini.params.top_k),
        (Some(9), Some(3))
    );
    assert_eq!(
        suite.warnings.len(),
        1,
        "frequency_penalty is not sent: {:#?}",
        suite.warnings
    );
    assert_eq!(suite.warnings[0].line, 10);
}

#[test]
fn a_workspace_runs_every_test_file_against_its_prompt() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let suites = load(&root, Path::new("/")).unwrap_or_else(|d| panic!("{d:#?}"));
    let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["summarize", "text-to-sql", "triage"]);
    let sql = &suites[1];
    assert_eq!(
        sql.prompts,
        [SuitePrompt::Workspace {
            name: "text-to-sql".into()
        }]
    );
    assert!(sql.providers.is_empty());
    assert_eq!(sql.cases[0].vars["dialect"], json!("postgres"));
    let one = load(
        Path::new("sample-workspace/tests/triage.yaml"),
        Path::new(env!("CARGO_MANIFEST_DIR")),
    )
    .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].name, "triage");
    let rendered = one[0].prompts[0]
        .variant(&Session::open(&root).unwrap().0)
        .unwrap();
    assert_eq!(rendered.label(), "triage");
}

#[test]
fn a_test_file_without_workspace_or_prompt_does_not_load() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.yaml", "- vars: {a: 1}\n");
    let got = problems(dir.path(), "t.yaml");
    assert!(
        got[0].message.contains("no folder above it has a pwb.toml"),
        "{got:#?}"
    );
    write(dir.path(), "ws/pwb.toml", "");
    write(dir.path(), "ws/tests/orphan.yaml", "- vars: {a: 1}\n");
    let got = problems(dir.path(), "ws/tests/orphan.yaml");
    let e = got.iter().find(|d| d.is_error()).unwrap();
    assert!(e.message.contains("no prompt `orphan`"), "{got:#?}");
    assert_eq!(e.path, Path::new("tests/orphan.yaml"));
}

#[test]
fn prompt_files_with_templates_pwb_cannot_render_are_located() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "p.txt",
        "First prompt {{a}}\n---\nSecond\n{% if a %}x{% endif %}\n",
    );
    write(
        dir.path(),
        "c.yaml",
        "prompts: [file://p.txt, file://missing.txt, 'no/such/file.txt']\nproviders: [echo]\n",
    );
    let got = problems(dir.path(), "c.yaml");
    let shown: Vec<String> = got
        .iter()
        .map(|d| format!("{}:{} {}", d.path.display(), d.line, d.severity))
        .collect();
    assert_eq!(
        shown,
        ["c.yaml:1 error", "c.yaml:1 warning", "p.txt:4 error"],
        "{got:#?}"
    );
}

//! Unit tests for `pwb.toml` parsing: the full example, defaults, unknown
//! keys as warnings, literal keys never echoed, and errors with line:col.

use super::*;
use crate::workspace::diagnostic::Severity;

fn parse(src: &str) -> (Option<WorkspaceConfig>, Vec<Diagnostic>) {
    WorkspaceConfig::parse(src, Path::new("pwb.toml"))
}

const FULL: &str = r#"
[defaults]
temperature = 0.7
max_tokens = 512
prompt = "triage"

[[models]]
id = "local:smollm2-135m"
label = "SmolLM2 135M"
selected = true
temperature = 0.2
max_tokens = 256
top_p = 0.9

[[models]]
id = "openai:llama-3.1-8b"
base_url = "http://127.0.0.1:8080/v1"
api_key_env = "MY_KEY"
"#;

#[test]
fn parses_the_documented_example() {
    let (config, diags) = parse(FULL);
    assert!(diags.is_empty(), "{diags:?}");
    let config = config.unwrap();
    assert_eq!(config.defaults.temperature, Some(0.7));
    assert_eq!(config.defaults.max_tokens, Some(512));
    assert_eq!(config.defaults.prompt.as_deref(), Some("triage"));
    let m = &config.models[0];
    assert_eq!(m.id, "local:smollm2-135m");
    assert_eq!(m.label.as_deref(), Some("SmolLM2 135M"));
    assert!(m.selected);
    assert_eq!(
        (m.temperature, m.max_tokens, m.top_p),
        (Some(0.2), Some(256), Some(0.9))
    );
    let o = &config.models[1];
    assert!(!o.selected);
    assert_eq!(o.base_url.as_deref(), Some("http://127.0.0.1:8080/v1"));
    assert_eq!(o.api_key_env.as_deref(), Some("MY_KEY"));
    assert_eq!(o.display_name(), "openai:llama-3.1-8b");
    assert_eq!(config.selected_models().len(), 1);
}

#[test]
fn first_model_is_selected_when_none_is() {
    let (config, _) = parse("[[models]]\nid = \"a:b\"\n[[models]]\nid = \"ollama:x:y\"\n");
    let config = config.unwrap();
    assert_eq!(config.selected_models()[0].id, "a:b");
}

#[test]
fn syntax_error_has_line_and_col() {
    let (config, diags) = parse("[[models]]\nid = \"openai:gpt-4o-mini\nlabel = 3\n");
    assert!(config.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Error);
    assert_eq!(diags[0].line, 2, "{}", diags[0]);
}

#[test]
fn type_error_points_at_the_value() {
    let (config, diags) = parse("[[models]]\nid = \"openai:x\"\nmax_tokens = \"lots\"\n");
    assert!(config.is_none());
    assert_eq!((diags[0].line, diags[0].col), (3, 14), "{}", diags[0]);
    let (_, diags) = parse("[[models]]\nlabel = \"x\"\n");
    assert!(
        diags[0].message.contains("missing field `id`"),
        "{}",
        diags[0]
    );
}

#[test]
fn unknown_keys_warn_with_suggestion() {
    let (config, diags) =
        parse("[[model]]\nid = \"openai:x\"\n[[models]]\nid = \"openai:y\"\ntemprature = 1\n");
    assert!(config.is_some());
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    assert_eq!(diags[0].line, 1);
    assert!(diags[0].hint.as_deref().unwrap().contains("`models`"));
    assert_eq!((diags[1].line, diags[1].col), (5, 1));
    assert!(diags[1].hint.as_deref().unwrap().contains("`temperature`"));
}

#[test]
fn literal_api_key_warns_without_echoing_it() {
    let (config, diags) = parse("[[models]]\nid = \"openai:x\"\napi_key = \"sk-SECRET123\"\n");
    let config = config.unwrap();
    assert_eq!(
        config.models[0].api_key.as_ref().map(Secret::expose),
        Some("sk-SECRET123")
    );
    assert!(!format!("{config:?}").contains("SECRET"));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].line, 3);
    assert!(!diags[0].to_string().contains("SECRET"));
    let (_, diags) = parse("[[models]]\nid = \"openai:x\"\napi_key_env = \"sk-SECRET123\"\n");
    assert!(diags[0].is_error());
    assert!(!diags[0].to_string().contains("SECRET"));
}

#[test]
fn bad_values_are_located() {
    let src = "[[models]]\nid = \"gpt4\"\n[[models]]\nid = \"openai:x\"\ntop_p = 3.0\nbase_url = \"localhost\"\n[[models]]\nid = \"foo:bar\"\n";
    let (_, diags) = parse(src);
    let lines: Vec<(usize, bool)> = diags.iter().map(|d| (d.line, d.is_error())).collect();
    assert_eq!(
        lines,
        vec![(2, true), (5, true), (6, true), (8, true)],
        "{diags:?}"
    );
    let (_, diags) = parse("");
    assert!(diags[0].message.contains("no models"));
}

#[test]
fn runner_table_parses_and_unknown_keys_warn() {
    let src = "[[models]]\nid = \"openai:x\"\n[runner]\nconcurrency = 2\nmax_parallel = 8\nmax_retries = 1\ntimeout_secs = 60\n\
               stall_secs = 10\nretries = 5\n[runner.concurrency_per_provider]\nopenai = 8\nopenia = 3\n";
    let (config, diags) = parse(src);
    let r = config.unwrap().runner;
    assert_eq!(
        (
            r.concurrency,
            r.max_parallel,
            r.max_retries,
            r.timeout_secs,
            r.stall_secs
        ),
        (Some(2), Some(8), Some(1), Some(60), Some(10))
    );
    assert_eq!(r.concurrency_per_provider.get("openai"), Some(&8));
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    assert!(
        diags[0].message.contains("`retries` in [runner]"),
        "{}",
        diags[0]
    );
    assert_eq!(diags[0].line, 9);
    assert!(diags[1].message.contains("`openia`"), "{}", diags[1]);
}

fn duplicate_warnings(models: &str) -> Vec<(usize, String)> {
    let (_, diags) = parse(models);
    diags
        .into_iter()
        .filter(|d| d.message.contains("listed twice"))
        .map(|d| (d.line, d.message))
        .collect()
}

#[test]
fn a_model_listed_twice_is_flagged_unless_label_and_settings_differ() {
    // The reported case: a labelled entry and an unlabelled copy of it.
    let labelled_and_not = "[[models]]\nid = \"openai:gpt-4o\"\nlabel = \"GPT-4o\"\n\n\
                            [[models]]\nid = \"openai:gpt-4o\"\n";
    assert_eq!(
        duplicate_warnings(labelled_and_not),
        [(
            6,
            "model `openai:gpt-4o` is listed twice (first on line 2)".to_string()
        )]
    );
    let unlabelled = "[[models]]\nid = \"openai:gpt-4o\"\n[[models]]\nid = \"openai:gpt-4o\"\n";
    assert_eq!(duplicate_warnings(unlabelled).len(), 1);
    let same_label = "[[models]]\nid = \"openai:a\"\nlabel = \"A\"\ntemperature = 0\n\
                      [[models]]\nid = \"openai:a\"\nlabel = \"A\"\ntemperature = 1\n";
    assert_eq!(duplicate_warnings(same_label).len(), 1);

    let labels_only = "[[models]]\nid = \"openai:a\"\nlabel = \"A\"\n\
                       [[models]]\nid = \"openai:a\"\nlabel = \"B\"\n";
    assert_eq!(
        duplicate_warnings(labels_only),
        [(
            5,
            "model `openai:a` is listed twice with the same settings (first on line 2): \
             both entries send the same request"
                .to_string()
        )]
    );

    let different = "[[models]]\nid = \"openai:a\"\nlabel = \"cold\"\ntemperature = 0\n\
                     [[models]]\nid = \"openai:a\"\nlabel = \"hot\"\ntemperature = 1.2\n\
                     [[models]]\nid = \"openai:a\"\nlabel = \"server\"\nbase_url = \"http://h/v1\"\n";
    assert!(duplicate_warnings(different).is_empty());
}

#[test]
fn pricing_entries_warn_about_keys_the_catalog_does_not_read() {
    let src = "[[models]]\nid = \"openai:my-tuned\"\n\n\
               [pricing.\"openai:my-tuned\"]\ninput = 1\nouput = 2\nmax_output = 4096\n";
    let (config, diags) = parse(src);
    assert!(config.is_some());
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!((d.severity, d.line, d.col), (Severity::Warning, 6, 1));
    assert_eq!(
        d.message,
        "unknown key `ouput` in [pricing.\"openai:my-tuned\"] (ignored)"
    );
    assert!(
        d.hint.as_deref().is_some_and(|h| h.contains("output")),
        "{d:?}"
    );
}

#[test]
fn eval_grader_names_a_label_or_a_model_id() {
    let ok = "[[models]]\nid = \"openai:x\"\nlabel = \"judge\"\n[eval]\ngrader = \"judge\"\n";
    let (config, diags) = parse(ok);
    assert_eq!(config.unwrap().eval.grader.as_deref(), Some("judge"));
    assert!(diags.is_empty(), "{diags:?}");
    let by_id = "[[models]]\nid = \"openai:x\"\n[eval]\ngrader = \"anthropic:claude-sonnet-4-5\"\n";
    assert!(parse(by_id).1.is_empty());
    let bad = "[[models]]\nid = \"openai:x\"\n[eval]\ngrader = \"gpt-4o-mini\"\ngrade = 1\n";
    let (_, diags) = parse(bad);
    assert_eq!(diags.len(), 2, "{diags:?}");
    assert_eq!(diags[0].severity, Severity::Error);
    assert!(
        diags[0]
            .message
            .starts_with("[eval] grader: model id `gpt-4o-mini` has no provider"),
        "{}",
        diags[0]
    );
    assert_eq!((diags[0].line, diags[0].col), (4, 10));
    assert!(
        diags[1].message.contains("`grade` in [eval]"),
        "{}",
        diags[1]
    );
}

#[test]
fn history_settings_parse_and_their_unknown_keys_warn() {
    let (config, diags) = parse(
        "[[models]]\nid = \"openai:x\"\n[history]\nenabled = false\npath = \"h.sqlite\"\npaht = 1\n",
    );
    let h = config.unwrap().history;
    assert_eq!(
        (h.enabled, h.path.as_deref()),
        (Some(false), Some("h.sqlite"))
    );
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].message,
        "unknown key `paht` in [history] (ignored)"
    );
    let hint = diags[0].hint.as_deref().unwrap();
    assert!(hint.contains("path"), "{hint}");
}

#[test]
fn tools_max_steps_parses_is_checked_and_its_unknown_keys_warn() {
    let (config, diags) =
        parse("[[models]]\nid = \"openai:x\"\n[tools]\nmax_steps = 12\nmax_step = 3\n");
    assert_eq!(config.unwrap().tools.max_steps, Some(12));
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        diags[0].message,
        "unknown key `max_step` in [tools] (ignored)"
    );
    let hint = diags[0].hint.as_deref().unwrap();
    assert!(hint.contains("max_steps"), "{hint}");
    let (_, diags) = parse("[[models]]\nid = \"openai:x\"\n[tools]\nmax_steps = 0\n");
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].message, "[tools] max_steps must be at least 1");
    assert_eq!((diags[0].line, diags[0].col), (4, 13));
}

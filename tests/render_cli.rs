//! Runs the real `pwb render` binary on a temporary workspace: JSON shape,
//! `--var`, `--vars`, `--examples`, `--strict`, and error positions.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const GREET: &str = "---
model: openai:gpt-4o-mini
config:
  temperature: 0.3
input:
  default:
    tone: friendly
---
{{role \"system\"}}You are {{tone}}.
{{> sig}}
{{role \"user\"}}Hello {{name}}!{{#if loud}} LOUD{{/if}}
";

const EXAMPLES: &str = "- name: hi
  input: Hello Bob!
  output: Hi Bob!
- vars: {name: Ann}
  output: Hey Ann
";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("pwb.toml", "");
    write("prompts/greet.prompt", GREET);
    write("prompts/partials/sig.prompt", "Signed, pwb\n");
    write("examples/greet.yaml", EXAMPLES);
    write(
        "prompts/sql.prompt",
        "---\nmodel: m\n---\nWrite SQL for {{q}}\n",
    );
    write(
        "examples/sql.yaml",
        "- name: count users\n  input: how many users\n  output: SELECT count(*) FROM users\n",
    );
    write("vars.yaml", "name: Yaml\nloud: true\n");
    write(
        "prompts/bad.prompt",
        "---\nmodel: m\nconfig:\n   bad: 1: 2\n---\nHi\n",
    );
    write(
        "prompts/unclosed.prompt",
        "---\nmodel: m\n---\nHi\n\n{{#if x}}never closed\n",
    );
    dir
}

fn pwb(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pwb"))
        .current_dir(root)
        .arg("render")
        .args(args)
        .output()
        .expect("run pwb")
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn texts(v: &Value) -> Vec<String> {
    v["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            format!(
                "{}: {}",
                m["role"].as_str().unwrap_or("?"),
                m["content"][0]["text"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn renders_dotprompt_json_with_vars() {
    let ws = workspace();
    let out = pwb(
        ws.path(),
        &[
            "prompts/greet.prompt",
            "--var",
            "name=Zed",
            "--var",
            "loud=false",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(
        texts(&v),
        vec![
            "system: You are friendly.\nSigned, pwb\n",
            "user: Hello Zed!"
        ]
    );
    assert_eq!(v["model"], json!("openai:gpt-4o-mini"));
    assert_eq!(v["config"], json!({"temperature": 0.3}));
    assert_eq!(v["ext"], json!({}));
    assert!(v["raw"].is_object());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn vars_file_and_var_overrides() {
    let ws = workspace();
    let out = pwb(
        ws.path(),
        &[
            "prompts/greet.prompt",
            "--vars",
            "vars.yaml",
            "--var",
            "tone=\"terse\"",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let t = texts(&stdout_json(&out));
    assert_eq!(t[0], "system: You are terse.\nSigned, pwb\n");
    assert_eq!(t[1], "user: Hello Yaml! LOUD");
}

#[test]
fn examples_become_turns_in_the_order_given() {
    let ws = workspace();
    let out = pwb(
        ws.path(),
        &[
            "prompts/greet.prompt",
            "--var",
            "name=Zed",
            "--examples",
            "greet#2,hi",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        texts(&stdout_json(&out))[1..],
        [
            "user: Hello Ann!",
            "model: Hey Ann",
            "user: Hello Bob!",
            "model: Hi Bob!",
            "user: Hello Zed!"
        ]
    );
    let out = pwb(ws.path(), &["prompts/greet.prompt", "--examples", "hj"]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "error: prompt `greet` has no example named `hj`\n\
         hint: did you mean `hi`? (`greet`'s examples: hi, greet#2)\n"
    );
}

#[test]
fn another_prompts_examples_are_refused() {
    let ws = workspace();
    let out = pwb(ws.path(), &["greet", "--examples", "count users"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error: example `count users` belongs to prompt `sql` (examples/sql.yaml), not to `greet`\n"
        ),
        "{err}"
    );
    assert!(err.contains("`greet`'s examples: hi, greet#2"), "{err}");
    assert!(
        !err.contains("count users`?"),
        "no other prompt's example is offered: {err}"
    );
}

#[test]
fn a_prompt_is_found_by_name_from_anywhere_in_the_workspace() {
    let ws = workspace();
    let sub = ws.path().join("examples");
    let out = pwb(&sub, &["greet", "--var", "name=Zed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        texts(&stdout_json(&out)).last().unwrap(),
        "user: Hello Zed!"
    );
    let out = pwb(ws.path(), &["gret"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: no prompt named `gret`\nhint: did you mean `greet`?\n"
    );
}

#[test]
fn strict_fails_on_missing_vars_and_plain_mode_warns() {
    let ws = workspace();
    let out = pwb(ws.path(), &["prompts/greet.prompt"]);
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("warning: variable 'name' is not set (prompts/greet.prompt)"),
        "{err}"
    );
    assert!(err.contains("warning: variable 'loud' is not set"), "{err}");
    assert!(!err.contains("'tone'"), "{err}");

    let out = pwb(ws.path(), &["prompts/greet.prompt", "--strict"]);
    assert_eq!(out.status.code(), Some(1));
    let out = pwb(
        ws.path(),
        &[
            "prompts/greet.prompt",
            "--strict",
            "--var",
            "name=A",
            "--var",
            "loud=1",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn malformed_prompts_name_file_line_and_hint() {
    let ws = workspace();
    let out = pwb(ws.path(), &["prompts/bad.prompt"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("prompts/bad.prompt:4:"), "{err}");
    assert!(err.contains("\nhint: "), "{err}");
    assert!(out.stdout.is_empty());

    let out = pwb(ws.path(), &["prompts/unclosed.prompt"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("prompts/unclosed.prompt:6:1: "), "{err}");
    assert!(err.contains("{{/if}}"), "{err}");
}

#[test]
fn missing_file_is_an_error() {
    let ws = workspace();
    let out = pwb(ws.path(), &["prompts/none.prompt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot read prompts/none.prompt"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn broken_partials_warn_with_their_own_file_and_line() {
    let ws = workspace();
    std::fs::write(ws.path().join("prompts/_broken.prompt"), "ok\n{{#if x}}\n").expect("write");
    let out = pwb(ws.path(), &["prompts/greet.prompt", "--var", "name=A"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: prompts/_broken.prompt:2:1: "),
        "{err}"
    );
}

#[test]
fn mutually_including_partials_are_an_error_not_a_crash() {
    let ws = workspace();
    let root = ws.path();
    std::fs::write(root.join("prompts/_a.prompt"), "A {{> b}}\n").expect("write");
    std::fs::write(root.join("prompts/_b.prompt"), "B {{> a}}\n").expect("write");
    std::fs::write(
        root.join("prompts/loop.prompt"),
        "---\nmodel: m\n---\nHi {{> a}}\n",
    )
    .expect("write");
    let out = pwb(root, &["prompts/loop.prompt"]);
    let err = stderr(&out);
    // A stack overflow would end the process by a signal (no exit code).
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "prompts/loop.prompt:4:8: partial `a` includes itself through `b` -> `a`\nhint: remove one of the includes"
        ),
        "{err}"
    );
    assert!(
        err.contains("warning: prompts/_b.prompt:1:7: partial `b` includes itself"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

const TIERED: &str = "---
config:
  temperature: 11
input:
  schema:
    ticket: string
    customer_tier?(enum, the plan): [free, pro, enterprise]
---
{{ticket}} ({{customer_tier}})
";

fn tiered(args: &[&str]) -> (Option<i32>, String, Value) {
    let ws = workspace();
    std::fs::write(ws.path().join("prompts/tiered.prompt"), TIERED).expect("write");
    let mut all = vec!["prompts/tiered.prompt", "--var", "ticket=hi"];
    all.extend(args);
    let out = pwb(ws.path(), &all);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), stderr(&out), json)
}

#[test]
fn a_value_outside_the_schema_enum_warns_and_fails_strict() {
    let (code, err, json) = tiered(&["--var", "customer_tier=platinum"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: customer_tier: `platinum` is not one of free, pro, enterprise\n"),
        "{err}"
    );
    assert_eq!(texts(&json), ["user: hi (platinum)"], "still rendered");

    let (code, err, _) = tiered(&["--var", "customer_tier=platinum", "--strict"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: customer_tier: `platinum` is not one of free, pro, enterprise\n"),
        "{err}"
    );
    let (code, err, _) = tiered(&["--var", "customer_tier=pro", "--strict"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_var_the_prompt_does_not_use_is_named_with_its_variables() {
    let (code, err, _) = tiered(&["--var", "nosuchvar=1", "--strict"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "error: --var nosuchvar: the prompt has no variable `nosuchvar` \
             (its variables: ticket, customer_tier)\n"
        ),
        "{err}"
    );
    let (code, err, _) = tiered(&["--var", "custmer_tier=pro"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: --var custmer_tier: the prompt has no variable `custmer_tier`"),
        "{err}"
    );
    assert!(err.contains("hint: did you mean `customer_tier`?"), "{err}");
}

#[test]
fn config_out_of_range_warns_but_renders_and_a_wrong_type_does_not() {
    let (code, err, json) = tiered(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "warning: prompts/tiered.prompt:3:16: config `temperature`: 11 is refused by openai, \
             anthropic and gemini; only ollama and local accept it\nhint: providers take temperature:"
        ),
        "{err}"
    );
    assert_eq!(json["config"], json!({"temperature": 11}), "passed through");

    let ws = workspace();
    let src = "---\nconfig:\n  temprature: 0.2\n  maxOutputTokens: \"lots\"\n---\nHi\n";
    std::fs::write(ws.path().join("prompts/typo.prompt"), src).expect("write");
    let out = pwb(ws.path(), &["prompts/typo.prompt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "prompts/typo.prompt:4:20: config `maxOutputTokens` must be a whole number from 0 to \
         4294967295, found the text \"lots\"\nhint: write e.g. `maxOutputTokens: 300`; a wrong \
         type would not be sent at all\n"
    );
    std::fs::write(
        ws.path().join("prompts/typo.prompt"),
        src.replace("\"lots\"", "300"),
    )
    .expect("write");
    let out = pwb(ws.path(), &["prompts/typo.prompt"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains(
            "warning: prompts/typo.prompt:3:3: unknown config key `temprature` (not sent)\n\
             hint: did you mean `temperature`?"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_prompt_in_a_subfolder_finds_the_workspace_partials_examples_and_schemas() {
    // No pwb.toml: the workspace is the folder holding prompts/.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "prompts/support/deep/reply.prompt",
        "---\noutput:\n  format: json\n  schema: Reply\n---\nAnswer {{name}} {{> sig}} {{> note}}\n",
    );
    write("prompts/_sig.prompt", "(sig)");
    write("prompts/support/_note.prompt", "(note)");
    write("schemas/Reply.yaml", "text: string\n");
    write(
        "examples/support/deep/reply.yaml",
        "- name: hi\n  input: Hello\n  output: Hi there\n",
    );
    let out = pwb(
        &root.join("prompts/support/deep"),
        &["reply.prompt", "--var", "name=Ann", "--examples", "hi"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = stdout_json(&out);
    assert_eq!(
        texts(&v),
        [
            "user: Hello",
            "model: Hi there",
            "user: Answer Ann (sig) (note)"
        ]
    );
    assert_eq!(v["output"]["schema"]["required"], json!(["text"]));
}

#[test]
fn tokens_shows_where_the_input_tokens_go() {
    let dir = workspace();
    let out = pwb(
        dir.path(),
        &[
            "greet",
            "--var",
            "name=Alexandra",
            "--examples",
            "hi",
            "--tokens",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let row = |label: &str| -> usize {
        let line = text
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` row in\n{text}"));
        line[label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    // "Hello Bob!" and "Hi Bob!": 3 tokens each in o200k_base.
    assert_eq!(row("example: hi"), 6, "{text}");
    let count = pwb::prompt::tokens::estimate_tokens;
    assert_eq!(row("variable: name"), count("Alexandra"), "{text}");
    assert!(
        row("variable: tone") >= 1,
        "the default value counts: {text}"
    );
    assert!(row("system prompt") > 0, "{text}");
    let parts: usize = [
        "system prompt",
        "prompt text",
        "example: hi",
        "variable: name",
        "variable: tone",
    ]
    .iter()
    .map(|l| row(l))
    .sum();
    assert_eq!(row("total"), parts, "{text}");
    assert!(!text.contains('{'), "no JSON with --tokens: {text}");
}

//! `pwb check` end to end: runs the real binary on the sample workspace and
//! on broken workspaces built in temp dirs, and checks the exact
//! `path:line:col` of each report, its severity, hint and exit code.

use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

const GOOD_TOML: &str = "[[models]]\nid = \"openai:gpt-4o-mini\"\n";
const GOOD_PROMPT: &str = "---\ninput:\n  default:\n    name: Ada\n---\nHello {{name}}!\n";

/// A workspace with a valid pwb.toml and prompt, plus `files`.
fn workspace(files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "pwb.toml", GOOD_TOML.as_bytes());
    write(dir.path(), "prompts/hello.prompt", GOOD_PROMPT.as_bytes());
    for (path, contents) in files {
        write(dir.path(), path, contents);
    }
    dir
}

fn write(root: &Path, rel: &str, contents: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, contents).expect("write");
}

fn pwb_check(dir: &Path) -> Output {
    // Run from inside the folder so reported paths are workspace-relative.
    Command::new(env!("CARGO_BIN_EXE_pwb"))
        .arg("check")
        .current_dir(dir)
        .output()
        .expect("run pwb")
}

struct Report {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn check(dir: &Path) -> Report {
    let out = pwb_check(dir);
    Report {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Report {
    /// The diagnostic block (first line + hint) starting with `prefix`.
    fn block(&self, prefix: &str) -> String {
        let mut lines = self.stdout.lines().skip_while(|l| !l.starts_with(prefix));
        let first = lines.next().unwrap_or_else(|| {
            panic!(
                "no line starting with {prefix:?} in:\n{}{}",
                self.stdout, self.stderr
            )
        });
        let rest: Vec<&str> = lines.take_while(|l| l.starts_with("  ")).collect();
        format!("{first}\n{}", rest.join("\n"))
    }

    fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

#[test]
fn sample_workspace_is_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let r = check(&root);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("error:"), "{}", r.stdout);
    assert!(
        r.summary().starts_with("0 errors, 0 warnings in "),
        "{}",
        r.stdout
    );
    // pwb.toml, 3 prompts, 1 partial, 3 example files, 3 test files.
    assert_eq!(r.summary(), "0 errors, 0 warnings in 11 files");
}

#[test]
fn dir_argument_prefixes_paths() {
    let ws = workspace(&[(
        "tests/hello.yaml",
        b"- assert:\n    - type: containz\n      value: x\n",
    )]);
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .arg("check")
        .arg(ws.path())
        .output()
        .expect("run pwb");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let expected = format!(
        "{}:2:13: error:",
        ws.path().join("tests/hello.yaml").display()
    );
    assert!(stdout.starts_with(&expected), "{stdout}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_toml_reports_line() {
    let ws = workspace(&[(
        "pwb.toml",
        b"[[models]]\nid = \"openai:x\"\nlabel = \"unterminated\n",
    )]);
    let r = check(ws.path());
    let b = r.block("pwb.toml:3:");
    assert!(b.contains(": error: invalid pwb.toml:"), "{b}");
    assert!(
        b.contains("expected"),
        "the message must say what is missing: {b}"
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn unknown_toml_key_is_a_warning_with_suggestion() {
    let toml = "[[models]]\nid = \"openai:x\"\ntemprature = 0.3\n";
    let ws = workspace(&[("pwb.toml", toml.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("pwb.toml:3:1: warning: unknown key `temprature`");
    assert!(b.contains("hint: did you mean `temperature`?"), "{b}");
    assert_eq!(r.code, Some(0), "warnings alone exit 0");
    assert!(
        r.summary().starts_with("0 errors, 1 warning in"),
        "{}",
        r.stdout
    );
}

#[test]
fn bad_model_id_and_missing_default_prompt() {
    let toml = "[defaults]\nprompt = \"helo\"\n\n[[models]]\nid = \"gpt-4o\"\n";
    let ws = workspace(&[("pwb.toml", toml.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("pwb.toml:2:10: error: [defaults] prompt `helo` does not exist");
    assert!(b.contains("did you mean `hello`?"), "{b}");
    let b = r.block("pwb.toml:5:6: error: model id `gpt-4o` is not `provider:model`");
    assert!(b.contains("openai:gpt-4o-mini"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn frontmatter_yaml_error_names_file_and_line() {
    // The unclosed `[` on line 3 is detected where YAML sees `input:`.
    let src = "---\nconfig:\n  temperature: [0.2\ninput: {}\n---\nHi\n";
    let ws = workspace(&[("prompts/broken.prompt", src.as_bytes())]);
    let r = check(ws.path());
    let b =
        r.block("prompts/broken.prompt:4:6: error: invalid YAML: did not find expected ',' or ']'");
    assert!(b.contains("hint: check indentation"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn unclosed_handlebars_block_is_located_at_its_opening() {
    let src = "---\nconfig:\n  temperature: 0.2\n---\nHello\n{{#if name}}\n  {{name}}\n";
    let ws = workspace(&[("prompts/open.prompt", src.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("prompts/open.prompt:6:1: error: `{{#if}}` is never closed");
    assert!(b.contains("hint: add `{{/if}}`"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn bad_example_file_reports_the_example() {
    let src = "- name: ok\n  input: {name: Bo}\n  output: Hi Bo\n- name: no answer\n  input: {name: Al}\n";
    let ws = workspace(&[("examples/hello.yaml", src.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("examples/hello.yaml:4:");
    assert!(b.contains("error: example 2 has no `output`"), "{b}");
    assert!(b.contains("`output`"), "{b}");
    let ws = workspace(&[("examples/hello.yaml", b"name: [oops\n")]);
    let r = check(ws.path());
    let b = r.block("examples/hello.yaml:2:1: error: invalid YAML");
    assert!(b.contains("hint: check indentation"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn unknown_assert_type_reports_line_and_suggestion() {
    let src = "- vars: {name: Bo}\n  assert:\n    - type: contains\n      value: Bo\n    - type: containz\n      value: Hi\n";
    let ws = workspace(&[("tests/hello.yaml", src.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("tests/hello.yaml:5:13: error: unknown assertion type `containz`");
    assert!(b.contains("hint: did you mean `contains`?"), "{b}");
    assert_eq!(r.code, Some(1));
    assert!(
        r.summary().starts_with("1 error, 0 warnings"),
        "{}",
        r.stdout
    );
}

#[test]
fn test_file_for_missing_prompt_and_missing_var_file() {
    let src = "prompt: helo\ntests:\n  - vars:\n      name: file://names/ada.txt\n";
    let ws = workspace(&[("tests/suite.yaml", src.as_bytes())]);
    let r = check(ws.path());
    let b = r.block("tests/suite.yaml:1:9: error: test file targets prompt `helo`");
    assert!(b.contains("did you mean `hello`?"), "{b}");
    let b =
        r.block("tests/suite.yaml:4:13: error: var `name`: no file matches `file://names/ada.txt`");
    assert!(
        b.contains("hint: `file://` vars are read relative to"),
        "{b}"
    );
}

#[test]
fn regexes_are_javascript_regexes() {
    let src = "- vars: {name: Bo}\n  assert:\n    - type: regex\n      value: '(?<=Hello )Bo'\n    - type: not-regex\n      value: '(?i)hello'\n";
    let ws = workspace(&[("tests/hello.yaml", src.as_bytes())]);
    let r = check(ws.path());
    let b = r.block(
        "tests/hello.yaml:6:14: error: invalid regex: inline flags `(?i)` are not ECMAScript",
    );
    assert!(
        b.contains("hint: JavaScript regexes have no inline flags"),
        "{b}"
    );
    assert!(
        r.summary().starts_with("1 error, 0 warnings"),
        "{}",
        r.stdout
    );
}

#[test]
fn promptfoo_configs_and_test_files_are_checked_as_pwb_eval_loads_them() {
    let cfg = "prompts:\n  - 'Hi {{ name | upper }}'\nproviders: [openai:chat:gpt-4o-mini, echo]\ntests:\n  - vars: {name: [a, b]}\n    assert:\n      - type: icontain\n        value: a\n";
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "evals/suite.yaml", cfg.as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["check", "evals/suite.yaml"])
        .current_dir(dir.path())
        .output()
        .expect("run pwb");
    let r = Report {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let b = r.block("evals/suite.yaml:2:5: error: prompt: `{{ name | upper }}`: Nunjucks filters are not supported by pwb");
    assert!(b.contains("hint: compute the value in `vars:`"), "{b}");
    let b = r.block("evals/suite.yaml:7:15: error: unknown assertion type `icontain`");
    assert!(b.contains("did you mean `icontains`?"), "{b}");
    assert_eq!(r.code, Some(1));
    let ws = workspace(&[(
        "tests/hello.yaml",
        b"- vars: {name: Bo}\n  assert: [{type: equals}]\n",
    )]);
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["check", "tests/hello.yaml"])
        .current_dir(ws.path())
        .output()
        .expect("run pwb");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("tests/hello.yaml:2:12: error: `equals` needs a `value`"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unknown_partial_is_an_error() {
    let ws = workspace(&[("prompts/uses.prompt", b"Schema:\n{{> shop_schema}}\n")]);
    let r = check(ws.path());
    let b = r.block("prompts/uses.prompt:2:5: error: unknown partial `shop_schema`");
    assert!(b.contains("prompts/_shop_schema.prompt"), "{b}");
    write(
        ws.path(),
        "prompts/partials/shop_schema.prompt",
        b"CREATE TABLE t (id INT);\n",
    );
    assert_eq!(check(ws.path()).code, Some(0));
}

#[test]
fn missing_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["check", "definitely-not-here"])
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run pwb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: no such folder: definitely-not-here"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: check the path"), "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn empty_folder_is_not_a_workspace() {
    let dir = tempfile::tempdir().expect("temp dir");
    let r = check(dir.path());
    assert!(
        r.stderr
            .starts_with("error: not a pwb workspace: no pwb.toml in"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: create ") && r.stderr.contains("[[models]]"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.is_empty());
}

#[test]
fn file_instead_of_folder() {
    let ws = workspace(&[]);
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["check", "pwb.toml"])
        .current_dir(ws.path())
        .output()
        .expect("run pwb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: not a folder: pwb.toml"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn binary_file_is_refused() {
    let ws = workspace(&[("prompts/x.prompt", b"GIF89a\x01\x00\x00\x00\xff")]);
    let r = check(ws.path());
    let b = r.block("prompts/x.prompt:1:8: error: binary file: NUL byte at byte 7");
    assert!(b.contains("pwb expects UTF-8 text"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn invalid_utf8_names_byte_and_line() {
    let ws = workspace(&[("prompts/latin1.prompt", b"Hello\nCaf\xe9 {{name}}\n")]);
    let r = check(ws.path());
    let b = r.block("prompts/latin1.prompt:2:4: error: invalid UTF-8 at byte 9 (line 2, column 4)");
    assert!(b.contains("re-save the file as UTF-8"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn huge_prompt_is_refused_without_reading_it() {
    let ws = workspace(&[]);
    let file = std::fs::File::create(ws.path().join("prompts/huge.prompt")).expect("create");
    file.set_len(5 * 1024 * 1024).expect("5 MB"); // sparse: the content is never read
    let r = check(ws.path());
    let b = r.block("prompts/huge.prompt:1:1: error: file is too large (5242880 bytes)");
    assert!(b.contains("up to 1048576 bytes (1 MiB)"), "{b}");
    assert!(b.contains("hint: keep prompts and test files small"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[cfg(unix)]
#[test]
fn unreadable_or_dangling_files() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace(&[("prompts/secret.prompt", b"Hi\n")]);
    let path = ws.path().join("prompts/secret.prompt");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    std::os::unix::fs::symlink("nowhere.prompt", ws.path().join("prompts/gone.prompt"))
        .expect("symlink");
    let r = check(ws.path());
    let b = r.block("prompts/gone.prompt:1:1: error: no such file");
    assert!(b.contains("hint:"), "{b}");
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions cannot deny reads, so the file loads.
        eprintln!("note: privileged user, permission denial not simulated");
        assert!(!r.stdout.contains("secret.prompt"), "{}", r.stdout);
    } else {
        let b = r.block("prompts/secret.prompt:1:1: error: cannot read file: permission denied");
        assert!(b.contains("chmod u+r"), "{b}");
    }
    assert_eq!(r.code, Some(1));
}

#[test]
fn rendering_checks_schemas_and_test_vars() {
    let ws = workspace(&[
        ("prompts/greet.prompt", b"---\ninput:\n  schema:\n    who: string\n    tone?: string\n---\nHi {{who}} {{tone}}\n"),
        ("tests/greet.yaml", b"- vars: {tone: warm}\n- vars: {who: Ada}\n  assert: [{type: contains, value: Ada}]\n"),
        ("prompts/typed.prompt", b"---\noutput:\n  format: json\n  schema:\n    x: strng\n---\nGo\n"),
    ]);
    let r = check(ws.path());
    let b =
        r.block("tests/greet.yaml:1:3: warning: case 1 does not set `who` used by prompt `greet`");
    assert!(b.contains("vars:"), "{b}");
    // Case 2 sets `who`; `tone` is optional in the schema: no more warnings there.
    assert_eq!(
        r.stdout.matches("tests/greet.yaml").count(),
        1,
        "{}",
        r.stdout
    );
    let b = r.block("prompts/typed.prompt:2:1: error: output.schema: unknown type `strng`");
    assert!(b.contains("hint: use string"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn unknown_frontmatter_key_is_a_warning() {
    let ws = workspace(&[("prompts/odd.prompt", b"---\ntemprature: 0.2\n---\nHi\n")]);
    let r = check(ws.path());
    let b = r.block("prompts/odd.prompt:2:1: warning: unknown frontmatter key `temprature`");
    assert!(b.contains("hint:"), "{b}");
    assert_eq!(r.code, Some(0));
}

#[test]
fn hostile_inputs_are_reported_not_crashed_on() {
    let deep = "{{#if a}}".repeat(20_000) + "x" + &"{{/if}}".repeat(20_000);
    let many: String = (0..2000)
        .map(|i| format!("- vars: {{name: n{i}}}\n  assert: [{{type: containz, value: x}}]\n"))
        .collect();
    let ws = workspace(&[
        ("prompts/_a.prompt", b"{{> b}}\n"),
        ("prompts/_b.prompt", b"{{> a}}\n"),
        ("prompts/loop.prompt", b"Hi {{> a}}\n"),
        ("prompts/deep.prompt", deep.as_bytes()),
        ("tests/hello.yaml", many.as_bytes()),
    ]);
    let r = check(ws.path());
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    r.block("prompts/_a.prompt:1:5: error: partial `a` includes itself (a -> b -> a)");
    r.block("prompts/loop.prompt:1:8: error: partial `a` includes itself");
    let b =
        r.block("prompts/deep.prompt:1:901: error: blocks are nested more than 100 levels deep");
    assert!(b.contains("hint: flatten the template"), "{b}");
    // 2000 problems: the first 50 are located, the rest summed up.
    assert_eq!(r.stdout.matches("unknown assertion type").count(), 50);
    r.block("tests/hello.yaml:100:19: error: 1950 more errors and 0 more warnings in this file not shown");
}

#[test]
fn prompt_config_mistakes_are_caught_with_positions() {
    let typo = "---\nmodel: anthropic:claude-sonnet-4-5\nconfig:\n  temprature: 0.2\n  \
                temperature: 1.5\n---\nHi\n";
    let wrong_type = "---\nconfig:\n  maxOutputTokens: \"lots\"\n---\nHi\n";
    let hot = "---\nconfig: {temperature: 11}\n---\nHi\n";
    let ws = workspace(&[
        ("prompts/typo.prompt", typo.as_bytes()),
        ("prompts/wrong_type.prompt", wrong_type.as_bytes()),
        ("prompts/hot.prompt", hot.as_bytes()),
    ]);
    let r = check(ws.path());
    let b = r.block("prompts/typo.prompt:4:3: warning: unknown config key `temprature` (not sent)");
    assert!(b.contains("hint: did you mean `temperature`?"), "{b}");
    r.block(
        "prompts/typo.prompt:5:16: warning: config `temperature`: 1.5 is outside 0..1, \
         the range anthropic accepts",
    );
    r.block(
        "prompts/wrong_type.prompt:3:20: error: config `maxOutputTokens` must be a whole number",
    );
    r.block(
        "prompts/hot.prompt:2:23: warning: config `temperature`: 11 is refused by openai, \
         anthropic and gemini; only ollama and local accept it",
    );
    assert_eq!(r.code, Some(1), "the wrong type is an error");
    assert!(
        r.summary().starts_with("1 error, 3 warnings"),
        "{}",
        r.stdout
    );
}

#[test]
fn inputs_the_schema_refuses_and_twice_listed_models_are_flagged() {
    let prompt = "---\ninput:\n  schema:\n    tier?(enum): [free, pro]\n  default:\n    \
                  tier: gold\n---\n{{tier}}\n";
    let tests = "- vars: {tier: pro}\n- description: vip\n  vars: {tier: platinum, expected: x}\n";
    let toml = "[[models]]\nid = \"openai:gpt-4o\"\nlabel = \"GPT-4o\"\n\n\
                [[models]]\nid = \"openai:gpt-4o\"\n";
    let ws = workspace(&[
        ("prompts/tiers.prompt", prompt.as_bytes()),
        ("tests/tiers.yaml", tests.as_bytes()),
        ("pwb.toml", toml.as_bytes()),
    ]);
    let r = check(ws.path());
    r.block(
        "prompts/tiers.prompt:6:11: warning: input.default.tier: `gold` is not one of free, pro",
    );
    r.block(
        "tests/tiers.yaml:2:3: warning: case 2 (vip): tier: `platinum` is not one of free, pro",
    );
    let b =
        r.block("pwb.toml:6:6: warning: model `openai:gpt-4o` is listed twice (first on line 2)");
    assert!(b.contains("give each its own label"), "{b}");
    assert!(
        !r.stdout.contains("expected"),
        "vars kept for assertions are fine:\n{}",
        r.stdout
    );
    assert_eq!(r.code, Some(0), "{}", r.stdout);
}

#[test]
fn prompts_in_subfolders_are_checked_like_the_others() {
    // Only subfolders: before, check read "no prompts in this workspace"
    // and looked at none of these files.
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "pwb.toml", GOOD_TOML.as_bytes());
    write(
        root,
        "prompts/support/triage.prompt",
        b"---\nmodel: m\n---\nTicket: {{ticket}} {{> sig}}\n",
    );
    write(root, "prompts/support/_sig.prompt", b"-- support");
    write(
        root,
        "prompts/support/deep/broken.prompt",
        b"---\nmodel: m\n---\nHi\n{{#if x}}\n",
    );
    write(root, "tests/support/triage.yaml", b"- vars: {}\n");
    write(root, "examples/support/triage.yaml", b"- input: hi\n");
    let r = check(root);
    assert!(!r.stdout.contains("no prompts"), "{}", r.stdout);
    let b = r.block("prompts/support/deep/broken.prompt:5:1: error: `{{#if}}` is never closed");
    assert!(b.contains("{{/if}}"), "{b}");
    let b = r.block(
        "tests/support/triage.yaml:1:3: warning: case 1 does not set `ticket` used by prompt `support/triage`",
    );
    assert!(b.contains("hint:"), "{b}");
    r.block("examples/support/triage.yaml:1:1: error: example 1 has no `output`");
    // pwb.toml, 2 prompts, 1 partial, 1 examples file, 1 tests file.
    assert_eq!(r.summary(), "2 errors, 1 warning in 6 files");
    assert_eq!(r.code, Some(1));
}

#[test]
fn named_schemas_come_from_schema_files_which_are_checked() {
    let ws = workspace(&[
        (
            "prompts/cook.prompt",
            b"---\noutput:\n  format: json\n  schema: Recipe\n---\nCook\n",
        ),
        (
            "prompts/bake.prompt",
            b"---\noutput:\n  format: json\n  schema: Cake\n---\nBake\n",
        ),
        (
            "schemas/Recipe.yaml",
            b"title: string\nsteps(array): Step\n",
        ),
        ("schemas/Step.json", b"{\"type\": \"string\"}"),
        ("schemas/Bad.yaml", b"name: string\nparts:\n  size: hueg\n"),
    ]);
    let r = check(ws.path());
    let b = r.block("prompts/bake.prompt:2:1: error: output.schema: unknown type `Cake`");
    assert!(b.contains("ai.defineSchema('Cake', ...)"), "{b}");
    assert!(b.contains("schemas/Cake.yaml"), "{b}");
    r.block("schemas/Bad.yaml:3:3: error: unknown type `hueg` (at `parts.size`)");
    assert!(!r.stdout.contains("cook.prompt"), "{}", r.stdout);
    assert_eq!(r.code, Some(1));
}

#[test]
fn check_and_render_say_the_same_about_a_template() {
    let ws = workspace(&[(
        "prompts/adult.prompt",
        b"---\nmodel: m\n---\n{{#if items.length}}{{items.length}} items{{/if}}\n{{#if age >= 18}}adult{{/if}}\n",
    )]);
    let r = check(ws.path());
    let b =
        r.block("prompts/adult.prompt:5:11: error: Handlebars has no comparison operators (`>=`)");
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["render", "prompts/adult.prompt", "--var", "items=[1,2]"])
        .current_dir(ws.path())
        .output()
        .expect("run pwb");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = b
        .lines()
        .next()
        .unwrap_or_default()
        .replace(": error:", ":");
    assert!(
        stderr.starts_with(&first),
        "render says\n{stderr}\ncheck says\n{b}"
    );
    assert_eq!(out.status.code(), Some(1));
}

const WEATHER_PROMPT: &str = "---\ntools: [get_weather]\n---\nWeather?\n";

#[test]
fn a_malformed_tool_file_is_located_with_a_hint() {
    let ws = workspace(&[
        ("prompts/weather.prompt", WEATHER_PROMPT.as_bytes()),
        (
            "tools/get_weather.yaml",
            b"name: get_weather\nparamaters:\n  type: object\n",
        ),
    ]);
    let r = check(ws.path());
    let b =
        r.block("tools/get_weather.yaml:2:1: error: unknown key `paramaters` in a tool definition");
    assert!(
        b.contains("hint: use name, description, parameters, inputSchema"),
        "{b}"
    );
    assert_eq!(r.code, Some(1));
}

#[test]
fn a_prompt_naming_an_unknown_tool_is_an_error_at_its_tools_line() {
    let ws = workspace(&[
        ("prompts/weather.prompt", WEATHER_PROMPT.as_bytes()),
        (
            "tools/get_wether.yaml",
            b"name: get_wether\nparameters:\n  type: object\n",
        ),
    ]);
    let r = check(ws.path());
    let b = r.block("prompts/weather.prompt:2:1: error: unknown tool `get_weather`");
    assert!(b.contains("hint: did you mean `get_wether`?"), "{b}");
    assert_eq!(r.code, Some(1));
}

#[test]
fn a_tool_schema_that_does_not_compile_is_an_error() {
    let ws = workspace(&[(
        "tools/get_weather.yaml",
        b"description: Weather\nparameters:\n  type: object\n  properties:\n    city: {type: 12}\n",
    )]);
    let r = check(ws.path());
    let b = r.block(
        "tools/get_weather.yaml:2:1: error: `parameters` is not a JSON Schema that compiles",
    );
    assert!(b.contains("hint: fix the schema"), "{b}");
    let ws = workspace(&[
        ("tools/get_weather.yaml", b"parameters:\n  city: string\n"),
        ("tools/mocks/w.yaml", b"- tool: get_weather\n  reslt: 1\n"),
    ]);
    let r = check(ws.path());
    let b = r.block("tools/mocks/w.yaml:2:3: error: unknown key `reslt` in a mock");
    assert!(b.contains("hint: a mock has `tool`"), "{b}");
}

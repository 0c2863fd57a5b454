//! Real `.prompt` files against the published Dotprompt runtimes. The files,
//! their variables and what npm dotprompt 1.1.2 (`expected/js`), PyPI
//! dotpromptz 0.2.0 (`expected/py`) and Genkit JS 1.42's prompt loader
//! (`expected/genkit-js.json`) made of them are in
//! `tests/fixtures/dotprompt-ref` (its README says how they were made).
//! `pwb render` must give what the runtime pwb follows gave for each file,
//! fail where both runtimes fail, and `pwb check` must report the same
//! problems; `Workspace::load` must name the prompts as Genkit does.

use pwb::workspace::Workspace;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dotprompt-ref")
}

fn read_json(rel: &str) -> Value {
    let path = fixture().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `pwb ARGS` in the fixture workspace: (exit code, stdout, stderr).
fn pwb(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(args)
        .current_dir(fixture())
        .env(
            "PWB_DATA_DIR",
            std::env::temp_dir().join("pwb-dotprompt-ref-data"),
        )
        .output()
        .expect("run pwb");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

fn render(name: &str) -> (i32, Value, String) {
    let prompt = format!("prompts/{name}.prompt");
    let vars = format!("vars/{name}.json");
    let (code, stdout, stderr) = pwb(&["render", &prompt, "--vars", &vars]);
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, json, stderr)
}

/// Which runtime pwb follows for each file that renders, and why.
const FOLLOWS: &[(&str, &str)] = &[
    // Licence headers before `---` are skipped by dotpromptz 0.2.0 and the
    // current Dotprompt sources; npm 1.1.2 (and so Genkit JS 1.42) renders
    // header and frontmatter as text.
    ("header", "py"),
    ("header-crlf", "py"),
    // Handlebars.js reads `.length`; dotpromptz treats it as missing.
    ("length", "js"),
    ("sub/name", "js"),
    ("sub/name.formal", "js"),
];

#[test]
fn pwb_renders_as_the_runtime_it_follows() {
    let mut failures = Vec::new();
    for (name, follows) in FOLLOWS {
        let want = read_json(&format!("expected/{follows}/{name}.json"));
        assert_eq!(want["ok"], true, "{name}: the reference rendered");
        let (code, got, stderr) = render(name);
        if code != 0 {
            failures.push(format!("{name}: exit {code}: {stderr}"));
            continue;
        }
        for key in ["messages", "config", "model"] {
            let w = &want[key];
            if !w.is_null() && got[key] != *w {
                failures.push(format!(
                    "{name} ({follows}) {key}:\n  want {w}\n  got  {}",
                    got[key]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each file both runtimes refuse, with what pwb says about it.
const REFUSED: &[(&str, &str)] = &[
    (
        "custom-helper",
        "5:1: `list` is a custom helper pwb does not have",
    ),
    (
        "comparison",
        "4:11: Handlebars has no comparison operators (`>=`)",
    ),
    ("eq-helper", "4:1: `eq` is not a Dotprompt helper"),
    ("if-and", "4:1: `#if` takes exactly one argument, found 3"),
    ("named-schema", "3:1: output.schema: unknown type `Recipe`"),
];

#[test]
fn what_both_runtimes_refuse_pwb_refuses_in_render_and_check_alike() {
    let (code, check_out, _) = pwb(&["check"]);
    assert_eq!(code, 1, "{check_out}");
    for (name, says) in REFUSED {
        let name = format!("errors/{name}");
        for runtime in ["js", "py"] {
            let reference = read_json(&format!("expected/{runtime}/{name}.json"));
            assert_eq!(reference["ok"], false, "{runtime} refuses {name}");
        }
        let (code, _, stderr) = render(&name);
        assert_eq!(code, 1, "{name}: {stderr}");
        let at = format!("prompts/{name}.prompt:{says}");
        assert!(stderr.starts_with(&at), "{name}: render says\n{stderr}");
        let line = format!(
            "prompts/{name}.prompt:{}",
            says.replacen(": ", ": error: ", 1)
        );
        assert!(
            check_out.contains(&line),
            "check does not say {line:?}:\n{check_out}"
        );
    }
    // Nothing else is wrong in the fixture workspace.
    let errors = check_out
        .lines()
        .filter(|l| l.contains(": error: "))
        .count();
    assert_eq!(errors, REFUSED.len(), "{check_out}");
    assert!(check_out.contains("schemas/Recipe.yaml"), "{check_out}");
}

#[test]
fn prompts_in_subfolders_are_named_and_rendered_as_genkit_loads_them() {
    let genkit = read_json("expected/genkit-js.json");
    let (ws, _) = Workspace::load(&fixture()).expect("fixture workspace");
    // Genkit was run without errors/ (a missing schema stops its listing).
    let ours: Vec<&str> = ws
        .prompts
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| !n.starts_with("errors/"))
        .collect();
    let theirs: Vec<&str> = genkit["prompts"]
        .as_array()
        .expect("prompt names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(ours, theirs);
    let mut partials: Vec<&str> = ws.partials.iter().map(|p| p.name.as_str()).collect();
    partials.sort();
    assert_eq!(partials, ["shared", "sig"]);
    // A partial from another subfolder; and the files Genkit renders alike.
    for name in ["sub/deeper/leaf", "sub/name", "sub/name.formal", "length"] {
        let want = &genkit["renders"][name];
        assert_eq!(want["ok"], true, "{name}");
        let (code, got, stderr) = render(name);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert_eq!(got["messages"], want["messages"], "{name}");
    }
}

//! `pwb setup --prices --from WHEEL` with small fixture wheels (a zip with
//! litellm's METADATA and an excerpt of its price table), never the
//! network: a good table is kept and used; bad ones leave the old in place.

use pwb::usage::catalog::PriceTable;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use zip::write::SimpleFileOptions;

const EXCERPT: &str = include_str!("fixtures/litellm/model_prices_excerpt.json");
const JSON_NAME: &str = "litellm/model_prices_and_context_window_backup.json";

/// Runs `pwb ARGS` in `dir` with the data folder `dir/.data`.
fn pwb(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(args)
        .current_dir(dir)
        .env("PWB_DATA_DIR", dir.join(".data"))
        .output()
        .expect("run pwb");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A wheel named like litellm's holding `members` (name, body).
fn wheel(dir: &Path, name: &str, members: &[(&str, &str)]) -> String {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (member, body) in members {
        z.start_file(*member, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    path.display().to_string()
}

fn metadata(version: &str) -> String {
    format!("Metadata-Version: 2.4\nName: litellm\nVersion: {version}\n\nThe long description.\n")
}

/// A litellm wheel of `version` whose table is the excerpt with gpt-4o's
/// input price set to `per_token`.
fn litellm_wheel(dir: &Path, version: &str, per_token: f64) -> String {
    let mut doc: Value = serde_json::from_str(EXCERPT).unwrap();
    doc["gpt-4o"]["input_cost_per_token"] = per_token.into();
    let json = serde_json::to_string_pretty(&doc).unwrap();
    let meta = format!("litellm-{version}.dist-info/METADATA");
    wheel(
        dir,
        &format!("litellm-{version}-py3-none-any.whl"),
        &[
            (
                "litellm/__init__.py",
                "raise SystemExit('never imported')\n",
            ),
            (&meta, &metadata(version)),
            (JSON_NAME, &json),
        ],
    )
}

fn workspace(dir: &Path) {
    std::fs::write(
        dir.join("pwb.toml"),
        "[[models]]\nid = \"openai:gpt-4o\"\n\n[[models]]\nid = \"anthropic:claude-sonnet-4-6\"\n",
    )
    .unwrap();
}

fn gpt_4o_input(dir: &Path) -> String {
    let (code, out, err) = pwb(dir, &["models"]);
    assert_eq!(code, 0, "{err}");
    let line = out
        .lines()
        .find(|l| l.starts_with("openai:gpt-4o "))
        .unwrap();
    line.split_whitespace().nth(3).unwrap().to_string()
}

#[test]
fn a_refreshed_table_is_kept_and_preferred() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir);
    let (_, before, _) = pwb(dir, &["models"]);
    assert!(before.contains("table built into pwb"), "{before}");

    // The built-in version, so the refresh is not older than it.
    let version = PriceTable::builtin().litellm_version;
    let whl = litellm_wheel(dir, &version, 2e-06);
    let (code, out, err) = pwb(dir, &["setup", "--prices", "--from", &whl]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "prices: read LiteLLM {version} table, 8 chat models (anthropic 2, gemini 2, openai 4)"
        )),
        "{out}"
    );
    let saved = dir.join(".data/catalog/litellm.json");
    assert!(out.contains(&saved.display().to_string()), "{out}");
    let table = PriceTable::parse(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(table.source_sha256.len(), 64);

    // pwb models now reads the refreshed figures and says so.
    assert_eq!(gpt_4o_input(dir), "2");
    let (_, out, _) = pwb(dir, &["models"]);
    assert!(
        out.contains(&format!(
            "LiteLLM {version} table refreshed by `pwb setup --prices`"
        )),
        "{out}"
    );
    assert!(out.contains("(today)"), "{out}");

    // Again with a newer version: it says what it replaced.
    let newer = litellm_wheel(dir, "999.0.0", 4e-06);
    let (code, out, err) = pwb(dir, &["setup", "--prices", "--from", &newer]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("(it replaces litellm {version})")),
        "{out}"
    );
    assert_eq!(gpt_4o_input(dir), "4");
}

#[test]
fn bad_tables_are_refused_and_the_previous_one_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir);
    let version = PriceTable::builtin().litellm_version;
    let good = litellm_wheel(dir, &version, 2e-06);
    assert_eq!(pwb(dir, &["setup", "--prices", "--from", &good]).0, 0);
    let saved = dir.join(".data/catalog/litellm.json");
    let kept = std::fs::read(&saved).unwrap();

    let refused = |whl: &str, says: &str| {
        let (code, out, err) = pwb(dir, &["setup", "--prices", "--from", whl]);
        assert_eq!(code, 1, "{out}");
        assert!(err.contains(says), "expected {says:?} in:\n{err}");
        assert!(
            err.contains("hint: nothing was changed; pwb keeps using the LiteLLM"),
            "{err}"
        );
        assert_eq!(
            std::fs::read(&saved).unwrap(),
            kept,
            "the previous table stays"
        );
    };
    // $10,000 per million input tokens.
    refused(
        &litellm_wheel(dir, "1000.0.0", 0.01),
        "fails a sanity check: openai:gpt-4o: input price is $10000/M tokens, outside 0..=1000",
    );
    let meta = |v: &str| (format!("litellm-{v}.dist-info/METADATA"), metadata(v));
    let (m, body) = meta("1000.0.1");
    refused(
        &wheel(dir, "list.whl", &[(&m, &body), (JSON_NAME, "[1, 2, 3]")]),
        "not LiteLLM's price table: the top level is not an object",
    );
    refused(
        &wheel(dir, "nojson.whl", &[(&m, &body)]),
        "holds no litellm/model_prices_and_context_window_backup.json",
    );
    refused(
        &wheel(
            dir,
            "other.whl",
            &[
                (
                    "other-1.0.dist-info/METADATA",
                    "Name: other\nVersion: 1.0\n",
                ),
                (JSON_NAME, EXCERPT),
            ],
        ),
        "is not a litellm wheel",
    );
    let (m, body) = meta("1.107.0");
    refused(
        &wheel(dir, "bad.whl", &[(&m, &body), (JSON_NAME, EXCERPT)]),
        "litellm 1.107.0 is a known compromised release",
    );
    let text = dir.join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    refused(&text.display().to_string(), "is not a readable zip");
    assert_eq!(gpt_4o_input(dir), "2");
}

#[test]
fn a_broken_refreshed_file_falls_back_to_the_built_in_table_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir);
    let saved = dir.join(".data/catalog/litellm.json");
    std::fs::create_dir_all(saved.parent().unwrap()).unwrap();
    std::fs::write(&saved, "{\"format\": 1, \"models\": ").unwrap();
    let (code, out, err) = pwb(dir, &["models"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("table built into pwb"), "{out}");
    assert!(out.contains("is not usable: not valid JSON"), "{out}");
    assert!(out.contains("using the built-in table"), "{out}");
}

//! The history end to end with the real binary: `pwb run` records every
//! call (two processes at once too), `pwb history`/`versions`/`diff`/
//! `label`/`prompt get`/`rate`/`stats`/`export` read it back, and a
//! damaged, read-only or newer database is a warning for `pwb run` and
//! exit status 1 for the commands that need it.

mod support;

use pwb::store::{Store, ratings};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::cli::pwb;
use support::mock_llm::{MockServer, Reply, openai_stream};

const PROMPT: &str = "---\nconfig:\n  temperature: 0\n---\n{{role \"system\"}}Be terse. {{> sig}}\n{{role \"user\"}}Greet {{name}}.";

fn server() -> MockServer {
    MockServer::start(|_| Reply::sse(openai_stream(&["Hello, ", "Ada!"], 12, Duration::ZERO)))
}

fn workspace(dir: &Path, base: &str) {
    std::fs::create_dir_all(dir.join("prompts")).unwrap();
    std::fs::write(
        dir.join("pwb.toml"),
        format!(
            "[[models]]\nid = \"openai:fast\"\nselected = true\nbase_url = \"{base}\"\n\n\
             [pricing.\"openai:fast\"]\ninput = 1.0\noutput = 2.0\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("prompts/greet.prompt"), PROMPT).unwrap();
    std::fs::write(dir.join("prompts/_sig.prompt"), "(pwb)").unwrap();
}

fn history_db(dir: &Path) -> std::path::PathBuf {
    dir.join(".data/history.sqlite")
}

fn run(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["run", "greet", "--var", "name=Ada"];
    args.extend(extra);
    pwb(dir, &args)
}

/// The 8-hex-digit version ids `pwb versions` lists, newest first.
fn version_ids(dir: &Path) -> Vec<String> {
    let (code, out, err) = pwb(dir, &["versions", "greet", "--json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    doc["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap()[..8].to_string())
        .collect()
}

#[test]
fn runs_are_recorded_and_listed_searched_shown_and_rated() {
    let s = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &s.base_v1());
    let (code, out, err) = run(dir, &["--repeat", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("warning"), "{err}");
    assert!(out.contains("Hello, Ada!"));

    let (code, out, _) = pwb(dir, &["history"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].contains("greet@") && lines[0].contains("openai:fast"),
        "{out}"
    );
    assert!(
        lines[0].contains("12/2") && lines[0].ends_with("Hello, Ada!"),
        "{out}"
    );
    let id = lines[0].split_whitespace().next().unwrap().to_string();
    assert_eq!(id.len(), 8);

    let (code, out, _) = pwb(dir, &["history", "search", "Greet", "Ada"]);
    assert_eq!((code, out.lines().count()), (0, 2), "{out}");
    let (_, out, _) = pwb(dir, &["history", "search", "nowhere"]);
    assert_eq!(out.trim(), "(no calls)");

    let (code, out, err) = pwb(dir, &["history", "show", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--- system ---\nBe terse. (pwb)"), "{out}");
    assert!(out.contains("--- user ---\nGreet Ada."), "{out}");
    assert!(out.contains("--- answer ---\nHello, Ada!"), "{out}");
    assert!(
        out.contains("sample 2/2") || out.contains("sample 1/2"),
        "{out}"
    );

    let (code, out, err) = pwb(dir, &["rate", &id, "up", "--note", "crisp"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), format!("rated {id}: up: crisp"));
    let (code, _, err) = pwb(dir, &["rate", &id, "7"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = pwb(dir, &["rate", "7fffabcd", "up"]);
    assert_eq!(code, 1);
    assert!(err.contains("no recorded call with id 7fffabcd"), "{err}");

    // The rated answer is a fine-tuning record; parse it back.
    let out_file = dir.join("ft.jsonl");
    let (code, _, err) = pwb(
        dir,
        &[
            "export",
            "--format",
            "openai-jsonl",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("exported 1 record(s)"), "{err}");
    let text = std::fs::read_to_string(&out_file).unwrap();
    let record: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(
        record,
        serde_json::json!({"messages": [
            {"role": "system", "content": "Be terse. (pwb)\n"},
            {"role": "user", "content": "Greet Ada."},
            {"role": "assistant", "content": "Hello, Ada!"}
        ]})
    );
    let (code, out, _) = pwb(dir, &["export", "--format", "csv", "--rating", "up"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2, "header and one row: {out}");

    let (code, out, err) = pwb(dir, &["stats", "greet", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let row = &doc["rows"][0];
    assert_eq!(
        (row["calls"].as_u64(), row["errors"].as_u64()),
        (Some(2), Some(0))
    );
    // 12 in at $1/M + 2 out at $2/M = $0.000016 a call.
    let spend = row["total_cost"].as_f64().unwrap();
    assert!((spend - 32e-6).abs() < 1e-12, "{spend}");
    assert_eq!(row["input_tokens_per_call"], 12.0);
    let (code, out, _) = pwb(dir, &["stats", "--format", "md"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("| PROMPT | VERSION | MODEL |"), "{out}");
}

#[test]
fn versions_diff_labels_rollback_and_prompt_get_on_a_fresh_clone() {
    let s = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ws");
    workspace(&dir, &s.base_v1());
    assert_eq!(run(&dir, &[]).0, 0);
    // An edit to the partial is a new version of the prompt.
    std::fs::write(dir.join("prompts/_sig.prompt"), "(pwb team)").unwrap();
    assert_eq!(run(&dir, &[]).0, 0);
    let ids = version_ids(&dir);
    assert_eq!(ids.len(), 2, "{ids:?}");
    let (new, old) = (&ids[0], &ids[1]);

    let (code, out, err) = pwb(
        &dir,
        &["diff", &format!("greet@{old}"), &format!("greet@{new}")],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "--- greet@{old} partial sig\n+++ greet@{new} partial sig\n@@ -1 +1 @@\n-(pwb)\n\\ No newline at end of file\n+(pwb team)\n\\ No newline at end of file\n"
        )
    );
    let (_, out, err) = pwb(&dir, &["diff", "greet@latest"]);
    assert_eq!(out, "", "latest is what is saved");
    assert!(err.contains("are the same version"), "{err}");

    let (code, out, err) = pwb(&dir, &["label", &format!("greet@{old}"), "production"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        format!("production -> greet@{old}; commit labels/production/ to share it")
    );
    let (_, out, _) = pwb(&dir, &["versions", "greet"]);
    let old_row = out.lines().find(|l| l.starts_with(old.as_str())).unwrap();
    assert!(old_row.ends_with("production"), "{out}");
    assert!(
        out.lines()
            .find(|l| l.starts_with(new.as_str()))
            .unwrap()
            .contains("(on disk)")
    );

    // A fresh clone: the workspace's files, no history database.
    let clone = tmp.path().join("clone");
    copy_dir(&dir, &clone);
    let _ = std::fs::remove_dir_all(clone.join(".data"));
    let (code, out, err) = pwb(&clone, &["prompt", "get", "greet@production"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, PROMPT, "exactly the labelled text, nothing else");
    assert!(
        !clone.join(".data/history.sqlite").exists(),
        "no database was needed"
    );
    let (code, out, err) = pwb(
        &clone,
        &[
            "prompt",
            "get",
            "greet@production",
            "--render",
            "--var",
            "name=Bo",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let rendered: Value = serde_json::from_str(&out).unwrap();
    // The partial as it was when labelled, not as it is on disk now.
    assert_eq!(
        rendered["messages"][0]["content"][0]["text"],
        "Be terse. (pwb)\n"
    );
    assert_eq!(rendered["messages"][1]["content"][0]["text"], "Greet Bo.");
    // A version id or @latest needs the history, which the clone lacks.
    let (code, out, err) = pwb(&clone, &["prompt", "get", "greet@latest"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(
        err.contains("nothing recorded in this workspace yet"),
        "{err}"
    );

    // Move forward, then back: the rollback is recorded.
    assert_eq!(
        pwb(&dir, &["label", &format!("greet@{new}"), "production"]).0,
        0
    );
    let (code, out, _) = pwb(&dir, &["label", &format!("greet@{old}"), "production"]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("(was {new}), a rollback")), "{out}");
    let store = Store::open(&history_db(&dir)).unwrap();
    let moves: Vec<(String, bool)> = {
        let mut st = store
            .conn()
            .prepare("SELECT substr(hash, 1, 8), rollback FROM label_moves ORDER BY id")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        moves,
        [
            (old.clone(), false),
            (new.clone(), false),
            (old.clone(), true)
        ]
    );
    let index = std::fs::read_to_string(dir.join("labels/production/greet.label.toml")).unwrap();
    assert_eq!(index.matches("[[moves]]").count(), 3, "{index}");
    assert_eq!(index.matches("rollback = true").count(), 1, "{index}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn two_processes_recording_at_once_both_succeed() {
    let s =
        MockServer::start(|_| Reply::sse(openai_stream(&["a", "b"], 3, Duration::from_millis(5))));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &s.base_v1());
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_pwb"))
            .args([
                "run", "greet", "--var", "name=Ada", "--repeat", "20", "--json",
            ])
            .current_dir(dir)
            .env("PWB_DATA_DIR", dir.join(".data"))
            .env("OPENAI_API_KEY", support::cli::CANARY_KEY)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("warning"), "{err}");
    }
    let store = Store::open(&history_db(dir)).unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM calls", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 40);
}

#[test]
fn damaged_read_only_and_newer_databases_warn_and_commands_exit_1() {
    let s = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &s.base_v1());
    let db = history_db(dir);
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();

    std::fs::write(&db, vec![b'x'; 4096]).unwrap();
    let (code, out, err) = run(dir, &[]);
    assert_eq!(code, 0, "pwb goes on: {err}");
    assert_eq!(out, "Hello, Ada!\n");
    let warning = format!(
        "warning: history unavailable: {} is damaged or not a database",
        db.display()
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.starts_with("warning"))
            .collect::<Vec<_>>(),
        [warning.as_str()]
    );
    for args in [
        &["history"][..],
        &["stats"],
        &["versions", "greet"],
        &["rate", "abcd1234", "up"],
        &["export", "--format", "csv"],
        &["label", "greet@saved", "production"],
        &["diff", "greet@latest"],
        &["history", "prune", "--older-than", "90d"],
    ] {
        let (code, out, err) = pwb(dir, args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(
            err.starts_with("error: history unavailable:") && err.contains("damaged"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.join("labels").exists(), "no label without its record");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        vec![b'x'; 4096],
        "left as it was"
    );

    std::fs::remove_file(&db).unwrap();
    assert_eq!(run(dir, &[]).0, 0);
    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&db, perms).unwrap();
    let (code, _, err) = run(dir, &[]);
    assert_eq!(code, 0);
    assert!(
        err.contains(&format!(
            "warning: history unavailable: {} is read-only",
            db.display()
        )),
        "{err}"
    );
    let (code, _, err) = pwb(dir, &["stats"]);
    assert_eq!(code, 1);
    assert!(err.contains("is read-only"), "{err}");

    let mut perms = std::fs::metadata(&db).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&db, perms).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let (code, _, err) = run(dir, &[]);
    assert_eq!(code, 0);
    assert!(
        err.contains("was written by a newer pwb (schema v99"),
        "{err}"
    );
    let (code, _, err) = pwb(dir, &["history"]);
    assert_eq!(code, 1);
    assert!(err.contains("newer pwb"), "{err}");
}

#[test]
fn history_can_be_turned_off_or_moved_in_pwb_toml() {
    let s = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &s.base_v1());
    let toml = std::fs::read_to_string(dir.join("pwb.toml")).unwrap();
    std::fs::write(
        dir.join("pwb.toml"),
        format!("{toml}\n[history]\nenabled = false\n"),
    )
    .unwrap();
    let (code, _, err) = run(dir, &[]);
    assert_eq!((code, err.contains("warning")), (0, false), "{err}");
    assert!(!history_db(dir).exists());
    let (code, _, err) = pwb(dir, &["history"]);
    assert_eq!(code, 1);
    assert!(err.contains("history is turned off in pwb.toml"), "{err}");
    std::fs::write(
        dir.join("pwb.toml"),
        format!("{toml}\n[history]\npath = \"var/h.sqlite\"\n"),
    )
    .unwrap();
    assert_eq!(run(dir, &[]).0, 0);
    assert!(dir.join("var/h.sqlite").exists());
    let (_, out, _) = pwb(dir, &["history"]);
    assert_eq!(out.lines().count(), 1, "{out}");
}

#[test]
fn a_version_1_database_is_migrated_and_keeps_its_calls() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("pwb.toml"), "[[models]]\nid = \"openai:x\"\n").unwrap();
    std::fs::create_dir_all(dir.join(".data")).unwrap();
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/history/v1.sql"
    ))
    .unwrap();
    let conn = rusqlite::Connection::open(history_db(dir)).unwrap();
    conn.execute_batch(&sql.replace("@WORKSPACE@", &pwb::store::workspace_key(dir)))
        .unwrap();
    assert_eq!(
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
    drop(conn);
    let (code, out, err) = pwb(dir, &["history"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("01234567  2026-01-02 00:00"), "{out}");
    assert!(
        out.contains("triage@9f86d081") && out.trim_end().ends_with("billing"),
        "{out}"
    );
    let store = Store::open(&history_db(dir)).unwrap();
    let v: i64 = store
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, pwb::store::migrations::LATEST);
    let ws = store.workspace(dir).unwrap().unwrap();
    assert!(
        pwb::store::evals::baseline(store.conn(), ws, "s")
            .unwrap()
            .is_none(),
        "v2's table is there"
    );
}

#[test]
fn pairwise_win_rates_with_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("pwb.toml"), "[[models]]\nid = \"openai:x\"\n").unwrap();
    let store = Store::open(&history_db(dir)).unwrap();
    let ws = store.workspace_or_new(dir).unwrap();
    let mut rng = fastrand::Rng::with_seed(3);
    let c = |n: &str| ratings::Contender {
        call: None,
        name: n.into(),
    };
    // triage@a beats triage@b 7 times, loses 3, as A or B at random.
    for i in 0..10 {
        let pair = ratings::BlindPair::shuffle(c("triage@a"), c("triage@b"), &mut rng);
        let first_wins = i < 7;
        let vote = match (first_wins, pair.swapped) {
            (true, false) | (false, true) => ratings::BlindVote::A,
            _ => ratings::BlindVote::B,
        };
        ratings::record_vote(store.conn(), ws, &pair, vote, None).unwrap();
    }
    drop(store);
    let (code, out, err) = pwb(dir, &["stats", "--pairwise", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let top = &doc["contenders"][0];
    assert_eq!(
        (
            top["contender"].as_str(),
            top["wins"].as_u64(),
            top["losses"].as_u64()
        ),
        (Some("triage@a"), Some(7), Some(3))
    );
    // Wilson 95% for 7 of 10, by hand: [0.396778, 0.892209].
    let ci: Vec<f64> = top["ci95"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(
        (ci[0] - 0.396778).abs() < 1e-5 && (ci[1] - 0.892209).abs() < 1e-5,
        "{ci:?}"
    );
    let (_, out, _) = pwb(dir, &["stats", "--pairwise"]);
    assert!(out.lines().nth(1).unwrap().contains("70%"), "{out}");
}

#[test]
fn a_locked_database_is_a_warning_for_run_and_exit_1_for_history() {
    let s = server();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, &s.base_v1());
    let db = history_db(dir);
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    // Another program holds an exclusive lock (rollback journal: nobody
    // may even read) for as long as this test runs.
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);")
        .unwrap();
    // Not `support::cli::pwb`: it reads the database file after each run,
    // and closing any descriptor of a file drops this process's POSIX locks.
    let bare = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_pwb"))
            .args(args)
            .current_dir(dir)
            .env("PWB_DATA_DIR", dir.join(".data"))
            .env("OPENAI_API_KEY", support::cli::CANARY_KEY)
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            out.status.code().unwrap_or(-1),
            text(&out.stdout),
            text(&out.stderr),
        )
    };
    let (code, out, err) = bare(&["run", "greet", "--var", "name=Ada"]);
    assert_eq!((code, out.as_str()), (0, "Hello, Ada!\n"), "{err}");
    let warning = format!(
        "warning: history unavailable: {} is locked by another program (waited 5 s)",
        db.display()
    );
    assert!(err.lines().any(|l| l == warning), "{err}");
    let (code, _, err) = bare(&["history"]);
    assert_eq!(code, 1);
    assert!(err.contains("is locked by another program"), "{err}");
    drop(other);
}

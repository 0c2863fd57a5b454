//! Label files: written exactly, read back without a database, moves and
//! rollbacks kept in the index.

use super::*;
use crate::store::versions::of_text;
use serde_json::json;

#[test]
fn a_label_is_written_read_moved_and_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let partials = vec![("sig".to_string(), "-- the team\nline two\n".to_string())];
    let ex = Example {
        name: "e".into(),
        input: json!({"q": "x"}),
        output: json!("y"),
    };
    let v1 = of_text(
        "sub/triage",
        "\u{feff}one {{> sig}}\r\n",
        true,
        &partials,
        &[ex],
    );
    let v2 = of_text("sub/triage", "two\n", false, &partials, &[]);
    let m = write(root, "production", &v1, "2026-01-01 00:00", "ada").unwrap();
    assert_eq!(
        m,
        Moved {
            from: None,
            rollback: false,
            unchanged: false
        }
    );
    let text = std::fs::read(root.join("labels/production/sub/triage.prompt")).unwrap();
    assert_eq!(text, "\u{feff}one {{> sig}}\r\n".as_bytes(), "byte-exact");
    let got = read(root, "production", "sub/triage").unwrap().unwrap();
    assert_eq!(got.index.version, v1.hash);
    assert_eq!(got.partials(), partials);
    assert_eq!(got.examples, v1.examples);

    let m = write(root, "production", &v2, "2026-01-02 00:00", "ada").unwrap();
    assert_eq!(
        (m.from.as_deref(), m.rollback),
        (Some(v1.hash.as_str()), false)
    );
    assert!(
        !root
            .join("labels/production/sub/triage.examples.yaml")
            .exists()
    );
    assert!(
        write(root, "production", &v2, "x", "ada")
            .unwrap()
            .unchanged
    );
    let m = write(root, "production", &v1, "2026-01-03 00:00", "bo").unwrap();
    assert!(m.rollback, "back to a version it named before");
    let got = read(root, "production", "sub/triage").unwrap().unwrap();
    let moves: Vec<(&str, bool)> = got
        .index
        .moves
        .iter()
        .map(|m| (m.by.as_str(), m.rollback))
        .collect();
    assert_eq!(moves, [("ada", false), ("ada", false), ("bo", true)]);
    assert_eq!(got.source, v1.source);
    assert_eq!(
        of_prompt(root, "sub/triage"),
        [("production".to_string(), v1.hash.clone())]
    );
    assert!(read(root, "staging", "sub/triage").unwrap().is_none());
    let index =
        std::fs::read_to_string(root.join("labels/production/sub/triage.label.toml")).unwrap();
    assert!(
        index.starts_with("# Label `production` of prompt `sub/triage`"),
        "{index}"
    );
}

#[test]
fn label_names_are_checked() {
    for ok in ["production", "v1.2", "canary_eu-west"] {
        assert!(check_name(ok).is_ok(), "{ok}");
    }
    for bad in ["", "latest", "saved", "a/b", ".hidden", "has space"] {
        assert!(check_name(bad).is_err(), "{bad:?}");
    }
}

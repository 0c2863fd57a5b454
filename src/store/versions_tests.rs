//! Version ids: what they cover (text, included partials, examples) and
//! what they ignore (partials the prompt does not include).

use super::*;
use serde_json::json;

fn partials() -> Vec<(String, String)> {
    vec![
        ("footer".into(), "Thanks!".into()),
        ("header".into(), "Hi. {{> signature}}".into()),
        ("signature".into(), "-- pwb".into()),
        ("unused".into(), "never included".into()),
    ]
}

#[test]
fn includes_are_followed_through_partials() {
    let got = included_partials(
        "{{> header}} {{#> footer}}x{{/footer}} {{> missing}}",
        &partials(),
    );
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["footer", "header", "signature"]);
}

#[test]
fn a_partial_edit_is_a_new_version_of_the_prompts_including_it_only() {
    let source = "---\nmodel: openai:x\n---\n{{> header}} hello";
    let plain = "---\nmodel: openai:x\n---\nhello";
    let before = of_text("p", source, true, &partials(), &[]);
    let plain_before = of_text("q", plain, true, &partials(), &[]);
    let mut edited = partials();
    edited[2].1 = "-- pwb team".into();
    let after = of_text("p", source, true, &edited, &[]);
    let plain_after = of_text("q", plain, true, &edited, &[]);
    assert_ne!(before.hash, after.hash, "signature is included via header");
    assert_eq!(plain_before.hash, plain_after.hash);
    edited[3].1 = "changed".into();
    assert_eq!(of_text("p", source, true, &edited, &[]).hash, after.hash);
}

#[test]
fn examples_and_text_are_part_of_the_version() {
    let ex = Example {
        name: "a".into(),
        input: json!("in"),
        output: json!("out"),
    };
    let none = of_text("p", "x", true, &[], &[]);
    let with = of_text("p", "x", true, &[], std::slice::from_ref(&ex));
    assert_ne!(none.hash, with.hash);
    assert_ne!(none.hash, of_text("p", "x ", true, &[], &[]).hash);
    assert_eq!(none.hash.len(), 64);
    assert_eq!(none.short().len(), SHORT);
    // Whether it was saved does not change what it is.
    assert_eq!(none.hash, of_text("p", "x", false, &[], &[]).hash);
}

#[test]
fn versions_are_found_by_prefix_and_latest() {
    let tmp = tempfile::tempdir().unwrap();
    let conn = crate::store::open::open(&tmp.path().join("h.sqlite")).unwrap();
    let ws = ensure_workspace(&conn, "/ws").unwrap();
    let mut a = of_text("p", "one", true, &[], &[]);
    a.last_used = 10;
    let mut b = of_text("p", "two", false, &[], &[]);
    b.last_used = 20;
    let ida = upsert(&conn, ws, &a).unwrap();
    upsert(&conn, ws, &b).unwrap();
    assert_eq!(
        upsert(&conn, ws, &a).unwrap(),
        ida,
        "the same version again"
    );
    assert_eq!(find(&conn, ws, "p", "latest").unwrap().source, "two");
    assert_eq!(find(&conn, ws, "p", &a.hash[..6]).unwrap().source, "one");
    assert_eq!(
        find(&conn, ws, "p", &a.hash[..6].to_uppercase())
            .unwrap()
            .source,
        "one"
    );
    let e = find(&conn, ws, "q", "latest").unwrap_err();
    assert_eq!(e.to_string(), "no recorded version of `q`");
    assert!(find(&conn, ws, "p", "zzzz").is_err());
    let listed = list(&conn, ws, "p").unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].version.source, "two");
    assert!(!listed[0].version.saved);
    assert_eq!((listed[1].calls, listed[1].pass_rate), (0, None));
}

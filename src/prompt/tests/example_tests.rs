//! Examples files: the `{name?, input|vars, output}` list, default names
//! `FILESTEM#N`, and errors that point at the example's line.

use crate::prompt::*;
use serde_json::json;

#[test]
fn loads_named_and_unnamed_examples() {
    let text = "# greetings\n- name: hi\n  input: Hello\n  output: Hi\n- vars:\n    name: Ann\n  output:\n    reply: Hey\n";
    let examples = parse_example_file(text, "greet").unwrap();
    assert_eq!(examples.len(), 2);
    assert_eq!(examples[0].name, "hi");
    assert_eq!(examples[0].input, json!("Hello"));
    assert_eq!(examples[1].name, "greet#2");
    assert_eq!(examples[1].input, json!({"name": "Ann"}));
    assert_eq!(examples[1].output_text(), "{\n  \"reply\": \"Hey\"\n}");
    assert!(parse_example_file("", "e").unwrap().is_empty());
}

#[test]
fn errors_point_at_the_example() {
    let text = "- input: a\n  output: b\n- input: c\n  outptu: d\n";
    let err = parse_example_file(text, "e").unwrap_err();
    assert_eq!((err.line, err.kind), (3, PromptErrorKind::Example));
    assert!(
        err.message.contains("example 2 has no `output`"),
        "{}",
        err.message
    );

    let err = parse_example_file("- input: a\n  output: [b\n", "e").unwrap_err();
    assert_eq!(err.line, 3, "{err:?}");
    let err = parse_example_file("input: a\n", "e").unwrap_err();
    assert!(err.message.contains("list"));
    let err = parse_example_file("- output: x\n", "e").unwrap_err();
    assert!(err.message.contains("no `input`"));
}

#[test]
fn load_example_file_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone.yaml");
    std::fs::write(&path, "- input: a\n").unwrap();
    let err = load_example_file(&path).unwrap_err();
    assert_eq!(err.file.as_deref(), Some(path.as_path()));
    assert!(
        err.report()
            .contains("tone.yaml:1:1: example 1 has no `output`")
    );
    std::fs::write(&path, "- input: a\n  output: b\n").unwrap();
    assert_eq!(load_example_file(&path).unwrap()[0].name, "tone#1");
}

#[test]
fn examples_in_subfolders_are_named_by_their_path_like_prompts() {
    let dir = tempfile::tempdir().unwrap();
    let examples = dir.path().join("examples");
    std::fs::create_dir_all(examples.join("sub/deeper")).unwrap();
    for rel in [
        "top.yml",
        "sub/x.yaml",
        "sub/deeper/y.yaml",
        "sub/notes.txt",
        ".hidden.yaml",
    ] {
        std::fs::write(examples.join(rel), "- input: a\n  output: b\n").unwrap();
    }
    let files = example::example_files(&examples);
    let names: Vec<String> = files
        .iter()
        .map(|f| example::example_file_name(f))
        .collect();
    assert_eq!(names, ["sub/deeper/y", "sub/x", "top"]);
    assert_eq!(load_example_file(&files[1]).unwrap()[0].name, "sub/x#1");
}

#[test]
fn renderer_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Renderer>();
    assert_send_sync::<ParsedPrompt>();
    assert_send_sync::<RenderedPrompt>();
}

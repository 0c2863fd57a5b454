//! Unit tests for `Workspace::load`: what is listed where, sorting, broken
//! files kept for the editor, and the sample workspace's contents.

use super::*;
use crate::prompt::{RenderData, Renderer, parse_document};
use crate::workspace::PromptFile;

fn write(root: &Path, rel: &str, contents: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

#[test]
fn lists_prompts_partials_examples_and_tests_sorted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pwb.toml", "[[models]]\nid = \"openai:x\"\n");
    write(root, "prompts/zeta.prompt", "Z {{> head}}");
    write(root, "prompts/alpha.prompt", "A");
    write(root, "prompts/_head.prompt", "shadowed");
    write(root, "prompts/partials/head.prompt", "H");
    write(root, "prompts/_foot.prompt", "F");
    write(root, "prompts/notes.txt", "not a prompt");
    write(
        root,
        "examples/alpha.yaml",
        "- input: hi\n  output: hello\n",
    );
    write(root, "tests/alpha.yml", "- vars: {}\n");
    write(root, "tests/data/ignored.txt", "fixture");
    let (ws, diags) = Workspace::load(root).unwrap();
    let names = |v: &[PromptFile]| v.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ws.prompts), ["alpha", "zeta"]);
    assert_eq!(names(&ws.partials), ["foot", "head"]);
    assert_eq!(
        ws.partial("head").unwrap().source,
        "H",
        "partials/ wins over _NAME"
    );
    assert_eq!(
        ws.examples_for("alpha").unwrap().examples[0].output,
        "hello"
    );
    assert_eq!(ws.tests_for("alpha").count(), 1);
    assert_eq!(ws.first_prompt().unwrap().name, "alpha");
    let messages: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.path.display(), d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "prompts/_head.prompt: partial `head` is also defined by prompts/partials/head.prompt, which wins; ignored",
            "prompts/notes.txt: not a .prompt file; ignored",
        ]
    );
}

#[test]
fn subfolders_of_prompts_are_prompts_named_by_path_as_in_genkit() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pwb.toml", "[[models]]\nid = \"openai:x\"\n");
    write(root, "prompts/sub/name.prompt", "Sub {{> shared}}");
    write(root, "prompts/sub/name.formal.prompt", "Variant");
    write(root, "prompts/sub/_shared.prompt", "S");
    write(root, "prompts/sub/deeper/x.prompt", "X {{> deep}}");
    write(root, "prompts/sub/deeper/_deep.prompt", "D");
    write(
        root,
        "prompts/zz/_shared.prompt",
        "loses to sub/_shared, met first",
    );
    write(root, "prompts/sub/readme.md", "notes");
    write(
        root,
        "examples/sub/name.yaml",
        "- input: hi\n  output: hello\n",
    );
    write(root, "tests/sub/name.yaml", "- vars: {}\n");
    write(root, "tests/sub/deeper/x.yaml", "- vars: {}\n");
    // tests/data/ mirrors no prompt folder: data files for file://.
    write(root, "tests/data/fixture.yaml", "not: [a test\n");
    write(root, "schemas/Recipe.yaml", "title: string\n");
    write(root, "schemas/notes.txt", "x");
    let (ws, diags) = Workspace::load(root).unwrap();
    let names = |v: &[PromptFile]| v.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&ws.prompts),
        ["sub/deeper/x", "sub/name", "sub/name.formal"]
    );
    assert_eq!(names(&ws.partials), ["deep", "shared"]);
    assert_eq!(ws.partial("shared").unwrap().source, "S");
    assert_eq!(
        ws.examples_for("sub/name").unwrap().examples[0].name,
        "sub/name#1"
    );
    assert_eq!(ws.tests_for("sub/name").count(), 1);
    assert_eq!(ws.tests_for("sub/deeper/x").count(), 1);
    assert_eq!(ws.tests.len(), 2, "tests/data/ is not read");
    assert_eq!(ws.schemas.len(), 1);
    assert_eq!(ws.schemas[0].name, "Recipe");
    let messages: Vec<String> = diags
        .iter()
        .map(|d| format!("{}: {}", d.path.display(), d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "prompts/sub/readme.md: not a .prompt file; ignored",
            "prompts/zz/_shared.prompt: partial `shared` is also defined by prompts/sub/_shared.prompt, which wins; ignored",
            "schemas/notes.txt: not a schema file; ignored",
        ]
    );
}

#[test]
fn broken_files_are_kept_or_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "pwb.toml", "[[models]\n");
    write(root, "prompts/bad.prompt", "---\nconfig: [\n---\nHi\n");
    fs::write(root.join("prompts/bin.prompt"), b"\0\x01").unwrap();
    write(root, "examples", "a file where a folder belongs");
    let (ws, diags) = Workspace::load(root).unwrap();
    assert_eq!(
        ws.config,
        WorkspaceConfig::default(),
        "unparsable config falls back to defaults"
    );
    // The broken prompt keeps its source for the editor; the binary one is not listed.
    assert_eq!(ws.prompts.len(), 1);
    assert_eq!(ws.prompts[0].source, "---\nconfig: [\n---\nHi\n");
    let paths: Vec<String> = diags.iter().map(|d| d.path.display().to_string()).collect();
    assert_eq!(
        paths,
        [
            "pwb.toml",
            "prompts/bad.prompt",
            "prompts/bin.prompt",
            "examples"
        ]
    );
    assert!(diags.iter().all(Diagnostic::is_error));
    assert_eq!(diags[3].message, "expected a folder, found a file");
}

#[test]
fn refuses_what_is_not_a_workspace() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        Workspace::load(dir.path()),
        Err(WorkspaceError::NotAWorkspace(_))
    ));
    let missing = dir.path().join("nope");
    assert!(matches!(
        Workspace::load(&missing),
        Err(WorkspaceError::NoSuchFolder(_))
    ));
    write(dir.path(), "pwb.toml", "");
    let file = dir.path().join("pwb.toml");
    assert!(matches!(
        Workspace::load(&file),
        Err(WorkspaceError::NotAFolder(_))
    ));
    let err = Workspace::load(dir.path().join("x").as_path()).unwrap_err();
    assert!(err.hint().contains("check the path"));
}

#[test]
fn sample_workspace_loads_and_renders_with_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let (ws, diags) = Workspace::load(&root).unwrap();
    assert!(diags.is_empty(), "{diags:?}");
    let names: Vec<&str> = ws.prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["summarize", "text-to-sql", "triage"]);
    assert_eq!(ws.first_prompt().unwrap().name, "triage");
    assert_eq!(ws.config.selected_models()[0].id, "local:smollm2-135m");
    let mut renderer = Renderer::default();
    for p in &ws.partials {
        renderer.add_partial(&p.name, &p.source).unwrap();
    }
    for prompt in &ws.prompts {
        let examples = &ws.examples_for(&prompt.name).unwrap().examples;
        assert!(examples.len() >= 3, "{}: few-shot examples", prompt.name);
        let cases: usize = ws.tests_for(&prompt.name).map(|t| t.cases.len()).sum();
        assert!(cases >= 4, "{}: test cases", prompt.name);
        let parsed = parse_document(&prompt.source).unwrap();
        let plain = renderer
            .render(&parsed, &RenderData::default(), None)
            .unwrap();
        assert!(
            plain.missing_vars.is_empty(),
            "{}: {:?}",
            prompt.name,
            plain.missing_vars
        );
        let roles: Vec<String> = plain
            .messages
            .iter()
            .map(|m| format!("{:?}", m.role))
            .collect();
        assert_eq!(roles.len(), 2, "{}: system + user: {roles:?}", prompt.name);
        let data = RenderData {
            examples: examples.clone(),
            ..RenderData::default()
        };
        let shots = renderer.render(&parsed, &data, None).unwrap();
        assert_eq!(
            shots.messages.len(),
            2 + 2 * examples.len(),
            "{}",
            prompt.name
        );
    }
}

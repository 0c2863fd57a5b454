//! Naming the files under `prompts/` as Genkit's loaders do (checked
//! against Genkit JS 1.42's `loadPromptFolder`), which partial wins, and
//! the renderer built from a workspace folder.

use super::*;
use crate::prompt::{RenderData, parse_document};

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn files_are_named_as_genkit_names_them() {
    let kind = |rel: &str| classify(Path::new(rel));
    let prompt = |n: &str| Some(PromptKind::Prompt(n.to_string()));
    let partial = |n: &str| Some(PromptKind::Partial(n.to_string()));
    assert_eq!(kind("top.prompt"), prompt("top"));
    assert_eq!(kind("sub/name.prompt"), prompt("sub/name"));
    assert_eq!(kind("sub/deeper/x.prompt"), prompt("sub/deeper/x"));
    // A variant file keeps its registry key, `name.variant`.
    assert_eq!(kind("sub/name.formal.prompt"), prompt("sub/name.formal"));
    // Partials are global, whatever folder they are in.
    assert_eq!(kind("_shared.prompt"), partial("shared"));
    assert_eq!(kind("sub/deeper/_deep.prompt"), partial("deep"));
    // pwb's own partials folder (Genkit would load these as prompts).
    assert_eq!(kind("partials/header.prompt"), partial("header"));
    assert_eq!(kind("partials/x/y.prompt"), None);
    assert_eq!(kind("sub/partials/y.prompt"), prompt("sub/partials/y"));
    assert_eq!(kind("notes.txt"), None);
    assert_eq!(kind("_.prompt"), None);
    assert_eq!(kind(".prompt"), None);
}

#[test]
fn partials_come_from_every_folder_and_the_first_of_a_name_wins() {
    let dir = tempfile::tempdir().unwrap();
    let prompts = dir.path();
    write(prompts, "partials/header.prompt", "H");
    write(prompts, "_header.prompt", "shadowed by partials/");
    write(prompts, "_footer.prompt", "F");
    write(prompts, "sub/_footer.prompt", "shadowed by the top folder");
    write(prompts, "sub/deeper/_deep.prompt", "D");
    write(prompts, "sub/main.prompt", "not a partial");
    let names: Vec<String> = partial_files(prompts).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["header", "footer", "header", "footer", "deep"]);
    let partials = load_partials(prompts);
    assert_eq!(partials.len(), 3);
    assert_eq!(
        (partials["header"].as_str(), partials["footer"].as_str()),
        ("H", "F")
    );
    assert_eq!(partials["deep"], "D");
}

#[cfg(unix)]
#[test]
fn a_folder_linking_back_up_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let prompts = dir.path();
    write(prompts, "sub/a.prompt", "A");
    std::os::unix::fs::symlink(prompts, prompts.join("sub/loop")).unwrap();
    let tree = prompt_tree(prompts);
    assert_eq!(tree, [PathBuf::from("sub/a.prompt")]);
}

#[test]
fn the_workspace_renderer_has_subfolder_partials_and_named_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "prompts/sub/_sig.prompt", "-- {{who}}");
    write(root, "prompts/sub/deeper/_broken.prompt", "{{#if x}}");
    write(root, "schemas/Recipe.yaml", "title: string\n");
    write(root, "schemas/Bad.yaml", "x: strng\n");
    let (renderer, problems) = load_renderer(root);
    let reports: Vec<String> = problems.iter().map(|e| e.to_string()).collect();
    assert_eq!(reports.len(), 2, "{reports:#?}");
    assert!(reports[0].starts_with("prompts/sub/deeper/_broken.prompt:1:1: "));
    assert!(reports[1].starts_with("schemas/Bad.yaml:1:1: unknown type `strng`"));
    let parsed = parse_document("---\noutput:\n  schema: Recipe\n---\nHi {{> sig}}").unwrap();
    let data = RenderData {
        input: serde_json::json!({"who": "Ann"})
            .as_object()
            .cloned()
            .unwrap(),
        ..RenderData::default()
    };
    let r = renderer.render(&parsed, &data, None).unwrap();
    assert_eq!(r.messages[0].plain_text(), "Hi -- Ann");
    assert_eq!(
        r.output.unwrap()["schema"]["required"],
        serde_json::json!(["title"])
    );
}

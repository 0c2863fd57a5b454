//! Named schemas from files: Picoschema and JSON Schema, references between
//! them, positioned errors, and prompts that name them.

use super::*;
use crate::prompt::{RenderData, Renderer, parse_document};
use serde_json::json;

fn src(name: &str, file: &str, source: &str) -> SchemaSource {
    SchemaSource {
        name: name.into(),
        shown: PathBuf::from("schemas").join(file),
        source: source.into(),
    }
}

fn reports(problems: &[PromptError]) -> Vec<String> {
    problems.iter().map(|e| e.to_string()).collect()
}

#[test]
fn picoschema_and_json_schema_files_convert_and_refer_to_each_other() {
    let (schemas, problems) = compile_schemas(&[
        // Recipe comes first but uses Ingredient, defined after it.
        src(
            "Recipe",
            "Recipe.yaml",
            "title: string\ningredients(array): Ingredient\nsteps?(array, in order): string\n",
        ),
        src(
            "Ingredient",
            "Ingredient.yaml",
            "name: string\namount?: number, grams\n",
        ),
        src(
            "Plain",
            "Plain.json",
            r#"{"type": "object", "properties": {"a": {"type": ["string", "null"]}}}"#,
        ),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    let ingredient = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "amount": {"type": ["number", "null"], "description": "grams"}
        },
        "required": ["name"],
        "additionalProperties": false
    });
    assert_eq!(schemas["Ingredient"], ingredient);
    assert_eq!(
        schemas["Recipe"]["properties"]["ingredients"]["items"],
        ingredient
    );
    assert_eq!(
        schemas["Recipe"]["properties"]["steps"],
        json!({"type": ["array", "null"], "items": {"type": "string"}, "description": "in order"})
    );
    assert_eq!(
        schemas["Plain"]["properties"]["a"]["type"],
        json!(["string", "null"])
    );
}

#[test]
fn broken_schemas_are_reported_where_the_problem_is() {
    let (schemas, problems) = compile_schemas(&[
        src("Bad", "Bad.yaml", "title: string\nmeta:\n  kind: strng\n"),
        src("Yaml", "Yaml.yaml", "a: [1,\n"),
        src("Json", "Json.json", "{\"a\": }"),
        src("UsesBad", "UsesBad.yaml", "inner: Bad\n"),
        src("Loop", "Loop.yaml", "next?: Loop\n"),
        src("Ping", "Ping.yaml", "pong: Pong\n"),
        src("Pong", "Pong.yaml", "x: string\nping: Ping\n"),
        src("Good", "Good.yaml", "x: string\n"),
    ]);
    let got = reports(&problems);
    assert_eq!(got.len(), 7, "{got:#?}");
    assert!(
        got[0].starts_with("schemas/Yaml.yaml:2:1: invalid YAML"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("schemas/Json.json:1:7: invalid JSON"),
        "{got:#?}"
    );
    assert!(
        got[2].starts_with("schemas/Bad.yaml:3:3: unknown type `strng` (at `meta.kind`)"),
        "{got:#?}"
    );
    assert_eq!(
        got[3],
        "schemas/UsesBad.yaml:1:1: schema `UsesBad` uses schema `Bad`, which has errors"
    );
    assert_eq!(
        got[4],
        "schemas/Loop.yaml:1:1: schema `Loop` refers to itself"
    );
    assert_eq!(
        got[5],
        "schemas/Ping.yaml:1:1: schema `Ping` refers to `Pong`, which refers back to it"
    );
    assert_eq!(
        got[6],
        "schemas/Pong.yaml:2:1: schema `Pong` refers to `Ping`, which refers back to it"
    );
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    assert_eq!(names, ["Good"]);
}

#[test]
fn a_prompt_naming_a_schema_gets_its_json_schema_or_says_where_to_define_it() {
    let parsed = parse_document(
        "---\noutput:\n  format: json\n  schema: Recipe\ninput:\n  schema:\n    dish: Recipe, the dish\n---\nCook",
    )
    .unwrap();
    let err = Renderer::default()
        .render(&parsed, &RenderData::default(), None)
        .unwrap_err();
    // `input` is converted first; its key is on line 5.
    assert_eq!(err.line, 5, "{err:?}");
    assert_eq!(
        err.message,
        "input.schema: unknown type `Recipe` (at `dish`): not a Picoschema type, and no schema of \
         that name is defined"
    );
    assert!(
        err.hint.contains("ai.defineSchema('Recipe', ...)"),
        "{}",
        err.hint
    );
    assert!(err.hint.contains("schemas/Recipe.yaml"), "{}", err.hint);

    let (schemas, _) = compile_schemas(&[src("Recipe", "Recipe.yaml", "title: string\n")]);
    let mut renderer = Renderer::default();
    for (name, schema) in schemas {
        renderer.add_schema(&name, schema);
    }
    let r = renderer
        .render(&parsed, &RenderData::default(), None)
        .unwrap();
    let recipe = json!({
        "type": "object",
        "properties": {"title": {"type": "string"}},
        "required": ["title"],
        "additionalProperties": false
    });
    assert_eq!(r.output.as_ref().unwrap()["schema"], recipe);
    let mut described = recipe.clone();
    described["description"] = json!("the dish");
    assert_eq!(
        r.input.as_ref().unwrap()["schema"]["properties"]["dish"],
        described
    );
}

#[test]
fn schema_files_are_yaml_yml_or_json_and_named_by_stem() {
    let dir = tempfile::tempdir().unwrap();
    let schemas = dir.path().join("schemas");
    std::fs::create_dir(&schemas).unwrap();
    for f in [
        "Recipe.yaml",
        "Person.json",
        "Tag.yml",
        "notes.txt",
        "Tag.yaml",
    ] {
        std::fs::write(schemas.join(f), "x: string\n").unwrap();
    }
    let names: Vec<String> = schema_files(dir.path())
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names, ["Person", "Recipe", "Tag"]);
    assert!(
        schema_files(dir.path())[2].1.ends_with("Tag.yaml"),
        "first by file name"
    );
    let (loaded, problems) = load_schemas(dir.path());
    // Person.json holds YAML, which is not JSON.
    assert_eq!(reports(&problems).len(), 1, "{problems:?}");
    assert!(loaded.contains_key("Recipe") && loaded.contains_key("Tag"));
}

use super::*;

fn source(stem: &str, ext: &str, text: &str) -> ToolSource {
    ToolSource {
        stem: stem.into(),
        shown: PathBuf::from(format!("tools/{stem}.{ext}")),
        source: text.into(),
    }
}

fn compile(text: &str) -> Result<ToolDef, PromptError> {
    compile_tool(&source("get_weather", "yaml", text), &HashMap::new())
}

#[test]
fn json_schema_parameters_and_picoschema_input_schema_compile() {
    let t = compile(
        "name: get_weather\ndescription: Weather now\nparameters:\n  type: object\n  \
         properties:\n    city: {type: string}\n  required: [city]\n",
    )
    .unwrap();
    assert_eq!(t.name, "get_weather");
    assert_eq!(t.description.as_deref(), Some("Weather now"));
    assert_eq!(t.parameters["required"], json!(["city"]));
    let pico = compile("inputSchema:\n  city: string, the city\n  days?: integer\n").unwrap();
    assert_eq!(
        pico.name, "get_weather",
        "the file stem names an unnamed tool"
    );
    assert_eq!(
        pico.parameters,
        json!({"type": "object", "properties": {
            "city": {"type": "string", "description": "the city"},
            "days": {"type": ["integer", "null"]}},
            "required": ["city"], "additionalProperties": false})
    );
}

#[test]
fn problems_are_located_with_a_hint() {
    let e = compile("name: get_weather\nparamaters:\n  type: object\n").unwrap_err();
    assert_eq!(
        (e.line, e.message.as_str()),
        (2, "unknown key `paramaters` in a tool definition")
    );
    let e = compile("name: get weather\n").unwrap_err();
    assert_eq!(e.line, 1);
    assert!(
        e.message.contains("not one every provider accepts"),
        "{}",
        e.message
    );
    let e = compile("name: w\nparameters:\n  type: string\n").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(e.message.contains("must describe an object"));
    let e = compile("name: w\nparameters:\n  type: object\n  properties:\n    a: {type: 12}\n")
        .unwrap_err();
    assert!(
        e.message.contains("is not a JSON Schema that compiles"),
        "{}",
        e.message
    );
    let e = compile("name: w\nparameters: [\n").unwrap_err();
    assert_eq!(e.file.as_deref(), Some(Path::new("tools/get_weather.yaml")));
}

#[test]
fn arguments_are_checked_against_the_parameters() {
    let t = compile("parameters:\n  type: object\n  properties:\n    city: {type: string}\n  required: [city]\n")
        .unwrap();
    assert!(argument_problems(&t, &json!({"city": "Paris"})).is_empty());
    let problems = argument_problems(&t, &json!({"city": 3}));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("/city: "), "{problems:?}");
    assert!(!argument_problems(&t, &json!({})).is_empty());
}

#[test]
fn a_prompt_gets_its_tools_resolved_and_its_tool_choice_checked() {
    use crate::prompt::{RenderData, Renderer, parse_document};
    use crate::types::ToolChoice;
    let mut r = Renderer::default();
    r.add_tool(compile("description: Weather\nparameters:\n  city: string\n").unwrap());
    let parsed =
        parse_document("---\ntools: [get_weather]\ntoolChoice: get_weather\n---\nHi").unwrap();
    let rendered = r.render(&parsed, &RenderData::default(), None).unwrap();
    let defs = rendered.tool_defs();
    assert_eq!(defs.len(), 1);
    assert_eq!(defs[0].description.as_deref(), Some("Weather"));
    assert_eq!(
        serde_json::to_value(&rendered).unwrap()["toolDefs"][0]["inputSchema"]["required"],
        json!(["city"]),
        "serialized in Dotprompt's shape"
    );
    assert_eq!(
        rendered.tool_choice(),
        Some(ToolChoice::Tool("get_weather".into()))
    );
    let unknown = parse_document("---\nmodel: x\ntools: [get_wether]\n---\nHi").unwrap();
    let e = r
        .render(&unknown, &RenderData::default(), None)
        .unwrap_err();
    assert_eq!(
        (e.line, e.message.as_str()),
        (3, "unknown tool `get_wether`")
    );
    assert!(e.hint.contains("did you mean `get_weather`?"), "{}", e.hint);
    let bad = parse_document("---\ntools: [get_weather]\ntoolChoice: always\n---\nHi").unwrap();
    let e = r.render(&bad, &RenderData::default(), None).unwrap_err();
    assert_eq!(e.line, 3);
    let none = parse_document("---\nmodel: x\n---\nHi").unwrap();
    assert!(
        r.render(&none, &RenderData::default(), None)
            .unwrap()
            .tool_defs()
            .is_empty()
    );
}

//! Rendering: missing variables, input defaults, `@` data, helper semantics,
//! few-shot placement, generation parameters and render error positions.

use crate::prompt::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

fn render(src: &str, input: Value) -> RenderedPrompt {
    let data = RenderData {
        input: obj(input),
        ..Default::default()
    };
    Renderer::default()
        .render(&parse_document(src).unwrap(), &data, None)
        .unwrap()
}

fn texts(r: &RenderedPrompt) -> Vec<(String, String)> {
    r.messages
        .iter()
        .map(|m| (m.role.clone(), m.plain_text()))
        .collect()
}

#[test]
fn missing_vars_top_level_only() {
    let src = "{{name}} {{#if flag}}x{{/if}} {{#each items}}{{title}} {{../outer}} {{@index}}{{/each}}\
               {{#with user}}{{email}}{{/with}} {{@root.rooted}} {{json this}} {{history}} {{present}}\
               {{#unless gone.deep}}{{/unless}} {{role \"user\"}}{{media url=pic}}";
    let r = render(src, json!({"present": 1}));
    assert_eq!(
        r.missing_vars,
        vec![
            "name", "flag", "items", "outer", "user", "rooted", "gone", "pic"
        ]
    );
    let r = render("{{a}} {{b.c}}", json!({"a": null, "b": {}}));
    assert!(r.missing_vars.is_empty(), "{:?}", r.missing_vars);
}

#[test]
fn missing_vars_follow_partials_with_hash_arguments() {
    let mut partials = HashMap::new();
    partials.insert("card".to_string(), "{{title}} by {{author}}".to_string());
    let renderer = Renderer::new(partials, HashMap::new()).unwrap();
    let parsed = parse_document("{{> card title=headline}}").unwrap();
    let r = renderer
        .render(&parsed, &RenderData::default(), None)
        .unwrap();
    assert_eq!(r.missing_vars, vec!["headline", "author"]);
}

#[test]
fn input_defaults_come_from_the_file_and_options() {
    let src =
        "---\ninput:\n  default:\n    name: File\n    tone: calm\n---\n{{name}} {{tone}} {{extra}}";
    let parsed = parse_document(src).unwrap();
    let options = json!({"input": {"default": {"tone": "loud"}}, "config": {"topP": 0.5}});
    let data = RenderData {
        input: obj(json!({"extra": "<b>x</b>"})),
        ..Default::default()
    };
    let r = Renderer::default()
        .render(&parsed, &data, Some(&options))
        .unwrap();
    assert_eq!(
        texts(&r),
        vec![("user".into(), "File loud <b>x</b>".into())]
    );
    assert!(r.missing_vars.is_empty());
}

#[test]
fn at_data_reads_context_everywhere() {
    let src = "{{@state.user.name}} {{#each items}}{{this}}:{{@state.count}}:{{@index}} {{/each}}\
               {{#if @auth.ok}}yes{{/if}}{{#ifEquals @state.count 2}} two{{/ifEquals}} \
               {{json @state.user}} [{{@missing.x}}] {{@metadata.prompt.model}}";
    let parsed = parse_document(&format!("---\nmodel: m1\n---\n{src}")).unwrap();
    let data = RenderData {
        input: obj(json!({"items": ["a", "b"]})),
        context: obj(
            json!({"state": {"count": 2.0, "user": {"name": "Ann"}}, "auth": {"ok": true}}),
        ),
        ..Default::default()
    };
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    assert_eq!(
        r.messages[0].plain_text(),
        "Ann a:2:0 b:2:1 yes two {\"name\":\"Ann\"} [] m1"
    );
}

#[test]
fn helpers_follow_js_semantics() {
    let r = render(
        "{{#ifEquals a b}}eq{{else}}ne{{/ifEquals}} {{#unlessEquals a c}}ne{{/unlessEquals}} {{json o indent=\"\\t\"}}",
        json!({"a": 5, "b": 5.0, "c": "5", "o": {"k": [1]}}),
    );
    assert_eq!(
        r.messages[0].plain_text(),
        "eq ne {\n\t\"k\": [\n\t\t1\n\t]\n}"
    );
}

#[test]
fn few_shot_turns_go_after_system_and_before_the_user_turn() {
    let src = "{{role \"system\"}}Translate to French.\n{{role \"user\"}}Text: {{text}}";
    let parsed = parse_document(src).unwrap();
    let data = RenderData {
        input: obj(json!({"text": "good night"})),
        examples: vec![
            Example {
                name: "plain".into(),
                input: json!("Text: hello"),
                output: json!("bonjour"),
            },
            Example {
                name: "vars".into(),
                input: json!({"text": "thanks"}),
                output: json!({"fr": "merci"}),
            },
        ],
        ..Default::default()
    };
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    assert_eq!(
        texts(&r),
        vec![
            ("system".into(), "Translate to French.\n".into()),
            ("user".into(), "Text: hello".into()),
            ("model".into(), "bonjour".into()),
            ("user".into(), "Text: thanks".into()),
            ("model".into(), "{\n  \"fr\": \"merci\"\n}".into()),
            ("user".into(), "Text: good night".into()),
        ]
    );
    assert_eq!(
        r.messages[1].metadata,
        Some(json!({"purpose": "example", "example": "plain"}))
    );
    assert!(r.missing_vars.is_empty());
}

#[test]
fn few_shot_turns_precede_history() {
    let parsed = parse_document("{{role \"system\"}}S\n{{role \"user\"}}Q").unwrap();
    let data = RenderData {
        messages: vec![
            Message::text("user", "earlier"),
            Message::text("model", "reply"),
        ],
        examples: vec![Example {
            name: "e".into(),
            input: json!("ex in"),
            output: json!("ex out"),
        }],
        ..Default::default()
    };
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    let roles: Vec<_> = texts(&r)
        .into_iter()
        .map(|(role, t)| format!("{role}:{t}"))
        .collect();
    assert_eq!(
        roles,
        vec![
            "system:S\n",
            "user:ex in",
            "model:ex out",
            "user:earlier",
            "model:reply",
            "user:Q"
        ]
    );
}

#[test]
fn a_template_that_reads_examples_lays_them_out_itself() {
    let src = "{{#each examples}}Q: {{input}} A: {{output}}\n{{/each}}Now: {{q}}";
    let parsed = parse_document(src).unwrap();
    let data = RenderData {
        input: obj(json!({"q": "3+3"})),
        examples: vec![Example {
            name: "e".into(),
            input: json!("1+1"),
            output: json!("2"),
        }],
        ..Default::default()
    };
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    assert_eq!(
        texts(&r),
        vec![("user".into(), "Q: 1+1 A: 2\nNow: 3+3".into())]
    );
}

#[test]
fn gen_params_and_output_schema() {
    let src = "---\nmodel: openai:gpt-4o-mini\nconfig:\n  temperature: 0.2\n  maxOutputTokens: 300\n  \
               topP: 0.9\n  stopSequences: [END]\n  seed: 7\noutput:\n  format: json\n  schema:\n    \
               answer: string\n---\nQ";
    let r = render(src, json!({}));
    let p = r.gen_params();
    assert_eq!(p.temperature, Some(0.2));
    assert_eq!(p.max_tokens, Some(300));
    assert_eq!(p.top_p, Some(0.9));
    assert_eq!(p.stop, vec!["END".to_string()]);
    assert_eq!(p.seed, Some(7));
    assert_eq!(r.model.as_deref(), Some("openai:gpt-4o-mini"));
    let schema = r.output_json_schema().unwrap();
    assert_eq!(schema["required"], json!(["answer"]));
    let json_only = render("---\noutput:\n  format: json\n---\nQ", json!({}));
    assert_eq!(
        json_only.output_json_schema(),
        Some(json!({"type": "object"}))
    );
    assert_eq!(render("Q", json!({})).output_json_schema(), None);
}

#[test]
fn render_failures_point_into_the_file() {
    let parsed = parse_document("---\nmodel: m\n---\nHello\n  {{> nope}}").unwrap();
    let err = Renderer::default()
        .render(&parsed, &RenderData::default(), None)
        .unwrap_err();
    assert_eq!(err.kind, PromptErrorKind::Render);
    assert_eq!(err.line, 5, "{err:?}");
    assert!(
        err.hint.contains("prompts/partials/nope.prompt"),
        "{}",
        err.hint
    );
    let parsed = parse_document("---\noutput:\n  schema:\n    a: strng\n---\nHi").unwrap();
    let err = Renderer::default()
        .render(&parsed, &RenderData::default(), None)
        .unwrap_err();
    assert_eq!((err.kind, err.line), (PromptErrorKind::Schema, 2));
}

#[test]
fn bad_partials_are_reported_by_name() {
    let mut partials = HashMap::new();
    partials.insert("broken".to_string(), "x\n{{#if a}}".to_string());
    let err = Renderer::new(partials, HashMap::new()).unwrap_err();
    assert!(err.message.contains("broken"), "{}", err.message);
}

#[test]
fn length_reads_as_in_handlebars_js() {
    // Output of npm dotprompt 1.1.2 (Handlebars.js) for the same template
    // and data; the handlebars crate alone fails with "Cannot access
    // array/vector with string index, length".
    let src = "{{#if items.length}}You have {{items.length}} items; name has {{name.length}} \
               chars; obj {{obj.length}}; n {{n.length}}; missing {{nope.length}}.{{else}}No \
               items.{{/if}}\n{{#each lists}}[{{this.length}}]{{/each}} \
               {{#with items}}{{length}}{{/with}} root {{@root.items.length}}";
    let full = json!({"items": [1, 2, 3], "name": "héllo😀", "obj": {"length": "long"}, "n": 5,
                      "lists": [[1], [1, 2]]});
    assert_eq!(
        texts(&render(src, full))[0].1,
        "You have 3 items; name has 7 chars; obj long; n ; missing .\n[1][2] 3 root 3"
    );
    assert_eq!(
        texts(&render(src, json!({"items": [], "name": "x"})))[0].1,
        "No items.\n  root 0"
    );
    // A top-level `length` is a variable like any other.
    let r = render(
        "Write {{length}} words about {{topic.length}}",
        json!({"length": 50}),
    );
    assert_eq!(texts(&r)[0].1, "Write 50 words about ");
    assert_eq!(r.missing_vars, ["topic"]);
}

#[test]
fn length_of_at_data_paths() {
    let parsed = parse_document("{{@state.items.length}} {{@state.word.length}}").unwrap();
    let data = RenderData {
        context: obj(json!({"state": {"items": ["a", "b"], "word": "four"}})),
        ..Default::default()
    };
    let r = Renderer::default().render(&parsed, &data, None).unwrap();
    assert_eq!(texts(&r)[0].1, "2 4");
}

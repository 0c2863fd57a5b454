//! The add-as-test menu's flow: ticks, texts held to the answer, greyed
//! choices.

use super::*;

fn menu(schema: Option<Value>) -> CaseMenu {
    let vars = Map::from_iter([("name".to_string(), json!("Ada"))]);
    CaseMenu::new(
        0,
        ("Hello Ada.\nBye.".into(), schema),
        vars,
        "tests/x.yaml".into(),
    )
}

#[test]
fn ticked_checks_are_made_in_menu_order_with_their_texts() {
    let mut m = menu(Some(json!({"type": "object"})));
    assert_eq!(m.why_off(CheckKind::IsJson), Some("the answer is not JSON"));
    m.answer = "{\"a\": 1}\nBye.".into();
    assert_eq!(m.why_off(CheckKind::IsJson), Some("the answer is not JSON"));
    m.answer = "{\"a\": 1}\n".into();
    assert_eq!(m.why_off(CheckKind::IsJson), None);
    m.schema = Some(json!({"type": "array"}));
    assert_eq!(
        m.why_off(CheckKind::IsJson),
        Some("the answer does not fit the schema")
    );
    m.schema = Some(json!({"type": "object"}));
    let answer = "{\n  \"hello\": \"Ada\",\n  \"bye\": true\n}\n";
    m.answer = answer.into();
    m.toggle(3);
    m.toggle(1);
    m.toggle(0);
    assert_eq!(m.go_on(), None);
    let ask = m.asking.as_ref().unwrap();
    assert_eq!((ask.kind, ask.buffer.as_str()), (CheckKind::Contains, "{"));
    assert_eq!(m.text_progress(), (1, 1));
    m.step_line(1);
    m.step_line(1);
    assert_eq!(m.asking.as_ref().unwrap().buffer, "\"bye\": true");
    m.step_line(-1);
    let all = m.take_text().unwrap();
    assert_eq!(
        all,
        vec![
            json!({"type": "equals", "value": answer}),
            json!({"type": "contains", "value": "\"hello\": \"Ada\","}),
            json!({"type": "is-json", "value": {"type": "object"}}),
        ]
    );
}

#[test]
fn greyed_choices_say_why_and_nothing_excludes_the_rest() {
    let mut m = menu(None);
    m.answer = "Hi {{name}}".into();
    assert!(
        m.why_off(CheckKind::Equals)
            .unwrap()
            .contains("would fill in")
    );
    m.answer = "Hello Ada.\nBye.".into();
    m.toggle(3);
    assert!(!m.ticked[3]);
    assert!(m.note.as_deref().unwrap().contains("no output.schema"));
    m.toggle(0);
    m.toggle(5);
    assert_eq!(m.ticked, [false, false, false, false, false, true]);
    assert_eq!(m.go_on(), Some(vec![]));
    let mut empty = CaseMenu::new(0, (String::new(), None), Map::new(), String::new());
    assert_eq!(empty.cursor, 4);
    empty.cursor = 0;
    assert_eq!(empty.go_on(), None);
    assert!(empty.note.as_deref().unwrap().contains("no answer yet"));
}

#[test]
fn a_text_must_hold_for_the_answer() {
    let vars = Map::from_iter([("name".to_string(), json!("Ada"))]);
    let a = ("Hello Ada.", &vars);
    // As pwb eval checks it: `{{name}}` filled in first, kept as typed.
    assert_eq!(
        check_text(CheckKind::Contains, "Hello {{name}}", a).unwrap(),
        json!({"type": "contains", "value": "Hello {{name}}"})
    );
    assert!(check_text(CheckKind::Contains, "{{other}}Bo", a).is_err());
    assert!(
        check_text(CheckKind::Contains, "Bo", a)
            .unwrap_err()
            .contains("does not contain")
    );
    assert!(
        check_text(CheckKind::Regex, "(?i)hello", a)
            .unwrap_err()
            .contains("inline flags")
    );
    assert!(
        check_text(CheckKind::Regex, "^Bye", a)
            .unwrap_err()
            .contains("does not match")
    );
    assert_eq!(
        check_text(CheckKind::Regex, "A\\w+\\.$", a).unwrap(),
        json!({"type": "regex", "value": "A\\w+\\.$"})
    );
    assert!(check_text(CheckKind::Rubric, "", a).is_err());
    let mut m = menu(None);
    m.toggle(2);
    m.go_on();
    m.asking.as_mut().unwrap().buffer = "Bo+".into();
    assert_eq!(m.take_text(), None);
    assert!(
        m.asking
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("does not match")
    );
}

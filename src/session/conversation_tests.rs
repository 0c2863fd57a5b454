use super::*;
use crate::prompt::RenderedPrompt;
use crate::session::{ModelOption, Session};
use crate::types::ModelId;

fn base() -> PlannedCell {
    let rendered = RenderedPrompt {
        messages: vec![
            Message::text("system", "Be brief."),
            Message::text("user", "Hi"),
        ],
        ..Default::default()
    };
    let pick = ModelOption::ad_hoc(ModelId::parse("openai:m").unwrap()).pick();
    Session::new(Default::default())
        .plan(&rendered, &[pick], 1)
        .remove(0)
}

/// `role: text` of each message a cell sends.
fn sent(cell: &PlannedCell) -> Vec<String> {
    cell.request
        .messages
        .iter()
        .map(|m| format!("{}: {}", m.role, m.plain_text()))
        .collect()
}

fn three_turns() -> Conversation {
    let mut c = Conversation::new(base(), "Hello!");
    c.say("Who are you?").unwrap();
    assert!(c.answered("A model.").is_none());
    c.say("Bye").unwrap();
    assert!(c.answered("Bye!").is_none());
    c
}

#[test]
fn each_turn_is_sent_after_the_rendered_prompt() {
    let mut c = Conversation::new(base(), "Hello!");
    let cell = c.say("Who are you?").unwrap();
    assert_eq!(
        sent(&cell),
        [
            "system: Be brief.",
            "user: Hi",
            "model: Hello!",
            "user: Who are you?"
        ]
    );
    assert!(c.is_waiting());
    assert!(c.say("again").is_err(), "one turn at a time");
    assert_eq!(cell.request.params, c.base.request.params);
    assert_eq!(cell.slot, c.base.slot);
}

#[test]
fn editing_a_user_turn_asks_again_from_there_and_re_sends_the_later_turns() {
    let mut c = three_turns();
    let first = c.edit(1, "What are you?").unwrap().expect("re-run");
    assert_eq!(sent(&first)[2..], ["model: Hello!", "user: What are you?"]);
    assert_eq!(c.queue, ["Bye"]);
    let next = c.answered("A program.").expect("the queued turn follows");
    assert_eq!(
        sent(&next)[2..],
        [
            "model: Hello!",
            "user: What are you?",
            "model: A program.",
            "user: Bye"
        ]
    );
    assert!(c.answered("Ciao").is_none());
    assert_eq!(c.turns.len(), 5);
}

#[test]
fn editing_an_answer_re_sends_the_turns_after_it() {
    let mut c = three_turns();
    let cell = c.edit(0, "Hey.").unwrap().expect("re-run");
    assert_eq!(sent(&cell)[2..], ["model: Hey.", "user: Who are you?"]);
    assert_eq!(c.queue, ["Bye"]);
    let mut last = three_turns();
    assert!(
        last.edit(4, "Farewell.").unwrap().is_none(),
        "nothing after it"
    );
    assert_eq!(last.turns[4].plain_text(), "Farewell.");
}

#[test]
fn removing_a_turn_takes_its_exchange_and_re_runs_the_rest() {
    let mut c = three_turns();
    let cell = c.remove(2).unwrap().expect("re-run");
    assert_eq!(sent(&cell)[2..], ["model: Hello!", "user: Bye"]);
    let mut c = three_turns();
    assert!(c.remove(3).unwrap().is_none(), "the last exchange goes");
    assert_eq!(c.turns.len(), 3);
    assert!(c.remove(0).unwrap_err().contains("prompt"));
    assert!(c.remove(9).unwrap_err().contains("no turn 10"));
}

#[test]
fn a_failed_turn_is_taken_back_and_kept() {
    let mut c = Conversation::new(base(), "Hello!");
    c.say("Who?").unwrap();
    c.not_answered();
    assert!(!c.is_waiting());
    assert_eq!(c.unsent.as_deref(), Some("Who?"));
}

#[test]
fn a_conversation_becomes_a_history_variable_and_back() {
    let c = three_turns();
    let var = c.history_var();
    assert_eq!(
        var.as_str().unwrap(),
        "- role: model\n  content: Hello!\n- role: user\n  content: Who are you?\n\
         - role: model\n  content: A model.\n- role: user\n  content: Bye\n",
        "the latest answer is the checked one"
    );
    let mut vars = Map::new();
    vars.insert("name".into(), json!("Ada"));
    vars.insert(HISTORY_VAR.into(), var);
    let (rest, turns) = split_history_var(&vars).unwrap();
    assert_eq!(rest.keys().collect::<Vec<_>>(), ["name"]);
    assert_eq!(turns, c.turns[..4]);
    vars.insert(
        HISTORY_VAR.into(),
        json!([{"role": "user", "content": "x"}]),
    );
    assert_eq!(split_history_var(&vars).unwrap().1[0].plain_text(), "x");
    vars.insert(HISTORY_VAR.into(), json!([{"role": "bot", "content": "x"}]));
    assert!(
        split_history_var(&vars)
            .unwrap_err()
            .starts_with("history: turn 1")
    );
}

use super::*;
use crate::provider::Completion;
use crate::run::{CellSlot, RunEvent};
use crate::types::ModelId;
use crate::workspace::tool_mocks::parse_mocks;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

fn weather() -> ToolDef {
    ToolDef {
        name: "get_weather".into(),
        description: None,
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}),
    }
}

fn agent(max_steps: u32) -> AgentLoop {
    let cell = PlannedCell {
        name: "openai:x".into(),
        model: ModelId::parse("openai:x").unwrap(),
        provider: Arc::new(crate::provider::echo::Echo),
        request: crate::provider::ChatRequest {
            model: "x".into(),
            messages: vec![Message::text("user", "Weather in Paris?")],
            tools: vec![weather()],
            ..Default::default()
        },
        slot: CellSlot::default(),
    };
    let (mocks, _) = parse_mocks(
        "- tool: get_weather\n  match: {city: Paris}\n  result: sunny\n",
        Path::new("tools/mocks/w.yaml"),
    );
    AgentLoop::new(cell, mocks, max_steps)
}

fn outcome(text: &str, calls: Vec<ToolCall>) -> CellOutcome {
    let mut o = CellOutcome::planned(&agent(1).cell());
    o.apply(RunEvent::Started {
        run: 1,
        cell: 0,
        at: std::time::Instant::now(),
    });
    o.apply(RunEvent::Finished {
        run: 1,
        cell: 0,
        completion: Completion {
            text: text.into(),
            tool_calls: calls,
            ..Default::default()
        },
    });
    o
}

fn paris() -> ToolCall {
    ToolCall::from_text(
        Some("c1".into()),
        "get_weather",
        r#"{"city":"Paris"}"#.into(),
    )
}

#[test]
fn a_mocked_call_continues_the_conversation_with_both_turns() {
    let mut a = agent(5);
    let Next::Send(cell) = a.advance(outcome("Looking.", vec![paris()])) else {
        panic!("expected the next step");
    };
    let msgs = &cell.request.messages;
    assert_eq!(msgs.len(), 3);
    assert_eq!(msgs[1].role, "model");
    assert_eq!(
        msgs[1].plain_text(),
        "Looking.[tool call: get_weather {\"city\":\"Paris\"}]"
    );
    assert_eq!(msgs[2].role, "tool");
    let resp: Vec<_> = msgs[2].tool_responses().collect();
    assert_eq!(
        (resp[0].output.clone(), resp[0].reference.as_deref()),
        (json!("sunny"), Some("c1"))
    );
    assert!(matches!(
        a.advance(outcome("Sunny.", vec![])),
        Next::Stop(AgentEnd::Answered)
    ));
    assert_eq!(a.steps.len(), 2);
}

#[test]
fn a_call_without_a_mock_waits_for_a_result_given_by_hand() {
    let mut a = agent(5);
    let rome = ToolCall::from_text(None, "get_weather", r#"{"city":"Rome"}"#.into());
    assert!(matches!(
        a.advance(outcome("", vec![rome])),
        Next::Stop(AgentEnd::NeedsResult)
    ));
    let Next::Send(cell) = a.answer(vec![json!({"temp": 30})]) else {
        panic!("an answered call goes on");
    };
    assert_eq!(a.steps[0].calls[0].result.as_ref().unwrap().1, "by hand");
    assert_eq!(cell.request.messages.len(), 3);
}

#[test]
fn malformed_calls_and_the_step_limit_stop_the_loop() {
    let mut a = agent(5);
    let bad = ToolCall::from_text(None, "get_weather", r#"{"city": 3}"#.into());
    assert!(matches!(
        a.advance(outcome("", vec![bad])),
        Next::Stop(AgentEnd::InvalidCall)
    ));
    assert_eq!(a.steps[0].calls[0].problems.len(), 1);
    let mut a = agent(1);
    assert!(matches!(
        a.advance(outcome("", vec![paris()])),
        Next::Stop(AgentEnd::StepLimit(1))
    ));
}

//! Tests of the response cache: keys change with what shapes the answer,
//! good answers round-trip marked `cached`, errors and empty answers are
//! never stored.

use super::*;
use crate::types::GenParams;
use crate::types::Message;

fn ep(id: &str, base: &str) -> std::sync::Arc<dyn Provider> {
    let mut e = crate::provider::Endpoint::new(crate::types::ModelId::parse(id).unwrap());
    e.base_url = Some(base.into());
    crate::provider::build(&e)
}

fn req(text: &str, temperature: f64) -> ChatRequest {
    ChatRequest {
        model: "m".into(),
        messages: vec![Message::text("user", text)],
        params: GenParams {
            temperature: Some(temperature),
            ..Default::default()
        },
        json_schema: None,
        ..Default::default()
    }
}

#[test]
fn key_depends_on_everything_that_shapes_the_answer() {
    let base = cache_key(&*ep("openai:m", "http://a/v1"), &req("hi", 0.0));
    assert_eq!(base.len(), 64);
    assert_eq!(
        base,
        cache_key(&*ep("openai:m", "http://a/v1/"), &req("hi", 0.0))
    );
    assert_ne!(
        base,
        cache_key(&*ep("openai:m", "http://b/v1"), &req("hi", 0.0))
    );
    assert_ne!(
        base,
        cache_key(&*ep("ollama:m", "http://a/v1"), &req("hi", 0.0))
    );
    assert_ne!(
        base,
        cache_key(&*ep("openai:m", "http://a/v1"), &req("ho", 0.0))
    );
    assert_ne!(
        base,
        cache_key(&*ep("openai:m", "http://a/v1"), &req("hi", 0.5))
    );
    let mut schema = req("hi", 0.0);
    schema.json_schema = Some(serde_json::json!({"type": "object"}));
    assert_ne!(base, cache_key(&*ep("openai:m", "http://a/v1"), &schema));
}

#[test]
fn each_repeated_sample_has_its_own_entry_and_the_first_is_the_plain_one() {
    let (e, r) = (ep("openai:m", "http://a/v1"), req("hi", 0.7));
    let keys: Vec<String> = (0..3).map(|i| sample_cache_key(&*e, &r, i)).collect();
    assert_eq!(keys[0], cache_key(&*e, &r));
    assert_ne!(keys[0], keys[1]);
    assert_ne!(keys[1], keys[2]);
    let dir = tempfile::tempdir().unwrap();
    let slot = |i| CacheSlot::for_sample(CacheMode::ReadWrite, dir.path(), &*e, &r, i).unwrap();
    let answer = |t: &str| Completion {
        text: t.into(),
        ..Default::default()
    };
    remember(Some(&slot(0)), &Ok(answer("first")));
    remember(Some(&slot(1)), &Ok(answer("second")));
    assert_eq!(slot(0).load().unwrap().text, "first");
    assert_eq!(slot(1).load().unwrap().text, "second");
    assert!(slot(2).load().is_none(), "sample 3 was never answered");
}

#[test]
fn good_answers_round_trip_and_bad_ones_are_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let e = ep("openai:m", "http://a/v1");
    assert!(CacheSlot::for_cell(CacheMode::Off, dir.path(), &*e, &req("x", 0.0)).is_none());
    let slot = CacheSlot::for_cell(CacheMode::ReadWrite, dir.path(), &*e, &req("x", 0.0)).unwrap();
    assert!(slot.load().is_none());
    let empty = Completion::default();
    remember(Some(&slot), &Ok(empty));
    remember(Some(&slot), &Err(ProviderError::Other("boom".into())));
    assert!(!slot.path.exists());
    let good = Completion {
        text: "Hello".into(),
        ..Default::default()
    };
    remember(Some(&slot), &Ok(good.clone()));
    let back = slot.load().unwrap();
    assert!(back.cached);
    assert_eq!(back.text, "Hello");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let end = replay(Some(&slot), 7, 1, &tx);
    assert!(matches!(
        rx.try_recv(),
        Ok(RunEvent::Started {
            run: 7,
            cell: 1,
            ..
        })
    ));
    assert!(matches!(rx.try_recv(), Ok(RunEvent::Text { text, .. }) if text == "Hello"));
    assert!(
        matches!(end, Some(RunEvent::Finished { completion, .. }) if completion.cached),
        "the terminal event comes back to the runner, which sends it"
    );
    assert!(replay(None, 7, 1, &tx).is_none());
}

#[test]
fn tools_are_part_of_the_key_only_when_offered() {
    let p = crate::provider::echo::Echo;
    let plain = req("hi", 0.0);
    let mut with_tools = plain.clone();
    with_tools.tools = vec![crate::types::ToolDef {
        name: "f".into(),
        description: None,
        parameters: serde_json::json!({"type": "object"}),
    }];
    assert_ne!(cache_key(&p, &plain), cache_key(&p, &with_tools));
    let mut choice = with_tools.clone();
    choice.tool_choice = Some(crate::types::ToolChoice::Required);
    assert_ne!(cache_key(&p, &with_tools), cache_key(&p, &choice));
}

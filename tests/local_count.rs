//! A `local:` model's input tokens counted before a run with the GGUF's
//! own tokenizer and chat template: the same count the model reports.
//! Needs `pwb setup`; skips with a message without it, fails in CI.

use pwb::provider::Endpoint;
use pwb::provider::local::{generate, model, weights};
use pwb::session::count::{Counting, load_local, local_generation};
use pwb::types::{Message, ModelId};

#[test]
fn a_local_model_counts_exactly_once_its_header_is_loaded() {
    let path = weights::smollm2_path();
    if !path.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the local model's weights are missing at {}",
            path.display()
        );
        eprintln!(
            "SKIPPED local token count: weights not found at {} (run `cargo run -- setup`)",
            path.display()
        );
        return;
    }
    let endpoint = Endpoint::new(ModelId::parse("local:smollm2-135m").unwrap());
    let before = local_generation();
    assert_eq!(Counting::for_endpoint(&endpoint), Counting::Estimate);
    assert_eq!(load_local([&endpoint]), 1);
    assert!(local_generation() > before);
    let counting = Counting::for_endpoint(&endpoint);
    assert!(matches!(counting, Counting::Local(_)), "{counting:?}");
    assert!(counting.is_exact() && counting.mark().is_empty());
    let question = [Message::text(
        "user",
        "What is the capital of France? Answer in one word.",
    )];
    // 42 is what the model itself counts for this question (local_model.rs).
    assert_eq!(counting.messages(&question, &[]), 42);
    let chat = [
        Message::text("system", "You write short poems."),
        Message::text("user", "A poem about the sea."),
        Message::text("model", "Waves roll in, grey and slow."),
        Message::text("user", "Another, about rain, 日本語 too."),
    ];
    let m = model::shared(&path).expect("model loads");
    let ids = generate::prompt_ids(&m, &chat).unwrap();
    assert_eq!(counting.messages(&chat, &[]), ids.len() as u64);
}

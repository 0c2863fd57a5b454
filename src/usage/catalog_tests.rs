//! Tests of the model catalog: lookup by id, dated variants, overrides
//! from `pwb.toml`, and cost arithmetic (cached input, unknown prices).

use super::*;

fn usage(input: u64, output: u64, cached: Option<u64>) -> Usage {
    Usage {
        input_tokens: Some(input),
        output_tokens: Some(output),
        cached_input_tokens: cached,
        ..Default::default()
    }
}

#[test]
fn builtin_parses_and_has_a_date() {
    let cat = Catalog::builtin();
    assert!(cat.checked.is_some());
    let m = cat.lookup("openai:gpt-4o-mini").expect("gpt-4o-mini");
    assert_eq!(m.context_window, Some(128_000));
    assert_eq!(m.price.map(|p| p.output), Some(0.6));
    let local = cat.lookup("local:smollm2-135m").expect("local");
    assert_eq!(local.context_window, Some(8192));
    assert_eq!(local.cost(&usage(100, 10, None)), Some(0.0));
}

#[test]
fn lookup_matches_dated_variants_by_longest_prefix() {
    let cat = Catalog::builtin();
    let mini = cat.lookup("openai:gpt-4o-mini-2024-07-18").unwrap();
    assert_eq!(mini.price.unwrap().input, 0.15);
    let four_o = cat.lookup("openai:gpt-4o-2024-08-06").unwrap();
    assert_eq!(four_o.price.unwrap().input, 2.5);
    let opus41 = cat.lookup("anthropic:claude-opus-4-1-20250805").unwrap();
    let opus4 = cat.lookup("anthropic:claude-opus-4-20250514").unwrap();
    assert_eq!(opus41.price.unwrap().input, 15.0);
    assert_eq!(opus4.price.unwrap().output, 75.0);
    assert!(cat.lookup("anthropic:claude-3-5-haiku-latest").is_some());
    // A different model that merely shares a prefix is not matched.
    assert!(cat.lookup("openai:o3-pro").is_none());
    assert!(cat.lookup("openai:unknown-model").is_none());
    // Ollama models are free, with an unknown context.
    let ollama = cat.lookup("ollama:llama3.2").unwrap();
    assert_eq!(ollama.context_window, None);
    assert_eq!(ollama.cost(&usage(10, 10, None)), Some(0.0));
}

#[test]
fn cost_bills_cached_input_at_the_cached_rate() {
    let cat = Catalog::builtin();
    // gpt-4o-mini: 0.15 in, 0.6 out, 0.075 cached.
    let c = cat
        .cost(
            "openai:gpt-4o-mini",
            &usage(1_000_000, 1_000_000, Some(400_000)),
        )
        .unwrap();
    assert!((c - (0.6 * 0.15 + 0.4 * 0.075 + 0.6)).abs() < 1e-9, "{c}");
    // Reasoning tokens are already part of the output count.
    let mut u = usage(0, 1000, None);
    u.reasoning_tokens = Some(800);
    let c = cat.cost("openai:gpt-4o-mini", &u).unwrap();
    assert!((c - 0.0006).abs() < 1e-12);
}

#[test]
fn unknown_stays_unknown() {
    let cat = Catalog::builtin();
    assert_eq!(cat.cost("openai:nope", &usage(1, 1, None)), None);
    // Missing counts.
    assert_eq!(cat.cost("openai:gpt-4o", &Usage::default()), None);
    // Cached tokens on a model without a cached rate.
    assert_eq!(
        cat.cost("gemini:gemini-2.5-flash", &usage(10, 1, Some(4))),
        None
    );
    // Prompt-cache writes are not priced.
    let mut u = usage(10, 1, None);
    u.cache_write_tokens = Some(5);
    assert_eq!(cat.cost("anthropic:claude-sonnet-4-5", &u), None);
    assert_eq!(fmt_cost(None), "$?");
    assert_eq!(fmt_cost(Some(0.0012)), "$0.0012");
    assert_eq!(fmt_cost(Some(0.0)), "$0");
}

#[test]
fn overrides_add_and_replace_entries() {
    let pricing: toml::Table = toml::from_str(
        "[\"openai:gpt-4o-mini\"]\ninput = 1\noutput = 2\n\
         [\"openai:my-tuned\"]\ninput = 0.5\noutput = 1.5\ncached_input = 0.25\ncontext = 32000\n",
    )
    .unwrap();
    let cat = Catalog::with_overrides(&pricing);
    let mini = cat.lookup("openai:gpt-4o-mini").unwrap();
    assert_eq!(mini.price.unwrap().input, 1.0);
    // Unset keys keep the built-in values.
    assert_eq!(mini.price.unwrap().cached_input, Some(0.075));
    assert_eq!(mini.context_window, Some(128_000));
    assert_eq!(mini.checked.as_deref(), Some("pwb.toml"));
    let tuned = cat.lookup("openai:my-tuned").unwrap();
    assert_eq!(tuned.context_window, Some(32_000));
    assert_eq!(tuned.cost(&usage(2_000_000, 0, None)), Some(1.0));
}

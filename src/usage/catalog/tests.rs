//! Tests of the model catalog: the built-in tables, lookup by id (dated
//! variants only), overrides from `pwb.toml`, cost arithmetic (cache reads
//! and writes, unknown prices), and which table is used and how it is named.

use super::*;

fn usage(input: u64, output: u64, cached: Option<u64>) -> Usage {
    Usage {
        input_tokens: Some(input),
        output_tokens: Some(output),
        cached_input_tokens: cached,
        ..Default::default()
    }
}

fn entry(context: u64, input: f64, output: f64) -> TableEntry {
    TableEntry {
        context: Some(context),
        input: Some(input),
        output: Some(output),
        ..Default::default()
    }
}

/// A small table: one model per provider, plus a dated snapshot.
fn table(version: &str) -> PriceTable {
    let mut t = PriceTable {
        format: table::FORMAT,
        litellm_version: version.into(),
        fetched: "2026-01-10".into(),
        ..Default::default()
    };
    let m = &mut t.models;
    m.insert(
        "anthropic:claude-sonnet-4".into(),
        entry(200_000, 3.0, 15.0),
    );
    m.insert("openai:gpt-4o".into(), entry(128_000, 2.5, 10.0));
    m.insert("openai:gpt-4o-2024-05-13".into(), entry(128_000, 5.0, 15.0));
    m.insert(
        "openai:ft:gpt-4o-mini-2024-07-18".into(),
        entry(128_000, 0.3, 1.2),
    );
    m.insert("gemini:gemini-2.5-flash".into(), entry(1_048_576, 0.3, 2.5));
    t
}

fn catalog() -> Catalog {
    let t = table("1.0.0");
    Catalog::from_table(&t, CatalogSource::of(&t, TableOrigin::BuiltIn))
}

#[test]
fn builtin_tables_parse_and_know_todays_models() {
    let own = entries::own();
    assert!(own.contains_key("local:smollm2-135m"), "{own:?}");
    let t = PriceTable::parse(include_str!("../../../catalog/litellm.json")).expect("snapshot");
    assert!(t.models.len() > 100, "{}", t.counts());
    assert!(!t.litellm_version.is_empty() && source::parse_date(&t.fetched).is_some());
    let cat = Catalog::builtin();
    // The model the old prefix rule got wrong: its own 1M-token window.
    let sonnet = cat
        .lookup("anthropic:claude-sonnet-4-6")
        .expect("sonnet 4.6");
    assert_eq!(sonnet.context_window, Some(1_000_000));
    assert!(sonnet.max_output_tokens.is_some());
    let caps = sonnet.capabilities.expect("flags");
    assert!(caps.tools && caps.json_schema && caps.vision);
    let mini = cat.lookup("openai:gpt-4o-mini").expect("gpt-4o-mini");
    assert_eq!(mini.price.map(|p| (p.input, p.output)), Some((0.15, 0.6)));
    assert_eq!(mini.max_output_tokens, Some(16_384));
    assert!(cat.lookup("gemini:gemini-2.5-flash").is_some());
    let local = cat.lookup("local:smollm2-135m").expect("local");
    assert_eq!(local.context_window, Some(8192));
    assert_eq!(local.from, InfoFrom::Pwb);
    assert_eq!(local.cost(&usage(100, 10, None)), Some(0.0));
}

#[test]
fn lookup_takes_dated_variants_and_nothing_else() {
    let cat = catalog();
    let base = |id: &str| cat.lookup(id).and_then(|i| i.context_window);
    assert_eq!(base("anthropic:claude-sonnet-4-20250514"), Some(200_000));
    assert_eq!(base("anthropic:claude-sonnet-4-latest"), Some(200_000));
    // A newer model is not an older one's variant.
    assert!(cat.lookup("anthropic:claude-sonnet-4-6").is_none());
    assert!(cat.lookup("anthropic:claude-sonnet-4-5-20250929").is_none());
    assert!(cat.lookup("openai:gpt-4o-mini").is_none());
    assert!(cat.lookup("openai:gpt-4o-2").is_none());
    // Dated snapshots with their own entry keep their own price.
    let old = cat.lookup("openai:gpt-4o-2024-05-13").unwrap();
    assert_eq!(old.price.unwrap().input, 5.0);
    assert_eq!(
        cat.lookup("openai:gpt-4o-2024-08-06")
            .unwrap()
            .price
            .unwrap()
            .input,
        2.5
    );
    // Fine-tunes are priced as their base's fine-tune.
    let ft = cat
        .lookup("openai:ft:gpt-4o-mini-2024-07-18:acme:triage:9xYz")
        .unwrap();
    assert_eq!(ft.price.unwrap().output, 1.2);
    assert!(cat.lookup("openai:ft:gpt-4o:acme::1").is_none());
    // Ollama models are free, with an unknown context (pwb's own entry).
    let ollama = cat.lookup("ollama:llama3.2").unwrap();
    assert_eq!(ollama.context_window, None);
    assert_eq!(ollama.cost(&usage(10, 10, None)), Some(0.0));
}

#[test]
fn dated_base_knows_the_date_forms() {
    assert_eq!(dated_base("a:m-20250929"), Some("a:m"));
    assert_eq!(dated_base("a:m-2024-08-06"), Some("a:m"));
    assert_eq!(dated_base("a:m-latest"), Some("a:m"));
    for not_dated in [
        "a:m-4-6",
        "a:m-001",
        "a:m-0125",
        "a:m-preview-09-2025",
        "a:m",
    ] {
        assert_eq!(dated_base(not_dated), None, "{not_dated}");
    }
}

#[test]
fn cost_bills_cache_reads_and_writes_at_their_rates() {
    let info = ModelInfo {
        price: Some(PricePerMillion {
            input: 3.0,
            output: 15.0,
            cached_input: Some(0.3),
            cache_write: Some(3.75),
        }),
        ..Default::default()
    };
    // 1M input of which 400k cache reads and 100k cache writes, 100k out.
    let mut u = usage(1_000_000, 100_000, Some(400_000));
    u.cache_write_tokens = Some(100_000);
    let c = info.cost(&u).unwrap();
    let want = 0.5 * 3.0 + 0.4 * 0.3 + 0.1 * 3.75 + 0.1 * 15.0;
    assert!((c - want).abs() < 1e-9, "{c} vs {want}");
    // Reasoning tokens are already part of the output count.
    let mut u = usage(0, 1000, None);
    u.reasoning_tokens = Some(800);
    assert!((info.cost(&u).unwrap() - 0.015).abs() < 1e-12);
}

#[test]
fn unknown_stays_unknown() {
    let cat = catalog();
    assert_eq!(cat.cost("openai:nope", &usage(1, 1, None)), None);
    assert_eq!(cat.cost("openai:gpt-4o", &Usage::default()), None);
    // Cache reads or writes on a model without their rate.
    assert_eq!(cat.cost("openai:gpt-4o", &usage(10, 1, Some(4))), None);
    let mut u = usage(10, 1, None);
    u.cache_write_tokens = Some(5);
    assert_eq!(cat.cost("openai:gpt-4o", &u), None);
    assert_eq!(fmt_cost(None), "$?");
    assert_eq!(fmt_cost(Some(0.0012)), "$0.0012");
    assert_eq!(fmt_cost(Some(0.0)), "$0");
}

#[test]
fn overrides_add_and_replace_entries() {
    let pricing: toml::Table = toml::from_str(
        "[\"openai:gpt-4o\"]\ninput = 1\noutput = 2\n\
         [\"openai:my-tuned\"]\ninput = 0.5\noutput = 1.5\ncached_input = 0.25\n\
         cache_write = 0.6\ncontext = 32000\nmax_output = 4096\n",
    )
    .unwrap();
    let cat = catalog().with_pricing(&pricing);
    let four_o = cat.lookup("openai:gpt-4o").unwrap();
    assert_eq!(four_o.price.unwrap().input, 1.0);
    // Unset keys keep the table's values.
    assert_eq!(four_o.context_window, Some(128_000));
    assert_eq!(four_o.from, InfoFrom::Workspace);
    assert!(four_o.capabilities.is_some());
    let tuned = cat.lookup("openai:my-tuned").unwrap();
    assert_eq!(tuned.context_window, Some(32_000));
    assert_eq!(tuned.max_output_tokens, Some(4096));
    assert_eq!(tuned.price.unwrap().cache_write, Some(0.6));
    assert_eq!(tuned.capabilities, None);
    assert_eq!(tuned.cost(&usage(2_000_000, 0, None)), Some(1.0));
}

#[test]
fn a_refreshed_table_is_used_unless_broken_or_older() {
    let dir = tempfile::tempdir().unwrap();
    let builtin = PriceTable::builtin();
    let path = refresh::table_path(dir.path());
    // Nothing refreshed: the built-in table.
    let cat = Catalog::load(dir.path(), &toml::Table::new());
    assert_eq!(cat.source().origin, TableOrigin::BuiltIn);
    assert_eq!(cat.source().note, None);
    // A newer refresh wins.
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, table("999.0.0").to_json()).unwrap();
    let cat = Catalog::load(dir.path(), &toml::Table::new());
    assert_eq!(cat.source().origin, TableOrigin::Refreshed(path.clone()));
    assert_eq!(cat.source().litellm_version, "999.0.0");
    assert_eq!(
        cat.lookup("openai:gpt-4o").unwrap().price.unwrap().input,
        2.5
    );
    // An older one, or a broken one, is passed over with a note.
    std::fs::write(&path, table("0.1.0").to_json()).unwrap();
    let cat = Catalog::load(dir.path(), &toml::Table::new());
    assert_eq!(cat.source().litellm_version, builtin.litellm_version);
    assert!(
        cat.source()
            .note
            .as_ref()
            .unwrap()
            .contains("older than the built-in")
    );
    std::fs::write(&path, "{\"format\":1,").unwrap();
    let cat = Catalog::load(dir.path(), &toml::Table::new());
    assert_eq!(cat.source().origin, TableOrigin::BuiltIn);
    assert!(
        cat.source()
            .note
            .as_ref()
            .unwrap()
            .contains("is not usable")
    );
}

#[test]
fn the_source_says_which_table_and_how_old() {
    let t = table("1.2.3");
    let today = source::parse_date("2026-02-09").unwrap();
    let src = CatalogSource::of(&t, TableOrigin::BuiltIn);
    assert_eq!(
        src.describe(today),
        "LiteLLM 1.2.3 table built into pwb, fetched 2026-01-10 (30 days ago)"
    );
    assert!(!src.is_stale(today));
    let later = source::parse_date("2026-06-01").unwrap();
    assert!(src.is_stale(later));
    let src = CatalogSource::of(&t, TableOrigin::Refreshed("/d/catalog/litellm.json".into()));
    let same_day = source::parse_date("2026-01-10").unwrap();
    assert_eq!(
        src.describe(same_day),
        "LiteLLM 1.2.3 table refreshed by `pwb setup --prices` (/d/catalog/litellm.json), fetched 2026-01-10 (today)"
    );
    assert_eq!(source::fmt_date(same_day), "2026-01-10");
}

#[test]
fn table_json_round_trips_one_line_per_model() {
    let t = table("1.0.0");
    let json = t.to_json();
    assert_eq!(json.lines().count(), t.models.len() + 2, "{json}");
    assert!(
        json.contains("\n\"openai:gpt-4o\":{\"context\":128000,\"input\":2.5,\"output\":10.0},\n")
    );
    assert_eq!(PriceTable::parse(&json).unwrap(), t);
}

#[test]
fn a_free_model_costs_nothing_even_before_its_token_counts_are_in() {
    let cat = Catalog::builtin();
    let local = cat.lookup("local:smollm2-135m").expect("local");
    assert_eq!(local.cost(&Usage::default()), Some(0.0));
    let priced = ModelInfo {
        price: Some(PricePerMillion {
            input: 1.0,
            output: 2.0,
            ..Default::default()
        }),
        ..local.clone()
    };
    assert_eq!(
        priced.cost(&Usage::default()),
        None,
        "a priced call waits for its counts"
    );
}

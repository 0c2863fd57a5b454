use super::*;

fn answered(text: &str, tokens: u64, ms: u64) -> Sample<'_> {
    Sample {
        text,
        output_tokens: Some(tokens),
        total_time: Some(Duration::from_millis(ms)),
        answered: true,
    }
}

#[test]
fn identical_counts_the_largest_group_after_trimming() {
    let s = [
        answered("the cat sat", 3, 100),
        answered("the cat sat", 3, 100),
        answered(" the cat sat\n", 3, 100),
        answered("the cat ran", 3, 100),
        answered("a dog ran fast", 4, 100),
    ];
    let a = Agreement::of(&s);
    assert_eq!((a.samples, a.answered), (5, 5));
    assert_eq!(a.identical, 3);
    assert_eq!(a.distinct, 3);
    assert_eq!(a.identical_label(), "3/5 identical");
    // Pairs: 3 of equal answers (1 each), 3 of "the cat sat" / "the cat
    // ran" (2·2/6 each), 3 of "the cat sat" / "a dog ran fast" (0), and
    // "the cat ran" / "a dog ran fast" (2·1/7): (3 + 2 + 2/7) / 10 = 37/70.
    let sim = a.similarity.expect("five answers have pairs");
    assert!((sim - 37.0 / 70.0).abs() < 1e-12, "{sim}");
    assert_eq!(a.similarity_label().unwrap(), "sim 53% (words)");
}

#[test]
fn word_similarity_is_matched_words_over_all_words() {
    assert_eq!(word_similarity("the cat sat", "the cat ran"), 2.0 / 3.0);
    assert_eq!(word_similarity("the  cat\nsat", "the cat sat"), 1.0);
    assert_eq!(word_similarity("", "  "), 1.0);
    assert_eq!(word_similarity("", "word"), 0.0);
    // Order matters: a diff matches words in sequence (one of the two).
    assert_eq!(word_similarity("a b", "b a"), 0.5);
}

#[test]
fn spread_is_min_max_mean_and_sample_sd() {
    let s = Spread::of(&[10.0, 12.0, 14.0]).unwrap();
    assert_eq!(
        (s.n, s.min, s.max, s.mean, s.sd),
        (3, 10.0, 14.0, 12.0, 2.0)
    );
    let one = Spread::of(&[5.0]).unwrap();
    assert_eq!((one.mean, one.sd), (5.0, 0.0));
    assert_eq!(Spread::of(&[]), None);
}

#[test]
fn the_line_reads_every_figure() {
    let s = [
        answered("a b", 10, 1000),
        answered("a b", 12, 1500),
        answered("a c", 14, 2000),
    ];
    let a = Agreement::of(&s);
    let sim = a.similarity.unwrap();
    assert!((sim - 2.0 / 3.0).abs() < 1e-12, "{sim}");
    assert_eq!(
        a.line(),
        "2/3 identical · sim 67% (words) · out 10–14 tok (12.0±2.0) · time 1.00s–2.00s (1.50s±500ms)"
    );
}

#[test]
fn failed_samples_are_counted_but_left_out_of_the_figures() {
    let failed = Sample {
        text: "partial",
        output_tokens: None,
        total_time: Some(Duration::from_secs(30)),
        answered: false,
    };
    let a = Agreement::of(&[answered("x", 1, 200), answered("x", 1, 400), failed]);
    assert_eq!((a.samples, a.answered, a.identical), (3, 2, 2));
    assert_eq!(a.similarity, Some(1.0));
    assert_eq!(a.latency.unwrap().max, 0.4);
    assert_eq!(a.tokens_label().unwrap(), "out 1 tok each");
    assert!(
        a.line()
            .starts_with("2/2 identical (1 failed) · sim 100% (words)")
    );
    let none = Agreement::of(&[failed]);
    assert_eq!(none.line(), "none answered (1 failed)");
    assert_eq!(none.similarity, None);
    let single = Agreement::of(&[answered("x", 1, 200)]);
    assert_eq!(single.similarity, None, "one answer has no pair");
}

#[test]
fn percentages_never_round_up_to_a_full_match() {
    assert_eq!(percent(0.996), 99);
    assert_eq!(percent(1.0), 100);
    assert_eq!(percent(0.536), 54);
    assert_eq!(percent(0.0), 0);
}

#[test]
fn groups_are_runs_of_one_model_and_temperature() {
    let slot = |model, temperature, sample| CellSlot {
        model,
        temperature,
        sample,
        samples: 2,
    };
    let slots = [
        slot(0, None, 0),
        slot(0, None, 1),
        slot(1, Some(0.0), 0),
        slot(1, Some(0.7), 0),
        slot(1, Some(0.7), 1),
        slot(2, Some(0.7), 0),
    ];
    assert_eq!(groups(&slots), vec![0..2, 2..3, 3..5, 5..6]);
    assert!(groups(&[]).is_empty());
    // Plain columns (every slot the default) are groups of one each.
    assert_eq!(groups(&[CellSlot::default(); 3]), vec![0..1, 1..2, 2..3]);
}

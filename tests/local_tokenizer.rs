//! The tokenizer built from the SmolLM2 GGUF's metadata: decode(encode(s))
//! gives s back for hundreds of strings, and fixed strings have exact
//! token counts. Needs `pwb setup`; skips without it, fails in CI.

use pwb::provider::local::{model, weights};

fn tokenizer_or_skip() -> Option<pwb::provider::local::tokenizer::GgufTokenizer> {
    let path = weights::smollm2_path();
    if !path.is_file() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI is set but the local model's weights are missing at {}: \
                 scripts/setup-tests.sh runs `pwb setup` to fetch them",
                path.display()
            );
        }
        eprintln!(
            "SKIPPED tokenizer tests: weights not found at {} (run `cargo run -- setup`)",
            path.display()
        );
        return None;
    }
    Some(model::load_tokenizer(&path).expect("tokenizer from GGUF metadata"))
}

fn corpus() -> Vec<String> {
    let seeds = [
        "Hello, world!",
        "The quick brown fox jumps over the lazy dog.",
        "  leading spaces",
        "trailing spaces   ",
        "tabs\tand\nnewlines\r\n\n\n",
        "     ",
        "12345 67.89 -0.001 1e10",
        "café naïve résumé Ωμέγα",
        "日本語のテキスト、中文字符",
        "emoji 🙂🚀👩‍👩‍👧 flags 🇫🇷",
        "Привет, мир",
        "مرحبا بالعالم",
        "code: fn main() { println!(\"hi\"); }",
        "{\"json\": [1, 2, 3], \"k\": null}",
        "mixed\u{00a0}nbsp and zero\u{200b}width",
        "a",
        "",
        "<not special> <|im_start without end",
        "URL https://example.com/path?q=1&r=2#frag",
        "ALLCAPS and camelCase and snake_case",
    ];
    let mut out: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    for (i, a) in seeds.iter().enumerate() {
        for b in seeds.iter().skip(i + 1).step_by(2) {
            out.push(format!("{a}{b}"));
            out.push(format!("{b} {a}"));
        }
    }
    for n in [1, 2, 3, 7, 16] {
        out.push(" ".repeat(n));
        out.push("\n".repeat(n));
        out.push(format!("x{}y", " ".repeat(n)));
        out.push("🙂".repeat(n));
        out.push("9".repeat(n));
    }
    out
}

#[test]
fn decode_of_encode_gives_the_text_back() {
    let Some(tok) = tokenizer_or_skip() else {
        return;
    };
    let corpus = corpus();
    assert!(corpus.len() > 200, "{} strings", corpus.len());
    for s in &corpus {
        let ids = tok.encode(s).unwrap();
        assert_eq!(&tok.decode(&ids).unwrap(), s, "ids {ids:?}");
    }
}

#[test]
fn fixed_strings_have_exact_token_counts() {
    let Some(tok) = tokenizer_or_skip() else {
        return;
    };
    let count = |s: &str| tok.encode(s).unwrap().len();
    // Digits are split one by one (the `smollm` pre-tokeniser).
    assert_eq!(count("12345"), 5);
    assert_eq!(count("Hello world"), 2);
    // Control tokens are single tokens.
    assert_eq!(count("<|im_start|>"), 1);
    assert_eq!(tok.encode("<|im_end|>").unwrap(), vec![2]);
    assert_eq!(
        tok.encode("<|im_start|>user\nhi<|im_end|>").unwrap().len(),
        count("<|im_start|>") + count("user\nhi") + 1
    );
    assert!(tok.stop_ids.contains(&2));
    assert_eq!(count("The quick brown fox jumps over the lazy dog."), 10);
}

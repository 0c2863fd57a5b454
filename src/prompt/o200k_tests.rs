//! The compact o200k table against tiktoken-rs (a dev-dependency): the
//! embedded bytes are its tokens in rank order, and counts agree on text
//! of every kind the split pattern treats apart.

use super::*;

const RANKS: u32 = 199_998;

/// tiktoken-rs's o200k_base tokens in rank order, in `TOKENS`'s format.
fn from_tiktoken(bpe: &tiktoken_rs::CoreBPE) -> Vec<u8> {
    let mut out = Vec::new();
    for (rank, bytes) in bpe
        ._decode_native_and_split((0..RANKS).collect())
        .enumerate()
    {
        let len = u8::try_from(bytes.len()).expect("tokens are under 256 bytes");
        assert!(!bytes.is_empty(), "token {rank} is empty");
        out.push(len);
        out.extend_from_slice(&bytes);
    }
    out
}

#[test]
fn the_table_is_tiktokens() {
    let bpe = tiktoken_rs::o200k_base().unwrap();
    let want = from_tiktoken(&bpe);
    assert!(TOKENS == want.as_slice(), "build.rs wrote another table");
    let me = O200k::load().unwrap();
    assert_eq!(me.starts.len() - 1, RANKS as usize);
    for rank in [0, 1, 255, 256, 1000, 150_000, RANKS - 1] {
        assert_eq!(me.rank(me.token(rank)), Some(rank));
    }
}

#[test]
fn counts_agree_with_tiktoken() {
    let bpe = tiktoken_rs::o200k_base().unwrap();
    let me = O200k::load().unwrap();
    let sample = |p: &str| {
        std::fs::read_to_string(format!(
            "{}/sample-workspace/{p}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let texts = [
        String::new(),
        "hello".into(),
        "The quick brown fox jumps over the lazy dog.".into(),
        "  leading and trailing spaces   \n\n\ttabs\r\nCRLF  \n".into(),
        "I'm sure they'll say we've WON'T it's DON'T".into(),
        "¿Podrían añadir facturas en catalán? Sería genial. Größe, ÆØÅ".into(),
        "日本語のテキストと中文文本 및 한국어 텍스트 🎉🚀 emoji".into(),
        "numbers 1234567 3.14159 0x1F and $29 (INV-4821)".into(),
        "{\"category\": \"billing\", \"needs_human\": true}\n```json\n```".into(),
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".into(),
        "supercalifragilisticexpialidociousantidisestablishmentarianism".into(),
        "path/to/file.rs:12:3 http://example.com/a?b=c&d=e#f".into(),
        sample("prompts/triage.prompt"),
        sample("tests/data/rambling-ticket.txt"),
        sample("README.md"),
    ];
    for t in &texts {
        assert_eq!(me.encode(t), bpe.encode_ordinary(t), "{t:?}");
        assert_eq!(me.count(t), bpe.encode_ordinary(t).len());
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Any text: letters, digits, marks, spaces, newlines, punctuation.
    #[test]
    fn any_text_counts_as_tiktoken(t in r"(\PC|[ \t\r\n]|'s|'LL){0,80}") {
        static BOTH: std::sync::OnceLock<(tiktoken_rs::CoreBPE, O200k)> =
            std::sync::OnceLock::new();
        let (bpe, me) =
            BOTH.get_or_init(|| (tiktoken_rs::o200k_base().unwrap(), O200k::load().unwrap()));
        proptest::prop_assert_eq!(me.encode(&t), bpe.encode_ordinary(&t));
    }
}

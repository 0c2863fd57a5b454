//! Token estimates for prompts: tiktoken's `o200k_base` encoding (GPT-4o's),
//! loaded once. Other models tokenize differently, so this is an estimate.

use std::sync::OnceLock;
use tiktoken_rs::CoreBPE;

fn encoder() -> Option<&'static CoreBPE> {
    static BPE: OnceLock<Option<CoreBPE>> = OnceLock::new();
    BPE.get_or_init(|| tiktoken_rs::o200k_base().ok()).as_ref()
}

/// The estimate if the encoder is already loaded, without waiting for it
/// (loading takes ~150 ms; UIs call `warm_up` and show a placeholder).
pub fn estimate_tokens_if_ready(text: &str) -> Option<usize> {
    static_encoder_ready().then(|| estimate_tokens(text))
}

fn static_encoder_ready() -> bool {
    READY.load(std::sync::atomic::Ordering::Acquire)
}

static READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Loads the encoder (blocking); call from a background thread.
pub fn warm_up() {
    let _ = encoder();
    READY.store(true, std::sync::atomic::Ordering::Release);
}

/// Estimated token count of `text` (o200k_base; about one token per four
/// characters if the encoder cannot be loaded).
pub fn estimate_tokens(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    match encoder() {
        Some(bpe) => bpe.encode_ordinary(text).len(),
        None => text.chars().count().div_ceil(4),
    }
}

/// The start of `text` that holds its first `keep` o200k_base tokens (cut
/// back to a character boundary); about four characters a token if the
/// encoder cannot be loaded.
pub fn token_prefix(text: &str, keep: usize) -> &str {
    let bytes = match encoder() {
        Some(bpe) => {
            let ids = bpe.encode_ordinary(text);
            let head = ids[..keep.min(ids.len())].to_vec();
            bpe._decode_native_and_split(head).map(|b| b.len()).sum()
        }
        None => text
            .char_indices()
            .nth(keep * 4)
            .map_or(text.len(), |(i, _)| i),
    };
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tokens() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("hello"), 1);
        let n = estimate_tokens("The quick brown fox jumps over the lazy dog.");
        assert!((8..=12).contains(&n), "{n}");
    }

    #[test]
    fn a_token_prefix_keeps_whole_characters() {
        let text = "The quick brown fox jumps over the lazy dog. 日本語のテキスト";
        assert_eq!(token_prefix(text, 2), "The quick");
        assert_eq!(token_prefix(text, 0), "");
        assert_eq!(token_prefix(text, 1000), text);
        for k in 0..estimate_tokens(text) {
            let head = token_prefix(text, k);
            assert!(text.starts_with(head) && estimate_tokens(head) <= k, "{k}");
        }
    }
}

//! Token estimates for prompts: tiktoken's `o200k_base` encoding (GPT-4o's),
//! in pwb's compact form ([`super::o200k`]), loaded once. Other models
//! tokenize differently, so this is an estimate.

use super::o200k::O200k;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

fn encoder() -> Option<&'static O200k> {
    static BPE: OnceLock<Option<O200k>> = OnceLock::new();
    BPE.get_or_init(|| O200k::load().ok()).as_ref()
}

static READY: AtomicBool = AtomicBool::new(false);

/// The estimate if the encoder is already loaded, without waiting for it
/// (UIs call `warm_up` on a background thread and show a placeholder).
pub fn estimate_tokens_if_ready(text: &str) -> Option<usize> {
    READY.load(Ordering::Acquire).then(|| estimate_tokens(text))
}

/// A count that never waits for the encoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenEstimate {
    pub tokens: usize,
    /// `false`: the encoder was not loaded yet and `tokens` is the quick
    /// guess (one token per four characters); show it as approximate.
    pub exact: bool,
}

/// The o200k count once the encoder is loaded (`warm_up`), else the quick
/// guess, marked: for a frame that must not wait.
pub fn estimate_tokens_now(text: &str) -> TokenEstimate {
    match estimate_tokens_if_ready(text) {
        Some(tokens) => TokenEstimate {
            tokens,
            exact: true,
        },
        None => TokenEstimate {
            tokens: quick_guess(text),
            exact: false,
        },
    }
}

fn quick_guess(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// Loads the encoder (blocking); call from a background thread.
pub fn warm_up() {
    let _ = encoder();
    READY.store(true, Ordering::Release);
}

/// Estimated token count of `text` (o200k_base; about one token per four
/// characters if the encoder cannot be loaded).
pub fn estimate_tokens(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    match encoder() {
        Some(bpe) => bpe.count(text),
        None => quick_guess(text),
    }
}

/// The start of `text` that holds its first `keep` o200k_base tokens (cut
/// back to a character boundary); about four characters a token if the
/// encoder cannot be loaded.
pub fn token_prefix(text: &str, keep: usize) -> &str {
    let bytes = match encoder() {
        Some(bpe) => {
            let ids = bpe.encode(text);
            bpe.decoded_len(&ids[..keep.min(ids.len())])
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

    #[test]
    fn a_count_now_is_exact_once_warm() {
        assert_eq!(quick_guess("héllo wörld"), 3);
        warm_up();
        let now = estimate_tokens_now("hello world");
        assert_eq!(
            now,
            TokenEstimate {
                tokens: 2,
                exact: true
            }
        );
    }
}

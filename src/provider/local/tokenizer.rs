//! Builds a `tokenizers::Tokenizer` from a GGUF's own metadata (tokens,
//! merges, token types), so no separate tokenizer download is needed.
//! Supports the GPT-2 style byte-level BPE that SmolLM2 uses.

use candle_core::quantized::gguf_file::Value;
use std::collections::HashMap;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{BPE, Vocab};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::{AddedToken, PreTokenizerWrapper, Tokenizer};

/// GGUF token type of control tokens (`<|im_start|>`, `<|im_end|>`, ...).
const TOKEN_TYPE_CONTROL: i32 = 3;

/// The tokenizer plus the ids generation needs.
pub struct GgufTokenizer {
    pub inner: Tokenizer,
    /// Ids that end an answer (`<|im_end|>`, the GGUF's eos, `<|endoftext|>`).
    pub stop_ids: Vec<u32>,
}

impl GgufTokenizer {
    /// Token ids of `text`; special tokens written in it are recognised.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, String> {
        self.inner
            .encode(text, false)
            .map(|e| e.get_ids().to_vec())
            .map_err(|e| e.to_string())
    }

    /// Text of `ids`, special tokens left out.
    pub fn decode(&self, ids: &[u32]) -> Result<String, String> {
        self.inner.decode(ids, true).map_err(|e| e.to_string())
    }
}

fn strings(md: &HashMap<String, Value>, key: &str) -> Result<Vec<String>, String> {
    let v = md
        .get(key)
        .ok_or_else(|| format!("metadata has no {key}"))?;
    let items = v.to_vec().map_err(|_| format!("{key} is not an array"))?;
    items
        .iter()
        .map(|s| {
            s.to_string()
                .cloned()
                .map_err(|_| format!("{key} holds a non-string"))
        })
        .collect()
}

fn token_types(md: &HashMap<String, Value>, n: usize) -> Vec<i32> {
    let Some(Ok(items)) = md.get("tokenizer.ggml.token_type").map(Value::to_vec) else {
        return vec![1; n];
    };
    items.iter().map(|v| v.to_i32().unwrap_or(1)).collect()
}

fn u32_of(md: &HashMap<String, Value>, key: &str) -> Option<u32> {
    md.get(key).and_then(|v| v.to_u32().ok())
}

/// Reads the tokenizer out of GGUF metadata.
pub fn from_metadata(md: &HashMap<String, Value>) -> Result<GgufTokenizer, String> {
    let model = md
        .get("tokenizer.ggml.model")
        .and_then(|v| v.to_string().ok())
        .map(String::as_str)
        .unwrap_or("");
    if model != "gpt2" {
        return Err(format!(
            "tokenizer model '{model}' is not supported (only byte-level BPE, 'gpt2')"
        ));
    }
    let tokens = strings(md, "tokenizer.ggml.tokens")?;
    let merges: Vec<(String, String)> = strings(md, "tokenizer.ggml.merges")?
        .into_iter()
        .map(|m| match m.split_once(' ') {
            Some((a, b)) => Ok((a.to_string(), b.to_string())),
            None => Err(format!("merge '{m}' has no space")),
        })
        .collect::<Result<_, _>>()?;
    let vocab: Vocab = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| (t.clone(), i as u32))
        .collect();
    let bpe = BPE::builder()
        .vocab_and_merges(vocab, merges)
        .build()
        .map_err(|e| format!("cannot build BPE: {e}"))?;
    let mut tokenizer = Tokenizer::new(bpe);
    // `smollm` (and most GPT-2 style pre-tokenisers llama.cpp knows) split
    // digits one by one before the byte-level split; no prefix space.
    let pre = md
        .get("tokenizer.ggml.pre")
        .and_then(|v| v.to_string().ok())
        .map(String::as_str)
        .unwrap_or("default");
    let byte_level = PreTokenizerWrapper::ByteLevel(ByteLevel::new(false, true, true));
    let pre_tokenizer = if pre == "smollm" {
        PreTokenizerWrapper::Sequence(Sequence::new(vec![
            PreTokenizerWrapper::Digits(Digits::new(true)),
            byte_level,
        ]))
    } else {
        byte_level
    };
    tokenizer.with_pre_tokenizer(Some(pre_tokenizer));
    tokenizer.with_decoder(Some(ByteLevelDecoder::default()));
    let types = token_types(md, tokens.len());
    let special: Vec<AddedToken> = tokens
        .iter()
        .zip(types.iter())
        .filter(|(_, t)| **t == TOKEN_TYPE_CONTROL)
        .map(|(tok, _)| AddedToken::from(tok.clone(), true))
        .collect();
    tokenizer
        .add_special_tokens(special)
        .map_err(|e| format!("cannot add special tokens: {e}"))?;
    let mut stop_ids = Vec::new();
    for name in ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "</s>"] {
        if let Some(id) = tokenizer.token_to_id(name) {
            stop_ids.push(id);
        }
    }
    if let Some(eos) = u32_of(md, "tokenizer.ggml.eos_token_id")
        && !stop_ids.contains(&eos)
    {
        stop_ids.push(eos);
    }
    Ok(GgufTokenizer {
        inner: tokenizer,
        stop_ids,
    })
}

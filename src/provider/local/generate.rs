//! One answer from a loaded model: template, tokenise, process the prompt,
//! then sample token by token with a KV cache, honouring temperature,
//! top-p, top-k, seed, max tokens and stop sequences. Blocking: callers run
//! it on a worker thread. It checks for cancellation before every token.

use super::error::LocalError;
use super::model::LoadedModel;
use super::stop::StopFilter;
use crate::provider::{FinishReason, GenParams};
use crate::types::Message;
use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Maximum new tokens when neither the prompt nor the model entry says.
pub const DEFAULT_MAX_TOKENS: u32 = 512;
/// Temperature when none is set: SmolLM2's model card suggests 0.2.
pub const DEFAULT_TEMPERATURE: f64 = 0.2;
/// Prompt tokens fed to the model per forward pass.
const PROMPT_CHUNK: usize = 256;

/// How an answer ended, with exact counts and timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub text: String,
    pub prompt_tokens: usize,
    /// Tokens sampled, the end-of-turn token not counted.
    pub completion_tokens: usize,
    pub finish: FinishReason,
    /// Time to tokenise and process the prompt (up to the first sample).
    pub prompt_time: Duration,
    /// Time spent producing the completion tokens after the first.
    pub generation_time: Duration,
}

/// What the caller hears while an answer is produced. Returning `false`
/// from the callback means nobody listens any more: generation stops.
pub enum Progress<'a> {
    /// The prompt's exact token count, before any text.
    PromptTokens(usize),
    Text(&'a str),
}

fn sampling(params: &GenParams) -> Sampling {
    let temperature = params.temperature.unwrap_or(DEFAULT_TEMPERATURE);
    if temperature <= 0.0 {
        return Sampling::ArgMax;
    }
    let k = params.top_k.filter(|k| *k > 0).map(|k| k as usize);
    let p = params.top_p.filter(|p| *p > 0.0 && *p < 1.0);
    match (k, p) {
        (Some(k), Some(p)) => Sampling::TopKThenTopP { k, p, temperature },
        (Some(k), None) => Sampling::TopK { k, temperature },
        (None, Some(p)) => Sampling::TopP { p, temperature },
        (None, None) => Sampling::All { temperature },
    }
}

fn seed(params: &GenParams) -> u64 {
    params.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(299_792_458)
    })
}

fn gen_err(e: impl std::fmt::Display) -> LocalError {
    LocalError::Generate(e.to_string())
}

/// The next token from `logits`.
fn sample(sampler: &mut LogitsProcessor, logits: Vec<f32>) -> Result<u32, LocalError> {
    let len = logits.len();
    let t = Tensor::from_vec(logits, len, &Device::Cpu).map_err(gen_err)?;
    sampler.sample(&t).map_err(gen_err)
}

/// Exact token ids of the prompt the model sees for `messages`.
pub fn prompt_ids(model: &LoadedModel, messages: &[Message]) -> Result<Vec<u32>, LocalError> {
    let prompt = model.template.render(messages);
    model
        .tokenizer
        .encode(&prompt)
        .map_err(|reason| LocalError::Tokenizer {
            path: model.path.clone(),
            reason,
        })
}

/// Produces one answer. Returns `Generate("cancelled")` when `cancel` is
/// set or the listener is gone.
pub fn generate(
    model: &LoadedModel,
    messages: &[Message],
    params: &GenParams,
    cancel: &AtomicBool,
    on: &mut dyn FnMut(Progress<'_>) -> bool,
) -> Result<Outcome, LocalError> {
    let started = Instant::now();
    let ids = prompt_ids(model, messages)?;
    if ids.is_empty() || ids.len() >= model.context_length {
        return Err(LocalError::PromptTooLong {
            prompt: ids.len(),
            context: model.context_length,
        });
    }
    let room = (model.context_length - ids.len()) as u32;
    let max_new = params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS).min(room);
    let cancelled = || LocalError::Generate("cancelled".into());
    if !on(Progress::PromptTokens(ids.len())) {
        return Err(cancelled());
    }
    let mut run = model.weights.start();
    let mut logits = None;
    for chunk in ids.chunks(PROMPT_CHUNK) {
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        logits = Some(run.feed(chunk).map_err(gen_err)?);
    }
    let mut logits = logits.ok_or_else(|| gen_err("empty prompt"))?;
    let prompt_time = started.elapsed();
    let gen_started = Instant::now();
    let mut sampler = LogitsProcessor::from_sampling(seed(params), sampling(params));
    let mut stop = StopFilter::new(&params.stop);
    let mut decoder = model.tokenizer.inner.decode_stream(true);
    let mut text = String::new();
    let mut count = 0usize;
    let finish = loop {
        let next = sample(&mut sampler, logits)?;
        if model.tokenizer.stop_ids.contains(&next) {
            break FinishReason::Stop;
        }
        count += 1;
        let piece = decoder.step(next).map_err(gen_err)?.unwrap_or_default();
        let filtered = stop.push(&piece);
        if !filtered.text.is_empty() {
            text.push_str(&filtered.text);
            if !on(Progress::Text(&filtered.text)) {
                return Err(cancelled());
            }
        }
        if filtered.stopped {
            break FinishReason::Stop;
        }
        if count as u32 >= max_new {
            break FinishReason::Length;
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        logits = run.feed(&[next]).map_err(gen_err)?;
    };
    // Held-back text that never became a stop sequence is part of the answer.
    let rest = stop.finish();
    if !rest.is_empty() {
        text.push_str(&rest);
        on(Progress::Text(&rest));
    }
    Ok(Outcome {
        text,
        prompt_tokens: ids.len(),
        completion_tokens: count,
        finish,
        prompt_time,
        generation_time: gen_started.elapsed(),
    })
}

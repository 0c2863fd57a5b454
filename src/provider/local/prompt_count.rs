//! A local model's input tokens counted exactly without its weights: the
//! GGUF header's tokenizer and chat template (what `generate::prompt_ids`
//! uses), loaded once per file and kept for the process. Loading takes a
//! few hundred ms, so UIs load in the background (`load`) and count with
//! an estimate until `loaded` has it.

use super::LocalError;
use super::model::load_prompt_format;
use super::template::ChatTemplate;
use super::tokenizer::GgufTokenizer;
use crate::types::Message;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The tokenizer and template of one GGUF.
pub struct PromptCounter {
    pub path: PathBuf,
    tokenizer: GgufTokenizer,
    template: ChatTemplate,
}

impl std::fmt::Debug for PromptCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PromptCounter({})", self.path.display())
    }
}

impl PartialEq for PromptCounter {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path
    }
}

impl Eq for PromptCounter {}

impl PromptCounter {
    /// Tokens of `text` alone.
    pub fn text(&self, text: &str) -> usize {
        self.tokenizer.encode(text).map_or(0, |ids| ids.len())
    }

    /// Tokens of the prompt the model sees for `messages`: the chat
    /// template's turns, the opened assistant turn included.
    pub fn messages(&self, messages: &[Message]) -> usize {
        self.text(&self.template.render(messages))
    }
}

static COUNTERS: OnceLock<Mutex<HashMap<PathBuf, &'static PromptCounter>>> = OnceLock::new();
static LOADS: AtomicU64 = AtomicU64::new(0);

fn counters() -> std::sync::MutexGuard<'static, HashMap<PathBuf, &'static PromptCounter>> {
    COUNTERS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
}

/// The counter of `path` if it has been loaded.
pub fn loaded(path: &Path) -> Option<&'static PromptCounter> {
    counters().get(path).copied()
}

/// Loads the counter of `path` (blocking; kept for the process: one per
/// model file).
pub fn load(path: &Path) -> Result<&'static PromptCounter, LocalError> {
    if let Some(c) = loaded(path) {
        return Ok(c);
    }
    let (tokenizer, template) = load_prompt_format(path)?;
    let counter: &'static PromptCounter = Box::leak(Box::new(PromptCounter {
        path: path.to_path_buf(),
        tokenizer,
        template,
    }));
    let kept = *counters().entry(path.to_path_buf()).or_insert(counter);
    LOADS.fetch_add(1, Ordering::Release);
    Ok(kept)
}

/// Bumped each time a counter is loaded (UIs recount then).
pub fn generation() -> u64 {
    LOADS.load(Ordering::Acquire)
}

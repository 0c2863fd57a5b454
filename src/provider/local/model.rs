//! Loads a llama-architecture GGUF once per process: weights (on our own
//! decoder when it takes them, else on the candle port), tokenizer and
//! chat template. Loaded models are cached by path and shared by every run.

use super::engine::{self, Engine};
use super::error::LocalError;
use super::llama::Llama;
use super::template::ChatTemplate;
use super::tokenizer::{self, GgufTokenizer};
use candle_core::quantized::gguf_file::Content;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A model ready to answer. `weights` holds no KV cache: each run starts
/// its own (`Engine::start`).
pub struct LoadedModel {
    pub path: PathBuf,
    pub weights: Engine,
    pub tokenizer: GgufTokenizer,
    pub template: ChatTemplate,
    /// Positions the model handles (its context, capped at `MAX_POSITIONS`).
    pub context_length: usize,
    pub load_time: Duration,
}

/// RoPE tables are built for at most this many positions.
const MAX_POSITIONS: usize = 8192;

static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<LoadedModel>>>> = OnceLock::new();

/// The model at `path`, loaded on first use and shared afterwards.
/// Concurrent first uses wait for one load.
pub fn shared(path: &Path) -> Result<Arc<LoadedModel>, LocalError> {
    let cache = CACHE.get_or_init(Default::default);
    let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(m) = guard.get(path) {
        return Ok(m.clone());
    }
    let model = Arc::new(load(path)?);
    guard.insert(path.to_path_buf(), model.clone());
    Ok(model)
}

/// Whether `path` is already loaded (a run then starts without a pause).
pub fn is_loaded(path: &Path) -> bool {
    CACHE
        .get()
        .and_then(|c| c.lock().ok().map(|g| g.contains_key(path)))
        .unwrap_or(false)
}

/// Reads only the GGUF header: tokenizer and chat template, no weights.
pub fn load_tokenizer(path: &Path) -> Result<GgufTokenizer, LocalError> {
    let (_, content) = open(path)?;
    tokenizer::from_metadata(&content.metadata).map_err(|reason| LocalError::Tokenizer {
        path: path.to_path_buf(),
        reason,
    })
}

/// Reads only the GGUF header: the tokenizer and the chat template, what
/// turns messages into the exact prompt ids (`prompt_count`).
pub fn load_prompt_format(path: &Path) -> Result<(GgufTokenizer, ChatTemplate), LocalError> {
    let (_, content) = open(path)?;
    let tokenizer =
        tokenizer::from_metadata(&content.metadata).map_err(|reason| LocalError::Tokenizer {
            path: path.to_path_buf(),
            reason,
        })?;
    let source = content
        .metadata
        .get("tokenizer.chat_template")
        .and_then(|v| v.to_string().ok())
        .map(String::as_str);
    let template = ChatTemplate::from_jinja(source).map_err(|r| bad(path, r))?;
    Ok((tokenizer, template))
}

fn bad(path: &Path, reason: impl std::fmt::Display) -> LocalError {
    LocalError::BadModel {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// A buffered file that knows its position: candle's GGUF reader asks for
/// it before every string (about 100,000 times for SmolLM2's vocabulary),
/// and `BufReader` answers each time with an `lseek` system call.
struct Positioned {
    inner: BufReader<File>,
    pos: u64,
}

impl Read for Positioned {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for Positioned {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        if to == SeekFrom::Current(0) {
            return Ok(self.pos);
        }
        self.pos = self.inner.seek(to)?;
        Ok(self.pos)
    }
}

fn open(path: &Path) -> Result<(Positioned, Content), LocalError> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LocalError::WeightsMissing {
            path: path.to_path_buf(),
        },
        _ => LocalError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    let mut reader = Positioned {
        inner: BufReader::with_capacity(1 << 16, file),
        pos: 0,
    };
    let content = Content::read(&mut reader).map_err(|e| bad(path, e))?;
    Ok((reader, content))
}

/// Loads weights, tokenizer and template from `path`.
pub fn load(path: &Path) -> Result<LoadedModel, LocalError> {
    // PWB_LOCAL_ENGINE=candle runs the candle port (to compare the two).
    let candle = std::env::var_os("PWB_LOCAL_ENGINE").is_some_and(|v| v == "candle");
    load_on(path, !candle)
}

/// Loads `path` on our decoder when `fast` and it takes the file, else on
/// the candle port.
pub fn load_on(path: &Path, fast: bool) -> Result<LoadedModel, LocalError> {
    let started = Instant::now();
    let (mut reader, content) = open(path)?;
    let arch = content
        .metadata
        .get("general.architecture")
        .and_then(|v| v.to_string().ok())
        .cloned()
        .unwrap_or_default();
    if arch != "llama" {
        return Err(bad(
            path,
            format!("architecture '{arch}' is not llama (only llama-architecture GGUFs load)"),
        ));
    }
    let tokenizer =
        tokenizer::from_metadata(&content.metadata).map_err(|reason| LocalError::Tokenizer {
            path: path.to_path_buf(),
            reason,
        })?;
    let template_src = content
        .metadata
        .get("tokenizer.chat_template")
        .and_then(|v| v.to_string().ok())
        .map(String::as_str);
    let template = ChatTemplate::from_jinja(template_src).map_err(|r| bad(path, r))?;
    let context_length = content
        .metadata
        .get("llama.context_length")
        .and_then(|v| v.to_u32().ok())
        .unwrap_or(2048) as usize;
    let positions = context_length.min(MAX_POSITIONS);
    let weights = if fast && engine::fast_supports(&content) {
        Engine::Fast(engine::load_fast(&content, &mut reader, positions).map_err(|e| bad(path, e))?)
    } else {
        Engine::Candle(
            Llama::from_gguf(&content, &mut reader, positions).map_err(|e| bad(path, e))?,
        )
    };
    Ok(LoadedModel {
        path: path.to_path_buf(),
        weights,
        tokenizer,
        template,
        context_length: positions,
        load_time: started.elapsed(),
    })
}

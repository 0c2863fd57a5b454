//! Loads a llama-architecture GGUF once per process: weights (Q4_1 run by
//! our AVX2 kernel, or requantised to Q8_0 on CPUs without AVX2), tokenizer
//! and chat template. Loaded models are cached by path and shared by every run.

use super::error::LocalError;
use super::llama::Llama;
use super::template::ChatTemplate;
use super::tokenizer::{self, GgufTokenizer};
use candle_core::quantized::ggml_file::qtensor_from_ggml;
use candle_core::quantized::gguf_file::{Content, TensorInfo};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use pwb_q4 as q4_1;
use std::collections::HashMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A model ready to answer. `weights` holds no KV cache: each run clones
/// it (the tensors are shared) and fills its own cache.
pub struct LoadedModel {
    pub path: PathBuf,
    pub weights: Llama,
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
    let (_, content, _) = open(path)?;
    tokenizer::from_metadata(&content.metadata).map_err(|reason| LocalError::Tokenizer {
        path: path.to_path_buf(),
        reason,
    })
}

fn bad(path: &Path, reason: impl std::fmt::Display) -> LocalError {
    LocalError::BadModel {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn open(path: &Path) -> Result<(std::io::BufReader<std::fs::File>, Content, u64), LocalError> {
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => LocalError::WeightsMissing {
            path: path.to_path_buf(),
        },
        _ => LocalError::Io {
            path: path.to_path_buf(),
            source: e,
        },
    })?;
    let size = file
        .metadata()
        .map_err(|e| LocalError::Io {
            path: path.to_path_buf(),
            source: e,
        })?
        .len();
    let mut reader = std::io::BufReader::new(file);
    let content = Content::read(&mut reader).map_err(|e| bad(path, e))?;
    Ok((reader, content, size))
}

/// Loads weights, tokenizer and template from `path`.
pub fn load(path: &Path) -> Result<LoadedModel, LocalError> {
    let started = Instant::now();
    let (mut reader, content, file_size) = open(path)?;
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
    // PWB_LOCAL_Q8=1 forces the Q8_0 route (to compare kernels).
    let force_q8 = std::env::var_os("PWB_LOCAL_Q8").is_some_and(|v| v == "1");
    let weights = if q4_1::fast() && !force_q8 {
        Llama::from_gguf(&content, &mut reader, positions)
    } else {
        let (converted, data) = requantize(path, &mut reader, &content, file_size)?;
        Llama::from_gguf(&converted, &mut Cursor::new(data), positions)
    }
    .map_err(|e| bad(path, e))?;
    Ok(LoadedModel {
        path: path.to_path_buf(),
        weights,
        tokenizer,
        template,
        context_length: positions,
        load_time: started.elapsed(),
    })
}

/// Copies every tensor into one in-memory blob, Q4_1 ones requantised to
/// Q8_0 (candle has only a scalar Q4_1 kernel but AVX2 ones for Q8_0).
/// Returns a `Content` describing the blob.
fn requantize<R: Read + Seek>(
    path: &Path,
    reader: &mut R,
    content: &Content,
    file_size: u64,
) -> Result<(Content, Vec<u8>), LocalError> {
    let mut infos: Vec<(&String, &TensorInfo)> = content.tensor_infos.iter().collect();
    infos.sort_by_key(|(_, i)| i.offset);
    let mut blob = Vec::new();
    let mut out = HashMap::new();
    for (name, info) in infos {
        let elems = info.shape.elem_count();
        let block = info.ggml_dtype.block_size();
        if elems % block != 0 {
            return Err(bad(path, format!("tensor {name} has a partial block")));
        }
        let bytes = elems / block * info.ggml_dtype.type_size();
        let start = content.tensor_data_offset.saturating_add(info.offset);
        if start.saturating_add(bytes as u64) > file_size {
            return Err(bad(
                path,
                format!(
                    "tensor {name} ends at byte {} but the file has {file_size} bytes (truncated?)",
                    start.saturating_add(bytes as u64)
                ),
            ));
        }
        let mut raw = vec![0u8; bytes];
        reader
            .seek(SeekFrom::Start(start))
            .and_then(|_| reader.read_exact(&mut raw))
            .map_err(|e| LocalError::Io {
                path: path.to_path_buf(),
                source: e,
            })?;
        let (dtype, raw) = if info.ggml_dtype == GgmlDType::Q4_1 {
            (
                GgmlDType::Q8_0,
                q4_1_to_q8_0(&raw, info).map_err(|e| bad(path, e))?,
            )
        } else {
            (info.ggml_dtype, raw)
        };
        // Keep every tensor 32-byte aligned, as GGUF does.
        blob.resize(blob.len().div_ceil(32) * 32, 0);
        out.insert(
            name.clone(),
            TensorInfo {
                ggml_dtype: dtype,
                shape: info.shape.clone(),
                offset: blob.len() as u64,
            },
        );
        blob.extend_from_slice(&raw);
    }
    let converted = Content {
        magic: content.magic,
        metadata: content.metadata.clone(),
        tensor_infos: out,
        tensor_data_offset: 0,
    };
    Ok((converted, blob))
}

/// Dequantises one Q4_1 tensor and quantises it to Q8_0 with candle's own
/// (optimised) kernels.
fn q4_1_to_q8_0(raw: &[u8], info: &TensorInfo) -> candle_core::Result<Vec<u8>> {
    let q = qtensor_from_ggml(
        GgmlDType::Q4_1,
        raw,
        info.shape.dims().to_vec(),
        &Device::Cpu,
    )?;
    let f: Tensor = q.dequantize(&Device::Cpu)?;
    let q8 = QTensor::quantize(&f, GgmlDType::Q8_0)?;
    Ok(q8.data()?.into_owned())
}

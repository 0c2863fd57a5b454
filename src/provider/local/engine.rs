//! Which forward pass runs a loaded model. Models whose weights are all
//! Q4_1/Q8_0 matrices and F32 norms (SmolLM2's GGUF among them) run on
//! `pwb_q4::llama`, our own decoder; any other llama GGUF (K-quants, F16…)
//! runs on the candle port in `llama.rs`.

use super::llama::Llama;
use candle_core::quantized::GgmlDType;
use candle_core::quantized::gguf_file::Content;
use candle_core::{Device, Tensor};
use pwb_q4::llama::{Config, Layer, Model};
use pwb_q4::matrix::{Matrix, Quant};
use std::io::{Read, Seek, SeekFrom};

/// The loaded weights, shared by every run (each run has its own cache).
#[derive(Debug)]
pub enum Engine {
    Fast(Model),
    Candle(Llama),
}

/// One run in progress: its KV cache and position.
pub enum Run<'a> {
    Fast(pwb_q4::llama::Session<'a>),
    Candle { model: Llama, pos: usize },
}

impl Engine {
    /// What the bench and logs call it.
    pub fn describe(&self) -> String {
        match self {
            Engine::Fast(m) => format!(
                "pwb decoder ({}, {} threads)",
                if pwb_q4::fast() { "AVX2" } else { "scalar" },
                m.threads()
            ),
            Engine::Candle(_) => "candle quantized llama".to_string(),
        }
    }

    pub fn start(&self) -> Run<'_> {
        match self {
            Engine::Fast(m) => Run::Fast(m.session()),
            Engine::Candle(l) => Run::Candle {
                model: l.clone(),
                pos: 0,
            },
        }
    }
}

impl Run<'_> {
    /// Feeds `ids` at the next positions; the logits after the last one.
    pub fn feed(&mut self, ids: &[u32]) -> Result<Vec<f32>, String> {
        match self {
            Run::Fast(s) => s.forward(ids),
            Run::Candle { model, pos } => {
                let logits = Tensor::new(ids, &Device::Cpu)
                    .and_then(|t| t.unsqueeze(0))
                    .and_then(|input| model.forward(&input, *pos))
                    .and_then(|l| l.squeeze(0))
                    .and_then(|l| l.to_vec1::<f32>())
                    .map_err(|e| e.to_string())?;
                *pos += ids.len();
                Ok(logits)
            }
        }
    }
}

/// A tensor's type, dims (candle order: rows first) and raw bytes.
pub struct RawTensor {
    pub dtype: GgmlDType,
    pub dims: Vec<usize>,
    pub bytes: Vec<u8>,
}

/// Reads tensor `name`'s bytes, checking they lie inside the file.
pub fn raw_tensor<R: Read + Seek>(
    ct: &Content,
    r: &mut R,
    name: &str,
) -> Result<RawTensor, String> {
    let Some(info) = ct.tensor_infos.get(name) else {
        return Err(format!("the file has no tensor {name}"));
    };
    let elems = info.shape.elem_count();
    let block = info.ggml_dtype.block_size();
    if !elems.is_multiple_of(block) {
        return Err(format!("tensor {name} has a partial block"));
    }
    let len = elems / block * info.ggml_dtype.type_size();
    let start = ct.tensor_data_offset.saturating_add(info.offset);
    let end = r.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    if start.saturating_add(len as u64) > end {
        return Err(format!(
            "tensor {name} ends at byte {} but the file has {end} bytes (truncated?)",
            start.saturating_add(len as u64)
        ));
    }
    let mut bytes = vec![0u8; len];
    r.seek(SeekFrom::Start(start))
        .and_then(|_| r.read_exact(&mut bytes))
        .map_err(|e| e.to_string())?;
    Ok(RawTensor {
        dtype: info.ggml_dtype,
        dims: info.shape.dims().to_vec(),
        bytes,
    })
}

fn md_u32(ct: &Content, key: &str) -> Result<usize, String> {
    match ct.metadata.get(key) {
        Some(v) => v.to_u32().map(|v| v as usize).map_err(|e| e.to_string()),
        None => Err(format!("metadata has no {key}")),
    }
}

fn md_f32(ct: &Content, key: &str, default: f32) -> f32 {
    ct.metadata
        .get(key)
        .and_then(|v| v.to_f32().ok())
        .unwrap_or(default)
}

/// Whether every tensor the decoder reads has a type it multiplies.
pub fn fast_supports(ct: &Content) -> bool {
    let rope_ok = match (
        md_u32(ct, "llama.rope.dimension_count"),
        md_u32(ct, "llama.embedding_length"),
        md_u32(ct, "llama.attention.head_count"),
    ) {
        (Ok(rope), Ok(h), Ok(n)) => n > 0 && rope * n == h,
        (Err(_), Ok(_), Ok(_)) => true,
        _ => false,
    };
    rope_ok
        // Llama 3's rope scaling (rope_freqs) is not implemented here.
        && !ct.tensor_infos.contains_key("rope_freqs.weight")
        && ct.tensor_infos.values().all(|info| {
            let two_d = info.shape.dims().len() == 2;
            match info.ggml_dtype {
                GgmlDType::Q4_1 | GgmlDType::Q8_0 => two_d,
                GgmlDType::F32 => !two_d,
                _ => false,
            }
        })
}

fn matrix<R: Read + Seek>(ct: &Content, r: &mut R, name: &str) -> Result<Matrix, String> {
    let t = raw_tensor(ct, r, name)?;
    let quant = match t.dtype {
        GgmlDType::Q4_1 => Quant::Q4_1,
        GgmlDType::Q8_0 => Quant::Q8_0,
        other => return Err(format!("{name} is {other:?}, not Q4_1 or Q8_0")),
    };
    let [rows, cols] = t.dims[..] else {
        return Err(format!("{name} is not a matrix ({:?})", t.dims));
    };
    Matrix::new(quant, rows, cols, t.bytes).map_err(|e| format!("{name}: {e}"))
}

fn vector<R: Read + Seek>(ct: &Content, r: &mut R, name: &str) -> Result<Vec<f32>, String> {
    let t = raw_tensor(ct, r, name)?;
    if t.dtype != GgmlDType::F32 {
        return Err(format!("{name} is {:?}, not F32", t.dtype));
    }
    Ok(t.bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// Loads the decoder's weights (call when `fast_supports`).
pub fn load_fast<R: Read + Seek>(
    ct: &Content,
    r: &mut R,
    max_positions: usize,
) -> Result<Model, String> {
    let n_layer = md_u32(ct, "llama.block_count")?;
    let cfg = Config {
        hidden: md_u32(ct, "llama.embedding_length")?,
        ffn: md_u32(ct, "llama.feed_forward_length")?,
        n_head: md_u32(ct, "llama.attention.head_count")?,
        n_kv_head: md_u32(ct, "llama.attention.head_count_kv")?,
        eps: md_f32(ct, "llama.attention.layer_norm_rms_epsilon", 1e-5),
        rope_base: md_f32(ct, "llama.rope.freq_base", 10000.0),
        max_positions,
    };
    let embed = matrix(ct, r, "token_embd.weight")?;
    let output = match ct.tensor_infos.contains_key("output.weight") {
        true => matrix(ct, r, "output.weight")?,
        false => embed.clone(),
    };
    let norm = vector(ct, r, "output_norm.weight")?;
    let mut layers = Vec::with_capacity(n_layer);
    for i in 0..n_layer {
        let mut mm = |n: &str| matrix(ct, r, &format!("blk.{i}.{n}.weight"));
        let (wq, wk, wv, wo) = (
            mm("attn_q")?,
            mm("attn_k")?,
            mm("attn_v")?,
            mm("attn_output")?,
        );
        let (w_gate, w_up, w_down) = (mm("ffn_gate")?, mm("ffn_up")?, mm("ffn_down")?);
        layers.push(Layer {
            attn_norm: vector(ct, r, &format!("blk.{i}.attn_norm.weight"))?,
            ffn_norm: vector(ct, r, &format!("blk.{i}.ffn_norm.weight"))?,
            wq,
            wk,
            wv,
            wo,
            w_gate,
            w_up,
            w_down,
        });
    }
    Model::new(cfg, embed, layers, norm, output)
}

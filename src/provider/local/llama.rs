//! The llama forward pass, trimmed from candle-transformers'
//! `quantized_llama` (MIT/Apache-2.0) so Q4_1 weights load as `FastQ4_1`
//! (AVX2) instead of candle's scalar Q4_1. Dense llama only, no MoE. Runs
//! the GGUFs `pwb_q4::llama` does not take (see `engine.rs`).

use super::engine::raw_tensor;
use candle_core::quantized::gguf_file::Content;
use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{DType, Device, IndexOp, Module, Result, Tensor};
use candle_nn::Embedding;
use candle_transformers::quantized_nn::RmsNorm;
use candle_transformers::utils::{build_causal_mask, repeat_kv};
use pwb_q4 as q4_1;
use std::io::{Read, Seek};

#[derive(Debug, Clone)]
struct Layer {
    wq: QMatMul,
    wk: QMatMul,
    wv: QMatMul,
    wo: QMatMul,
    w_gate: QMatMul,
    w_down: QMatMul,
    w_up: QMatMul,
    attn_norm: RmsNorm,
    ffn_norm: RmsNorm,
    kv_cache: Option<(Tensor, Tensor)>,
}

/// Weights plus one run's KV cache; clone it per run (tensors are shared).
#[derive(Debug, Clone)]
pub struct Llama {
    embed: Embedding,
    layers: Vec<Layer>,
    norm: RmsNorm,
    output: QMatMul,
    cos: Tensor,
    sin: Tensor,
    n_head: usize,
    n_kv_head: usize,
    head_dim: usize,
    neg_inf: Tensor,
    /// Positions the RoPE tables cover.
    pub max_positions: usize,
}

/// Reads a tensor; Q4_1 ones become `FastQ4_1`.
fn tensor<R: Read + Seek>(ct: &Content, r: &mut R, name: &str) -> Result<QTensor> {
    match ct.tensor_infos.get(name) {
        Some(info) if info.ggml_dtype == GgmlDType::Q4_1 => {
            let t = raw_tensor(ct, r, name).map_err(candle_core::Error::msg)?;
            q4_1::qtensor(t.bytes, &t.dims)
        }
        Some(_) => ct.tensor(r, name, &Device::Cpu),
        None => candle_core::bail!("the file has no tensor {name}"),
    }
}

fn md_u32(ct: &Content, key: &str) -> Result<usize> {
    match ct.metadata.get(key) {
        Some(v) => Ok(v.to_u32()? as usize),
        None => candle_core::bail!("metadata has no {key}"),
    }
}

impl Llama {
    pub fn from_gguf<R: Read + Seek>(
        ct: &Content,
        r: &mut R,
        max_positions: usize,
    ) -> Result<Self> {
        let dev = &Device::Cpu;
        let n_head = md_u32(ct, "llama.attention.head_count")?;
        let n_kv_head = md_u32(ct, "llama.attention.head_count_kv")?;
        let n_layer = md_u32(ct, "llama.block_count")?;
        let hidden = md_u32(ct, "llama.embedding_length")?;
        let rope_dim = md_u32(ct, "llama.rope.dimension_count")?;
        if n_head == 0 || n_kv_head == 0 || n_head % n_kv_head != 0 || hidden % n_head != 0 {
            candle_core::bail!("inconsistent head counts ({n_head}, {n_kv_head}, {hidden})")
        }
        let eps = match ct.metadata.get("llama.attention.layer_norm_rms_epsilon") {
            Some(v) => v.to_f32()? as f64,
            None => 1e-5,
        };
        let base = ct
            .metadata
            .get("llama.rope.freq_base")
            .and_then(|v| v.to_f32().ok())
            .unwrap_or(10000.0);
        let theta: Vec<f32> = (0..rope_dim)
            .step_by(2)
            .map(|i| 1f32 / base.powf(i as f32 / rope_dim as f32))
            .collect();
        let theta = Tensor::new(theta.as_slice(), dev)?;
        let idx = Tensor::arange(0, max_positions as u32, dev)?
            .to_dtype(DType::F32)?
            .reshape((max_positions, 1))?
            .matmul(&theta.reshape((1, theta.elem_count()))?)?;
        let (cos, sin) = (idx.cos()?, idx.sin()?);
        let embed_q = tensor(ct, r, "token_embd.weight")?;
        let embed = Embedding::new(embed_q.dequantize(dev)?, hidden);
        let norm = RmsNorm::from_qtensor(tensor(ct, r, "output_norm.weight")?, eps)?;
        let output = match ct.tensor_infos.contains_key("output.weight") {
            true => tensor(ct, r, "output.weight")?,
            false => embed_q,
        };
        let mut layers = Vec::with_capacity(n_layer);
        for i in 0..n_layer {
            let mut mm = |n: &str| -> Result<QMatMul> {
                QMatMul::from_qtensor(tensor(ct, r, &format!("blk.{i}.{n}.weight"))?)
            };
            let (wq, wk, wv, wo) = (
                mm("attn_q")?,
                mm("attn_k")?,
                mm("attn_v")?,
                mm("attn_output")?,
            );
            let (w_gate, w_down, w_up) = (mm("ffn_gate")?, mm("ffn_down")?, mm("ffn_up")?);
            let attn_norm = tensor(ct, r, &format!("blk.{i}.attn_norm.weight"))?;
            let ffn_norm = tensor(ct, r, &format!("blk.{i}.ffn_norm.weight"))?;
            layers.push(Layer {
                wq,
                wk,
                wv,
                wo,
                w_gate,
                w_down,
                w_up,
                attn_norm: RmsNorm::from_qtensor(attn_norm, eps)?,
                ffn_norm: RmsNorm::from_qtensor(ffn_norm, eps)?,
                kv_cache: None,
            });
        }
        Ok(Llama {
            embed,
            layers,
            norm,
            output: QMatMul::from_qtensor(output)?,
            cos,
            sin,
            n_head,
            n_kv_head,
            head_dim: hidden / n_head,
            neg_inf: Tensor::new(f32::NEG_INFINITY, dev)?,
            max_positions,
        })
    }

    /// Logits for the last of `x`'s tokens (shape `(1, vocab)`), `x` being
    /// `(1, seq)` token ids starting at position `pos`.
    pub fn forward(&mut self, x: &Tensor, pos: usize) -> Result<Tensor> {
        let (b, seq) = x.dims2()?;
        if pos + seq > self.max_positions {
            candle_core::bail!(
                "position {} is past the context ({})",
                pos + seq,
                self.max_positions
            )
        }
        let mask = match seq {
            1 => None,
            _ => Some(build_causal_mask(seq, pos, x.device())?),
        };
        let cos = self.cos.narrow(0, pos, seq)?;
        let sin = self.sin.narrow(0, pos, seq)?;
        let mut h = self.embed.forward(x)?;
        let (n_head, n_kv, hd) = (self.n_head, self.n_kv_head, self.head_dim);
        for l in self.layers.iter_mut() {
            let x = l.attn_norm.forward(&h)?;
            let q =
                l.wq.forward(&x)?
                    .reshape((b, seq, n_head, hd))?
                    .transpose(1, 2)?;
            let k =
                l.wk.forward(&x)?
                    .reshape((b, seq, n_kv, hd))?
                    .transpose(1, 2)?;
            let v =
                l.wv.forward(&x)?
                    .reshape((b, seq, n_kv, hd))?
                    .transpose(1, 2)?;
            let q = candle_nn::rotary_emb::rope_i(&q.contiguous()?, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope_i(&k.contiguous()?, &cos, &sin)?;
            let v = v.contiguous()?;
            let (k, v) = match (&l.kv_cache, pos) {
                (Some((kc, vc)), p) if p > 0 => {
                    (Tensor::cat(&[kc, &k], 2)?, Tensor::cat(&[vc, &v], 2)?)
                }
                _ => (k, v),
            };
            l.kv_cache = Some((k.clone(), v.clone()));
            let k = repeat_kv(k, n_head / n_kv)?;
            let v = repeat_kv(v, n_head / n_kv)?;
            let att = (q.matmul(&k.t()?)? / (hd as f64).sqrt())?;
            let att = match &mask {
                None => att,
                Some(m) => {
                    let m = m.broadcast_as(att.shape())?;
                    m.where_cond(&self.neg_inf.broadcast_as(att.shape())?, &att)?
                }
            };
            let att = candle_nn::ops::softmax_last_dim(&att)?;
            let y = att.matmul(&v.contiguous()?)?;
            let y = y.transpose(1, 2)?.reshape((b, seq, n_head * hd))?;
            h = (l.wo.forward(&y)? + h)?;
            let x = l.ffn_norm.forward(&h)?;
            let gate = candle_nn::ops::silu(&l.w_gate.forward(&x)?)?;
            let up = l.w_up.forward(&x)?;
            h = (l.w_down.forward(&(gate * up)?)? + h)?;
        }
        let x = self.norm.forward(&h)?;
        let x = x.i((.., seq - 1, ..))?;
        self.output.forward(&x)
    }
}

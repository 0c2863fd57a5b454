//! A llama decoder on plain f32 buffers: RMSNorm, RoPE (interleaved pairs,
//! as GGUF llama weights expect), grouped-query attention over a KV cache
//! that grows in place, SwiGLU. Matrix products go through `matrix`; the
//! attention heads run in parallel. No tensor library and no allocation per
//! operation: this is what makes a 135M model fast on two cores.

use crate::kernels::{self, BlockQ8};
use crate::matrix::{Matrix, matmuls};
use crate::pool::{SharedOut, pool};
use half::f16;
use half::slice::HalfFloatSliceExt;
use std::cell::RefCell;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub hidden: usize,
    pub ffn: usize,
    pub n_head: usize,
    pub n_kv_head: usize,
    pub eps: f32,
    pub rope_base: f32,
    /// Positions the model may be run at.
    pub max_positions: usize,
}

impl Config {
    pub fn head_dim(&self) -> usize {
        self.hidden / self.n_head
    }
    fn kv_dim(&self) -> usize {
        self.n_kv_head * self.head_dim()
    }
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub attn_norm: Vec<f32>,
    pub wq: Matrix,
    pub wk: Matrix,
    pub wv: Matrix,
    pub wo: Matrix,
    pub ffn_norm: Vec<f32>,
    pub w_gate: Matrix,
    pub w_up: Matrix,
    pub w_down: Matrix,
}

#[derive(Debug, Clone)]
pub struct Model {
    cfg: Config,
    embed: Matrix,
    layers: Vec<Layer>,
    norm: Vec<f32>,
    output: Matrix,
}

fn shape(name: &str, m: &Matrix, rows: usize, cols: usize) -> Result<(), String> {
    if m.rows() != rows || m.cols() != cols {
        return Err(format!(
            "{name} is {}x{}, expected {rows}x{cols}",
            m.rows(),
            m.cols()
        ));
    }
    Ok(())
}

impl Model {
    /// Checks every shape against `cfg`.
    pub fn new(
        cfg: Config,
        embed: Matrix,
        layers: Vec<Layer>,
        norm: Vec<f32>,
        output: Matrix,
    ) -> Result<Model, String> {
        let (h, f) = (cfg.hidden, cfg.ffn);
        if cfg.n_head == 0
            || cfg.n_kv_head == 0
            || !cfg.n_head.is_multiple_of(cfg.n_kv_head)
            || !h.is_multiple_of(cfg.n_head)
            || !cfg.head_dim().is_multiple_of(2)
        {
            return Err(format!(
                "inconsistent head counts ({}, {}, {h})",
                cfg.n_head, cfg.n_kv_head
            ));
        }
        let vocab = embed.rows();
        shape("token_embd", &embed, vocab, h)?;
        shape("output", &output, output.rows(), h)?;
        if norm.len() != h {
            return Err(format!(
                "output_norm has {} values, expected {h}",
                norm.len()
            ));
        }
        for (i, l) in layers.iter().enumerate() {
            let kv = cfg.kv_dim();
            shape(&format!("blk.{i}.attn_q"), &l.wq, h, h)?;
            shape(&format!("blk.{i}.attn_k"), &l.wk, kv, h)?;
            shape(&format!("blk.{i}.attn_v"), &l.wv, kv, h)?;
            shape(&format!("blk.{i}.attn_output"), &l.wo, h, h)?;
            shape(&format!("blk.{i}.ffn_gate"), &l.w_gate, f, h)?;
            shape(&format!("blk.{i}.ffn_up"), &l.w_up, f, h)?;
            shape(&format!("blk.{i}.ffn_down"), &l.w_down, h, f)?;
            if l.attn_norm.len() != h || l.ffn_norm.len() != h {
                return Err(format!("blk.{i} norms do not have {h} values"));
            }
        }
        Ok(Model {
            cfg,
            embed,
            layers,
            norm,
            output,
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Threads the forward pass uses.
    pub fn threads(&self) -> usize {
        pool().threads()
    }

    /// A fresh run with an empty KV cache.
    pub fn session(&self) -> Session<'_> {
        Session {
            model: self,
            k: vec![Vec::new(); self.layers.len() * self.cfg.n_kv_head],
            v: vec![Vec::new(); self.layers.len() * self.cfg.n_kv_head],
            pos: 0,
            acts: Vec::new(),
        }
    }
}

/// One run: the KV cache (per layer and KV head, `pos * head_dim` f16
/// values, so each head's keys and values stream contiguously, at half the
/// bytes of f32, as llama.cpp keeps them) and scratch.
pub struct Session<'m> {
    model: &'m Model,
    k: Vec<Vec<f16>>,
    v: Vec<Vec<f16>>,
    pos: usize,
    acts: Vec<BlockQ8>,
}

fn rms_norm(x: &[f32], w: &[f32], eps: f32, out: &mut [f32]) {
    for (xr, or) in x.chunks_exact(w.len()).zip(out.chunks_exact_mut(w.len())) {
        let sum2: f32 = xr.iter().map(|v| v * v).sum();
        let scale = 1.0 / (sum2 / w.len() as f32 + eps).sqrt();
        for ((o, v), g) in or.iter_mut().zip(xr).zip(w) {
            *o = v * scale * g;
        }
    }
}

fn push_f16(cache: &mut Vec<f16>, xs: &[f32]) {
    let start = cache.len();
    cache.resize(start + xs.len(), f16::ZERO);
    cache[start..].convert_from_f32_slice(xs);
}

fn quantize_rows(x: &[f32], cols: usize, out: &mut Vec<BlockQ8>) {
    out.clear();
    let mut row = Vec::new();
    for r in x.chunks_exact(cols) {
        kernels::quantize_row(r, &mut row);
        out.extend_from_slice(&row);
    }
}

/// RoPE's cos and sin for `seq` positions from `pos`: `head_dim / 2`
/// angles per position.
fn rope_tables(seq: usize, pos: usize, head_dim: usize, base: f32) -> (Vec<f32>, Vec<f32>) {
    let half = head_dim / 2;
    let theta: Vec<f32> = (0..half)
        .map(|i| 1f32 / base.powf((2 * i) as f32 / head_dim as f32))
        .collect();
    (pos..pos + seq)
        .flat_map(|p| theta.iter().map(move |t| p as f32 * t))
        .map(|a| (a.cos(), a.sin()))
        .unzip()
}

/// Rotates interleaved pairs of every head of every row (row `i` has the
/// angles `tables.*[i * head_dim / 2..]`).
fn rope(x: &mut [f32], width: usize, head_dim: usize, (cos, sin): &(Vec<f32>, Vec<f32>)) {
    let half = head_dim / 2;
    for (i, row) in x.chunks_exact_mut(width).enumerate() {
        let (cos, sin) = (&cos[i * half..][..half], &sin[i * half..][..half]);
        for head in row.chunks_exact_mut(head_dim) {
            for j in 0..half {
                let (a, b) = (head[2 * j], head[2 * j + 1]);
                head[2 * j] = a * cos[j] - b * sin[j];
                head[2 * j + 1] = a * sin[j] + b * cos[j];
            }
        }
    }
}

thread_local! {
    static SCORES: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

impl Session<'_> {
    /// Feeds `tokens` (at the next positions) and returns the logits after
    /// the last of them.
    pub fn forward(&mut self, tokens: &[u32]) -> Result<Vec<f32>, String> {
        let m = self.model;
        let cfg = &m.cfg;
        let seq = tokens.len();
        if seq == 0 {
            return Err("no tokens to feed".into());
        }
        if self.pos + seq > cfg.max_positions {
            return Err(format!(
                "position {} is past the context ({})",
                self.pos + seq,
                cfg.max_positions
            ));
        }
        let (h, hd, kvd, f) = (cfg.hidden, cfg.head_dim(), cfg.kv_dim(), cfg.ffn);
        let mut x = vec![0f32; seq * h];
        for (row, &t) in x.chunks_exact_mut(h).zip(tokens) {
            if t as usize >= m.embed.rows() {
                return Err(format!("token id {t} is outside the vocabulary"));
            }
            m.embed.dequant_row(t as usize, row);
        }
        let mut xn = vec![0f32; seq * h];
        let (mut q, mut k, mut v) = (
            vec![0f32; seq * h],
            vec![0f32; seq * kvd],
            vec![0f32; seq * kvd],
        );
        let mut att = vec![0f32; seq * h];
        let mut o = vec![0f32; seq * h];
        let (mut gate, mut up) = (vec![0f32; seq * f], vec![0f32; seq * f]);
        let fast = kernels::has_avx2();
        let angles = rope_tables(seq, self.pos, hd, cfg.rope_base);
        for (li, l) in m.layers.iter().enumerate() {
            rms_norm(&x, &l.attn_norm, cfg.eps, &mut xn);
            quantize_rows(&xn, h, &mut self.acts);
            matmuls(
                &mut [(&l.wq, &mut q), (&l.wk, &mut k), (&l.wv, &mut v)],
                &self.acts,
                seq,
            );
            rope(&mut q, h, hd, &angles);
            rope(&mut k, kvd, hd, &angles);
            let nkv = cfg.n_kv_head;
            for (kr, vr) in k.chunks_exact(kvd).zip(v.chunks_exact(kvd)) {
                for kvh in 0..nkv {
                    push_f16(&mut self.k[li * nkv + kvh], &kr[kvh * hd..][..hd]);
                    push_f16(&mut self.v[li * nkv + kvh], &vr[kvh * hd..][..hd]);
                }
            }
            self.attention(li, &q, &mut att, fast);
            quantize_rows(&att, h, &mut self.acts);
            matmuls(&mut [(&l.wo, &mut o)], &self.acts, seq);
            x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
            rms_norm(&x, &l.ffn_norm, cfg.eps, &mut xn);
            quantize_rows(&xn, h, &mut self.acts);
            matmuls(
                &mut [(&l.w_gate, &mut gate), (&l.w_up, &mut up)],
                &self.acts,
                seq,
            );
            for (g, u) in gate.iter_mut().zip(&up) {
                *g = *g / (1.0 + (-*g).exp()) * u;
            }
            quantize_rows(&gate, f, &mut self.acts);
            matmuls(&mut [(&l.w_down, &mut o)], &self.acts, seq);
            x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
        }
        self.pos += seq;
        let last = &x[(seq - 1) * h..];
        rms_norm(last, &m.norm, cfg.eps, &mut xn[..h]);
        quantize_rows(&xn[..h], h, &mut self.acts);
        let mut logits = vec![0f32; m.output.rows()];
        matmuls(&mut [(&m.output, &mut logits)], &self.acts, 1);
        Ok(logits)
    }

    /// Causal attention of the new rows of `q` (at `self.pos..`) over the
    /// cache of layer `li`, into `out`; one work item per (row, head).
    fn attention(&self, li: usize, q: &[f32], out: &mut [f32], fast: bool) {
        let cfg = &self.model.cfg;
        let (h, hd) = (cfg.hidden, cfg.head_dim());
        let group = cfg.n_head / cfg.n_kv_head;
        let seq = q.len() / h;
        let (kc, vc) = (
            &self.k[li * cfg.n_kv_head..][..cfg.n_kv_head],
            &self.v[li * cfg.n_kv_head..][..cfg.n_kv_head],
        );
        let scale = 1.0 / (hd as f32).sqrt();
        let dst = SharedOut::new(out);
        let pos = self.pos;
        pool().run(seq * cfg.n_head, &|item| {
            let (i, head) = (item / cfg.n_head, item % cfg.n_head);
            let kvh = head / group;
            let qv = &q[i * h + head * hd..][..hd];
            let len = pos + i + 1;
            SCORES.with_borrow_mut(|scores| {
                scores.resize(len, 0.0);
                kernels::scores(qv, &kc[kvh], scale, scores, fast);
                let max = scores.iter().fold(f32::NEG_INFINITY, |m, s| m.max(*s));
                let mut sum = 0.0;
                for s in scores.iter_mut() {
                    *s = (*s - max).exp();
                    sum += *s;
                }
                scores.iter_mut().for_each(|s| *s /= sum);
                // SAFETY: row i, head `head` is this item's alone, in bounds.
                let o = unsafe { std::slice::from_raw_parts_mut(dst.at(i * h + head * hd), hd) };
                kernels::weighted_sum(scores, &vc[kvh], o, fast);
            });
        });
    }
}

//! Fast CPU inference for small quantised llama models: AVX2 kernels for
//! Q4_1 and Q8_0 weights (chosen at run time, scalar elsewhere), a
//! work-sharing thread pool, and a llama forward pass on plain buffers.
//! `FastQ4_1` also plugs the Q4_1 kernel into candle for models the
//! forward pass here does not take.

pub mod kernels;
pub mod llama;
pub mod matrix;
pub mod pool;

use candle_core::quantized::{GgmlDType, QStorage, QTensor, QuantizedType};
use candle_core::{CpuStorage, Result};
use half::f16;
use matrix::{Matrix, Quant};

/// Q4_1 weights (GGUF layout) as a candle `QuantizedType`.
pub struct FastQ4_1 {
    m: Matrix,
}

/// A `QTensor` of `dims` (rows, cols) backed by `FastQ4_1`, from raw GGUF
/// Q4_1 bytes.
pub fn qtensor(raw: Vec<u8>, dims: &[usize]) -> Result<QTensor> {
    let (rows, cols) = match dims {
        [c] => (1, *c),
        [r @ .., c] => (r.iter().product(), *c),
        [] => candle_core::bail!("Q4_1 tensor without dimensions"),
    };
    let m = Matrix::new(Quant::Q4_1, rows, cols, raw).map_err(candle_core::Error::msg)?;
    QTensor::new(QStorage::Cpu(Box::new(FastQ4_1 { m })), dims)
}

/// Whether the AVX2 kernels run on this CPU.
pub fn fast() -> bool {
    kernels::has_avx2()
}

impl QuantizedType for FastQ4_1 {
    fn dtype(&self) -> GgmlDType {
        GgmlDType::Q4_1
    }
    fn matmul_t(
        &self,
        (m, k, n): (usize, usize, usize),
        lhs: &[f32],
        dst: &mut [f32],
    ) -> Result<()> {
        if k != self.m.cols() || n != self.m.rows() || lhs.len() < m * k || dst.len() < m * n {
            candle_core::bail!("Q4_1 matmul shapes do not fit ({m}, {k}, {n})");
        }
        let mut acts = Vec::new();
        let mut row = Vec::new();
        for x in lhs[..m * k].chunks_exact(k) {
            kernels::quantize_row(x, &mut row);
            acts.extend_from_slice(&row);
        }
        matrix::matmuls(&mut [(&self.m, dst)], &acts, m);
        Ok(())
    }
    fn matmul_t_f16(&self, _: (usize, usize, usize), _: &[f16], _: &mut [f16]) -> Result<()> {
        candle_core::bail!("FastQ4_1 multiplies f32 activations only")
    }
    fn embedding(&self, _: &[u32], _: usize, _: usize) -> Result<CpuStorage> {
        candle_core::bail!("FastQ4_1 is not an embedding table")
    }
    fn dequantize(&self, elem_count: usize) -> Result<CpuStorage> {
        let mut out = vec![0f32; self.m.rows() * self.m.cols()];
        for (j, row) in out.chunks_exact_mut(self.m.cols()).enumerate() {
            self.m.dequant_row(j, row);
        }
        out.truncate(elem_count);
        Ok(CpuStorage::F32(out))
    }
    fn storage_size_in_bytes(&self) -> usize {
        self.m.bytes()
    }
    fn as_ptr(&self) -> *const u8 {
        self.m.as_ptr()
    }
    fn block_size(&self) -> usize {
        kernels::QK
    }
    fn from_float(&mut self, _: &[f32]) {}
    fn from_float_imatrix(&mut self, _: &[f32], _: &[f32], _: usize) {}
    fn size(&self) -> usize {
        self.m.bytes()
    }
}

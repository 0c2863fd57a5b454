//! A fast Q4_1 weight matrix for candle: activations are quantised to
//! Q8_1 and dotted with the 4-bit weights by an AVX2 kernel chosen at run
//! time (scalar elsewhere), split over candle's thread pool.

use candle_core::quantized::{GgmlDType, QStorage, QTensor, QuantizedType};
use candle_core::{CpuStorage, Result};
use half::f16;

const QK: usize = 32;
/// Bytes of one Q4_1 block: f16 scale, f16 min, 16 bytes of nibbles.
const BLOCK_BYTES: usize = 20;

/// 32 activations as i8 with their scale and `d * sum(q)`.
#[derive(Clone, Copy)]
struct BlockQ8_1 {
    d: f32,
    s: f32,
    qs: [i8; QK],
}

/// Q4_1 weights (GGUF layout, rows of `k` values) that multiply fast.
pub struct FastQ4_1 {
    data: Vec<u8>,
}

/// A `QTensor` of `shape` backed by `FastQ4_1`, from raw GGUF Q4_1 bytes.
pub fn qtensor(raw: Vec<u8>, dims: &[usize]) -> Result<QTensor> {
    let elems: usize = dims.iter().product();
    if !elems.is_multiple_of(QK) || raw.len() != elems / QK * BLOCK_BYTES {
        candle_core::bail!("Q4_1 tensor {dims:?} has {} bytes", raw.len());
    }
    QTensor::new(QStorage::Cpu(Box::new(FastQ4_1 { data: raw })), dims)
}

fn quantize_row(xs: &[f32], out: &mut Vec<BlockQ8_1>) {
    out.clear();
    for chunk in xs.chunks_exact(QK) {
        let amax = chunk.iter().fold(0f32, |m, x| m.max(x.abs()));
        let d = amax / 127.0;
        let id = if d > 0.0 { 1.0 / d } else { 0.0 };
        let mut qs = [0i8; QK];
        let mut sum = 0i32;
        for (q, x) in qs.iter_mut().zip(chunk) {
            *q = (x * id).round() as i8;
            sum += *q as i32;
        }
        out.push(BlockQ8_1 {
            d,
            s: d * sum as f32,
            qs,
        });
    }
}

fn dot_scalar(w: &[u8], a: &[BlockQ8_1]) -> f32 {
    let mut acc = 0f32;
    for (wb, ab) in w.chunks_exact(BLOCK_BYTES).zip(a) {
        let d = f16::from_le_bytes([wb[0], wb[1]]).to_f32();
        let m = f16::from_le_bytes([wb[2], wb[3]]).to_f32();
        let mut isum = 0i32;
        for j in 0..16 {
            let q = wb[4 + j];
            isum += (q & 0x0F) as i32 * ab.qs[j] as i32 + (q >> 4) as i32 * ab.qs[j + 16] as i32;
        }
        acc += d * ab.d * isum as f32 + m * ab.s;
    }
    acc
}

/// Dot products of four weight rows with one activation row: each
/// activation block is loaded once for the four rows.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,f16c")]
unsafe fn dot4_avx2(w: [&[u8]; 4], a: &[BlockQ8_1]) -> [f32; 4] {
    use std::arch::x86_64::*;
    let mask = _mm_set1_epi8(0x0F);
    let ones = _mm256_set1_epi16(1);
    let mut acc = [_mm256_setzero_ps(); 4];
    let mut summs = [0f32; 4];
    for (b, ab) in a.iter().enumerate() {
        // SAFETY: `qs` has 32 bytes.
        let av = unsafe { _mm256_loadu_si256(ab.qs.as_ptr() as *const __m256i) };
        for r in 0..4 {
            let wb = &w[r][b * BLOCK_BYTES..(b + 1) * BLOCK_BYTES];
            // d and m: two f16 in the first four bytes.
            let dm = u32::from_le_bytes([wb[0], wb[1], wb[2], wb[3]]);
            let dm = _mm_cvtph_ps(_mm_cvtsi32_si128(dm as i32));
            let d = _mm_cvtss_f32(dm);
            let m = _mm_cvtss_f32(_mm_movehdup_ps(dm));
            // SAFETY: `wb` has 20 bytes, so 16 start at offset 4.
            let q = unsafe { _mm_loadu_si128(wb.as_ptr().add(4) as *const __m128i) };
            let lo = _mm_and_si128(q, mask);
            let hi = _mm_and_si128(_mm_srli_epi16(q, 4), mask);
            let wv = _mm256_set_m128i(hi, lo);
            let p = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones);
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(d * ab.d), _mm256_cvtepi32_ps(p), acc[r]);
            summs[r] += m * ab.s;
        }
    }
    let mut out = [0f32; 4];
    for r in 0..4 {
        let v = acc[r];
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        out[r] = _mm_cvtss_f32(s) + summs[r];
    }
    out
}

/// Whether the AVX2 kernel runs here (else Q4_1 is requantised to Q8_0).
pub fn fast() -> bool {
    has_avx2()
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *HAS.get_or_init(|| {
            is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
                && is_x86_feature_detected!("f16c")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Dot products of four weight rows with `a`.
fn dot4(w: [&[u8]; 4], a: &[BlockQ8_1], avx2: bool) -> [f32; 4] {
    #[cfg(target_arch = "x86_64")]
    if avx2 {
        // SAFETY: the CPU has AVX2, FMA and F16C (checked at run time).
        return unsafe { dot4_avx2(w, a) };
    }
    let _ = avx2;
    w.map(|row| dot_scalar(row, a))
}

/// `dst[i][j] = lhs[i] . row_j` for m activation rows and n weight rows.
pub(crate) fn matmul(
    data: &[u8],
    (m, k, n): (usize, usize, usize),
    lhs: &[f32],
    dst: &mut [f32],
) -> Result<()> {
    if k % QK != 0
        || lhs.len() < m * k
        || dst.len() < m * n
        || data.len() < n * k / QK * BLOCK_BYTES
    {
        candle_core::bail!("Q4_1 matmul shapes do not fit ({m}, {k}, {n})");
    }
    let row_bytes = k / QK * BLOCK_BYTES;
    let mut acts = Vec::with_capacity(m);
    let mut buf = Vec::new();
    for i in 0..m {
        quantize_row(&lhs[i * k..(i + 1) * k], &mut buf);
        acts.push(buf.clone());
    }
    let avx2 = has_avx2();
    let dst_ptr = dst.as_mut_ptr() as usize;
    let quads = n.div_ceil(4);
    candle_core::utils::barrier_pool().execute_chunked(quads, |range| {
        for quad in range {
            let j0 = quad * 4;
            // The last quad may repeat row n-1 to fill four lanes.
            let rows = [0, 1, 2, 3].map(|r| {
                let j = (j0 + r).min(n - 1);
                &data[j * row_bytes..(j + 1) * row_bytes]
            });
            for (i, a) in acts.iter().enumerate() {
                let v = dot4(rows, a, avx2);
                for (r, value) in v.iter().enumerate().take(n - j0) {
                    // SAFETY: each (i, j) is written by exactly one work item
                    // and lies inside `dst` (checked above).
                    unsafe { *(dst_ptr as *mut f32).add(i * n + j0 + r) = *value };
                }
            }
        }
    });
    Ok(())
}

impl QuantizedType for FastQ4_1 {
    fn dtype(&self) -> GgmlDType {
        GgmlDType::Q4_1
    }
    fn matmul_t(&self, mkn: (usize, usize, usize), lhs: &[f32], dst: &mut [f32]) -> Result<()> {
        matmul(&self.data, mkn, lhs, dst)
    }
    fn matmul_t_f16(&self, _: (usize, usize, usize), _: &[f16], _: &mut [f16]) -> Result<()> {
        candle_core::bail!("FastQ4_1 multiplies f32 activations only")
    }
    fn embedding(&self, _: &[u32], _: usize, _: usize) -> Result<CpuStorage> {
        candle_core::bail!("FastQ4_1 is not an embedding table")
    }
    fn dequantize(&self, elem_count: usize) -> Result<CpuStorage> {
        let mut out = Vec::with_capacity(elem_count);
        for wb in self.data.chunks_exact(BLOCK_BYTES) {
            let d = f16::from_le_bytes([wb[0], wb[1]]).to_f32();
            let m = f16::from_le_bytes([wb[2], wb[3]]).to_f32();
            let start = out.len();
            out.resize(start + QK, 0.0);
            for j in 0..16 {
                out[start + j] = (wb[4 + j] & 0x0F) as f32 * d + m;
                out[start + j + 16] = (wb[4 + j] >> 4) as f32 * d + m;
            }
        }
        out.truncate(elem_count);
        Ok(CpuStorage::F32(out))
    }
    fn storage_size_in_bytes(&self) -> usize {
        self.data.len()
    }
    fn as_ptr(&self) -> *const u8 {
        self.data.as_ptr()
    }
    fn block_size(&self) -> usize {
        QK
    }
    fn from_float(&mut self, _: &[f32]) {}
    fn from_float_imatrix(&mut self, _: &[f32], _: &[f32], _: usize) {}
    fn size(&self) -> usize {
        self.data.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX2 kernel and the scalar one agree with a plain f32 dot.
    #[test]
    fn kernels_match_the_dequantised_dot() {
        let k = 96;
        let mut raw = Vec::new();
        for b in 0..k / QK {
            raw.extend_from_slice(&f16::from_f32(0.01 * (b as f32 + 1.0)).to_le_bytes());
            raw.extend_from_slice(&f16::from_f32(-0.05).to_le_bytes());
            raw.extend((0..16).map(|j| ((j * 7 + b) % 256) as u8));
        }
        let w = FastQ4_1 { data: raw.clone() };
        let CpuStorage::F32(wf) = w.dequantize(k).unwrap() else {
            panic!("f32")
        };
        let xs: Vec<f32> = (0..k).map(|i| ((i as f32) * 0.37).sin()).collect();
        let exact: f32 = wf.iter().zip(&xs).map(|(a, b)| a * b).sum();
        let mut a = Vec::new();
        quantize_row(&xs, &mut a);
        let scalar = dot_scalar(&raw, &a);
        assert!((scalar - exact).abs() < 0.02, "{scalar} vs {exact}");
        let four = dot4([&raw, &raw, &raw, &raw], &a, has_avx2());
        assert!(four.iter().all(|v| (v - scalar).abs() < 1e-3), "{four:?}");
        // Five rows: one full quad and a partial one.
        let rows5: Vec<u8> = raw.iter().copied().cycle().take(raw.len() * 5).collect();
        let mut dst = [0f32; 10];
        let xs2: Vec<f32> = xs.iter().chain(&xs).copied().collect();
        matmul(&rows5, (2, k, 5), &xs2, &mut dst).unwrap();
        assert!(dst.iter().all(|v| (v - scalar).abs() < 1e-3), "{dst:?}");
    }
}

//! The inner loops: activations quantised to 8 bits per 32-value block,
//! dotted with Q4_1 or Q8_0 weight rows four rows at a time, and f32
//! dot/axpy for attention. AVX2 versions are chosen at run time; the
//! scalar ones run on any CPU and serve as the reference in tests.

use half::f16;

/// Values per quantisation block (GGML's QK4_1 and QK8_0).
pub const QK: usize = 32;
/// Bytes of one Q4_1 block: f16 scale, f16 min, 16 bytes of nibbles.
pub const Q4_1_BYTES: usize = 20;
/// Bytes of one Q8_0 block: f16 scale, 32 signed bytes.
pub const Q8_0_BYTES: usize = 34;

/// 32 activations as i8 with their scale and `d * sum(q)` (GGML's Q8_1).
#[derive(Clone, Copy)]
pub struct BlockQ8 {
    pub d: f32,
    pub s: f32,
    pub qs: [i8; QK],
}

/// Whether the AVX2 (+FMA, F16C) kernels run on this CPU.
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        static HAS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *HAS.get_or_init(|| {
            std::env::var_os("PWB_LOCAL_SCALAR").is_none_or(|v| v != "1")
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
                && is_x86_feature_detected!("f16c")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Quantises `xs` (a multiple of 32 long) into `out`, rounding halves to
/// even.
pub fn quantize_row(xs: &[f32], out: &mut Vec<BlockQ8>) {
    out.clear();
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        for chunk in xs.chunks_exact(QK) {
            // SAFETY: the CPU has AVX2 (checked at run time).
            out.push(unsafe { avx2::quantize_block(chunk) });
        }
        return;
    }
    out.extend(xs.chunks_exact(QK).map(quantize_block_scalar));
}

fn quantize_block_scalar(chunk: &[f32]) -> BlockQ8 {
    let amax = chunk.iter().fold(0f32, |m, x| m.max(x.abs()));
    let d = amax / 127.0;
    let id = if d > 0.0 { 1.0 / d } else { 0.0 };
    let mut qs = [0i8; QK];
    let mut sum = 0i32;
    for (q, x) in qs.iter_mut().zip(chunk) {
        *q = (x * id).round_ties_even() as i8;
        sum += *q as i32;
    }
    BlockQ8 {
        d,
        s: d * sum as f32,
        qs,
    }
}

fn f16_at(b: &[u8]) -> f32 {
    f16::from_le_bytes([b[0], b[1]]).to_f32()
}

pub fn dot_q4_1_scalar(w: &[u8], a: &[BlockQ8]) -> f32 {
    let mut acc = 0f32;
    for (wb, ab) in w.chunks_exact(Q4_1_BYTES).zip(a) {
        let (d, m) = (f16_at(wb), f16_at(&wb[2..]));
        let mut isum = 0i32;
        for j in 0..16 {
            let q = wb[4 + j];
            isum += (q & 0x0F) as i32 * ab.qs[j] as i32 + (q >> 4) as i32 * ab.qs[j + 16] as i32;
        }
        acc += d * ab.d * isum as f32 + m * ab.s;
    }
    acc
}

pub fn dot_q8_0_scalar(w: &[u8], a: &[BlockQ8]) -> f32 {
    let mut acc = 0f32;
    for (wb, ab) in w.chunks_exact(Q8_0_BYTES).zip(a) {
        let isum: i32 = wb[2..]
            .iter()
            .zip(&ab.qs)
            .map(|(&q, &x)| q as i8 as i32 * x as i32)
            .sum();
        acc += f16_at(wb) * ab.d * isum as f32;
    }
    acc
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    use std::arch::x86_64::*;

    #[inline]
    #[target_feature(enable = "avx2,fma,f16c")]
    fn hsum(v: __m256) -> f32 {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }

    /// One block of 32 values quantised as `quantize_block_scalar` does.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub fn quantize_block(x: &[f32]) -> BlockQ8 {
        assert!(x.len() >= QK);
        // SAFETY: 32 floats are readable (asserted).
        let v = [0, 8, 16, 24].map(|i| unsafe { _mm256_loadu_ps(x.as_ptr().add(i)) });
        let sign = _mm256_set1_ps(-0.0);
        let abs = v.map(|x| _mm256_andnot_ps(sign, x));
        let m = _mm256_max_ps(_mm256_max_ps(abs[0], abs[1]), _mm256_max_ps(abs[2], abs[3]));
        let m = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        let m = _mm_max_ps(m, _mm_movehl_ps(m, m));
        let amax = _mm_cvtss_f32(_mm_max_ss(m, _mm_movehdup_ps(m)));
        let d = amax / 127.0;
        let id = _mm256_set1_ps(if d > 0.0 { 1.0 / d } else { 0.0 });
        let q = v.map(|x| {
            _mm256_cvtps_epi32(_mm256_round_ps::<
                { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
            >(_mm256_mul_ps(x, id)))
        });
        let sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
        let sum = _mm_add_epi32(
            _mm256_castsi256_si128(sum),
            _mm256_extracti128_si256(sum, 1),
        );
        let sum = _mm_add_epi32(sum, _mm_unpackhi_epi64(sum, sum));
        let sum = _mm_cvtsi128_si32(_mm_add_epi32(sum, _mm_shuffle_epi32(sum, 0b01)));
        // i32 -> i16 -> i8 packs interleave 128-bit lanes; a permute undoes it.
        let p16a = _mm256_packs_epi32(q[0], q[1]);
        let p16b = _mm256_packs_epi32(q[2], q[3]);
        let p8 = _mm256_packs_epi16(p16a, p16b);
        let p8 = _mm256_permutevar8x32_epi32(p8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
        let mut qs = [0i8; QK];
        // SAFETY: `qs` has 32 bytes.
        unsafe { _mm256_storeu_si256(qs.as_mut_ptr() as *mut __m256i, p8) };
        BlockQ8 {
            d,
            s: d * sum as f32,
            qs,
        }
    }

    /// Four Q4_1 rows dotted with `a`; each activation block loads once.
    /// Each row's bytes `ahead` further on are prefetched (the next rows).
    #[target_feature(enable = "avx2,fma,f16c")]
    pub fn dot4_q4_1(w: [&[u8]; 4], a: &[BlockQ8], ahead: usize) -> [f32; 4] {
        let mask = _mm_set1_epi8(0x0F);
        let ones = _mm256_set1_epi16(1);
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut summs = [0f32; 4];
        assert!(w.iter().all(|row| row.len() >= a.len() * Q4_1_BYTES));
        for (b, ab) in a.iter().enumerate() {
            // SAFETY: `qs` has 32 bytes.
            let av = unsafe { _mm256_loadu_si256(ab.qs.as_ptr() as *const __m256i) };
            for r in 0..4 {
                // SAFETY: row r holds at least a.len() blocks (asserted).
                let p = unsafe { w[r].as_ptr().add(b * Q4_1_BYTES) };
                // Prefetching never faults, so the address may be anywhere.
                _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(ahead) as *const i8);
                let dm = unsafe { (p as *const u32).read_unaligned() };
                let dm = _mm_cvtph_ps(_mm_cvtsi32_si128(dm as i32));
                let d = _mm_cvtss_f32(dm);
                let m = _mm_cvtss_f32(_mm_movehdup_ps(dm));
                // SAFETY: the block's 16 nibble bytes start at offset 4.
                let q = unsafe { _mm_loadu_si128(p.add(4) as *const __m128i) };
                let lo = _mm_and_si128(q, mask);
                let hi = _mm_and_si128(_mm_srli_epi16(q, 4), mask);
                let wv = _mm256_set_m128i(hi, lo);
                let prod = _mm256_madd_epi16(_mm256_maddubs_epi16(wv, av), ones);
                acc[r] =
                    _mm256_fmadd_ps(_mm256_set1_ps(d * ab.d), _mm256_cvtepi32_ps(prod), acc[r]);
                summs[r] += m * ab.s;
            }
        }
        [0, 1, 2, 3].map(|r| hsum(acc[r]) + summs[r])
    }

    /// Four Q8_0 rows dotted with `a`.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub fn dot4_q8_0(w: [&[u8]; 4], a: &[BlockQ8], ahead: usize) -> [f32; 4] {
        let ones = _mm256_set1_epi16(1);
        let mut acc = [_mm256_setzero_ps(); 4];
        assert!(w.iter().all(|row| row.len() >= a.len() * Q8_0_BYTES));
        for (b, ab) in a.iter().enumerate() {
            // SAFETY: `qs` has 32 bytes.
            let av = unsafe { _mm256_loadu_si256(ab.qs.as_ptr() as *const __m256i) };
            for r in 0..4 {
                // SAFETY: row r holds at least a.len() blocks (asserted).
                let p = unsafe { w[r].as_ptr().add(b * Q8_0_BYTES) };
                _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(ahead) as *const i8);
                let d = f16::from_bits(unsafe { (p as *const u16).read_unaligned() }).to_f32();
                // SAFETY: the block's 32 quants start at offset 2.
                let wv = unsafe { _mm256_loadu_si256(p.add(2) as *const __m256i) };
                // |w| * (a * sign(w)) keeps maddubs' unsigned operand unsigned.
                let ax = _mm256_sign_epi8(wv, wv);
                let sy = _mm256_sign_epi8(av, wv);
                let prod = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), ones);
                acc[r] =
                    _mm256_fmadd_ps(_mm256_set1_ps(d * ab.d), _mm256_cvtepi32_ps(prod), acc[r]);
            }
        }
        [0, 1, 2, 3].map(|r| hsum(acc[r]))
    }

    /// `out[t] = scale * q . k[t * q.len()..][..q.len()]` for `t` in
    /// `0..out.len()`, the keys stored as f16.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub fn scores(q: &[f32], k: &[f16], scale: f32, out: &mut [f32]) {
        let n = q.len();
        assert!(n.is_multiple_of(8) && out.len() * n <= k.len());
        let kp = k.as_ptr() as *const u16;
        for (t, o) in out.iter_mut().enumerate() {
            let mut acc = _mm256_setzero_ps();
            for c in (0..n).step_by(8) {
                // SAFETY: inside `q` and `k` (asserted above).
                unsafe {
                    let kv = _mm256_cvtph_ps(_mm_loadu_si128(kp.add(t * n + c) as *const __m128i));
                    acc = _mm256_fmadd_ps(_mm256_loadu_ps(q.as_ptr().add(c)), kv, acc);
                }
            }
            *o = hsum(acc) * scale;
        }
    }

    /// `out = sum_t w[t] * v[t * out.len()..][..out.len()]`, the values
    /// stored as f16; 64 outputs at a time stay in registers across all `t`.
    #[target_feature(enable = "avx2,fma,f16c")]
    pub fn weighted_sum(w: &[f32], v: &[f16], out: &mut [f32]) {
        let n = out.len();
        assert!(n.is_multiple_of(8) && w.len() * n <= v.len());
        let vp = v.as_ptr() as *const u16;
        for c0 in (0..n).step_by(64) {
            let lanes = ((n - c0) / 8).min(8);
            let mut acc = [_mm256_setzero_ps(); 8];
            for (t, &wt) in w.iter().enumerate() {
                let wv = _mm256_set1_ps(wt);
                for (l, a) in acc.iter_mut().enumerate().take(lanes) {
                    // SAFETY: inside `v` (asserted above).
                    let x = unsafe {
                        _mm256_cvtph_ps(_mm_loadu_si128(
                            vp.add(t * n + c0 + l * 8) as *const __m128i
                        ))
                    };
                    *a = _mm256_fmadd_ps(wv, x, *a);
                }
            }
            for (l, a) in acc.iter().enumerate().take(lanes) {
                // SAFETY: c0 + l * 8 + 8 <= n.
                unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(c0 + l * 8), *a) };
            }
        }
    }
}

/// Four Q4_1 rows dotted with one activation row, prefetching `ahead`
/// bytes past each row position (0: no prefetch).
#[inline]
pub fn dot4_q4_1(w: [&[u8]; 4], a: &[BlockQ8], ahead: usize, fast: bool) -> [f32; 4] {
    #[cfg(target_arch = "x86_64")]
    if fast {
        // SAFETY: the CPU has AVX2, FMA and F16C (checked at run time).
        return unsafe { avx2::dot4_q4_1(w, a, ahead) };
    }
    let _ = ahead;
    let _ = fast;
    w.map(|row| dot_q4_1_scalar(row, a))
}

/// Four Q8_0 rows dotted with one activation row (see `dot4_q4_1`).
#[inline]
pub fn dot4_q8_0(w: [&[u8]; 4], a: &[BlockQ8], ahead: usize, fast: bool) -> [f32; 4] {
    #[cfg(target_arch = "x86_64")]
    if fast {
        // SAFETY: as above.
        return unsafe { avx2::dot4_q8_0(w, a, ahead) };
    }
    let _ = ahead;
    let _ = fast;
    w.map(|row| dot_q8_0_scalar(row, a))
}

/// `out[t] = scale * q . k[t * q.len()..][..q.len()]`, keys in f16.
pub fn scores(q: &[f32], k: &[f16], scale: f32, out: &mut [f32], fast: bool) {
    #[cfg(target_arch = "x86_64")]
    if fast && q.len().is_multiple_of(8) {
        // SAFETY: as above.
        return unsafe { avx2::scores(q, k, scale, out) };
    }
    for (o, row) in out.iter_mut().zip(k.chunks_exact(q.len())) {
        *o = q.iter().zip(row).map(|(a, b)| a * b.to_f32()).sum::<f32>() * scale;
    }
}

/// `out = sum_t w[t] * v[t * out.len()..][..out.len()]`, values in f16.
pub fn weighted_sum(w: &[f32], v: &[f16], out: &mut [f32], fast: bool) {
    #[cfg(target_arch = "x86_64")]
    if fast && out.len().is_multiple_of(8) {
        // SAFETY: as above.
        return unsafe { avx2::weighted_sum(w, v, out) };
    }
    out.fill(0.0);
    for (&wt, row) in w.iter().zip(v.chunks_exact(out.len())) {
        for (o, x) in out.iter_mut().zip(row) {
            *o += wt * x.to_f32();
        }
    }
}

/// Dequantises one Q4_1 row into `out`.
pub fn dequant_q4_1(w: &[u8], out: &mut [f32]) {
    for (wb, o) in w.chunks_exact(Q4_1_BYTES).zip(out.chunks_exact_mut(QK)) {
        let (d, m) = (f16_at(wb), f16_at(&wb[2..]));
        for j in 0..16 {
            o[j] = (wb[4 + j] & 0x0F) as f32 * d + m;
            o[j + 16] = (wb[4 + j] >> 4) as f32 * d + m;
        }
    }
}

/// Dequantises one Q8_0 row into `out`.
pub fn dequant_q8_0(w: &[u8], out: &mut [f32]) {
    for (wb, o) in w.chunks_exact(Q8_0_BYTES).zip(out.chunks_exact_mut(QK)) {
        let d = f16_at(wb);
        for (x, &q) in o.iter_mut().zip(&wb[2..]) {
            *x = q as i8 as f32 * d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q4_1_rows(rows: usize, k: usize) -> Vec<u8> {
        let mut raw = Vec::new();
        for r in 0..rows {
            for b in 0..k / QK {
                raw.extend_from_slice(&f16::from_f32(0.01 * (b + r + 1) as f32).to_le_bytes());
                raw.extend_from_slice(&f16::from_f32(-0.05).to_le_bytes());
                raw.extend((0..16).map(|j| ((j * 7 + b * 3 + r * 11) % 256) as u8));
            }
        }
        raw
    }

    fn q8_0_rows(rows: usize, k: usize) -> Vec<u8> {
        let mut raw = Vec::new();
        for r in 0..rows {
            for b in 0..k / QK {
                raw.extend_from_slice(&f16::from_f32(0.003 * (b + r + 1) as f32).to_le_bytes());
                raw.extend((0..32).map(|j| ((j * 37 + b * 5 + r * 13) % 256) as u8));
            }
        }
        raw
    }

    fn xs(k: usize) -> Vec<f32> {
        (0..k).map(|i| ((i as f32) * 0.37).sin() * 2.0).collect()
    }

    #[test]
    fn q4_1_kernels_match_the_dequantised_dot() {
        let k = 96;
        let raw = q4_1_rows(4, k);
        let row = k / QK * Q4_1_BYTES;
        let x = xs(k);
        let mut a = Vec::new();
        quantize_row(&x, &mut a);
        let rows = [0, 1, 2, 3].map(|r| &raw[r * row..(r + 1) * row]);
        for (r, w) in rows.iter().enumerate() {
            let mut f = vec![0f32; k];
            dequant_q4_1(w, &mut f);
            let exact: f32 = f.iter().zip(&x).map(|(a, b)| a * b).sum();
            let scalar = dot_q4_1_scalar(w, &a);
            assert!(
                (scalar - exact).abs() < 0.05 * exact.abs().max(1.0),
                "row {r}"
            );
        }
        let scalar = rows.map(|w| dot_q4_1_scalar(w, &a));
        let fast = dot4_q4_1(rows, &a, 0, has_avx2());
        for r in 0..4 {
            assert!((fast[r] - scalar[r]).abs() < 1e-3, "{fast:?} vs {scalar:?}");
        }
    }

    #[test]
    fn q8_0_kernels_match_the_dequantised_dot() {
        let k = 128;
        let raw = q8_0_rows(4, k);
        let row = k / QK * Q8_0_BYTES;
        let x = xs(k);
        let mut a = Vec::new();
        quantize_row(&x, &mut a);
        let rows = [0, 1, 2, 3].map(|r| &raw[r * row..(r + 1) * row]);
        for w in rows {
            let mut f = vec![0f32; k];
            dequant_q8_0(w, &mut f);
            let exact: f32 = f.iter().zip(&x).map(|(a, b)| a * b).sum();
            let scalar = dot_q8_0_scalar(w, &a);
            assert!((scalar - exact).abs() < 0.02 * exact.abs().max(1.0));
        }
        let scalar = rows.map(|w| dot_q8_0_scalar(w, &a));
        let fast = dot4_q8_0(rows, &a, 64, has_avx2());
        for r in 0..4 {
            assert!((fast[r] - scalar[r]).abs() < 1e-3, "{fast:?} vs {scalar:?}");
        }
    }

    #[test]
    fn both_quantisers_agree() {
        let mut xs: Vec<f32> = (0..256).map(|i| ((i as f32) * 0.91).sin() * 3.0).collect();
        xs[40] = 0.0;
        xs[64..96].fill(0.0);
        // Block 4 has scale 1, so these are exact ties.
        xs[128..160].fill(0.25);
        xs[128] = 127.0;
        xs[129] = 2.5;
        xs[130] = 3.5;
        xs[131] = -2.5;
        let mut fast = Vec::new();
        quantize_row(&xs, &mut fast);
        let slow: Vec<BlockQ8> = xs.chunks_exact(QK).map(quantize_block_scalar).collect();
        assert_eq!(fast.len(), slow.len());
        for (a, b) in fast.iter().zip(&slow) {
            assert_eq!(a.qs, b.qs);
            assert_eq!(a.d, b.d);
            assert_eq!(a.s, b.s);
        }
        assert!(slow[2].qs.iter().all(|q| *q == 0) && slow[2].d == 0.0);
        assert_eq!(slow[4].d, 1.0);
        assert_eq!(slow[4].qs[..4], [127, 2, 4, -2], "halves round to even");
    }

    #[test]
    fn attention_helpers_match_plain_loops() {
        for n in [0, 1, 7, 8, 17, 100] {
            for dim in [8, 64, 72, 136] {
                let k: Vec<f16> = (0..n * dim)
                    .map(|i| f16::from_f32((i as f32 * 0.7).sin()))
                    .collect();
                let q: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.3).cos()).collect();
                let plain: Vec<f32> = k
                    .chunks_exact(dim)
                    .map(|row| q.iter().zip(row).map(|(a, b)| a * b.to_f32()).sum::<f32>() * 0.125)
                    .collect();
                let (mut s1, mut s2) = (vec![0.0; n], vec![0.0; n]);
                scores(&q, &k, 0.125, &mut s1, has_avx2());
                scores(&q, &k, 0.125, &mut s2, false);
                for ((a, b), c) in s1.iter().zip(&s2).zip(&plain) {
                    assert!(
                        (a - c).abs() < 1e-4 && (b - c).abs() < 1e-4,
                        "scores n={n} dim={dim}"
                    );
                }
                let w = xs(n);
                let mut want = vec![0f32; dim];
                for (t, wt) in w.iter().enumerate() {
                    for (j, o) in want.iter_mut().enumerate() {
                        *o += wt * k[t * dim + j].to_f32();
                    }
                }
                let (mut o1, mut o2) = (vec![9.0; dim], vec![9.0; dim]);
                weighted_sum(&w, &k, &mut o1, has_avx2());
                weighted_sum(&w, &k, &mut o2, false);
                for ((a, b), c) in o1.iter().zip(&o2).zip(&want) {
                    assert!(
                        (a - c).abs() < 1e-4 && (b - c).abs() < 1e-4,
                        "sum n={n} dim={dim}"
                    );
                }
            }
        }
    }
}

//! Quantised weight matrices (GGUF row layout) and the matrix products of
//! the forward pass: several matrices share one parallel-for, so Q, K and
//! V (or gate and up) cost one dispatch instead of three (or two).

use crate::kernels::{self, BlockQ8, Q4_1_BYTES, Q8_0_BYTES, QK};
use crate::pool::{SharedOut, pool};
use std::sync::Arc;

/// Work items per thread for each matrix: enough to even out the threads,
/// few enough that each item streams a long run of rows (every item starts
/// with cold cache lines; prefetching covers the rest).
fn rows_per_item(rows: usize, threads: usize) -> usize {
    rows.div_ceil(4 * threads).next_multiple_of(4).max(64)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quant {
    Q4_1,
    Q8_0,
}

impl Quant {
    fn block_bytes(self) -> usize {
        match self {
            Quant::Q4_1 => Q4_1_BYTES,
            Quant::Q8_0 => Q8_0_BYTES,
        }
    }
}

/// `rows` rows of `cols` values, each row `cols / 32` blocks.
#[derive(Debug, Clone)]
pub struct Matrix {
    quant: Quant,
    rows: usize,
    cols: usize,
    /// Shared so a tied embedding/output matrix is held once.
    data: Arc<Vec<u8>>,
}

impl Matrix {
    pub fn new(quant: Quant, rows: usize, cols: usize, data: Vec<u8>) -> Result<Matrix, String> {
        let want = rows * (cols / QK) * quant.block_bytes();
        if cols == 0 || rows == 0 || !cols.is_multiple_of(QK) || data.len() != want {
            return Err(format!(
                "{quant:?} matrix {rows}x{cols} needs {want} bytes, has {}",
                data.len()
            ));
        }
        Ok(Matrix {
            quant,
            rows,
            cols,
            data: Arc::new(data),
        })
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    pub fn bytes(&self) -> usize {
        self.data.len()
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.data.as_ptr()
    }

    fn row_bytes(&self) -> usize {
        self.cols / QK * self.quant.block_bytes()
    }

    fn row(&self, j: usize) -> &[u8] {
        let rb = self.row_bytes();
        &self.data[j * rb..(j + 1) * rb]
    }

    /// Row `j` as f32 (an embedding lookup).
    pub fn dequant_row(&self, j: usize, out: &mut [f32]) {
        match self.quant {
            Quant::Q4_1 => kernels::dequant_q4_1(self.row(j), out),
            Quant::Q8_0 => kernels::dequant_q8_0(self.row(j), out),
        }
    }

    /// Rows `j0..j0 + 4` (the last repeated past the end) dotted with `a`.
    fn dot4(&self, j0: usize, a: &[BlockQ8], fast: bool) -> [f32; 4] {
        let rows = [0, 1, 2, 3].map(|r| self.row((j0 + r).min(self.rows - 1)));
        // The same place four rows on: the next call's rows.
        let ahead = 8 * self.row_bytes();
        match self.quant {
            Quant::Q4_1 => kernels::dot4_q4_1(rows, a, ahead, fast),
            Quant::Q8_0 => kernels::dot4_q8_0(rows, a, ahead, fast),
        }
    }
}

/// For every `(w, out)`: `out[i * w.rows + j] = acts_i . w_row_j`, where
/// `acts` holds `m` quantised activation rows of `w.cols / 32` blocks each.
/// All products run in one parallel-for.
pub fn matmuls(products: &mut [(&Matrix, &mut [f32])], acts: &[BlockQ8], m: usize) {
    let fast = kernels::has_avx2();
    let mut starts = Vec::with_capacity(products.len() + 1);
    let mut items = 0;
    let mut outs = Vec::with_capacity(products.len());
    let mut per_item = Vec::with_capacity(products.len());
    let threads = pool().threads();
    for (w, out) in products.iter_mut() {
        let blocks = w.cols / QK;
        assert!(acts.len() >= m * blocks, "activations too short");
        assert!(out.len() >= m * w.rows, "output too short");
        starts.push(items);
        per_item.push(rows_per_item(w.rows, threads));
        items += w.rows.div_ceil(per_item[per_item.len() - 1]);
        outs.push(SharedOut::new(out));
    }
    starts.push(items);
    let ws: Vec<&Matrix> = products.iter().map(|(w, _)| *w).collect();
    pool().run(items, &|item| {
        let p = starts.partition_point(|&s| s <= item) - 1;
        let (w, out) = (ws[p], outs[p]);
        let blocks = w.cols / QK;
        let j_start = (item - starts[p]) * per_item[p];
        let j_end = (j_start + per_item[p]).min(w.rows);
        for j0 in (j_start..j_end).step_by(4) {
            for i in 0..m {
                let v = w.dot4(j0, &acts[i * blocks..(i + 1) * blocks], fast);
                for (r, value) in v.iter().enumerate().take(j_end - j0) {
                    // SAFETY: (i, j0 + r) belongs to this item alone and is
                    // inside `out` (asserted above).
                    unsafe { *out.at(i * w.rows + j0 + r) = *value };
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use half::f16;

    #[test]
    fn fused_products_match_row_by_row_dots() {
        let (k, n1, n2) = (64, 37, 70);
        let block = |seed: usize| {
            let mut b = f16::from_f32(0.02 + seed as f32 * 0.001)
                .to_le_bytes()
                .to_vec();
            b.extend_from_slice(&f16::from_f32(-0.1).to_le_bytes());
            b.extend((0..16).map(|j| ((j * 5 + seed * 3) % 256) as u8));
            b
        };
        let q4: Vec<u8> = (0..n1 * k / QK).flat_map(block).collect();
        let q8: Vec<u8> = (0..n2 * k / QK)
            .flat_map(|s| {
                let mut b = f16::from_f32(0.01).to_le_bytes().to_vec();
                b.extend((0..32).map(|j| ((j * 11 + s * 7) % 256) as u8));
                b
            })
            .collect();
        let a = Matrix::new(Quant::Q4_1, n1, k, q4).unwrap();
        let b = Matrix::new(Quant::Q8_0, n2, k, q8).unwrap();
        let m = 3;
        let mut acts = Vec::new();
        for i in 0..m {
            let xs: Vec<f32> = (0..k).map(|j| ((i * k + j) as f32 * 0.1).cos()).collect();
            let mut row = Vec::new();
            kernels::quantize_row(&xs, &mut row);
            acts.extend(row);
        }
        let (mut oa, mut ob) = (vec![0f32; m * n1], vec![0f32; m * n2]);
        matmuls(&mut [(&a, &mut oa), (&b, &mut ob)], &acts, m);
        let blocks = k / QK;
        for i in 0..m {
            let act = &acts[i * blocks..(i + 1) * blocks];
            for j in 0..n1 {
                let want = kernels::dot_q4_1_scalar(a.row(j), act);
                assert!((oa[i * n1 + j] - want).abs() < 1e-3, "a[{i},{j}]");
            }
            for j in 0..n2 {
                let want = kernels::dot_q8_0_scalar(b.row(j), act);
                assert!((ob[i * n2 + j] - want).abs() < 1e-3, "b[{i},{j}]");
            }
        }
        assert!(Matrix::new(Quant::Q8_0, 2, 32, vec![0; 10]).is_err());
    }
}

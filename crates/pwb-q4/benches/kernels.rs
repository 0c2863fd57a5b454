//! Single-thread throughput of the weight kernels on SmolLM2-sized
//! matrices (GB/s of weights read): `cargo bench -p pwb-q4`.

use pwb_q4::kernels::{self, BlockQ8, QK};
use pwb_q4::matrix::{Matrix, Quant, matmuls};
use std::time::Instant;

fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn matrix(quant: Quant, rows: usize, cols: usize) -> Matrix {
    let block = match quant {
        Quant::Q4_1 => 20,
        Quant::Q8_0 => 34,
    };
    let mut data = random_bytes(rows * cols / QK * block, 7);
    // Sane f16 scales (0.01) so nothing is NaN.
    for b in data.chunks_exact_mut(block) {
        b[..2].copy_from_slice(&half::f16::from_f32(0.01).to_le_bytes());
        if quant == Quant::Q4_1 {
            b[2..4].copy_from_slice(&half::f16::from_f32(-0.05).to_le_bytes());
        }
    }
    Matrix::new(quant, rows, cols, data).unwrap()
}

fn main() {
    // The ceiling: summing 64 MB of bytes as u64 (as fast as memory goes).
    let big = random_bytes(64 << 20, 3);
    let t = Instant::now();
    let mut sum = 0u64;
    for _ in 0..5 {
        sum = sum.wrapping_add(
            big.chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                .fold(0u64, |a, b| a.wrapping_add(b)),
        );
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "read 64 MB: {:.2} GB/s ({sum:x})",
        5.0 * big.len() as f64 / s / 1e9
    );
    // 120 ffn-up-sized Q4_1 matrices (64 MB): read from memory, as in a token.
    let ws: Vec<Matrix> = (0..120).map(|_| matrix(Quant::Q4_1, 1536, 576)).collect();
    let xs: Vec<f32> = (0..576).map(|i| (i as f32 * 0.1).sin()).collect();
    let mut acts: Vec<BlockQ8> = Vec::new();
    kernels::quantize_row(&xs, &mut acts);
    let mut out = vec![0f32; 1536];
    let t = Instant::now();
    for _ in 0..10 {
        for w in &ws {
            matmuls(&mut [(w, &mut out)], &acts, 1);
        }
    }
    let s = t.elapsed().as_secs_f64();
    let bytes: usize = ws.iter().map(Matrix::bytes).sum();
    println!(
        "Q4_1 120 x 1536x576 ({} MB, from memory): {:.2} GB/s",
        bytes >> 20,
        10.0 * bytes as f64 / s / 1e9
    );
    let cases = [
        ("Q4_1 576x1536 (ffn up)", Quant::Q4_1, 1536, 576),
        ("Q4_1 1536x576 (ffn down)", Quant::Q4_1, 576, 1536),
        ("Q8_0 49152x576 (output)", Quant::Q8_0, 49152, 576),
    ];
    for (name, quant, rows, cols) in cases {
        let w = matrix(quant, rows, cols);
        let xs: Vec<f32> = (0..cols).map(|i| (i as f32 * 0.1).sin()).collect();
        let mut acts: Vec<BlockQ8> = Vec::new();
        kernels::quantize_row(&xs, &mut acts);
        let mut out = vec![0f32; rows];
        let iters = (2_000_000_000 / w.bytes()).max(3);
        let t = Instant::now();
        for _ in 0..iters {
            matmuls(&mut [(&w, &mut out)], &acts, 1);
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.1} us per product, {:.2} GB/s",
            s / iters as f64 * 1e6,
            w.bytes() as f64 * iters as f64 / s / 1e9
        );
    }
}

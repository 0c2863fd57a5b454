//! Writes o200k_base's tokens in rank order (each as one length byte, then
//! its bytes) into OUT_DIR for `prompt::o200k`, from tiktoken-rs's copy of
//! OpenAI's table, so no generated table is kept in git.

use std::path::PathBuf;

/// o200k_base's ordinary tokens (ranks 0..199_998).
const RANKS: u32 = 199_998;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let bpe = tiktoken_rs::o200k_base().expect("tiktoken-rs's o200k_base loads");
    let mut out = Vec::with_capacity(1 << 21);
    for (rank, bytes) in bpe
        ._decode_native_and_split((0..RANKS).collect())
        .enumerate()
    {
        let len = u8::try_from(bytes.len()).expect("o200k tokens are under 256 bytes");
        assert!(len > 0, "o200k token {rank} is empty");
        out.push(len);
        out.extend_from_slice(&bytes);
    }
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("o200k_base.bin"), out).expect("OUT_DIR is writable");
}

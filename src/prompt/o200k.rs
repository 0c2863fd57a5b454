//! o200k_base (GPT-4o's tokenizer) in a compact form for counting tokens:
//! the 199,998 tokens are one embedded byte string in rank order, indexed
//! by an open-addressing table of ranks (~3 MB in all, where tiktoken-rs
//! keeps ~50 MB of hash maps); pieces are split and merged as tiktoken does.

use fancy_regex::Regex;

/// The tokens in rank order, each as one length byte then its bytes
/// (written by build.rs from tiktoken-rs's o200k_base).
static TOKENS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/o200k_base.bin"));

/// tiktoken's o200k_base split pattern.
const PATTERN: &str = concat!(
    r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
    r"|\p{N}{1,3}",
    r"| ?[^\s\p{L}\p{N}]+[\r\n/]*",
    r"|\s*[\r\n]+",
    r"|\s+(?!\S)",
    r"|\s+",
);

const EMPTY: u32 = u32::MAX;
pub type Rank = u32;

/// The encoder: token bytes -> rank, and the split pattern.
pub struct O200k {
    /// `starts[r]..starts[r + 1]` are token `r`'s bytes in `TOKENS`.
    starts: Vec<u32>,
    /// Open addressing (linear probing) over ranks; `EMPTY` is free.
    slots: Vec<Rank>,
    regex: Regex,
}

/// FNV-1a: short keys, no allocation, good enough spread for the table.
fn hash(bytes: &[u8]) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 29)) as usize
}

impl O200k {
    /// Indexes the embedded tokens (a few ms); `Err` only if the pattern
    /// does not compile (a bug).
    pub fn load() -> Result<O200k, String> {
        let mut starts = Vec::with_capacity(200_000);
        let mut at = 0usize;
        while at < TOKENS.len() {
            let len = usize::from(TOKENS[at]);
            starts.push((at + 1) as u32);
            at += 1 + len;
        }
        starts.push((at + 1) as u32);
        let n = starts.len() - 1;
        let mask = (n * 2).next_power_of_two() - 1;
        let mut me = O200k {
            starts,
            slots: vec![EMPTY; mask + 1],
            regex: Regex::new(PATTERN).map_err(|e| e.to_string())?,
        };
        for rank in 0..n as Rank {
            let mut i = hash(me.token(rank)) & mask;
            while me.slots[i] != EMPTY {
                i = (i + 1) & mask;
            }
            me.slots[i] = rank;
        }
        Ok(me)
    }

    fn token(&self, rank: Rank) -> &'static [u8] {
        let r = rank as usize;
        // The last token ends where the next length byte would be.
        &TOKENS[self.starts[r] as usize..self.starts[r + 1] as usize - 1]
    }

    fn rank(&self, bytes: &[u8]) -> Option<Rank> {
        let mask = self.slots.len() - 1;
        let mut i = hash(bytes) & mask;
        loop {
            match self.slots[i] {
                EMPTY => return None,
                r if self.token(r) == bytes => return Some(r),
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// The number of tokens `text` encodes to (no special tokens), as
    /// tiktoken's `encode_ordinary(text).len()`.
    pub fn count(&self, text: &str) -> usize {
        self.encode(text).len()
    }

    /// The number of bytes `ranks` decode to.
    pub fn decoded_len(&self, ranks: &[Rank]) -> usize {
        ranks.iter().map(|&r| self.token(r).len()).sum()
    }

    /// The ranks of `text` (no special tokens), as tiktoken's
    /// `encode_ordinary`.
    pub fn encode(&self, text: &str) -> Vec<Rank> {
        let mut out = Vec::new();
        for piece in self.regex.find_iter(text).flatten() {
            let piece = piece.as_str().as_bytes();
            match self.rank(piece) {
                Some(r) => out.push(r),
                None => self.merge(piece, &mut out),
            }
        }
        out
    }

    /// tiktoken's byte-pair merge of one piece: repeatedly join the
    /// adjacent pair whose bytes have the lowest rank.
    fn merge(&self, piece: &[u8], out: &mut Vec<Rank>) {
        let rank_of = |a: usize, b: usize| self.rank(&piece[a..b]).unwrap_or(Rank::MAX);
        // (start, rank of the pair starting here)
        let mut parts: Vec<(usize, Rank)> = (0..piece.len().saturating_sub(1))
            .map(|i| (i, rank_of(i, i + 2)))
            .collect();
        parts.push((piece.len().saturating_sub(1), Rank::MAX));
        parts.push((piece.len(), Rank::MAX));
        let pair_rank = |parts: &[(usize, Rank)], i: usize| {
            if i + 3 < parts.len() {
                rank_of(parts[i].0, parts[i + 3].0)
            } else {
                Rank::MAX
            }
        };
        // The first pair of the lowest rank merges, until none is a token.
        while let Some((i, _)) = parts[..parts.len() - 1]
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, r))| *r)
            .filter(|(_, (_, r))| *r != Rank::MAX)
        {
            parts[i].1 = pair_rank(&parts, i);
            if i > 0 {
                parts[i - 1].1 = pair_rank(&parts, i - 1);
            }
            parts.remove(i + 1);
        }
        for w in parts.windows(2) {
            // Every single byte is a token, so a part always has a rank.
            out.push(self.rank(&piece[w[0].0..w[1].0]).unwrap_or(Rank::MAX));
        }
    }
}

#[cfg(test)]
#[path = "o200k_tests.rs"]
mod tests;

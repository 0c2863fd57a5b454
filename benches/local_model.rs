//! The in-process SmolLM2-135M: load time, time to first token, prompt
//! processing and generation speed (a 256-token answer), peak memory.
//! Run with `cargo bench --bench local_model` after `pwb setup`.

use pwb::provider::GenParams;
use pwb::provider::local::generate::{self, Progress};
use pwb::provider::local::{model, weights};
use pwb::types::Message;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let path = weights::smollm2_path();
    if !path.is_file() {
        eprintln!(
            "local_model bench: weights not found at {} (run `pwb setup`)",
            path.display()
        );
        return;
    }
    let t = Instant::now();
    let m = model::load(&path).expect("load");
    let load = t.elapsed();
    println!("load (read GGUF + build model): {:>8.1} ms", ms(load));
    // What the model answers, to see at a glance that speed did not cost sense.
    let cancel0 = AtomicBool::new(false);
    let probe = [Message::text(
        "user",
        "What is the capital of France? Answer in one word.",
    )];
    let params = GenParams {
        temperature: Some(0.0),
        max_tokens: Some(20),
        ..Default::default()
    };
    let o = generate::generate(&m, &probe, &params, &cancel0, &mut |_| true).expect("probe");
    println!("answer: {:?} ({} prompt tokens)", o.text, o.prompt_tokens);

    let cancel = AtomicBool::new(false);
    let greedy = |max: u32| GenParams {
        temperature: Some(0.0),
        max_tokens: Some(max),
        seed: Some(1),
        ..Default::default()
    };
    // `PWB_BENCH_ONLY=gen` measures generation alone (for profiling it).
    let only_gen = std::env::var_os("PWB_BENCH_ONLY").is_some_and(|v| v == "gen");
    if !only_gen {
        latency(&m, &greedy, &cancel);
    }
    generation(&m, &greedy, &cancel);
    println!("engine: {}", m.weights.describe());
    match peak_memory_mib() {
        Some(mib) => println!("peak memory (VmHWM): {mib:>8.1} MiB"),
        None => println!("peak memory: /proc/self/status unavailable"),
    }
}

/// Time to first token and prompt processing speed.
fn latency(m: &model::LoadedModel, greedy: &dyn Fn(u32) -> GenParams, cancel: &AtomicBool) {
    // Warm-up, then time to first token on the 42-token question.
    let q = [Message::text(
        "user",
        "What is the capital of France? Answer in one word.",
    )];
    generate::generate(m, &q, &greedy(2), cancel, &mut |_| true).expect("warm-up");
    let mut ttfts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let mut first = None;
        generate::generate(m, &q, &greedy(1), cancel, &mut |p| {
            if matches!(p, Progress::Text(_)) && first.is_none() {
                first = Some(t.elapsed());
            }
            true
        })
        .expect("ttft");
        ttfts.push(first.unwrap_or_else(|| t.elapsed()));
    }
    ttfts.sort();
    println!(
        "time to first token (42-token prompt, model loaded): {:>6.1} ms (median of 5)",
        ms(ttfts[2])
    );

    // Prompt processing on a longer prompt.
    let long = "The history of the printing press begins with movable type. ".repeat(40);
    let pp = [Message::text("user", long.as_str())];
    let mut best = 0.0f64;
    let mut pp_tokens = 0;
    for _ in 0..3 {
        let o = generate::generate(m, &pp, &greedy(1), cancel, &mut |_| true).expect("pp");
        pp_tokens = o.prompt_tokens;
        best = best.max(o.prompt_tokens as f64 / o.prompt_time.as_secs_f64());
    }
    println!("prompt processing ({pp_tokens} tokens): {best:>8.1} tokens/s");
}

/// Generation speed over a 256-token answer (best of 3).
fn generation(m: &model::LoadedModel, greedy: &dyn Fn(u32) -> GenParams, cancel: &AtomicBool) {
    let story = [Message::text(
        "user",
        "Write a long, detailed story about a dragon who learns to cook. \
         Make it at least 1000 words.",
    )];
    let mut best = 0.0f64;
    let mut produced = 0;
    for _ in 0..3 {
        let o = generate::generate(m, &story, &greedy(256), cancel, &mut |_| true).expect("gen");
        produced = o.completion_tokens;
        // The first token comes with the prompt pass; the rest are decode steps.
        let rate = (o.completion_tokens.saturating_sub(1)) as f64 / o.generation_time.as_secs_f64();
        best = best.max(rate);
    }
    println!("generation ({produced}-token answer): {best:>8.1} tokens/s");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

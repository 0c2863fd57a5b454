//! The real SmolLM2-135M GGUF run in-process: tokenizer, greedy answers,
//! cancellation through the runner, broken files. Needs `pwb setup` (done
//! by scripts/setup-tests.sh); skips with a message without it, fails in CI.

use pwb::provider::local::engine::Engine;
use pwb::provider::local::generate::{self, Progress};
use pwb::provider::local::{LocalProvider, model, weights};
use pwb::provider::{ChatRequest, FinishReason, GenParams, Provider};
use pwb::run::{Cell, RunEvent, Runner};
use pwb::types::Message;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// The weights, or `None` (with a printed reason) outside CI.
fn weights_or_skip(test: &str) -> Option<PathBuf> {
    let path = weights::smollm2_path();
    if path.is_file() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but the local model's weights are missing at {}: \
             scripts/setup-tests.sh runs `pwb setup` to fetch them",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: local model weights not found at {} (run `cargo run -- setup`)",
        path.display()
    );
    None
}

const QUESTION: &str = "What is the capital of France? Answer in one word.";

fn greedy(max_tokens: u32) -> GenParams {
    GenParams {
        temperature: Some(0.0),
        max_tokens: Some(max_tokens),
        seed: Some(42),
        ..Default::default()
    }
}

fn answer(path: &Path, messages: &[Message], params: &GenParams) -> generate::Outcome {
    let m = model::shared(path).expect("model loads");
    let cancel = AtomicBool::new(false);
    generate::generate(&m, messages, params, &cancel, &mut |_| true).expect("answer")
}

#[test]
fn capital_of_france_greedy_says_paris_with_exact_prompt_count() {
    let Some(path) = weights_or_skip("capital_of_france") else {
        return;
    };
    let msgs = [Message::text("user", QUESTION)];
    let out = answer(&path, &msgs, &greedy(32));
    assert!(out.text.contains("Paris"), "answer: {:?}", out.text);
    assert_eq!(out.prompt_tokens, 42);
    let m = model::shared(&path).unwrap();
    assert_eq!(generate::prompt_ids(&m, &msgs).unwrap().len(), 42);
    assert_eq!(out.finish, FinishReason::Stop);
    assert!(out.completion_tokens > 0 && out.completion_tokens < 32);
}

#[test]
fn same_seed_and_zero_temperature_give_the_same_text_twice() {
    let Some(path) = weights_or_skip("greedy_determinism") else {
        return;
    };
    let msgs = [
        Message::text("system", "You write short poems."),
        Message::text("user", "A poem about the sea."),
    ];
    let a = answer(&path, &msgs, &greedy(40));
    let b = answer(&path, &msgs, &greedy(40));
    assert_eq!(a.text, b.text);
    assert_eq!(a.completion_tokens, 40);
    assert_eq!(a.finish, FinishReason::Length);
    // Sampling with a fixed seed is reproducible too.
    let sampled = GenParams {
        temperature: Some(0.9),
        top_p: Some(0.95),
        top_k: Some(40),
        ..greedy(24)
    };
    assert_eq!(
        answer(&path, &msgs, &sampled).text,
        answer(&path, &msgs, &sampled).text
    );
}

#[test]
fn stop_sequences_end_the_answer_before_they_appear() {
    let Some(path) = weights_or_skip("stop_sequences") else {
        return;
    };
    let msgs = [Message::text("user", QUESTION)];
    let full = answer(&path, &msgs, &greedy(32)).text;
    let params = GenParams {
        stop: vec!["Paris".into()],
        ..greedy(32)
    };
    let out = answer(&path, &msgs, &params);
    assert_eq!(out.finish, FinishReason::Stop);
    assert!(!out.text.contains("Paris"));
    assert!(full.starts_with(&out.text), "{full:?} / {:?}", out.text);
}

#[test]
fn cancel_through_the_runner_returns_within_a_token() {
    let Some(path) = weights_or_skip("cancel") else {
        return;
    };
    model::shared(&path).expect("model loads");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let runner = Runner::new(rt.handle().clone(), pwb::run::RunnerConfig::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let provider: Arc<dyn Provider> = Arc::new(LocalProvider::new(&path));
    let request = ChatRequest {
        model: "smollm2-135m".into(),
        messages: vec![Message::text("user", "Write a long story about a dragon.")],
        params: greedy(2000),
        json_schema: None,
        ..Default::default()
    };
    runner.start(
        vec![Cell {
            provider,
            request,
            cache: None,
        }],
        tx,
    );
    rt.block_on(async {
        let mut texts = 0;
        while texts < 5 {
            match rx.recv().await.expect("events") {
                RunEvent::Text { .. } => texts += 1,
                ev if ev.is_terminal() => panic!("ended early: {ev:?}"),
                _ => {}
            }
        }
        let asked = Instant::now();
        assert!(runner.cancel());
        loop {
            match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
                Ok(Some(RunEvent::Cancelled { .. })) => break,
                Ok(Some(ev)) if ev.is_terminal() => panic!("not cancelled: {ev:?}"),
                Ok(Some(_)) => {}
                other => panic!("no Cancelled event: {other:?}"),
            }
        }
        // The runner reports at once; the worker stops before its next
        // token (see the next test). Generous bound for busy CI machines.
        assert!(asked.elapsed() < Duration::from_secs(1));
    });
}

#[test]
fn provider_streams_text_and_reports_usage_and_finish() {
    let Some(path) = weights_or_skip("provider_stream") else {
        return;
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let provider = LocalProvider::new(&path);
    let request = ChatRequest {
        model: "smollm2-135m".into(),
        messages: vec![Message::text("user", QUESTION)],
        params: greedy(32),
        json_schema: None,
        ..Default::default()
    };
    let mut streamed = String::new();
    let mut sink = |ev| {
        if let pwb::provider::StreamEvent::Text(t) = ev {
            streamed.push_str(&t);
        }
    };
    let done = rt.block_on(provider.stream(&request, &mut sink)).unwrap();
    assert_eq!(done.text, streamed);
    assert_eq!(done.usage.input_tokens, Some(42));
    assert!(done.usage.output_tokens.is_some_and(|n| n > 0));
    assert_eq!(done.finish_reason, Some(FinishReason::Stop));
    assert!(done.time_to_first_token.is_some());
}

/// Before any text the provider says what it is busy with: loading the
/// model (first use of this file) and reading the prompt.
#[test]
fn provider_reports_loading_and_prompt_reading_before_text() {
    let Some(path) = weights_or_skip("provider_status") else {
        return;
    };
    // A copy under a new path is not loaded yet in this process.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.gguf");
    std::fs::copy(&path, &copy).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let provider = LocalProvider::new(&copy);
    let request = ChatRequest {
        model: "copy".into(),
        messages: vec![Message::text("user", QUESTION)],
        params: greedy(3),
        json_schema: None,
        ..Default::default()
    };
    let mut events = Vec::new();
    let mut sink = |ev| match ev {
        pwb::provider::StreamEvent::Status(s) => events.push(format!("status: {s}")),
        pwb::provider::StreamEvent::Text(_) => events.push("text".into()),
        _ => {}
    };
    rt.block_on(provider.stream(&request, &mut sink)).unwrap();
    let mb = std::fs::metadata(&copy).unwrap().len().div_ceil(1 << 20);
    assert_eq!(
        events[..3],
        [
            format!("status: loading model ({mb} MB)…"),
            "status: reading 42 prompt tokens…".to_string(),
            "text".to_string()
        ],
        "{events:?}"
    );
}

#[test]
fn progress_reports_the_prompt_count_before_text() {
    let Some(path) = weights_or_skip("progress") else {
        return;
    };
    let m = model::shared(&path).unwrap();
    let mut first = None;
    let cancel = AtomicBool::new(false);
    generate::generate(
        &m,
        &[Message::text("user", QUESTION)],
        &greedy(4),
        &cancel,
        &mut |p| {
            if first.is_none() {
                first = Some(matches!(p, Progress::PromptTokens(42)));
            }
            true
        },
    )
    .unwrap();
    assert_eq!(first, Some(true));
}

#[test]
fn corrupt_truncated_or_missing_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.gguf");
    std::fs::write(&junk, b"this is not a model at all").unwrap();
    let err = model::load(&junk).err().expect("junk fails").to_string();
    assert!(
        err.contains("junk.gguf is not a usable GGUF model"),
        "{err}"
    );

    let missing = dir.path().join("missing.gguf");
    let err = model::load(&missing)
        .err()
        .expect("missing fails")
        .to_string();
    assert_eq!(
        err,
        format!(
            "model weights not found at {}: run `pwb setup`",
            missing.display()
        )
    );

    let Some(path) = weights_or_skip("truncated_gguf") else {
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    for keep in [16, 4096, bytes.len() / 2, bytes.len() - 1] {
        let cut = dir.path().join(format!("cut-{keep}.gguf"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let err = model::load(&cut)
            .err()
            .expect("truncated fails")
            .to_string();
        assert!(err.contains("is not a usable GGUF model"), "{keep}: {err}");
    }
    // Flipped bytes in the header.
    let mut bad = bytes.clone();
    bad[8..24].fill(0xFF);
    let flipped = dir.path().join("flipped.gguf");
    std::fs::write(&flipped, &bad).unwrap();
    assert!(model::load(&flipped).is_err());
}

#[test]
fn a_local_cell_without_weights_says_to_run_setup() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("prompts")).unwrap();
    std::fs::write(dir.path().join("prompts/q.prompt"), "Hello").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["run", "prompts/q.prompt", "-m", "local:smollm2-135m"])
        .current_dir(dir.path())
        .env("PWB_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("run pwb");
    let err = String::from_utf8_lossy(&out.stderr);
    let want = format!(
        "model weights not found at {}: run `pwb setup`",
        dir.path()
            .join("data/models/SmolLM2-135M-Instruct.Q4_1.gguf")
            .display()
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains(&want), "{err}");
}

#[test]
fn the_worker_stops_before_the_next_token_once_cancelled() {
    let Some(path) = weights_or_skip("cancel_flag") else {
        return;
    };
    let m = model::shared(&path).unwrap();
    let cancel = AtomicBool::new(false);
    let mut texts = 0;
    let result = generate::generate(
        &m,
        &[Message::text("user", "Write a long story about a dragon.")],
        &greedy(500),
        &cancel,
        &mut |p| {
            if let Progress::Text(_) = p {
                texts += 1;
                assert!(texts <= 3, "text after cancel");
                if texts == 3 {
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            true
        },
    );
    let err = result.expect_err("cancelled").to_string();
    assert!(err.contains("cancelled"), "{err}");
    assert_eq!(texts, 3);
    // A dropped listener stops it the same way.
    let mut heard = 0;
    let result = generate::generate(
        &m,
        &[Message::text("user", "Write a long story about a dragon.")],
        &greedy(500),
        &AtomicBool::new(false),
        &mut |p| {
            if let Progress::Text(_) = p {
                heard += 1;
                return heard < 2;
            }
            true
        },
    );
    assert!(result.is_err());
    assert_eq!(heard, 2);
}

/// Our decoder and the candle port compute the same logits, within the
/// noise of 8-bit activations (candle's own logits move as much between a
/// one-pass prompt and a token-by-token one), and pick the same greedy
/// tokens; our decoder gives bit-identical logits either way.
#[test]
fn the_decoder_agrees_with_candles_quantized_llama() {
    let Some(path) = weights_or_skip("decoder_agrees_with_candle") else {
        return;
    };
    let ours = model::load_on(&path, true).expect("our decoder loads");
    let theirs = model::load_on(&path, false).expect("candle loads");
    assert!(
        matches!(ours.weights, Engine::Fast(_)),
        "{}",
        ours.weights.describe()
    );
    assert!(matches!(theirs.weights, Engine::Candle(_)));
    let ids = generate::prompt_ids(&ours, &[Message::text("user", QUESTION)]).unwrap();
    let (mut a, mut b) = (ours.weights.start(), theirs.weights.start());
    let (mut la, mut lb) = (a.feed(&ids).unwrap(), b.feed(&ids).unwrap());
    let mut one_by_one = ours.weights.start();
    let mut lc = Vec::new();
    for id in &ids {
        lc = one_by_one.feed(&[*id]).unwrap();
    }
    assert!(la == lc, "one pass and token by token differ");
    let argmax = |l: &[f32]| {
        l.iter()
            .enumerate()
            .max_by(|x, y| x.1.total_cmp(y.1))
            .map(|(i, _)| i as u32)
            .unwrap()
    };
    for step in 0..12 {
        assert_eq!(la.len(), 49152);
        assert_eq!(la.len(), lb.len());
        let worst = la
            .iter()
            .zip(&lb)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(worst < 2.5, "step {step}: logits differ by up to {worst}");
        let (pa, pb) = (softmax(&la), softmax(&lb));
        let pdiff = pa
            .iter()
            .zip(&pb)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(
            pdiff < 0.2,
            "step {step}: probabilities differ by up to {pdiff}"
        );
        let next = argmax(&lb);
        assert_eq!(argmax(&la), next, "step {step}: greedy tokens differ");
        la = a.feed(&[next]).unwrap();
        lb = b.feed(&[next]).unwrap();
    }
}

fn softmax(l: &[f32]) -> Vec<f32> {
    let max = l.iter().fold(f32::NEG_INFINITY, |m, v| m.max(*v));
    let e: Vec<f32> = l.iter().map(|v| (v - max).exp()).collect();
    let sum: f32 = e.iter().sum();
    e.iter().map(|v| v / sum).collect()
}

/// On a CPU without AVX2 the scalar kernels run the same model: forced with
/// PWB_LOCAL_SCALAR=1, the real binary still answers Paris.
#[test]
fn the_scalar_kernels_answer_too() {
    let Some(path) = weights_or_skip("scalar_kernels") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("prompts")).unwrap();
    std::fs::write(
        dir.path().join("pwb.toml"),
        format!(
            "[[models]]\nid = \"local:{}\"\nselected = true\ntemperature = 0.0\n",
            path.display()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("prompts/q.prompt"),
        format!("---\nconfig:\n  maxOutputTokens: 12\n---\n{QUESTION}"),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(["run", "prompts/q.prompt"])
        .current_dir(dir.path())
        .env("PWB_LOCAL_SCALAR", "1")
        .env("PWB_DATA_DIR", dir.path().join(".data"))
        .output()
        .expect("run pwb");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("Paris"),
        "stdout: {stdout}\nstderr: {stderr}"
    );
}

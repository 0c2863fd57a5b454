//! Running the real `pwb` binary in a workspace folder, with a canary
//! OpenAI key in its environment that no output, and no byte of the
//! history database, may ever show.

use std::path::Path;
use std::process::Command;

/// The canary key every run gets as OPENAI_API_KEY.
pub const CANARY_KEY: &str = "sk-canary-7f3a9c";

/// Runs `pwb ARGS` in `dir` (data folder `dir/.data`); returns the exit
/// code, stdout and stderr, after checking neither shows the key.
pub fn pwb(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pwb"))
        .args(args)
        .current_dir(dir)
        .env("OPENAI_API_KEY", CANARY_KEY)
        .env("PWB_DATA_DIR", dir.join(".data"))
        .output()
        .expect("run pwb");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(!stdout.contains(CANARY_KEY) && !stderr.contains(CANARY_KEY));
    assert_no_key_in_history(&dir.join(".data"));
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// The history database (with its write-ahead log) in data folder `data`
/// holds no byte of the canary key; returns how many of its files exist.
pub fn assert_no_key_in_history(data: &Path) -> usize {
    let mut found = 0;
    for suffix in ["", "-wal", "-journal"] {
        let path = data.join(format!("history.sqlite{suffix}"));
        if let Ok(bytes) = std::fs::read(&path) {
            found += 1;
            let hit = bytes
                .windows(CANARY_KEY.len())
                .any(|w| w == CANARY_KEY.as_bytes());
            assert!(!hit, "the key was written to {}", path.display());
        }
    }
    found
}

//! Running the real `pwb` binary in a workspace folder, with a canary
//! OpenAI key in its environment that no output may ever show.

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
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

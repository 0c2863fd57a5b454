//! Start-up time on `sample-workspace/`: (1) in-process, loading the
//! workspace and drawing the first frame to a TestBackend; (2) the real
//! release binary in tmux, from exec to its first frame on a terminal
//! (`PWB_TRACE_STARTUP` makes pwb write that figure), and its resident
//! memory once idle; (3) loading the o200k tokenizer and counting with it.
//! Prints; asserts nothing.

use pwb::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-workspace");
    let mut samples = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let mut app = pwb::tui::startup::build_app(&root, "dark").expect("app builds");
        let mut term = Terminal::new(TestBackend::new(120, 36)).expect("backend");
        term.draw(|f| view::draw(f, &mut app)).expect("draw");
        samples.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    println!(
        "in-process load + first frame: median {:.1} ms, min {:.1} ms",
        samples[samples.len() / 2],
        samples[0]
    );
    catalog_load();
    tokenizer(&root);
    real_binary(&root);
    idle_memory(&root);
}

/// The o200k table's load (done once, on a background thread in the
/// TUI) and the count of the sample's biggest prompt.
fn tokenizer(root: &Path) {
    use pwb::prompt::o200k::O200k;
    let mut ms: Vec<f64> = (0..10)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(O200k::load().expect("o200k loads"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ms.sort_by(|a, b| a.total_cmp(b));
    let text = std::fs::read_to_string(root.join("prompts/triage.prompt")).unwrap_or_default();
    let bpe = O200k::load().expect("o200k loads");
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..100 {
        n = std::hint::black_box(bpe.count(&text));
    }
    let per = t.elapsed().as_secs_f64() * 1000.0 / 100.0;
    println!(
        "o200k: load median {:.1} ms; triage.prompt ({} bytes, {n} tokens) counted in {per:.3} ms",
        ms[ms.len() / 2],
        text.len()
    );
}

/// The release binary's resident memory (VmRSS) on sample-workspace,
/// idle 3 s after start (the tokenizer loaded by then). Linux only.
fn idle_memory(root: &Path) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pwb");
    if !bin.exists() || Command::new("tmux").arg("-V").output().is_err() {
        println!("idle memory: skipped (needs tmux and `cargo build --release`)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("pwb-rss-{}", std::process::id()));
    let session = format!("pwb-rss-{}", std::process::id());
    let cmd = format!(
        "PWB_DATA_DIR={d} PWB_CONFIG_DIR={d} exec {b} {r}",
        d = dir.display(),
        b = bin.display(),
        r = root.display()
    );
    tmux_start(&session, &cmd);
    std::thread::sleep(Duration::from_secs(3));
    let pid = Command::new("tmux")
        .args(["list-panes", "-t", &session, "-F", "#{pane_pid}"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| "?".into())
    };
    println!(
        "release binary, idle on sample-workspace: VmRSS {} (anonymous {}, file {})",
        field("VmRSS:"),
        field("RssAnon:"),
        field("RssFile:")
    );
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The part of start-up that reads the price tables: the compiled-in one
/// alone, and with a refreshed table in the data folder to read and check.
fn catalog_load() {
    use pwb::usage::catalog::{Catalog, PriceTable, refresh};
    let dir = std::env::temp_dir().join(format!("pwb-catalog-bench-{}", std::process::id()));
    let path = refresh::table_path(&dir);
    let _ = std::fs::create_dir_all(path.parent().expect("a parent"));
    let _ = std::fs::write(&path, PriceTable::builtin().to_json());
    let pricing = toml::Table::new();
    let median = |f: &dyn Fn() -> Catalog| {
        let mut ms: Vec<f64> = (0..50)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(f());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        ms[ms.len() / 2]
    };
    let builtin = median(&|| Catalog::builtin());
    let refreshed = median(&|| Catalog::load(&dir, &pricing));
    println!(
        "price catalog: built-in {builtin:.2} ms, with a refreshed table {refreshed:.2} ms (median of 50)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the bench profile's binary in tmux a few times and reads the time
/// to first frame it reports. Skipped (with a note) without tmux.
fn real_binary(root: &Path) {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/pwb");
    if !bin.exists() || Command::new("tmux").arg("-V").output().is_err() {
        println!("binary start-up: skipped (needs tmux and `cargo build --release`)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("pwb-startup-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let mut figures = Vec::new();
    for i in 0..5 {
        let out = dir.join(format!("first-frame-{i}"));
        let session = format!("pwb-bench-{}-{i}", std::process::id());
        let cmd = format!(
            "PWB_DATA_DIR={d} PWB_CONFIG_DIR={d} PWB_TRACE_STARTUP={o} {b} {r}",
            d = dir.display(),
            o = out.display(),
            b = bin.display(),
            r = root.display()
        );
        tmux_start(&session, &cmd);
        let t = Instant::now();
        while !out.exists() && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(20));
        if let Ok(s) = std::fs::read_to_string(&out)
            && let Ok(ms) = s.trim().parse::<f64>()
        {
            figures.push(ms);
        }
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &session])
            .status();
    }
    figures.sort_by(|a, b| a.total_cmp(b));
    if figures.is_empty() {
        println!("binary start-up: no figure (pwb did not draw)");
    } else {
        println!(
            "release binary, exec to first frame in tmux: median {:.1} ms, min {:.1} ms ({} runs)",
            figures[figures.len() / 2],
            figures[0],
            figures.len()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `cmd` in a detached 120×36 tmux session named `session`.
fn tmux_start(session: &str, cmd: &str) {
    let _ = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "36",
            cmd,
        ])
        .status();
}

//! Start-up time on `sample-workspace/`: (1) in-process, loading the
//! workspace and drawing the first frame to a TestBackend; (2) the real
//! release binary in tmux, from exec to its first frame on a terminal
//! (`PWB_TRACE_STARTUP` makes pwb write that figure). Prints; asserts nothing.

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
    real_binary(&root);
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
        let _ = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "120",
                "-y",
                "36",
                &cmd,
            ])
            .status();
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

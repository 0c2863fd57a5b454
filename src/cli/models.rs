//! `pwb models [DIR]`: the models configured in a workspace's `pwb.toml`,
//! with provider, whether their key is set (never the key itself), context
//! window and prices from the catalog, and the date the figures were checked.

use crate::usage::{Catalog, ModelInfo};
use crate::workspace::ModelEntry;
use std::path::Path;
use std::process::ExitCode;

/// Whether the key a model needs is available, as shown to the user
/// (never the key itself).
pub fn key_status(entry: &ModelEntry) -> String {
    match crate::session::ModelOption::from_entry(entry) {
        Some(m) => crate::provider::build(&m.endpoint).key_status().to_string(),
        None => "-".to_string(),
    }
}

fn price(v: Option<f64>) -> String {
    v.map(|p| format!("{p}")).unwrap_or_else(|| "?".into())
}

/// One row of the table: model, provider, key, context, in, out, cached, checked.
fn row(entry: &ModelEntry, info: Option<&ModelInfo>) -> [String; 8] {
    let p = info.and_then(|i| i.price);
    [
        entry.id.clone(),
        crate::types::ModelId::parse(&entry.id)
            .map_or_else(|_| "?".to_string(), |id| id.provider().to_string()),
        key_status(entry),
        info.and_then(|i| i.context_window)
            .map(|c| c.to_string())
            .unwrap_or_else(|| "?".into()),
        price(p.map(|p| p.input)),
        price(p.map(|p| p.output)),
        price(p.and_then(|p| p.cached_input)),
        info.and_then(|i| i.checked.clone())
            .unwrap_or_else(|| "-".into()),
    ]
}

/// The table as text (exposed for tests).
pub fn table(entries: &[ModelEntry], catalog: &Catalog) -> String {
    let mut rows = vec![
        [
            "MODEL",
            "PROVIDER",
            "KEY",
            "CONTEXT",
            "IN $/M",
            "OUT $/M",
            "CACHED $/M",
            "CHECKED",
        ]
        .map(str::to_string),
    ];
    rows.extend(entries.iter().map(|e| row(e, catalog.lookup(&e.id))));
    let widths: Vec<usize> = (0..8)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn run(dir: &Path) -> ExitCode {
    if !dir.join("pwb.toml").is_file() {
        eprintln!(
            "error: no pwb.toml in {}\nhint: run pwb models in a workspace folder",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    let config = load_config(dir);
    if config.models.is_empty() {
        println!("No models in pwb.toml: add [[models]] entries with id = \"provider:model\".");
        return ExitCode::SUCCESS;
    }
    let catalog = Catalog::with_overrides(&config.pricing);
    print!("{}", table(&config.models, &catalog));
    println!(
        "\nPrices in USD per million tokens; ? = unknown. Built-in catalog checked {}; \
         [pricing] in pwb.toml overrides it.",
        catalog.checked.as_deref().unwrap_or("?")
    );
    ExitCode::SUCCESS
}

/// `pwb.toml` of `root` (errors printed to stderr), or the defaults.
fn load_config(root: &Path) -> crate::workspace::WorkspaceConfig {
    let path = root.join("pwb.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let (config, diags) =
                crate::workspace::WorkspaceConfig::parse(&text, Path::new("pwb.toml"));
            for d in diags.iter().filter(|d| d.is_error()) {
                eprintln!("{d}");
            }
            config.unwrap_or_default()
        }
        Err(_) => crate::workspace::WorkspaceConfig::default(),
    }
}

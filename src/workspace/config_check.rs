//! The checks on a parsed `pwb.toml` beyond what serde enforces: unknown keys
//! (warnings with a did-you-mean), literal API keys, malformed model ids,
//! out-of-range settings and URLs, each located at its key or value.

use super::config::{ModelEntry, WorkspaceConfig};
use super::diagnostic::{Diagnostic, line_col};
use super::suggest::hint_for;
use crate::types::{ModelId, ModelIdError, ProviderKind};
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

const TOP_KEYS: &[&str] = &[
    "defaults", "models", "pricing", "runner", "eval", "history", "tools",
];
const TOOLS_KEYS: &[&str] = &["max_steps"];
const EVAL_KEYS: &[&str] = &["grader"];
const HISTORY_KEYS: &[&str] = &["enabled", "path"];
const RUNNER_KEYS: &[&str] = &[
    "concurrency",
    "max_parallel",
    "max_retries",
    "timeout_secs",
    "stall_secs",
    "concurrency_per_provider",
];
const DEFAULT_KEYS: &[&str] = &["temperature", "max_tokens", "top_p", "prompt"];
const MODEL_KEYS: &[&str] = &[
    "id",
    "label",
    "selected",
    "temperature",
    "max_tokens",
    "top_p",
    "base_url",
    "api_key_env",
    "api_key",
];
/// The keys of a `[pricing."provider:model"]` entry (`usage::catalog` reads them).
pub const PRICING_KEYS: &[&str] = &[
    "input",
    "output",
    "cached_input",
    "cache_write",
    "context",
    "max_output",
];

fn at(
    source: &str,
    shown: &Path,
    span: std::ops::Range<usize>,
) -> (std::path::PathBuf, usize, usize) {
    let (line, col) = line_col(source, span.start);
    (shown.to_path_buf(), line, col)
}

/// Warnings for keys pwb does not know, and for literal `api_key`s.
pub fn unknown_keys(source: &str, shown: &Path, doc: &DeTable<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_keys(source, shown, doc, TOP_KEYS, "", &mut out);
    if let Some(defaults) = doc.get("defaults").and_then(|v| table(v)) {
        check_keys(
            source,
            shown,
            defaults,
            DEFAULT_KEYS,
            "[defaults]",
            &mut out,
        );
    }
    if let Some(runner) = doc.get("runner").and_then(|v| table(v)) {
        check_keys(source, shown, runner, RUNNER_KEYS, "[runner]", &mut out);
        if let Some(per) = runner
            .get("concurrency_per_provider")
            .and_then(|v| table(v))
        {
            check_keys(
                source,
                shown,
                per,
                &ProviderKind::names(),
                "[runner.concurrency_per_provider]",
                &mut out,
            );
        }
    }
    if let Some(eval) = doc.get("eval").and_then(|v| table(v)) {
        check_keys(source, shown, eval, EVAL_KEYS, "[eval]", &mut out);
    }
    if let Some(history) = doc.get("history").and_then(|v| table(v)) {
        check_keys(source, shown, history, HISTORY_KEYS, "[history]", &mut out);
    }
    if let Some(tools) = doc.get("tools").and_then(|v| table(v)) {
        check_keys(source, shown, tools, TOOLS_KEYS, "[tools]", &mut out);
    }
    if let Some(pricing) = doc.get("pricing").and_then(|v| table(v)) {
        for (id, entry) in pricing.iter() {
            if let Some(entry) = table(entry) {
                let section = format!("[pricing.\"{}\"]", id.get_ref());
                check_keys(source, shown, entry, PRICING_KEYS, &section, &mut out);
            }
        }
    }
    for model in models(doc) {
        check_keys(source, shown, model, MODEL_KEYS, "[[models]]", &mut out);
        if let Some((key, _)) = model.get_key_value("api_key") {
            let (p, l, c) = at(source, shown, key.span());
            // Never echo the value: it is a secret.
            out.push(
                Diagnostic::warning(p, l, c, "API key written in pwb.toml").with_hint(
                    "keep keys out of files you commit: set api_key_env = \"NAME\" and export NAME",
                ),
            );
        }
    }
    out
}

fn check_keys(
    source: &str,
    shown: &Path,
    table: &DeTable<'_>,
    known: &[&str],
    section: &str,
    out: &mut Vec<Diagnostic>,
) {
    for key in table.keys() {
        let name: &str = key.get_ref();
        if known.contains(&name) {
            continue;
        }
        let (p, l, c) = at(source, shown, key.span());
        let place = if section.is_empty() {
            String::new()
        } else {
            format!(" in {section}")
        };
        out.push(
            Diagnostic::warning(p, l, c, format!("unknown key `{name}`{place} (ignored)"))
                .with_hint(hint_for(name, known)),
        );
    }
}

fn table<'a, 'i>(value: &'a Spanned<DeValue<'i>>) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }
}

fn models<'a, 'i>(doc: &'a DeTable<'i>) -> Vec<&'a DeTable<'i>> {
    match doc.get("models").map(|v| v.get_ref()) {
        Some(DeValue::Array(items)) => items.iter().filter_map(|v| table(v)).collect(),
        _ => Vec::new(),
    }
}

/// Errors and warnings about values: ids, ranges, URLs, env var names.
pub fn validate(
    source: &str,
    shown: &Path,
    doc: &DeTable<'_>,
    config: &WorkspaceConfig,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let tables = models(doc);
    let span_of = |i: usize, key: &str| -> (std::path::PathBuf, usize, usize) {
        let span = tables
            .get(i)
            .and_then(|t| t.get(key))
            .map_or(0..0, |v| v.span());
        at(source, shown, span)
    };
    if config.models.is_empty() {
        out.push(
            Diagnostic::warning(shown, 1, 1, "no models listed in pwb.toml")
                .with_hint("add one:\n[[models]]\nid = \"openai:gpt-4o-mini\"\nselected = true"),
        );
    }
    for (i, m) in config.models.iter().enumerate() {
        match ModelId::parse(&m.id) {
            Ok(_) => {}
            Err(ModelIdError::UnknownProvider { provider, .. }) => {
                let (p, l, c) = span_of(i, "id");
                let known = ProviderKind::names();
                out.push(
                    Diagnostic::error(p, l, c, format!("unknown provider `{provider}`")).with_hint(
                        format!(
                            "{}; an OpenAI-compatible server is `openai:` with a base_url",
                            hint_for(&provider, &known)
                        ),
                    ),
                );
            }
            Err(_) => {
                let (p, l, c) = span_of(i, "id");
                out.push(
                    Diagnostic::error(
                        p,
                        l,
                        c,
                        format!("model id `{}` is not `provider:model`", m.id),
                    )
                    .with_hint(
                        "write the provider first, e.g. \"openai:gpt-4o-mini\" or \"ollama:llama3.2\"",
                    ),
                );
            }
        }
        if let Some(t) = m.temperature.filter(|t| !(0.0..=2.0).contains(t)) {
            let (p, l, c) = span_of(i, "temperature");
            out.push(
                Diagnostic::warning(p, l, c, format!("temperature {t} is outside 0..2"))
                    .with_hint("most providers accept 0.0 to 2.0 (Anthropic 0.0 to 1.0)"),
            );
        }
        if let Some(t) = m.top_p.filter(|t| !(0.0..=1.0).contains(t)) {
            let (p, l, c) = span_of(i, "top_p");
            out.push(
                Diagnostic::error(p, l, c, format!("top_p {t} is outside 0..1"))
                    .with_hint("top_p is a probability mass, e.g. 0.9"),
            );
        }
        if m.max_tokens == Some(0) {
            let (p, l, c) = span_of(i, "max_tokens");
            out.push(
                Diagnostic::error(p, l, c, "max_tokens must be at least 1")
                    .with_hint("e.g. max_tokens = 512, or remove it to use the default"),
            );
        }
        if let Some(url) = &m.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            let (p, l, c) = span_of(i, "base_url");
            out.push(
                Diagnostic::error(p, l, c, format!("base_url `{url}` is not an http(s) URL"))
                    .with_hint("e.g. base_url = \"http://127.0.0.1:8080/v1\""),
            );
        }
        if let Some(var) = &m.api_key_env
            && !is_env_var_name(var)
        {
            let (p, l, c) = span_of(i, "api_key_env");
            // The value may be a pasted key: do not print it.
            out.push(Diagnostic::error(p, l, c, "api_key_env is not an environment variable name").with_hint("api_key_env holds the NAME of a variable, e.g. api_key_env = \"OPENAI_API_KEY\"; never the key itself"));
        }
    }
    for (i, m) in config.models.iter().enumerate() {
        let problem = config.models[..i]
            .iter()
            .enumerate()
            .filter(|(_, o)| o.id == m.id)
            .find_map(|(j, twin)| duplicate(m, twin, span_of(j, "id").1));
        if let Some((message, hint)) = problem {
            let (p, l, c) = span_of(i, "id");
            out.push(Diagnostic::warning(p, l, c, message).with_hint(hint));
        }
    }
    if let Some(grader) = &config.eval.grader {
        out.extend(check_grader(source, shown, doc, config, grader));
    }
    if config.tools.max_steps == Some(0) {
        let span = doc
            .get("tools")
            .and_then(|d| table(d))
            .and_then(|d| d.get("max_steps"))
            .map_or(0..0, |v| v.span());
        let (p, l, c) = at(source, shown, span);
        out.push(
            Diagnostic::error(p, l, c, "[tools] max_steps must be at least 1")
                .with_hint("e.g. max_steps = 10, or remove it for the default (5)"),
        );
    }
    if let Some(t) = config
        .defaults
        .temperature
        .filter(|t| !(0.0..=2.0).contains(t))
    {
        let span = doc
            .get("defaults")
            .and_then(|d| table(d))
            .and_then(|d| d.get("temperature"))
            .map_or(0..0, |v| v.span());
        let (p, l, c) = at(source, shown, span);
        out.push(Diagnostic::warning(
            p,
            l,
            c,
            format!("temperature {t} is outside 0..2"),
        ));
    }
    out
}

/// `[eval] grader` must name a `[[models]]` label or a valid model id.
fn check_grader(
    source: &str,
    shown: &Path,
    doc: &DeTable<'_>,
    config: &WorkspaceConfig,
    grader: &str,
) -> Option<Diagnostic> {
    let grader = grader.trim();
    if config.models.iter().any(|m| m.display_name() == grader) {
        return None;
    }
    let problem = ModelId::parse(grader).err()?;
    let span = doc
        .get("eval")
        .and_then(|d| table(d))
        .and_then(|d| d.get("grader"))
        .map_or(0..0, |v| v.span());
    let (p, l, c) = at(source, shown, span);
    Some(
        Diagnostic::error(p, l, c, format!("[eval] grader: {problem}")).with_hint(
            "name a [[models]] label or a model id, e.g. grader = \"openai:gpt-4o-mini\"",
        ),
    )
}

/// Why a second `[[models]]` entry of an id already listed is suspect, if
/// it is: two entries of one id are fine when they have labels of their
/// own (so their columns can be told apart) and differ in what they send.
fn duplicate(m: &ModelEntry, twin: &ModelEntry, first_line: usize) -> Option<(String, String)> {
    let labelled = matches!((&m.label, &twin.label), (Some(a), Some(b)) if a != b);
    if !labelled {
        let message = format!(
            "model `{}` is listed twice (first on line {first_line})",
            m.id
        );
        let hint = "remove one, or give each its own label (label = \"gpt-4o-mini t=1.0\") \
                    so that their columns can be told apart";
        return Some((message, hint.into()));
    }
    let same_request = m.base_url == twin.base_url
        && m.api_key_env == twin.api_key_env
        && m.temperature == twin.temperature
        && m.max_tokens == twin.max_tokens
        && m.top_p == twin.top_p;
    same_request.then(|| {
        let message = format!(
            "model `{}` is listed twice with the same settings (first on line {first_line}): \
             both entries send the same request",
            m.id
        );
        let hint = "change a setting of one (temperature, max_tokens, top_p, base_url) or \
                    remove it; for more answers from one model use + in the Models pane or --repeat";
        (message, hint.into())
    })
}

/// The span of `[defaults] prompt`, for the cross-file check that it exists.
pub fn default_prompt_position(source: &str) -> (usize, usize) {
    let Ok(doc) = toml::de::DeTable::parse(source) else {
        return (1, 1);
    };
    let span = doc
        .get_ref()
        .get("defaults")
        .and_then(|d| table(d))
        .and_then(|d| d.get("prompt"))
        .map_or(0..0, |v| v.span());
    line_col(source, span.start)
}

fn is_env_var_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

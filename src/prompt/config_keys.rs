//! A prompt's `config` as generation settings: which keys pwb sends to a
//! model (and their aliases), the type each must have (a wrong one is an
//! error), and warnings for keys that are not sent (typos get a did-you-mean).

use super::error::{PromptError, PromptErrorKind, PromptWarning};
use super::parse::ParsedPrompt;
use super::suggest::did_you_mean;
use crate::types::{GenParams, Param};
use serde_json::{Map, Value};

/// The keys pwb sends, with the parameter each sets. Where a parameter
/// has several, the first one set wins (Dotprompt's name comes first).
pub const SENT_KEYS: &[(&str, Param)] = &[
    ("temperature", Param::Temperature),
    ("maxOutputTokens", Param::MaxTokens),
    ("max_tokens", Param::MaxTokens),
    ("maxTokens", Param::MaxTokens),
    ("topP", Param::TopP),
    ("top_p", Param::TopP),
    ("topK", Param::TopK),
    ("top_k", Param::TopK),
    ("stopSequences", Param::Stop),
    ("stop", Param::Stop),
    ("seed", Param::Seed),
];

/// Config keys Genkit and its model plugins know that pwb does not send:
/// not typos, but they have no effect here.
pub const NOT_SENT_KEYS: &[&str] = &[
    "version",
    "frequencyPenalty",
    "presencePenalty",
    "logitBias",
    "logProbs",
    "topLogProbs",
    "user",
    "candidateCount",
    "safetySettings",
    "responseMimeType",
    "responseModalities",
    "thinkingConfig",
    "thinking",
    "functionCallingConfig",
    "codeExecution",
    "googleSearchRetrieval",
    "apiKey",
];

const SENT_LIST: &str = "temperature, maxOutputTokens, topP, topK, stopSequences and seed";

fn is_set(config: &Map<String, Value>, key: &str) -> bool {
    config.get(key).is_some_and(|v| !v.is_null())
}

/// The key that sets `param` in `config`: the first of its names that is
/// set (not null).
pub fn key_for(config: &Map<String, Value>, param: Param) -> Option<&'static str> {
    SENT_KEYS
        .iter()
        .filter(|(_, p)| *p == param)
        .map(|(k, _)| *k)
        .find(|k| is_set(config, k))
}

/// The generation parameters `config` sets. Values of the wrong type are
/// left out (`parse_document` refuses them in a file's frontmatter).
pub fn gen_params(config: &Map<String, Value>) -> GenParams {
    let get = |p: Param| key_for(config, p).and_then(|k| config.get(k));
    let count = |p: Param| {
        get(p)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    };
    let stop = match get(Param::Stop) {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    GenParams {
        temperature: get(Param::Temperature).and_then(Value::as_f64),
        max_tokens: count(Param::MaxTokens),
        top_p: get(Param::TopP).and_then(Value::as_f64),
        top_k: count(Param::TopK),
        stop,
        seed: get(Param::Seed).and_then(Value::as_u64),
    }
}

/// How a value reads in a message: `the text "lots"`, `a list`, `-5`.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the text {v}{}", quoted_hint(s)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
        other => other.to_string(),
    }
}

fn quoted_hint(s: &str) -> &'static str {
    if s.trim().parse::<f64>().is_ok() {
        " (a number in quotes)"
    } else {
        ""
    }
}

/// What is wrong with `v` as the value of `param`, and an example of a
/// right one; `None` when it is fine (null is fine: unset).
fn type_problem(param: Param, key: &str, v: &Value) -> Option<(String, String)> {
    let (ok, wanted, example) = match param {
        Param::Temperature | Param::TopP => (v.is_number(), "a number", "0.7"),
        Param::MaxTokens | Param::TopK => (
            v.as_u64().is_some_and(|n| u32::try_from(n).is_ok()),
            "a whole number from 0 to 4294967295",
            "300",
        ),
        Param::Seed => (v.as_u64().is_some(), "a whole number from 0", "42"),
        Param::Stop => (
            v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            "a text or a list of texts",
            "[\"\\n\\n\"]",
        ),
    };
    if ok || v.is_null() {
        return None;
    }
    let message = format!("config `{key}` must be {wanted}, found {}", describe(v));
    let hint = format!("write e.g. `{key}: {example}`; a wrong type would not be sent at all");
    Some((message, hint))
}

/// The first config value of the wrong type, as an error at its value.
pub fn check_types(parsed: &ParsedPrompt) -> Result<(), PromptError> {
    let Some(Value::Object(config)) = parsed.meta.get("config") else {
        return Ok(());
    };
    for (key, value) in config {
        let Some((_, param)) = SENT_KEYS.iter().find(|(k, _)| *k == key.as_str()) else {
            continue;
        };
        if let Some((message, hint)) = type_problem(*param, key, value) {
            let (line, col) = parsed.config_pos(key, false);
            return Err(PromptError::new(
                PromptErrorKind::Frontmatter,
                line,
                col,
                message,
                hint,
            ));
        }
    }
    Ok(())
}

/// Warnings for config keys pwb does not send: unknown ones (with a
/// did-you-mean), Genkit settings pwb has no use for, and an alias that
/// another name of the same parameter overrides.
pub fn config_warnings(parsed: &ParsedPrompt) -> Vec<PromptWarning> {
    let Some(Value::Object(config)) = parsed.meta.get("config") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in config.keys() {
        let (message, hint) = match SENT_KEYS.iter().find(|(k, _)| *k == key.as_str()) {
            Some((_, param)) => match key_for(config, *param) {
                Some(winner) if winner != key.as_str() && is_set(config, key) => (
                    format!("config `{key}` is not sent: `{winner}` sets the same parameter"),
                    format!("keep only one of `{winner}` and `{key}`"),
                ),
                _ => continue,
            },
            None if NOT_SENT_KEYS.contains(&key.as_str()) => (
                format!("config `{key}` is not sent: pwb passes only {SENT_LIST} to models"),
                "remove it, or expect it to have no effect in pwb".to_string(),
            ),
            None => {
                let known: Vec<&str> = SENT_KEYS
                    .iter()
                    .map(|(k, _)| *k)
                    .chain(NOT_SENT_KEYS.iter().copied())
                    .collect();
                let hint = match did_you_mean(key, &known) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("pwb sends {SENT_LIST}"),
                };
                (format!("unknown config key `{key}` (not sent)"), hint)
            }
        };
        let (line, col) = parsed.config_pos(key, true);
        out.push(PromptWarning {
            line,
            col,
            message,
            hint,
        });
    }
    out
}

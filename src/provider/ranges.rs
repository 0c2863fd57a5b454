//! What values each provider accepts for the common generation parameters
//! (temperature 0..2 at OpenAI, 0..1 at Anthropic, ...), and checks of a
//! `GenParams` against them: for one provider (before sending), or against
//! all of them (a prompt that names no model), with located prompt warnings.

use crate::prompt::config_keys::{gen_params, key_for};
use crate::prompt::{ParsedPrompt, PromptWarning};
use crate::types::{GenParams, Param};
use serde_json::{Map, Value};
use std::fmt;

/// An inclusive range; `max: None` has no upper limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: f64,
    pub max: Option<f64>,
}

impl Bounds {
    const fn new(min: f64, max: Option<f64>) -> Bounds {
        Bounds { min, max }
    }

    pub fn contains(&self, v: f64) -> bool {
        v >= self.min && self.max.is_none_or(|m| v <= m)
    }
}

impl fmt::Display for Bounds {
    /// `0..2`, or `1 or more`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{}..{max}", self.min),
            None => write!(f, "{} or more", self.min),
        }
    }
}

/// The values one provider's API accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRanges {
    pub temperature: Bounds,
    pub top_p: Bounds,
    /// `None`: the API has no top-k (pwb does not send it there).
    pub top_k: Option<Bounds>,
    pub max_tokens: Bounds,
    /// Most stop sequences one request may carry (`None`: no stated limit).
    pub max_stop: Option<usize>,
}

const UNIT: Bounds = Bounds::new(0.0, Some(1.0));
const AT_LEAST_ONE: Bounds = Bounds::new(1.0, None);
const AT_LEAST_ZERO: Bounds = Bounds::new(0.0, None);

/// Per provider, from its API reference. Ollama and the local model sample
/// with any temperature; their top-k of 0 means "off".
const RANGES: &[(&str, ParamRanges)] = &[
    (
        "openai",
        ParamRanges {
            temperature: Bounds::new(0.0, Some(2.0)),
            top_p: UNIT,
            top_k: None,
            max_tokens: AT_LEAST_ONE,
            max_stop: Some(4),
        },
    ),
    (
        "anthropic",
        ParamRanges {
            temperature: UNIT,
            top_p: UNIT,
            top_k: Some(AT_LEAST_ONE),
            max_tokens: AT_LEAST_ONE,
            max_stop: None,
        },
    ),
    (
        "gemini",
        ParamRanges {
            temperature: Bounds::new(0.0, Some(2.0)),
            top_p: UNIT,
            top_k: Some(AT_LEAST_ONE),
            max_tokens: AT_LEAST_ONE,
            max_stop: Some(5),
        },
    ),
    (
        "ollama",
        ParamRanges {
            temperature: AT_LEAST_ZERO,
            top_p: UNIT,
            top_k: Some(AT_LEAST_ZERO),
            max_tokens: AT_LEAST_ONE,
            max_stop: None,
        },
    ),
    (
        "local",
        ParamRanges {
            temperature: AT_LEAST_ZERO,
            top_p: UNIT,
            top_k: Some(AT_LEAST_ZERO),
            max_tokens: AT_LEAST_ONE,
            max_stop: None,
        },
    ),
];

/// The ranges of `provider` (the part of a model id before the colon);
/// `None` for a provider pwb does not know.
pub fn ranges_for(provider: &str) -> Option<&'static ParamRanges> {
    RANGES.iter().find(|(p, _)| *p == provider).map(|(_, r)| r)
}

/// A parameter value a provider (or every provider) refuses.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamProblem {
    pub param: Param,
    /// What is wrong, without the parameter's name: "1.5 is outside 0..1,
    /// the range anthropic accepts".
    pub detail: String,
    pub hint: String,
}

impl fmt::Display for ParamProblem {
    /// `temperature 1.5 is outside 0..1, the range anthropic accepts`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.param.name(), self.detail)
    }
}

/// The numeric parameters `params` sets, as numbers to compare.
fn values(params: &GenParams) -> Vec<(Param, f64)> {
    let mut out = Vec::new();
    out.extend(params.temperature.map(|v| (Param::Temperature, v)));
    out.extend(params.top_p.map(|v| (Param::TopP, v)));
    out.extend(params.top_k.map(|v| (Param::TopK, f64::from(v))));
    out.extend(params.max_tokens.map(|v| (Param::MaxTokens, f64::from(v))));
    out
}

/// The bounds of `param` in `r` (`None`: not a numeric parameter, or one
/// the provider does not take).
fn bounds(r: &ParamRanges, param: Param) -> Option<Bounds> {
    match param {
        Param::Temperature => Some(r.temperature),
        Param::TopP => Some(r.top_p),
        Param::TopK => r.top_k,
        Param::MaxTokens => Some(r.max_tokens),
        Param::Stop | Param::Seed => None,
    }
}

/// What `provider` would refuse in `params`: the errors to raise before
/// sending. Empty for a provider pwb does not know, and for parameters
/// the provider does not take (they are not sent).
pub fn check(provider: &str, params: &GenParams) -> Vec<ParamProblem> {
    let Some(r) = ranges_for(provider) else {
        return Vec::new();
    };
    let mut out: Vec<ParamProblem> = values(params)
        .into_iter()
        .filter_map(|(param, v)| {
            let b = bounds(r, param)?;
            (!b.contains(v)).then(|| ParamProblem {
                param,
                detail: format!("{v} is outside {b}, the range {provider} accepts"),
                hint: format!("use a {} in {b} for {provider} models", param.name()),
            })
        })
        .collect();
    if let Some(max) = r.max_stop.filter(|m| params.stop.len() > *m) {
        out.push(ParamProblem {
            param: Param::Stop,
            detail: format!(
                "has {} sequences; {provider} takes at most {max}",
                params.stop.len()
            ),
            hint: format!("keep at most {max} stop sequences for {provider} models"),
        });
    }
    out
}

/// What no provider accepts: values outside the loosest limit any provider
/// states (a temperature above 2, which only Ollama and the local model
/// take, counts). For prompts that name no model, as warnings.
pub fn check_any(params: &GenParams) -> Vec<ParamProblem> {
    let mut out = Vec::new();
    for (param, v) in values(params) {
        let all: Vec<(&str, Bounds)> = RANGES
            .iter()
            .filter_map(|(p, r)| Some((*p, bounds(r, param)?)))
            .collect();
        let min = all.iter().map(|(_, b)| b.min).fold(f64::INFINITY, f64::min);
        let max = all.iter().filter_map(|(_, b)| b.max).reduce(f64::max);
        if Bounds::new(min, max).contains(v) {
            continue;
        }
        let (takers, refusers): (Vec<_>, Vec<_>) = all.iter().partition(|(_, b)| b.contains(v));
        let names = |list: &[&(&str, Bounds)]| and_list(list.iter().map(|(p, _)| *p));
        let detail = if takers.is_empty() {
            format!("{v} is outside every provider's range")
        } else {
            format!(
                "{v} is refused by {}; only {} accept it",
                names(&refusers),
                names(&takers)
            )
        };
        let listed = all.iter().map(|(p, b)| format!("{p} {b}"));
        out.push(ParamProblem {
            param,
            detail,
            hint: format!(
                "providers take {}: {}",
                param.name(),
                listed.collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let limits: Vec<(&str, usize)> = RANGES
        .iter()
        .filter_map(|(p, r)| Some((*p, r.max_stop?)))
        .collect();
    let loosest = limits.iter().map(|(_, m)| *m).max();
    if let Some(max) = loosest.filter(|m| params.stop.len() > *m) {
        let listed = limits.iter().map(|(p, m)| format!("{p} at most {m}"));
        out.push(ParamProblem {
            param: Param::Stop,
            detail: format!(
                "has {} sequences; {}",
                params.stop.len(),
                listed.collect::<Vec<_>>().join(", ")
            ),
            hint: format!("keep at most {max} stop sequences"),
        });
    }
    out
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// For a model id `provider:model`: `check` when pwb knows the provider,
/// else (and without a model) `check_any`.
pub fn check_model(model: Option<&str>, params: &GenParams) -> Vec<ParamProblem> {
    let provider = model.and_then(|m| m.split_once(':')).map(|(p, _)| p);
    match provider.filter(|p| ranges_for(p).is_some()) {
        Some(p) => check(p, params),
        None => check_any(params),
    }
}

/// Warnings for a prompt file's `config` values that its `model:`
/// provider (or, without one, every provider) refuses, at each value.
/// The file still renders: Dotprompt passes config through.
pub fn prompt_warnings(parsed: &ParsedPrompt) -> Vec<PromptWarning> {
    let empty = Map::new();
    let config = match parsed.meta.get("config") {
        Some(Value::Object(c)) => c,
        _ => &empty,
    };
    check_model(parsed.model(), &gen_params(config))
        .into_iter()
        .map(|p| {
            let key = key_for(config, p.param).unwrap_or(p.param.name());
            let (line, col) = parsed.config_pos(key, false);
            PromptWarning {
                line,
                col,
                message: format!("config `{key}`: {}", p.detail),
                hint: p.hint,
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "ranges_tests.rs"]
mod tests;

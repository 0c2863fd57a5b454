//! Fitting a request into its model's context window with the prompt's
//! `context:` policy (`prompt::context_policy`): drop the oldest history
//! turns, or truncate one variable's value keeping its start, until the
//! input plus the reserve for the answer fits. `Session::plan` applies it
//! per model; `ContextCut` says what was cut, for every face to show.

use super::count::Counting;
use crate::prompt::context_policy::{ContextPolicy, Fit};
use crate::prompt::helpers::stringify;
use crate::prompt::tokens::{estimate_tokens, token_prefix};
use crate::provider::ChatRequest;
use crate::types::{Message, Part};
use serde::Serialize;
use serde_json::{Map, Value};

/// What a policy cut from one model's request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextCut {
    /// `dropped 2 oldest history turns (5 messages)`,
    /// `truncated document (1,234 tokens cut)`.
    pub what: String,
    /// Input tokens before and after.
    pub tokens_before: u64,
    pub tokens_after: u64,
    /// The most input tokens that fit: the window less the reserve.
    pub limit: u64,
}

impl ContextCut {
    /// Whether the request fits now.
    pub fn fits(&self) -> bool {
        self.tokens_after <= self.limit
    }

    /// One line for a face: `context: dropped … (9,000 → 7,900 tokens, limit 8,000)`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "context: {} ({} → {} tokens, limit {})",
            self.what, self.tokens_before, self.tokens_after, self.limit
        );
        if !self.fits() {
            s.push_str(": still over the window");
        }
        s
    }
}

/// Applies `policy` to `request` when its input plus the reserve does not
/// fit `window`; `None` when it fits as it is.
pub fn fit(
    request: &mut ChatRequest,
    policy: &ContextPolicy,
    window: u64,
    counting: Counting,
    values: &Map<String, Value>,
) -> Option<ContextCut> {
    let reserve = policy
        .reserve
        .or(request.params.max_tokens.map(u64::from))
        .unwrap_or(0);
    let limit = window.saturating_sub(reserve);
    if bytes_bound(request, counting).is_some_and(|b| b <= limit) {
        return None;
    }
    let before = counting.request(request);
    if before <= limit {
        return None;
    }
    let what = match &policy.fit {
        Fit::TrimHistory => trim_history(request, before - limit, counting),
        Fit::Truncate { var } => truncate(request, var, before - limit, values),
    };
    Some(ContextCut {
        what,
        tokens_before: before,
        tokens_after: counting.request(request),
        limit,
    })
}

/// At most how many tokens the request has, without counting: a token is
/// at least one byte (tiktoken's encodings; a local template adds turns
/// of its own, so no bound there).
fn bytes_bound(request: &ChatRequest, counting: Counting) -> Option<u64> {
    counting.encoder()?;
    let messages: usize = request
        .messages
        .iter()
        .map(|m| m.role.len().max("assistant".len()) + m.plain_text().len() + 3)
        .sum();
    let tools = if request.tools.is_empty() {
        0
    } else {
        serde_json::to_string(&request.tools).map_or(0, |j| j.len())
    };
    Some((messages + 3 + tools) as u64)
}

fn is_history(m: &Message) -> bool {
    m.metadata
        .as_ref()
        .and_then(|v| v.get("purpose"))
        .and_then(Value::as_str)
        == Some("history")
}

/// Drops whole history turns (a user message and what follows it up to
/// the next user message), oldest first, until `excess` tokens are gone;
/// system messages and the last user message stay.
fn trim_history(request: &mut ChatRequest, excess: u64, counting: Counting) -> String {
    let msgs = &request.messages;
    let last_user = msgs.iter().rposition(|m| m.role == "user");
    let droppable: Vec<usize> = (0..msgs.len())
        .filter(|&i| is_history(&msgs[i]) && msgs[i].role != "system" && Some(i) != last_user)
        .collect();
    // Turns: runs of droppable messages, each starting at a user message.
    let mut turns: Vec<Vec<usize>> = Vec::new();
    for &i in &droppable {
        match turns.last_mut() {
            Some(t) if msgs[i].role != "user" => t.push(i),
            _ => turns.push(vec![i]),
        }
    }
    let mut gone: Vec<usize> = Vec::new();
    let mut saved = 0u64;
    let mut dropped_turns = 0;
    for turn in &turns {
        if saved >= excess {
            break;
        }
        saved += turn
            .iter()
            .map(|&i| counting.message(&msgs[i]))
            .sum::<u64>();
        gone.extend(turn);
        dropped_turns += 1;
    }
    if gone.is_empty() {
        return "no history turns to drop".into();
    }
    let n = gone.len();
    let mut i = 0;
    request.messages.retain(|_| {
        let keep = !gone.contains(&i);
        i += 1;
        keep
    });
    let turns_word = if dropped_turns == 1 { "turn" } else { "turns" };
    format!("dropped the {dropped_turns} oldest history {turns_word} ({n} messages)")
}

/// The marker left where a value was cut.
fn marker(cut: usize) -> String {
    format!("\n[… {cut} tokens cut to fit the context window]")
}

/// Shortens `var`'s value wherever it appears in the request's text by
/// enough tokens to remove `excess` overall, keeping its start.
fn truncate(
    request: &mut ChatRequest,
    var: &str,
    excess: u64,
    values: &Map<String, Value>,
) -> String {
    let value = match values.get(var) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => return format!("`{var}` is not set: nothing to truncate"),
        Some(other) => stringify(other, "  "),
    };
    let appears: usize = request
        .messages
        .iter()
        .flat_map(|m| &m.content)
        .map(|p| match p {
            Part::Text { text, .. } if !value.is_empty() => text.matches(value.as_str()).count(),
            _ => 0,
        })
        .sum();
    if appears == 0 {
        return format!("`{var}`'s value is not in the request: nothing to truncate");
    }
    let total = estimate_tokens(&value);
    // Each appearance gives up its share, plus room for the marker and
    // a token of slack where the cut meets the text around it.
    let share = (excess as usize).div_ceil(appears);
    let cut = (share + estimate_tokens(&marker(total)) + 1).min(total);
    let kept = format!("{}{}", token_prefix(&value, total - cut), marker(cut));
    for m in &mut request.messages {
        for p in &mut m.content {
            if let Part::Text { text, .. } = p
                && text.contains(value.as_str())
            {
                *text = text.replace(value.as_str(), &kept);
            }
        }
    }
    format!("truncated `{var}` ({cut} of {total} tokens cut)")
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;

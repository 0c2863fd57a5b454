//! Tools on the wire: each provider's shape for tool definitions, the tool
//! choice, a model turn's tool calls and the tool results sent back. Only
//! requests with tools or tool turns reach this code, so bodies without
//! them stay as they were.

use crate::types::{Message, Part, ToolChoice, ToolDef, ToolRequest, ToolResponse};
use serde_json::{Value, json};

/// A tool result as text, for APIs that want a string: a string result
/// as is, anything else as JSON.
pub fn output_text(r: &ToolResponse) -> String {
    match &r.output {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The message's text parts joined (tool parts left out).
pub fn text_of(m: &Message) -> String {
    m.content
        .iter()
        .filter_map(|p| match p {
            Part::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// A call's arguments as an object (what Anthropic and Gemini want back).
fn input_object(r: &ToolRequest) -> Value {
    match &r.input {
        Value::Object(_) => r.input.clone(),
        Value::Null => json!({}),
        other => json!({ "value": other }),
    }
}

pub fn has_tool_parts(m: &Message) -> bool {
    m.content
        .iter()
        .any(|p| matches!(p, Part::ToolRequest { .. } | Part::ToolResponse { .. }))
}

// --- OpenAI Chat Completions ---

pub fn openai_tools(tools: &[ToolDef]) -> Value {
    let defs: Vec<Value> = tools
        .iter()
        .map(|t| {
            let mut f = json!({"name": t.name});
            if let Some(d) = &t.description {
                f["description"] = json!(d);
            }
            f["parameters"] = t.parameters.clone();
            json!({"type": "function", "function": f})
        })
        .collect();
    Value::Array(defs)
}

pub fn openai_tool_choice(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => json!("auto"),
        ToolChoice::Required => json!("required"),
        ToolChoice::None => json!("none"),
        ToolChoice::Tool(name) => json!({"type": "function", "function": {"name": name}}),
    }
}

/// An assistant turn with `tool_calls`, or one `role: tool` message per
/// result (each with its `tool_call_id`).
pub fn openai_messages(m: &Message, role: &str) -> Vec<Value> {
    let responses: Vec<&ToolResponse> = m.tool_responses().collect();
    if !responses.is_empty() {
        return responses
            .iter()
            .enumerate()
            .map(|(i, r)| {
                json!({
                    "role": "tool",
                    "tool_call_id": r.reference.clone().unwrap_or_else(|| format!("call_{i}")),
                    "content": output_text(r),
                })
            })
            .collect();
    }
    let calls: Vec<Value> = m
        .tool_requests()
        .enumerate()
        .map(|(i, r)| {
            json!({
                "id": r.reference.clone().unwrap_or_else(|| format!("call_{i}")),
                "type": "function",
                "function": {"name": r.name, "arguments": r.input.to_string()},
            })
        })
        .collect();
    let text = text_of(m);
    let content = if text.is_empty() {
        Value::Null
    } else {
        json!(text)
    };
    vec![json!({"role": role, "content": content, "tool_calls": calls})]
}

// --- Anthropic Messages ---

pub fn anthropic_tools(tools: &[ToolDef]) -> Value {
    let defs: Vec<Value> = tools
        .iter()
        .map(|t| {
            let mut d = json!({"name": t.name});
            if let Some(desc) = &t.description {
                d["description"] = json!(desc);
            }
            d["input_schema"] = t.parameters.clone();
            d
        })
        .collect();
    Value::Array(defs)
}

pub fn anthropic_tool_choice(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => json!({"type": "auto"}),
        ToolChoice::Required => json!({"type": "any"}),
        ToolChoice::None => json!({"type": "none"}),
        ToolChoice::Tool(name) => json!({"type": "tool", "name": name}),
    }
}

/// Content blocks: text, `tool_use` (assistant) and `tool_result` (user).
pub fn anthropic_content(m: &Message) -> Value {
    let mut blocks = Vec::new();
    let text = text_of(m);
    if !text.is_empty() {
        blocks.push(json!({"type": "text", "text": text}));
    }
    for (i, r) in m.tool_requests().enumerate() {
        blocks.push(json!({
            "type": "tool_use",
            "id": r.reference.clone().unwrap_or_else(|| format!("toolu_{i}")),
            "name": r.name,
            "input": input_object(r),
        }));
    }
    for (i, r) in m.tool_responses().enumerate() {
        blocks.push(json!({
            "type": "tool_result",
            "tool_use_id": r.reference.clone().unwrap_or_else(|| format!("toolu_{i}")),
            "content": output_text(r),
        }));
    }
    Value::Array(blocks)
}

// --- Gemini ---

pub fn gemini_tools(tools: &[ToolDef]) -> Value {
    let decls: Vec<Value> = tools
        .iter()
        .map(|t| {
            let mut d = json!({"name": t.name});
            if let Some(desc) = &t.description {
                d["description"] = json!(desc);
            }
            d["parameters"] = super::gemini_schema::gemini_schema(&t.parameters);
            d
        })
        .collect();
    json!([{ "functionDeclarations": decls }])
}

pub fn gemini_tool_config(c: &ToolChoice) -> Value {
    let fc = match c {
        ToolChoice::Auto => json!({"mode": "AUTO"}),
        ToolChoice::Required => json!({"mode": "ANY"}),
        ToolChoice::None => json!({"mode": "NONE"}),
        ToolChoice::Tool(name) => json!({"mode": "ANY", "allowedFunctionNames": [name]}),
    };
    json!({ "functionCallingConfig": fc })
}

/// Parts: text, `functionCall` (model) and `functionResponse` (user).
pub fn gemini_parts(m: &Message) -> Value {
    let mut parts = Vec::new();
    let text = text_of(m);
    if !text.is_empty() {
        parts.push(json!({"text": text}));
    }
    for r in m.tool_requests() {
        parts.push(json!({"functionCall": {"name": r.name, "args": input_object(r)}}));
    }
    for r in m.tool_responses() {
        // Gemini wants an object; a bare result goes under `result`.
        let response = match &r.output {
            Value::Object(_) => r.output.clone(),
            other => json!({ "result": other }),
        };
        parts.push(json!({"functionResponse": {"name": r.name, "response": response}}));
    }
    Value::Array(parts)
}

// --- Ollama /api/chat ---

/// Ollama takes OpenAI's tool definitions.
pub fn ollama_tools(tools: &[ToolDef]) -> Value {
    openai_tools(tools)
}

/// An assistant turn with `tool_calls` (arguments as an object), or one
/// `role: tool` message per result.
pub fn ollama_messages(m: &Message, role: &str) -> Vec<Value> {
    let responses: Vec<&ToolResponse> = m.tool_responses().collect();
    if !responses.is_empty() {
        return responses
            .iter()
            .map(|r| json!({"role": "tool", "content": output_text(r), "tool_name": r.name}))
            .collect();
    }
    let calls: Vec<Value> = m
        .tool_requests()
        .map(|r| json!({"function": {"name": r.name, "arguments": input_object(r)}}))
        .collect();
    vec![json!({"role": role, "content": text_of(m), "tool_calls": calls})]
}

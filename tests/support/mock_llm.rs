//! A scripted HTTP/1.1 server on 127.0.0.1 for provider tests. Each request
//! is recorded; a router picks the reply: status, headers, and body steps
//! sent with chunked encoding (so streams arrive piece by piece), pauses,
//! or a cut connection mid-stream. Builders below script each wire format.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("request body is JSON")
    }
}

#[derive(Debug, Clone)]
pub enum Step {
    /// One chunk of the body.
    Send(String),
    Sleep(Duration),
    /// Close the connection without ending the chunked body.
    Cut,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            steps: vec![Step::Send(body.to_string())],
        }
    }
    /// Newline-delimited JSON, as Ollama streams.
    pub fn ndjson(steps: Vec<Step>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "application/x-ndjson".into())],
            steps,
        }
    }
    pub fn sse(steps: Vec<Step>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/event-stream".into())],
            steps,
        }
    }
    /// The same reply with one more header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Router = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

pub struct MockServer {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<RecordedRequest>>>,
}

impl MockServer {
    pub fn start(router: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) -> MockServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let router: Arc<Router> = Arc::new(router);
        let recorded = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                let router = router.clone();
                let recorded = recorded.clone();
                thread::spawn(move || {
                    let _ = serve(stream, &*router, &recorded);
                });
            }
        });
        MockServer { addr, requests }
    }

    /// `http://127.0.0.1:PORT`, the base URL for Anthropic, Gemini, Ollama.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/v1`, the OpenAI-style base URL.
    pub fn base_v1(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    mut stream: TcpStream,
    router: &Router,
    recorded: &Mutex<Vec<RecordedRequest>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut len = 0usize;
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_string(), v.trim().to_string());
            if k.eq_ignore_ascii_case("content-length") {
                len = v.parse().unwrap_or(0);
            }
            headers.push((k, v));
        }
    }
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let req = RecordedRequest {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let reply = router(&req);
    recorded.lock().unwrap().push(req);

    let mut head = format!("HTTP/1.1 {} X\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    stream.flush()?;
    for step in reply.steps {
        match step {
            Step::Send(data) => {
                if data.is_empty() {
                    continue;
                }
                stream.write_all(format!("{:x}\r\n", data.len()).as_bytes())?;
                stream.write_all(data.as_bytes())?;
                stream.write_all(b"\r\n")?;
                stream.flush()?;
            }
            Step::Sleep(d) => thread::sleep(d),
            Step::Cut => {
                stream.shutdown(Shutdown::Both)?;
                return Ok(());
            }
        }
    }
    stream.write_all(b"0\r\n\r\n")?;
    stream.flush()?;
    Ok(())
}

/// An OpenAI Chat Completions stream: one chunk per piece of text, a
/// finish chunk, a usage chunk with empty choices, then `[DONE]`.
pub fn openai_stream(pieces: &[&str], prompt_tokens: u64, delay: Duration) -> Vec<Step> {
    let mut steps = Vec::new();
    for p in pieces {
        let chunk = serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": null}]
        });
        steps.push(Step::Send(format!("data: {chunk}\n\n")));
        if !delay.is_zero() {
            steps.push(Step::Sleep(delay));
        }
    }
    let finish = serde_json::json!({
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]
    });
    steps.push(Step::Send(format!("data: {finish}\n\n")));
    let usage = serde_json::json!({
        "choices": [],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": pieces.len(),
                  "total_tokens": prompt_tokens + pieces.len() as u64}
    });
    steps.push(Step::Send(format!("data: {usage}\n\n")));
    steps.push(Step::Send("data: [DONE]\n\n".into()));
    steps
}

/// Picks the reply by model: the `model` field of the JSON body, else the
/// path segment after `/models/` (Gemini puts the model in the URL).
pub fn by_model(
    table: Vec<(&'static str, Reply)>,
) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static {
    move |req| {
        let model = model_of(req);
        table
            .iter()
            .find(|(m, _)| *m == model)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| Reply::json(404, r#"{"error":{"message":"model not found"}}"#))
    }
}

/// Like `by_model`, but each model plays a script: the n-th request for a
/// model gets its n-th reply, and the last reply repeats from then on
/// (e.g. `[429, ok]`: rate-limited once, then fine).
pub fn scripted(
    table: Vec<(&'static str, Vec<Reply>)>,
) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static {
    let served: Mutex<std::collections::HashMap<String, usize>> = Mutex::default();
    move |req| {
        let model = model_of(req);
        let Some((_, script)) = table.iter().find(|(m, _)| *m == model) else {
            return Reply::json(404, r#"{"error":{"message":"model not found"}}"#);
        };
        let mut served = served.lock().unwrap();
        let n = served.entry(model).or_insert(0);
        let reply = script[(*n).min(script.len() - 1)].clone();
        *n += 1;
        reply
    }
}

/// The model a request is for: the `model` field of the JSON body, else
/// the path segment after `/models/` (Gemini puts the model in the URL).
pub fn model_of(req: &RecordedRequest) -> String {
    serde_json::from_str::<serde_json::Value>(&req.body)
        .ok()
        .and_then(|v| v["model"].as_str().map(str::to_string))
        .or_else(|| {
            let rest = req.path.split_once("/models/")?.1;
            Some(rest.split(':').next().unwrap_or(rest).to_string())
        })
        .unwrap_or_default()
}

/// One SSE event with a name (as Anthropic sends them).
pub fn sse_event(name: &str, data: &serde_json::Value) -> Step {
    Step::Send(format!("event: {name}\ndata: {data}\n\n"))
}

/// An Anthropic Messages stream: `message_start` (input 10, cache write
/// 100, cache read 50), a `ping`, a thinking block when `thinking` is not
/// empty, a text block with one delta per piece, `message_delta` with
/// `stop_reason` and output tokens, `message_stop`.
pub fn anthropic_stream(thinking: &[&str], pieces: &[&str], stop_reason: &str) -> Vec<Step> {
    use serde_json::json;
    let mut steps = vec![
        sse_event(
            "message_start",
            &json!({"type": "message_start", "message": {"id": "msg_1", "type": "message",
                "role": "assistant", "content": [], "model": "claude-test", "stop_reason": null,
                "usage": {"input_tokens": 10, "cache_creation_input_tokens": 100,
                          "cache_read_input_tokens": 50, "output_tokens": 1}}}),
        ),
        sse_event("ping", &json!({"type": "ping"})),
    ];
    let block = |steps: &mut Vec<Step>, kind: &str, delta: &str, parts: &[&str], index: usize| {
        steps.push(sse_event(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index,
                    "content_block": {"type": kind, kind: ""}}),
        ));
        for p in parts {
            steps.push(sse_event(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index,
                        "delta": {"type": delta, kind: p}}),
            ));
        }
        steps.push(sse_event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
    };
    let mut index = 0;
    if !thinking.is_empty() {
        block(&mut steps, "thinking", "thinking_delta", thinking, index);
        index += 1;
    }
    block(&mut steps, "text", "text_delta", pieces, index);
    steps.push(sse_event(
        "message_delta",
        &json!({"type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": null},
                "usage": {"output_tokens": thinking.len() + pieces.len()}}),
    ));
    steps.push(sse_event("message_stop", &json!({"type": "message_stop"})));
    steps
}

/// A Gemini `streamGenerateContent?alt=sse` stream (CRLF-separated, as
/// Google sends it): one chunk per thought (`thought: true`) and per piece,
/// the last carrying `finishReason` and `usageMetadata` (prompt 12, cached
/// 4, thoughts = number of thought chunks, candidates = number of pieces).
pub fn gemini_stream(thoughts: &[&str], pieces: &[&str], finish_reason: &str) -> Vec<Step> {
    use serde_json::json;
    let data = |v: serde_json::Value| Step::Send(format!("data: {v}\r\n\r\n"));
    let mut steps = Vec::new();
    for t in thoughts {
        steps.push(data(json!({"candidates": [{"content": {"role": "model",
            "parts": [{"text": t, "thought": true}]}, "index": 0}]})));
    }
    for (i, p) in pieces.iter().enumerate() {
        let mut chunk = json!({"candidates": [{"content": {"role": "model",
            "parts": [{"text": p}]}, "index": 0}], "modelVersion": "gemini-test"});
        if i + 1 == pieces.len() {
            chunk["candidates"][0]["finishReason"] = json!(finish_reason);
            chunk["usageMetadata"] = json!({"promptTokenCount": 12,
                "candidatesTokenCount": pieces.len(), "thoughtsTokenCount": thoughts.len(),
                "cachedContentTokenCount": 4,
                "totalTokenCount": 12 + pieces.len() + thoughts.len()});
        }
        steps.push(data(chunk));
    }
    steps
}

/// An Ollama `/api/chat` NDJSON stream: a line per thinking piece and per
/// answer piece, then the `done` line (prompt 9 tokens, eval = pieces).
/// The first answer line is sent in two halves with a pause between, and
/// the last answer line shares a chunk with the `done` line, so readers
/// must reassemble lines across chunks.
pub fn ollama_stream(thinking: &[&str], pieces: &[&str], done_reason: &str) -> Vec<Step> {
    use serde_json::json;
    let line = |message: serde_json::Value| {
        format!(
            "{}\n",
            json!({"model": "llama-test", "created_at": "2025-01-01T00:00:00Z",
            "message": message, "done": false})
        )
    };
    let mut steps = Vec::new();
    for t in thinking {
        steps.push(Step::Send(line(
            json!({"role": "assistant", "content": "", "thinking": t}),
        )));
    }
    let done = json!({"model": "llama-test", "message": {"role": "assistant", "content": ""},
        "done": true, "done_reason": done_reason, "total_duration": 5_000_000u64,
        "prompt_eval_count": 9, "prompt_eval_duration": 1_000_000u64,
        "eval_count": pieces.len(), "eval_duration": 3_000_000u64});
    for (i, p) in pieces.iter().enumerate() {
        let l = line(json!({"role": "assistant", "content": p}));
        if i == 0 {
            let (a, b) = l.split_at(l.len() / 2);
            steps.push(Step::Send(a.to_string()));
            steps.push(Step::Sleep(Duration::from_millis(15)));
            steps.push(Step::Send(b.to_string()));
        } else if i + 1 == pieces.len() {
            steps.push(Step::Send(format!("{l}{done}\n")));
        } else {
            steps.push(Step::Send(l));
        }
    }
    if pieces.len() < 2 {
        steps.push(Step::Send(format!("{done}\n")));
    }
    steps
}

/// An OpenAI stream of one tool call whose arguments arrive in `pieces`
/// (the first chunk names the call, later ones add arguments), then
/// `finish_reason: tool_calls`, usage and `[DONE]`.
pub fn openai_tool_stream(id: &str, name: &str, pieces: &[&str]) -> Vec<Step> {
    use serde_json::json;
    let data = |v: serde_json::Value| Step::Send(format!("data: {v}\n\n"));
    let mut steps = vec![data(
        json!({"choices": [{"index": 0, "delta": {"role": "assistant",
        "content": null, "tool_calls": [{"index": 0, "id": id, "type": "function",
        "function": {"name": name, "arguments": ""}}]}, "finish_reason": null}]}),
    )];
    for p in pieces {
        steps.push(data(
            json!({"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "function": {"arguments": p}}]}, "finish_reason": null}]}),
        ));
    }
    steps.push(data(
        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
    ));
    steps.push(data(json!({"choices": [], "usage": {"prompt_tokens": 20,
        "completion_tokens": 7, "total_tokens": 27}})));
    steps.push(Step::Send("data: [DONE]\n\n".into()));
    steps
}

/// An Anthropic stream of a text block then one `tool_use` block whose
/// input arrives as `input_json_delta` pieces; `stop_reason: tool_use`.
pub fn anthropic_tool_stream(text: &str, id: &str, name: &str, pieces: &[&str]) -> Vec<Step> {
    use serde_json::json;
    let mut steps = vec![sse_event(
        "message_start",
        &json!({"type": "message_start", "message": {"id": "msg_t", "type": "message",
            "role": "assistant", "content": [], "model": "claude-test", "stop_reason": null,
            "usage": {"input_tokens": 30, "output_tokens": 1}}}),
    )];
    steps.push(sse_event(
        "content_block_start",
        &json!({"type": "content_block_start",
        "index": 0, "content_block": {"type": "text", "text": ""}}),
    ));
    steps.push(sse_event(
        "content_block_delta",
        &json!({"type": "content_block_delta",
        "index": 0, "delta": {"type": "text_delta", "text": text}}),
    ));
    steps.push(sse_event(
        "content_block_stop",
        &json!({"type": "content_block_stop", "index": 0}),
    ));
    steps.push(sse_event(
        "content_block_start",
        &json!({"type": "content_block_start",
        "index": 1, "content_block": {"type": "tool_use", "id": id, "name": name, "input": {}}}),
    ));
    for p in pieces {
        steps.push(sse_event(
            "content_block_delta",
            &json!({"type": "content_block_delta",
            "index": 1, "delta": {"type": "input_json_delta", "partial_json": p}}),
        ));
    }
    steps.push(sse_event(
        "content_block_stop",
        &json!({"type": "content_block_stop", "index": 1}),
    ));
    steps.push(sse_event(
        "message_delta",
        &json!({"type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": null},
        "usage": {"output_tokens": 12}}),
    ));
    steps.push(sse_event("message_stop", &json!({"type": "message_stop"})));
    steps
}

/// A Gemini stream whose one chunk holds a `functionCall` part (Gemini
/// sends a call whole), split across two network chunks, ending `STOP`.
pub fn gemini_tool_stream(name: &str, args: serde_json::Value) -> Vec<Step> {
    use serde_json::json;
    let chunk = json!({"candidates": [{"content": {"role": "model",
        "parts": [{"functionCall": {"name": name, "args": args}}]},
        "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 25, "candidatesTokenCount": 5,
                          "totalTokenCount": 30}});
    let line = format!("data: {chunk}\r\n\r\n");
    let (a, b) = line.split_at(line.len() / 2);
    vec![
        Step::Send(a.to_string()),
        Step::Sleep(Duration::from_millis(10)),
        Step::Send(b.to_string()),
    ]
}

/// An Ollama stream whose message carries `tool_calls` (arguments an
/// object), the line split across chunks, then the `done` line.
pub fn ollama_tool_stream(name: &str, args: serde_json::Value) -> Vec<Step> {
    use serde_json::json;
    let call = json!({"model": "llama-test", "created_at": "2025-01-01T00:00:00Z",
        "message": {"role": "assistant", "content": "",
            "tool_calls": [{"function": {"name": name, "arguments": args}}]},
        "done": false});
    let done = json!({"model": "llama-test", "message": {"role": "assistant", "content": ""},
        "done": true, "done_reason": "stop", "prompt_eval_count": 9, "eval_count": 4});
    let l = format!("{call}\n");
    let (a, b) = l.split_at(l.len() / 2);
    vec![
        Step::Send(a.to_string()),
        Step::Sleep(Duration::from_millis(10)),
        Step::Send(b.to_string()),
        Step::Send(format!("{done}\n")),
    ]
}

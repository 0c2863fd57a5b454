//! A scripted HTTP/1.1 server on 127.0.0.1 for provider tests. Each request
//! is recorded; a router picks the reply: status, headers, and body steps
//! sent with chunked encoding (so streams arrive piece by piece), pauses,
//! or a cut connection mid-stream.

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
    pub fn sse(steps: Vec<Step>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/event-stream".into())],
            steps,
        }
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

/// Picks the reply by the `model` field of the JSON request body.
pub fn by_model(
    table: Vec<(&'static str, Reply)>,
) -> impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static {
    move |req| {
        let model = serde_json::from_str::<serde_json::Value>(&req.body)
            .ok()
            .and_then(|v| v["model"].as_str().map(str::to_string))
            .unwrap_or_default();
        table
            .iter()
            .find(|(m, _)| *m == model)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| Reply::json(404, r#"{"error":{"message":"model not found"}}"#))
    }
}

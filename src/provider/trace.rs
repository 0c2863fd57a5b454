//! `Trace`: the exact request a provider sent (URL, headers, JSON body) and
//! the raw response (status, headers, stream bytes as received), for
//! debugging a failing call. Keys never get in: key headers become `***`
//! and every known key value is masked before a trace leaves the provider.

use crate::types::Secret;
use serde::Serialize;

/// Header names whose values are credentials.
pub const SECRET_HEADERS: &[&str] = &["authorization", "x-api-key", "x-goog-api-key", "api-key"];

/// How much of the raw response a trace keeps.
pub const RAW_CAP: usize = 1024 * 1024;

const MASK: &str = "***";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Trace {
    pub method: String,
    pub url: String,
    /// Request headers as sent, credentials replaced by `***`.
    pub request_headers: Vec<(String, String)>,
    /// The request body (JSON), as sent.
    pub request_body: String,
    /// `None` when no response arrived (connection failed).
    pub status: Option<u16>,
    pub response_headers: Vec<(String, String)>,
    /// The response body as received (stream events/lines, or the error
    /// body), lossily decoded as UTF-8, capped at `RAW_CAP` bytes.
    pub raw: String,
    /// Bytes of the response beyond the cap that were not kept.
    pub dropped_bytes: u64,
    /// Key values to mask; never serialized, `Debug` shows `***`.
    #[serde(skip)]
    secrets: Vec<Secret>,
}

/// A header value with credentials hidden.
pub fn redact_header(name: &str, value: &str) -> String {
    if SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
        MASK.to_string()
    } else {
        value.to_string()
    }
}

impl Trace {
    /// Registers a key value that must never appear in the trace.
    pub fn add_secret(&mut self, secret: Option<&str>) {
        if let Some(s) = secret.filter(|s| s.len() >= 4) {
            self.secrets.push(Secret::new(s));
        }
    }

    fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.secrets {
            out = out.replace(s.expose(), MASK);
        }
        out
    }

    /// Records a built request: method, URL, headers (redacted) and body.
    pub fn record_request(&mut self, req: &reqwest::Request) {
        self.method = req.method().to_string();
        self.url = self.mask(req.url().as_str());
        self.request_headers = req
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes());
                (k.to_string(), self.mask(&redact_header(k.as_str(), &value)))
            })
            .collect();
        self.request_body = req
            .body()
            .and_then(|b| b.as_bytes())
            .map(|b| self.mask(&String::from_utf8_lossy(b)))
            .unwrap_or_default();
    }

    /// Records the status and headers (redacted) of a response.
    pub fn record_response(&mut self, resp: &reqwest::Response) {
        self.status = Some(resp.status().as_u16());
        self.response_headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes());
                (k.to_string(), self.mask(&redact_header(k.as_str(), &value)))
            })
            .collect();
    }

    /// Appends raw response bytes, up to the cap.
    pub fn push_raw(&mut self, bytes: &[u8]) {
        let room = RAW_CAP.saturating_sub(self.raw.len());
        let take = bytes.len().min(room);
        self.raw.push_str(&String::from_utf8_lossy(&bytes[..take]));
        self.dropped_bytes += (bytes.len() - take) as u64;
    }

    /// Masks every registered key in the recorded text (a key could have
    /// been split across raw chunks) and forgets the keys. Idempotent.
    pub fn seal(&mut self) {
        if self.secrets.is_empty() {
            return;
        }
        self.raw = self.mask(&self.raw);
        self.url = self.mask(&self.url);
        self.request_body = self.mask(&self.request_body);
        self.secrets.clear();
    }

    /// The trace as text for a terminal: request, then response.
    pub fn render(&self) -> String {
        let mut out = format!("> {} {}\n", self.method, self.url);
        for (k, v) in &self.request_headers {
            out.push_str(&format!("> {k}: {v}\n"));
        }
        let body = serde_json::from_str::<serde_json::Value>(&self.request_body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| self.request_body.clone());
        out.push_str(&body);
        out.push('\n');
        match self.status {
            Some(s) => out.push_str(&format!("< HTTP {s}\n")),
            None => out.push_str("< (no response)\n"),
        }
        for (k, v) in &self.response_headers {
            out.push_str(&format!("< {k}: {v}\n"));
        }
        out.push_str(&self.raw);
        if !self.raw.ends_with('\n') && !self.raw.is_empty() {
            out.push('\n');
        }
        if self.dropped_bytes > 0 {
            out.push_str(&format!(
                "[trace capped at {} bytes; {} more bytes not kept]\n",
                RAW_CAP, self.dropped_bytes
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_headers_are_redacted_and_keys_masked() {
        let req = reqwest::Client::new()
            .post("http://127.0.0.1:1/v1/chat")
            .bearer_auth("sk-canary-123")
            .header("x-api-key", "sk-canary-123")
            .header("X-Goog-Api-Key", "sk-canary-123")
            .header("api-key", "sk-canary-123")
            .header("anthropic-version", "2023-06-01")
            .json(&serde_json::json!({"model": "m"}))
            .build()
            .unwrap();
        let mut t = Trace::default();
        t.add_secret(Some("sk-canary-123"));
        t.record_request(&req);
        for (k, v) in &t.request_headers {
            if SECRET_HEADERS.contains(&k.as_str()) {
                assert_eq!(v, "***", "{k}");
            }
        }
        assert!(
            t.request_headers
                .iter()
                .any(|(k, v)| k == "anthropic-version" && v == "2023-06-01")
        );
        assert_eq!(t.request_body, r#"{"model":"m"}"#);
        t.push_raw(b"{\"error\":\"bad key sk-can");
        t.push_raw(b"ary-123\"}");
        t.seal();
        assert!(!t.raw.contains("sk-canary-123"), "{}", t.raw);
        assert!(!format!("{t:?}").contains("sk-canary"));
        assert!(!t.render().contains("sk-canary"));
        assert_eq!(redact_header("Authorization", "Bearer x"), "***");
    }

    #[test]
    fn raw_is_capped_with_a_note() {
        let mut t = Trace::default();
        t.push_raw(&vec![b'a'; RAW_CAP + 10]);
        assert_eq!(t.raw.len(), RAW_CAP);
        assert_eq!(t.dropped_bytes, 10);
        assert!(t.render().contains("10 more bytes not kept"));
    }
}

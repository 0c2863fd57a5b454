//! HTTP plumbing shared by providers: one pooled client, error bodies
//! turned into readable messages, and a redacting header dump for traces.

use super::retry_hint::retry_hint;
use super::types::TimeoutKind;
use super::{ProviderError, Trace};
use futures_util::{Stream, StreamExt};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The shared client: rustls, connection pooling, no redirect following
/// (so an Authorization header never travels to another host).
pub fn client() -> reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("pwb/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        })
        .clone()
}

/// Maps a reqwest send error to a message that names the URL and the cause.
pub fn send_error(url: &str, err: reqwest::Error) -> ProviderError {
    if err.is_connect() {
        let reason = std::error::Error::source(&err)
            .map(|s| s.to_string())
            .unwrap_or_else(|| err.to_string());
        ProviderError::Connect {
            url: url.to_string(),
            reason,
        }
    } else if err.is_timeout() {
        ProviderError::Timeout(TimeoutKind::Connect(CONNECT_TIMEOUT))
    } else {
        ProviderError::Other(format!("request to {url} failed: {err}"))
    }
}

/// Reads an error response and pulls out the provider's message
/// (`{"error":{"message":..}}` or `{"error":".."}`), keeping it short,
/// and the wait the server asked for (`Retry-After`, rate-limit resets).
pub async fn error_from_response(
    url: &str,
    resp: reqwest::Response,
    trace: &mut Trace,
) -> ProviderError {
    let status = resp.status().as_u16();
    let retry_after = retry_hint(resp.headers(), SystemTime::now());
    let body = resp.text().await.unwrap_or_default();
    trace.push_raw(body.as_bytes());
    let message = extract_error_message(&body).unwrap_or_else(|| {
        let trimmed = body.trim();
        if trimmed.is_empty() {
            status_text(status).to_string()
        } else {
            trimmed.chars().take(300).collect()
        }
    });
    ProviderError::Http {
        status,
        url: url.to_string(),
        message,
        retry_after,
    }
}

pub fn extract_error_message(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let err = v.get("error")?;
    match err {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o
            .get("message")
            .and_then(|m| m.as_str())
            .map(|s| s.to_string()),
        _ => None,
    }
}

/// Builds the request, records it in `trace` (with `key` registered for
/// masking), sends it and records the response's status and headers; an
/// error status becomes a `ProviderError` with the body kept in the trace.
pub async fn send_traced(
    builder: reqwest::RequestBuilder,
    url: &str,
    key: Option<&str>,
    trace: &mut Trace,
) -> Result<reqwest::Response, ProviderError> {
    trace.add_secret(key);
    let request = builder
        .build()
        .map_err(|e| ProviderError::Other(format!("cannot build the request to {url}: {e}")))?;
    trace.record_request(&request);
    let resp = client()
        .execute(request)
        .await
        .map_err(|e| send_error(url, e))?;
    trace.record_response(&resp);
    if !resp.status().is_success() {
        return Err(error_from_response(url, resp, trace).await);
    }
    Ok(resp)
}

/// The response body as a byte stream whose chunks are also appended to
/// the trace as they arrive.
pub fn traced_bytes<'t>(
    resp: reqwest::Response,
    trace: &'t mut Trace,
) -> impl Stream<Item = reqwest::Result<bytes::Bytes>> + 't {
    resp.bytes_stream().inspect(move |chunk| {
        if let Ok(b) = chunk {
            trace.push_raw(b);
        }
    })
}

/// The first ~120 bytes of `s` (on a char boundary), for error messages.
pub fn clip(s: &str) -> String {
    if s.len() > 120 {
        let end = (0..=120)
            .rev()
            .find(|i| s.is_char_boundary(*i))
            .unwrap_or(0);
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "unauthorized: check the API key",
        403 => "forbidden",
        404 => "not found: check the model name and base_url",
        429 => "rate limited",
        500 => "internal server error",
        502 => "bad gateway",
        503 => "service unavailable",
        529 => "overloaded: try again later",
        _ => "error",
    }
}

/// `err` with every occurrence of `secret` masked, for errors built from
/// text a server sent back (a server may echo the key it was given).
pub fn redact(err: ProviderError, secret: Option<&str>) -> ProviderError {
    let Some(secret) = secret.filter(|s| s.len() >= 4) else {
        return err;
    };
    let mask = |s: String| s.replace(secret, "[redacted]");
    match err {
        ProviderError::Connect { url, reason } => ProviderError::Connect {
            url: mask(url),
            reason: mask(reason),
        },
        ProviderError::Http {
            status,
            url,
            message,
            retry_after,
        } => ProviderError::Http {
            status,
            url: mask(url),
            message: mask(message),
            retry_after,
        },
        ProviderError::Stream(m) => ProviderError::Stream(mask(m)),
        ProviderError::Protocol(m) => ProviderError::Protocol(mask(m)),
        ProviderError::Api { kind, message } => ProviderError::Api {
            kind: mask(kind),
            message: mask(message),
        },
        ProviderError::Blocked(m) => ProviderError::Blocked(mask(m)),
        ProviderError::Other(m) => ProviderError::Other(mask(m)),
        other @ (ProviderError::MissingKey { .. }
        | ProviderError::Timeout(_)
        | ProviderError::Cancelled
        | ProviderError::Refused(_)) => other,
    }
}

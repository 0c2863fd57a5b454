//! Unit tests for reading retry hints: each header form, precedence, the
//! "which limit ran out" choice, and garbage that must yield no hint.

use super::*;
use reqwest::header::{HeaderName, HeaderValue};

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.insert(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    h
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn retry_after_seconds_and_ms() {
    let now = at(0);
    assert_eq!(
        retry_hint(&headers(&[("Retry-After", "2")]), now),
        Some(Duration::from_secs(2))
    );
    assert_eq!(
        retry_hint(
            &headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
            now
        ),
        Some(Duration::from_millis(1500)),
        "retry-after-ms is the more precise and wins"
    );
}

#[test]
fn retry_after_http_date() {
    // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
    let now = at(784_111_770);
    let h = headers(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
    assert_eq!(retry_hint(&h, now), Some(Duration::from_secs(7)));
    // A date in the past means "now".
    assert_eq!(retry_hint(&h, at(784_111_800)), Some(Duration::ZERO));
}

#[test]
fn openai_reset_headers_pick_the_exhausted_limit() {
    let now = at(0);
    let h = headers(&[
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "1s"),
        ("x-ratelimit-remaining-tokens", "5000"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ]);
    assert_eq!(retry_hint(&h, now), Some(Duration::from_secs(1)));
    // Without "remaining", every reset counts and the latest wins.
    let h = headers(&[
        ("x-ratelimit-reset-requests", "1s"),
        ("x-ratelimit-reset-tokens", "6m0s"),
    ]);
    assert_eq!(retry_hint(&h, now), Some(Duration::from_secs(360)));
}

#[test]
fn go_durations() {
    assert_eq!(parse_go_duration("1s"), Some(Duration::from_secs(1)));
    assert_eq!(parse_go_duration("6m0s"), Some(Duration::from_secs(360)));
    assert_eq!(parse_go_duration("20ms"), Some(Duration::from_millis(20)));
    assert_eq!(parse_go_duration("1.5s"), Some(Duration::from_millis(1500)));
    assert_eq!(parse_go_duration("1h2m3s"), Some(Duration::from_secs(3723)));
    for bad in ["", "s", "5", "5x", "abc", "1..2s"] {
        assert_eq!(parse_go_duration(bad), None, "{bad:?}");
    }
}

#[test]
fn anthropic_rfc3339_resets() {
    // 2025-01-01T00:00:00Z = 1735689600
    let now = at(1_735_689_600);
    let h = headers(&[
        ("anthropic-ratelimit-requests-remaining", "0"),
        ("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:05Z"),
        ("anthropic-ratelimit-tokens-remaining", "100"),
        ("anthropic-ratelimit-tokens-reset", "2025-01-01T00:01:00Z"),
    ]);
    assert_eq!(retry_hint(&h, now), Some(Duration::from_secs(5)));
    assert_eq!(
        parse_rfc3339("2025-01-01T01:00:02.5+01:00"),
        Some(UNIX_EPOCH + Duration::from_millis(1_735_689_602_500))
    );
}

#[test]
fn garbage_gives_no_hint() {
    let now = at(0);
    for v in ["soon", "-3", "NaN", "Mon, 99 Foo 2025 00:00:00 GMT", ""] {
        assert_eq!(
            retry_hint(&headers(&[("retry-after", v)]), now),
            None,
            "{v:?}"
        );
    }
    assert_eq!(
        retry_hint(
            &headers(&[("anthropic-ratelimit-requests-reset", "tomorrow")]),
            now
        ),
        None
    );
    assert_eq!(retry_hint(&HeaderMap::new(), now), None);
}

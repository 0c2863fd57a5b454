//! How long a server asks us to wait before retrying, read from response
//! headers: `retry-after-ms`, `Retry-After` (seconds or HTTP date), OpenAI's
//! `x-ratelimit-reset-*` (`1s`, `6m0s`) and Anthropic's RFC 3339 resets.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The wait the headers ask for, if any. Explicit retry headers win; else
/// the latest reset among the exhausted limits (all limits when none says
/// how much remains). `now` is the clock for absolute dates.
pub fn retry_hint(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(secs));
        }
        if let Some(at) = parse_http_date(v) {
            return Some(until(at, now));
        }
    }
    let exhausted = |remaining: &str| get(remaining).is_none_or(|r| r == "0");
    let mut best: Option<Duration> = None;
    let mut consider = |d: Option<Duration>| {
        if let Some(d) = d {
            best = Some(best.map_or(d, |b| b.max(d)));
        }
    };
    for kind in ["requests", "tokens"] {
        if exhausted(&format!("x-ratelimit-remaining-{kind}")) {
            consider(get(&format!("x-ratelimit-reset-{kind}")).and_then(parse_go_duration));
        }
    }
    for kind in ["requests", "tokens", "input-tokens", "output-tokens"] {
        if exhausted(&format!("anthropic-ratelimit-{kind}-remaining")) {
            consider(
                get(&format!("anthropic-ratelimit-{kind}-reset"))
                    .and_then(parse_rfc3339)
                    .map(|at| until(at, now)),
            );
        }
    }
    best
}

fn until(at: SystemTime, now: SystemTime) -> Duration {
    at.duration_since(now).unwrap_or(Duration::ZERO)
}

/// A Go-style duration as OpenAI sends it: `1s`, `6m0s`, `20ms`, `1.5s`, `1h2m`.
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let mut rest = s.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0f64;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => return None,
        };
        rest = &rest[unit_end..];
        total += value * scale;
    }
    total.is_finite().then(|| Duration::from_secs_f64(total))
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form HTTP uses.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let (_, rest) = s.split_once(", ")?;
    let mut it = rest.split_whitespace();
    let day: u32 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = it.next()?.parse().ok()?;
    let (h, m, sec) = hms(it.next()?)?;
    if it.next()? != "GMT" {
        return None;
    }
    to_system_time(year, month, day, h, m, sec as f64, 0)
}

/// An RFC 3339 timestamp (`2025-01-01T00:00:05Z`, `...05.25+01:00`).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let (date, time) = s.split_once(['T', 't', ' '])?;
    let mut d = date.split('-');
    let year: i64 = d.next()?.parse().ok()?;
    let month: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (clock, offset_secs) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let at = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(at);
        let sign = if off.starts_with('-') { -1 } else { 1 };
        let (oh, om) = off[1..].split_once(':')?;
        let secs = oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60;
        (c, sign * secs)
    };
    let (hm, frac) = clock.split_once('.').unwrap_or((clock, ""));
    let (h, m, sec) = hms(hm)?;
    let frac: f64 = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse().ok()?
    };
    to_system_time(year, month, day, h, m, sec as f64 + frac, offset_secs)
}

fn hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut p = s.split(':');
    let h = p.next()?.parse().ok()?;
    let m = p.next()?.parse().ok()?;
    let sec = p.next()?.parse().ok()?;
    (h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

fn to_system_time(
    year: i64,
    month: u32,
    day: u32,
    h: u32,
    m: u32,
    sec: f64,
    offset_secs: i64,
) -> Option<SystemTime> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + (h as i64) * 3600 + (m as i64) * 60 - offset_secs;
    let total = secs as f64 + sec;
    (total >= 0.0 && total.is_finite()).then(|| UNIX_EPOCH + Duration::from_secs_f64(total))
}

#[cfg(test)]
#[path = "retry_hint_tests.rs"]
mod tests;

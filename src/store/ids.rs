//! Ids and times. A recorded call or eval gets a random 63-bit id, made
//! before it is written (recording never waits for the database), shown as
//! 16 hex digits and found by any unique prefix of them (`3f9a2c1e`).
//! Times are Unix milliseconds; `7d`, `12h` and dates are read here.

use super::error::{Result, StoreError};
use std::time::{SystemTime, UNIX_EPOCH};

/// Hex digits shown for an id in listings.
pub const SHORT: usize = 8;

/// A fresh random id (top bit clear, so it is a positive SQLite integer).
pub fn new_uid() -> i64 {
    (fastrand::u64(..) >> 1) as i64
}

/// The id as 16 hex digits.
pub fn uid_hex(uid: i64) -> String {
    format!("{uid:016x}")
}

/// The id as shown in listings.
pub fn uid_short(uid: i64) -> String {
    uid_hex(uid)[..SHORT].to_string()
}

/// Parses the hex id a face was given back.
pub fn parse_uid(hex: &str) -> Option<i64> {
    if hex.len() != 16 {
        return None;
    }
    i64::from_str_radix(hex, 16).ok().filter(|v| *v >= 0)
}

/// The range of ids that start with the hex digits `prefix` (4 to 16).
pub fn prefix_range(prefix: &str) -> Result<(i64, i64)> {
    let p = prefix.trim().to_ascii_lowercase();
    let bad = || {
        StoreError::not_found(
            format!("`{prefix}` is not a call id"),
            "a call id is hex digits, at least 4 of them, as `pwb history` shows them",
        )
    };
    if !(4..=16).contains(&p.len()) || !p.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(bad());
    }
    let shift = 4 * (16 - p.len() as u32);
    let lo = u64::from_str_radix(&p, 16)
        .map_err(|_| bad())?
        .checked_shl(shift)
        .unwrap_or(0);
    let hi = lo | ((1u64.checked_shl(shift).unwrap_or(0)).wrapping_sub(1));
    if lo > i64::MAX as u64 {
        return Err(bad());
    }
    Ok((lo as i64, hi.min(i64::MAX as u64) as i64))
}

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `90d`, `12h`, `30m`, `2w` as milliseconds.
pub fn parse_age(text: &str) -> Option<i64> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let ms = match unit {
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    n.checked_mul(ms)
}

/// A point in time from `7d` (that long ago) or `YYYY-MM-DD` (midnight UTC).
pub fn parse_since(text: &str, now: i64) -> Option<i64> {
    if let Some(age) = parse_age(text) {
        return Some(now - age);
    }
    let mut it = text.trim().splitn(3, '-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let date = time::Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()?;
    Some(date.midnight().assume_utc().unix_timestamp() * 1000)
}

/// `2026-11-30 14:05` (UTC).
pub fn format_time(ms: i64) -> String {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return ms.to_string();
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_prefixes_cover_exactly_their_range() {
        for _ in 0..100 {
            let id = new_uid();
            assert!(id >= 0);
            assert_eq!(parse_uid(&uid_hex(id)), Some(id));
            let (lo, hi) = prefix_range(&uid_short(id)).unwrap();
            assert!(lo <= id && id <= hi);
        }
        assert_eq!(
            prefix_range("7fff").unwrap(),
            (0x7fff_0000_0000_0000, 0x7fff_ffff_ffff_ffff)
        );
        assert_eq!(prefix_range("00000000000000ab").unwrap(), (0xab, 0xab));
        assert!(prefix_range("abc").is_err(), "too short");
        assert!(prefix_range("xyz1").is_err());
        assert!(prefix_range("8000").is_err(), "no id has the top bit set");
    }

    #[test]
    fn ages_and_dates() {
        assert_eq!(parse_age("90d"), Some(90 * 86_400_000));
        assert_eq!(parse_age("12h"), Some(12 * 3_600_000));
        assert_eq!(parse_age("2w"), Some(14 * 86_400_000));
        assert_eq!(parse_age("7"), None);
        assert_eq!(parse_age("7y"), None);
        assert_eq!(
            parse_since("1d", 100_000_000),
            Some(100_000_000 - 86_400_000)
        );
        assert_eq!(parse_since("2026-01-02", 0), Some(1_767_312_000_000));
        assert_eq!(parse_since("2026-13-02", 0), None);
        assert_eq!(format_time(1_767_312_000_000 + 61_000), "2026-01-02 00:01");
    }
}

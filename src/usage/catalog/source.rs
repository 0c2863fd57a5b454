//! Where the catalog's figures come from, said once: which table (built in
//! or refreshed), its litellm version, the day it was fetched and how many
//! days ago that was; plus why a refreshed table was passed over.

use super::table::PriceTable;
use std::path::PathBuf;
use time::{Date, Month, OffsetDateTime};

/// A table older than this many days gets a hint to refresh it.
pub const STALE_AFTER_DAYS: i64 = 90;

#[derive(Debug, Clone, Default, PartialEq)]
pub enum TableOrigin {
    /// The snapshot compiled into pwb.
    #[default]
    BuiltIn,
    /// The table `pwb setup --prices` wrote, at this path.
    Refreshed(PathBuf),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogSource {
    pub origin: TableOrigin,
    pub litellm_version: String,
    /// `YYYY-MM-DD`.
    pub fetched: String,
    /// Why the refreshed table (if any) is not the one in use.
    pub note: Option<String>,
}

impl CatalogSource {
    pub fn of(table: &PriceTable, origin: TableOrigin) -> CatalogSource {
        CatalogSource {
            origin,
            litellm_version: table.litellm_version.clone(),
            fetched: table.fetched.clone(),
            note: None,
        }
    }

    /// Whole days from `fetched` to `today`, when `fetched` is a date.
    pub fn age_days(&self, today: Date) -> Option<i64> {
        let fetched = parse_date(&self.fetched)?;
        Some((today - fetched).whole_days())
    }

    /// `LiteLLM 1.110.2 table built into pwb, fetched 2026-11-30 (today)`.
    pub fn describe(&self, today: Date) -> String {
        let which = match &self.origin {
            TableOrigin::BuiltIn => "built into pwb".to_string(),
            TableOrigin::Refreshed(path) => {
                format!("refreshed by `pwb setup --prices` ({})", path.display())
            }
        };
        let age = match self.age_days(today) {
            Some(0) => " (today)".to_string(),
            Some(1) => " (1 day ago)".to_string(),
            Some(n) if n > 1 => format!(" ({n} days ago)"),
            _ => String::new(),
        };
        format!(
            "LiteLLM {} table {which}, fetched {}{age}",
            self.litellm_version, self.fetched
        )
    }

    /// Older than `STALE_AFTER_DAYS`.
    pub fn is_stale(&self, today: Date) -> bool {
        self.age_days(today).is_some_and(|d| d > STALE_AFTER_DAYS)
    }
}

/// Today in UTC.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// `YYYY-MM-DD`.
pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A `YYYY-MM-DD` date, or `None`.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

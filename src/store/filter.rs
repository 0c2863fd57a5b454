//! Which calls a listing, a statistic or an export covers: a workspace,
//! and optionally a prompt, model, versions (a label's), a time window and
//! a rating. Turned into one SQL `WHERE` over `calls c` joined with
//! `prompt_versions v`.

use rusqlite::types::Value;

/// What a rating filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingFilter {
    /// Latest rating thumbs up, or a score of 4 or 5.
    Up,
    /// Latest rating thumbs down, or a score of 1 or 2.
    Down,
    /// Latest score at least this.
    AtLeast(u8),
    /// Any rating at all.
    Rated,
}

impl RatingFilter {
    /// `up`, `down`, `rated`, `4` (at least 4) or `>=4`.
    pub fn parse(text: &str) -> Option<RatingFilter> {
        let t = text.trim();
        match t {
            "up" => Some(RatingFilter::Up),
            "down" => Some(RatingFilter::Down),
            "rated" | "any" => Some(RatingFilter::Rated),
            _ => {
                let n: u8 = t.trim_start_matches(">=").parse().ok()?;
                (1..=5).contains(&n).then_some(RatingFilter::AtLeast(n))
            }
        }
    }

    fn sql(self) -> String {
        // The latest rating of the call.
        let latest = "(SELECT {} FROM ratings r WHERE r.call_id = c.id ORDER BY r.id DESC LIMIT 1)";
        let col = |c: &str| latest.replace("{}", c);
        match self {
            RatingFilter::Up => format!(
                "(coalesce({}, 0) = 1 OR coalesce({}, 0) >= 4)",
                col("thumb"),
                col("score")
            ),
            RatingFilter::Down => format!(
                "(coalesce({}, 0) = -1 OR coalesce({}, 9) <= 2)",
                col("thumb"),
                col("score")
            ),
            RatingFilter::AtLeast(n) => format!("coalesce({}, 0) >= {n}", col("score")),
            RatingFilter::Rated => "EXISTS (SELECT 1 FROM ratings r WHERE r.call_id = c.id)".into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFilter {
    pub workspace: i64,
    pub prompt: Option<String>,
    pub model: Option<String>,
    /// Only these version ids (hashes), e.g. a label's.
    pub versions: Option<Vec<String>>,
    /// Unix ms, inclusive.
    pub since: Option<i64>,
    /// Unix ms, exclusive.
    pub until: Option<i64>,
    pub rating: Option<RatingFilter>,
    /// Only calls that passed their eval case.
    pub passed: bool,
}

impl CallFilter {
    pub fn workspace(id: i64) -> CallFilter {
        CallFilter {
            workspace: id,
            ..Default::default()
        }
    }

    /// The `WHERE` clause (without the keyword) and its values.
    pub fn to_sql(&self) -> (String, Vec<Value>) {
        let mut parts = vec!["c.workspace_id = ?".to_string()];
        let mut values = vec![Value::Integer(self.workspace)];
        if let Some(p) = &self.prompt {
            parts.push("v.prompt = ?".into());
            values.push(Value::Text(p.clone()));
        }
        if let Some(m) = &self.model {
            parts.push("(c.model = ? OR c.model_name = ?)".into());
            values.push(Value::Text(m.clone()));
            values.push(Value::Text(m.clone()));
        }
        if let Some(vs) = &self.versions {
            let marks = vec!["?"; vs.len()].join(", ");
            parts.push(format!("v.hash IN ({marks})"));
            values.extend(vs.iter().map(|h| Value::Text(h.clone())));
        }
        if let Some(t) = self.since {
            parts.push("c.created >= ?".into());
            values.push(Value::Integer(t));
        }
        if let Some(t) = self.until {
            parts.push("c.created < ?".into());
            values.push(Value::Integer(t));
        }
        if let Some(r) = self.rating {
            parts.push(r.sql());
        }
        if self.passed {
            parts.push(
                "EXISTS (SELECT 1 FROM eval_results e WHERE e.call_id = c.id AND e.pass = 1)"
                    .into(),
            );
        }
        (parts.join(" AND "), values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_parse() {
        assert_eq!(RatingFilter::parse("up"), Some(RatingFilter::Up));
        assert_eq!(RatingFilter::parse(">=4"), Some(RatingFilter::AtLeast(4)));
        assert_eq!(RatingFilter::parse("3"), Some(RatingFilter::AtLeast(3)));
        assert_eq!(RatingFilter::parse("6"), None);
        assert_eq!(RatingFilter::parse("meh"), None);
    }

    #[test]
    fn every_condition_has_its_value() {
        let f = CallFilter {
            workspace: 1,
            prompt: Some("p".into()),
            model: Some("m".into()),
            versions: Some(vec!["a".into(), "b".into()]),
            since: Some(5),
            until: Some(9),
            rating: Some(RatingFilter::Up),
            passed: true,
        };
        let (sql, values) = f.to_sql();
        assert_eq!(sql.matches('?').count(), values.len());
        assert!(sql.contains("v.hash IN (?, ?)"), "{sql}");
    }
}

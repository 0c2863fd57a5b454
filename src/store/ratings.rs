//! Human judgement: ratings of recorded answers (thumbs up/down, 1 to 5, a
//! note; the latest counts) and blind pairwise votes (two answers shown as
//! A and B in random order, names hidden; the order and the vote are kept).

use super::error::{Result, StoreError};
use super::ids;
use super::pairwise::{self, Vote};
use rusqlite::{Connection, params};

/// A rating as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingValue {
    Up,
    Down,
    Score(u8),
}

impl RatingValue {
    /// `up`, `down`, `+1`, `-1`, or `1` to `5`.
    pub fn parse(text: &str) -> Option<RatingValue> {
        match text.trim() {
            "up" | "+1" | "+" | "good" => Some(RatingValue::Up),
            "down" | "-1" | "-" | "bad" => Some(RatingValue::Down),
            t => t
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .map(RatingValue::Score),
        }
    }
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub created: i64,
    /// 1 up, -1 down.
    pub thumb: Option<i8>,
    pub score: Option<u8>,
    pub note: Option<String>,
}

impl Rating {
    pub fn describe(&self) -> String {
        let v = match (self.thumb, self.score) {
            (Some(1), _) => "up".to_string(),
            (Some(_), _) => "down".to_string(),
            (None, Some(s)) => format!("{s}/5"),
            (None, None) => "note".to_string(),
        };
        match &self.note {
            Some(n) => format!("{v}: {n}"),
            None => v,
        }
    }
}

/// Rates the call with row id `call`.
pub fn rate(conn: &Connection, call: i64, value: RatingValue, note: Option<&str>) -> Result<()> {
    let (thumb, score) = match value {
        RatingValue::Up => (Some(1), None),
        RatingValue::Down => (Some(-1), None),
        RatingValue::Score(s) => (None, Some(s)),
    };
    conn.execute(
        "INSERT INTO ratings (call_id, created, thumb, score, note) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![call, ids::now_ms(), thumb, score, note],
    )?;
    Ok(())
}

/// Every rating of call `call`, oldest first.
pub fn of_call(conn: &Connection, call: i64) -> Result<Vec<Rating>> {
    let mut st = conn.prepare_cached(
        "SELECT created, thumb, score, note FROM ratings WHERE call_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([call], |r| {
        Ok(Rating {
            created: r.get(0)?,
            thumb: r.get(1)?,
            score: r.get(2)?,
            note: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One side of a blind comparison: a recorded call and who made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// The call's hex id, as the recorder gave it.
    pub call: Option<String>,
    /// `triage@3f9a2c1e`, `openai:gpt-4o`: what the votes are about.
    pub name: String,
}

/// Two answers as the screen shows them: A first, names hidden.
#[derive(Debug, Clone, PartialEq)]
pub struct BlindPair {
    pub a: Contender,
    pub b: Contender,
    /// A is the second contender asked about (the order was random).
    pub swapped: bool,
    pub suite: Option<String>,
    pub case: Option<usize>,
}

impl BlindPair {
    /// Puts `first` and `second` in random order.
    pub fn shuffle(first: Contender, second: Contender, rng: &mut fastrand::Rng) -> BlindPair {
        let swapped = rng.bool();
        let (a, b) = if swapped {
            (second, first)
        } else {
            (first, second)
        };
        BlindPair {
            a,
            b,
            swapped,
            suite: None,
            case: None,
        }
    }
}

/// A blind vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlindVote {
    A,
    B,
    Tie,
    BothBad,
}

impl BlindVote {
    fn as_str(self) -> &'static str {
        match self {
            BlindVote::A => "a",
            BlindVote::B => "b",
            BlindVote::Tie => "tie",
            BlindVote::BothBad => "both_bad",
        }
    }
}

/// Records a vote on `pair` in workspace `ws`.
pub fn record_vote(
    conn: &Connection,
    ws: i64,
    pair: &BlindPair,
    vote: BlindVote,
    note: Option<&str>,
) -> Result<()> {
    let call_row = |c: &Contender| -> Result<Option<i64>> {
        let Some(hex) = &c.call else { return Ok(None) };
        let uid = ids::parse_uid(hex).ok_or_else(|| {
            StoreError::not_found(
                format!("`{hex}` is not a call id"),
                "pass the id the recorder gave",
            )
        })?;
        Ok(Some(conn.query_row(
            "SELECT id FROM calls WHERE uid = ?1",
            [uid],
            |r| r.get(0),
        )?))
    };
    conn.execute(
        "INSERT INTO pairwise_votes (created, workspace_id, a_call, b_call, swapped, case_index, vote,
            a_contender, b_contender, suite, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            ids::now_ms(),
            ws,
            call_row(&pair.a)?,
            call_row(&pair.b)?,
            pair.swapped,
            pair.case.map(|c| c as i64),
            vote.as_str(),
            pair.a.name,
            pair.b.name,
            pair.suite,
            note
        ],
    )?;
    Ok(())
}

/// The votes of workspace `ws` (optionally since a time), as A vs B.
pub fn votes(conn: &Connection, ws: i64, since: Option<i64>) -> Result<Vec<Vote>> {
    let mut st = conn.prepare(
        "SELECT a_contender, b_contender, vote FROM pairwise_votes
         WHERE workspace_id = ?1 AND created >= ?2 ORDER BY id",
    )?;
    let rows = st.query_map(params![ws, since.unwrap_or(i64::MIN)], |r| {
        let vote: String = r.get(2)?;
        Ok(Vote {
            first: r.get(0)?,
            second: r.get(1)?,
            outcome: match vote.as_str() {
                "a" => pairwise::Outcome::FirstWins,
                "b" => pairwise::Outcome::SecondWins,
                "tie" => pairwise::Outcome::Tie,
                _ => pairwise::Outcome::BothBad,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_parse() {
        assert_eq!(RatingValue::parse("up"), Some(RatingValue::Up));
        assert_eq!(RatingValue::parse("-1"), Some(RatingValue::Down));
        assert_eq!(RatingValue::parse("4"), Some(RatingValue::Score(4)));
        assert_eq!(RatingValue::parse("0"), None);
        assert_eq!(RatingValue::parse("6"), None);
    }

    #[test]
    fn the_order_is_random_but_kept() {
        let c = |n: &str| Contender {
            call: None,
            name: n.into(),
        };
        let mut rng = fastrand::Rng::with_seed(7);
        let pairs: Vec<BlindPair> = (0..64)
            .map(|_| BlindPair::shuffle(c("x"), c("y"), &mut rng))
            .collect();
        assert!(pairs.iter().any(|p| p.swapped) && pairs.iter().any(|p| !p.swapped));
        for p in &pairs {
            assert_eq!(p.a.name == "y", p.swapped);
        }
    }
}

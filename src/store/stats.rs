//! Monitoring figures per prompt version and model: calls, error rate,
//! eval pass rate, p50/p95 time to first token and total latency
//! (nearest-rank percentiles over answered calls), tokens and cost per
//! call, total spend; and a daily trend for one version (the TUI's
//! sparklines). Reads only the small columns of each call.

use super::error::Result;
use super::filter::CallFilter;
use rusqlite::{Connection, params_from_iter};
use serde::Serialize;
use std::collections::BTreeMap;

/// The figures of one (prompt, version, model).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct VersionStats {
    pub prompt: String,
    /// The version id (hex).
    pub version: String,
    pub model: String,
    pub calls: u64,
    pub errors: u64,
    pub error_rate: f64,
    /// Calls graded pass or fail in evals.
    pub graded: u64,
    pub passed: u64,
    pub pass_rate: Option<f64>,
    pub ttft_p50_ms: Option<i64>,
    pub ttft_p95_ms: Option<i64>,
    pub total_p50_ms: Option<i64>,
    pub total_p95_ms: Option<i64>,
    pub input_tokens_per_call: Option<f64>,
    pub output_tokens_per_call: Option<f64>,
    pub cost_per_call: Option<f64>,
    /// The spend of the calls whose price is known.
    pub total_cost: f64,
    /// Human ratings joined in: calls whose latest thumb is up or down,
    /// and the mean of their latest 1-5 scores.
    pub rated_up: u64,
    pub rated_down: u64,
    pub mean_score: Option<f64>,
    pub first: i64,
    pub last: i64,
}

/// Nearest-rank percentile `p` (0-100) of sorted `v`.
pub fn percentile(v: &[i64], p: f64) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    Some(v[rank.clamp(1, v.len()) - 1])
}

#[derive(Default)]
struct Acc {
    stats: VersionStats,
    ttft: Vec<i64>,
    total: Vec<i64>,
    tokens_in: (f64, u64),
    tokens_out: (f64, u64),
    cost: (f64, u64),
    scores: (f64, u64),
}

/// The figures of every (prompt, version, model) the filter keeps, by
/// prompt, then most recent version first, then model.
pub fn by_version(conn: &Connection, f: &CallFilter) -> Result<Vec<VersionStats>> {
    let (cond, values) = f.to_sql();
    // Versions first: a prompt's calls come through the version index.
    let sql = format!(
        "SELECT v.prompt, v.hash, c.model, c.status, c.ttft_ms, c.total_ms, c.input_tokens,
                c.output_tokens, c.cost, c.created,
                (SELECT e.pass FROM eval_results e WHERE e.call_id = c.id),
                (SELECT r.thumb FROM ratings r WHERE r.call_id = c.id AND r.thumb IS NOT NULL
                 ORDER BY r.id DESC LIMIT 1),
                (SELECT r.score FROM ratings r WHERE r.call_id = c.id AND r.score IS NOT NULL
                 ORDER BY r.id DESC LIMIT 1)
         FROM prompt_versions v CROSS JOIN calls c ON c.version_id = v.id
         WHERE v.workspace_id = {ws} AND {cond}",
        ws = f.workspace
    );
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(values))?;
    let mut groups: BTreeMap<(String, String, String), Acc> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let key = (r.get(0)?, r.get(1)?, r.get(2)?);
        let acc = groups.entry(key).or_default();
        let s = &mut acc.stats;
        let created: i64 = r.get(9)?;
        if s.calls == 0 {
            s.first = created;
        }
        s.calls += 1;
        s.first = s.first.min(created);
        s.last = s.last.max(created);
        let status: String = r.get(3)?;
        if status != "done" {
            s.errors += 1;
        } else {
            if let Some(t) = r.get::<_, Option<i64>>(4)? {
                acc.ttft.push(t);
            }
            if let Some(t) = r.get::<_, Option<i64>>(5)? {
                acc.total.push(t);
            }
        }
        let add = |sum: &mut (f64, u64), v: Option<f64>| {
            if let Some(v) = v {
                sum.0 += v;
                sum.1 += 1;
            }
        };
        add(
            &mut acc.tokens_in,
            r.get::<_, Option<i64>>(6)?.map(|v| v as f64),
        );
        add(
            &mut acc.tokens_out,
            r.get::<_, Option<i64>>(7)?.map(|v| v as f64),
        );
        add(&mut acc.cost, r.get(8)?);
        if let Some(pass) = r.get::<_, Option<bool>>(10)? {
            s.graded += 1;
            s.passed += u64::from(pass);
        }
        match r.get::<_, Option<i64>>(11)? {
            Some(t) if t > 0 => s.rated_up += 1,
            Some(_) => s.rated_down += 1,
            None => {}
        }
        add(
            &mut acc.scores,
            r.get::<_, Option<i64>>(12)?.map(|v| v as f64),
        );
    }
    let mut out: Vec<VersionStats> = groups
        .into_iter()
        .map(|((prompt, version, model), mut acc)| {
            acc.ttft.sort_unstable();
            acc.total.sort_unstable();
            let mean = |(sum, n): (f64, u64)| (n > 0).then(|| sum / n as f64);
            let mut s = acc.stats;
            s.prompt = prompt;
            s.version = version;
            s.model = model;
            s.error_rate = s.errors as f64 / s.calls.max(1) as f64;
            s.pass_rate = (s.graded > 0).then(|| s.passed as f64 / s.graded as f64);
            s.ttft_p50_ms = percentile(&acc.ttft, 50.0);
            s.ttft_p95_ms = percentile(&acc.ttft, 95.0);
            s.total_p50_ms = percentile(&acc.total, 50.0);
            s.total_p95_ms = percentile(&acc.total, 95.0);
            s.input_tokens_per_call = mean(acc.tokens_in);
            s.output_tokens_per_call = mean(acc.tokens_out);
            s.cost_per_call = mean(acc.cost);
            s.total_cost = acc.cost.0;
            s.mean_score = mean(acc.scores);
            s
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.prompt, std::cmp::Reverse(a.last), &a.model).cmp(&(
            &b.prompt,
            std::cmp::Reverse(b.last),
            &b.model,
        ))
    });
    Ok(out)
}

/// One day of a version's calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    /// Unix ms of the day's midnight (UTC).
    pub day: i64,
    pub calls: u64,
    pub errors: u64,
    pub mean_total_ms: Option<f64>,
    pub pass_rate: Option<f64>,
    pub cost: f64,
}

/// The daily series of the calls the filter keeps, oldest first.
pub fn trend(conn: &Connection, f: &CallFilter) -> Result<Vec<Day>> {
    let (cond, values) = f.to_sql();
    let sql = format!(
        "SELECT c.created / 86400000 * 86400000 AS day, count(*),
                sum(c.status != 'done'),
                avg(CASE WHEN c.status = 'done' THEN c.total_ms END),
                avg(e.pass), coalesce(sum(c.cost), 0)
         FROM prompt_versions v CROSS JOIN calls c ON c.version_id = v.id
         LEFT JOIN eval_results e ON e.call_id = c.id
         WHERE v.workspace_id = {ws} AND {cond} GROUP BY day ORDER BY day",
        ws = f.workspace
    );
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params_from_iter(values), |r| {
        Ok(Day {
            day: r.get(0)?,
            calls: r.get::<_, i64>(1)? as u64,
            errors: r.get::<_, i64>(2)? as u64,
            mean_total_ms: r.get(3)?,
            pass_rate: r.get(4)?,
            cost: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=20).collect();
        assert_eq!(percentile(&v, 50.0), Some(10));
        assert_eq!(percentile(&v, 95.0), Some(19));
        assert_eq!(percentile(&[7], 95.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1, 2, 3], 0.0), Some(1));
    }
}

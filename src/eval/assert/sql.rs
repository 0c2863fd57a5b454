//! is-sql and contains-sql: the answer parsed by a real SQL parser (the
//! sqlparser crate; promptfoo uses node-sql-parser) in the `databaseType`'s
//! dialect (MySQL by default), promptfoo's extra syntax heuristics, and the
//! `allowedTables` / `allowedColumns` lists (`select::null::users`).

use super::{Args, Check, Outcome, js};
use serde_json::Value;
use sqlparser::ast::{Expr, Statement, visit_expressions, visit_relations};
use sqlparser::dialect::{self, Dialect};
use sqlparser::parser::Parser;
use std::ops::ControlFlow;
use std::sync::LazyLock;

fn dialect_for(database: &str) -> Option<Box<dyn Dialect>> {
    Some(match database {
        "MySQL" | "MariaDB" => Box::new(dialect::MySqlDialect {}),
        "PostgresQL" | "Postgres" | "PostgreSQL" => Box::new(dialect::PostgreSqlDialect {}),
        "Sqlite" | "SQLite" => Box::new(dialect::SQLiteDialect {}),
        "TransactSQL" => Box::new(dialect::MsSqlDialect {}),
        "BigQuery" => Box::new(dialect::BigQueryDialect {}),
        "Snowflake" => Box::new(dialect::SnowflakeDialect {}),
        "Redshift" => Box::new(dialect::RedshiftSqlDialect {}),
        "Hive" => Box::new(dialect::HiveDialect {}),
        "Db2" | "FlinkSQL" | "Noql" | "Athena" | "Trino" => Box::new(dialect::GenericDialect {}),
        _ => return None,
    })
}

struct Options {
    database: String,
    tables: Option<Vec<String>>,
    columns: Option<Vec<String>>,
}

fn options(a: &Args) -> Result<Options, String> {
    let list = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .map(|l| l.iter().map(js::string).collect())
    };
    match a.value {
        None | Some(Value::Null) => Ok(Options {
            database: "MySQL".into(),
            tables: None,
            columns: None,
        }),
        Some(Value::Object(m)) => Ok(Options {
            database: m
                .get("databaseType")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .unwrap_or("MySQL")
                .into(),
            tables: list(m.get("allowedTables")),
            columns: list(m.get("allowedColumns")),
        }),
        Some(v) if !js::truthy(Some(v)) => Ok(Options {
            database: "MySQL".into(),
            tables: None,
            columns: None,
        }),
        Some(_) => Err("is-sql assertion must have a object value.".into()),
    }
}

/// `select t1 t2 from`: two bare identifiers where a comma was meant
/// (promptfoo's pattern, select modifiers such as DISTINCT skipped).
fn likely_missing_comma(sql: &str, mysql: bool) -> bool {
    static PATTERNS: LazyLock<Option<(regress::Regex, regress::Regex)>> = LazyLock::new(|| {
        let make = |modifier: &str| {
            let id = "[A-Za-z_][A-Za-z0-9_]*";
            let p = format!(r"\bselect\s+(?:{modifier}\s+)*(?!{modifier}\b){id}\s+{id}\s+from\b");
            regress::Regex::with_flags(&p, "i").ok()
        };
        let standard = make("(?:all|distinct)")?;
        let mysql = make(
            "(?:all|distinct(?:row)?|high_priority|straight_join|sql_(?:big_result|buffer_result|cache|calc_found_rows|no_cache|small_result))",
        )?;
        Some((standard, mysql))
    });
    let Some((standard, my)) = PATTERNS.as_ref() else {
        return false;
    };
    let re = if mysql { my } else { standard };
    re.find(sql).is_some()
}

/// Quoted text and comments blanked, as promptfoo does before its heuristics.
fn strip_ignored(sql: &str, database: &str) -> String {
    let brackets = matches!(database, "TransactSQL" | "Sqlite");
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let quote = match c {
            '\'' | '"' | '`' => Some(c),
            '[' if brackets => Some(']'),
            _ => None,
        };
        if let Some(close) = quote {
            let mut k = i + 1;
            while k < chars.len() {
                if close != ']' && chars[k] == '\\' {
                    k += 2;
                    continue;
                }
                if chars[k] == close {
                    if chars.get(k + 1) == Some(&close) {
                        k += 2;
                        continue;
                    }
                    k += 1;
                    break;
                }
                k += 1;
            }
            out.push_str(" ? ");
            i = k.min(chars.len()).max(i + 1);
        } else if (c == '-' && chars.get(i + 1) == Some(&'-')) || c == '#' {
            while i < chars.len() && chars[i] != '\n' && chars[i] != '\r' {
                i += 1;
            }
            out.push(' ');
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let rest: String = chars[i + 2..].iter().collect();
            i = rest
                .find("*/")
                .map_or(chars.len(), |k| i + 2 + rest[..k].chars().count() + 2);
            out.push(' ');
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn statement_kind(s: &Statement) -> &'static str {
    match s {
        Statement::Query(_) => "select",
        Statement::Insert(_) => "insert",
        Statement::Update { .. } => "update",
        Statement::Delete(_) => "delete",
        Statement::CreateTable(_) => "create",
        Statement::Drop { .. } => "drop",
        Statement::AlterTable { .. } => "alter",
        _ => "select",
    }
}

fn tables(stmts: &[Statement]) -> Vec<String> {
    let mut out = Vec::new();
    for s in stmts {
        let kind = statement_kind(s);
        let _ = visit_relations(s, |name| {
            let parts: Vec<String> = name
                .0
                .iter()
                .map(|p| p.to_string().trim_matches(['`', '"']).to_string())
                .collect();
            let (db, table) = match parts.as_slice() {
                [t] => ("null".to_string(), t.clone()),
                [.., d, t] => (d.clone(), t.clone()),
                [] => return ControlFlow::<()>::Continue(()),
            };
            let entry = format!("{kind}::{db}::{table}");
            if !out.contains(&entry) {
                out.push(entry);
            }
            ControlFlow::Continue(())
        });
    }
    out
}

fn columns(stmts: &[Statement]) -> Vec<String> {
    let mut out = Vec::new();
    for s in stmts {
        let kind = statement_kind(s);
        let _ = visit_expressions(s, |e| {
            let entry = match e {
                Expr::Identifier(i) => Some(format!("{kind}::null::{}", i.value)),
                Expr::CompoundIdentifier(p) if p.len() >= 2 => Some(format!(
                    "{kind}::{}::{}",
                    p[p.len() - 2].value,
                    p[p.len() - 1].value
                )),
                _ => None,
            };
            if let Some(entry) = entry.filter(|e| !out.contains(e)) {
                out.push(entry);
            }
            ControlFlow::<()>::Continue(())
        });
    }
    out
}

/// is-sql without `not-`: Ok, or the reasons it fails.
fn check(output: &str, o: &Options) -> Result<(), String> {
    let syntax = format!(
        "SQL statement does not conform to the provided {} database syntax.",
        o.database
    );
    let mut reasons = Vec::new();
    let sql = js::trim(output);
    if sql.is_empty() {
        reasons.push(syntax.clone());
    }
    if sql.matches('`').count() % 2 == 1 {
        reasons.push(syntax.clone());
    }
    let mysql = matches!(o.database.as_str(), "MySQL" | "MariaDB");
    if likely_missing_comma(&strip_ignored(sql, &o.database), mysql) {
        reasons.push(syntax.clone());
    }
    if o.database == "MySQL"
        && sql
            .to_ascii_lowercase()
            .split("generate_series")
            .skip(1)
            .any(|r| r.trim_start().starts_with('('))
    {
        reasons.push(syntax.clone());
    }
    let parsed = dialect_for(&o.database).and_then(|d| Parser::parse_sql(d.as_ref(), output).ok());
    if parsed.is_none() {
        reasons.push(syntax.clone());
    }
    if let Some(allowed) = &o.tables {
        let found = parsed.as_deref().map(tables).unwrap_or_default();
        if parsed.is_none() || found.iter().any(|t| !allowed.contains(t)) {
            reasons.push(if found.is_empty() {
                "SQL validation failed: the statement could not be parsed.".to_string()
            } else {
                format!(
                    "SQL references unauthorized table(s). Found: [{}]. Allowed: [{}].",
                    found.join(", "),
                    allowed.join(", ")
                )
            });
        }
    }
    if let Some(allowed) = &o.columns {
        let mut normalized = allowed.clone();
        for item in allowed {
            let parts: Vec<&str> = item.split("::").collect();
            if parts.len() == 3 && parts[1] != "null" {
                let alt = format!("{}::null::{}", parts[0], parts[2]);
                if !normalized.contains(&alt) {
                    normalized.push(alt);
                }
            }
        }
        let found = parsed.as_deref().map(columns).unwrap_or_default();
        if parsed.is_none() || found.iter().any(|c| !normalized.contains(c)) {
            reasons.push(if found.is_empty() {
                "SQL validation failed: the statement could not be parsed.".to_string()
            } else {
                format!(
                    "SQL references unauthorized column(s). Found: [{}]. Allowed: [{}].",
                    found.join(", "),
                    allowed.join(", ")
                )
            });
        }
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(reasons.join(" "))
    }
}

pub fn is_sql(a: &Args) -> Outcome {
    let o = options(a)?;
    let result = check(a.output, &o);
    let pass = result.is_ok() != a.inverse;
    Ok(Check::binary(pass, || match result {
        Err(r) => r,
        Ok(()) => "The output SQL statement is valid".into(),
    }))
}

/// The bodies of ``` / ```sql fences (any other language is skipped).
fn sql_blocks(output: &str) -> Vec<String> {
    let fence = |line: &str| -> Option<(char, usize, String)> {
        let indent = line
            .chars()
            .take(3)
            .take_while(|c| *c == ' ' || *c == '\t')
            .count();
        let rest = &line[indent..];
        let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let len = rest.chars().take_while(|c| *c == ch).count();
        (len >= 3).then(|| (ch, len, rest[len..].to_string()))
    };
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, bool, Vec<String>)> = None;
    let normalized = output.replace("\r\n", "\n").replace('\r', "\n");
    for line in normalized.split('\n') {
        let f = fence(line);
        match open.as_mut() {
            None => {
                if let Some((ch, len, info)) = f {
                    let lang = info.trim().to_lowercase();
                    open = Some((ch, len, lang.is_empty() || lang == "sql", Vec::new()));
                }
            }
            Some((ch, len, is_sql, body)) => {
                let closes = f.as_ref().is_some_and(|(c, l, info)| {
                    *c == *ch && *l >= *len && info.chars().all(|c| c == ' ' || c == '\t')
                });
                if closes {
                    if *is_sql {
                        blocks.push(body.join("\n").trim().to_string());
                    }
                    open = None;
                } else {
                    body.push(line.to_string());
                }
            }
        }
    }
    blocks
}

pub fn contains_sql(a: &Args) -> Outcome {
    let o = options(a)?;
    let blocks = sql_blocks(a.output);
    let candidates = if blocks.is_empty() {
        vec![a.output.to_string()]
    } else {
        blocks
    };
    let mut reason = "Output does not contain valid SQL".to_string();
    let mut valid = false;
    for c in candidates.iter().filter(|c| !js::trim(c).is_empty()) {
        match check(c, &o) {
            Ok(()) => {
                valid = true;
                break;
            }
            Err(r) => reason = r,
        }
    }
    let pass = valid != a.inverse;
    Ok(Check::binary(pass, || {
        if valid {
            "The output SQL statement is valid".into()
        } else {
            reason
        }
    }))
}

//! `pwb rate ID up|down|1-5 [--note TEXT]`: rate a recorded answer (ids
//! from `pwb history`; any unique prefix of 4 or more hex digits). The
//! latest rating counts in stats and exports; all are kept.

use super::history_open::{fail, here, open_with_workspace};
use crate::store::ratings::{self, RatingValue};
use crate::store::{StoreError, calls};
use std::process::ExitCode;

#[derive(Debug, Clone, clap::Args)]
pub struct RateArgs {
    /// The call's id, as `pwb history` shows it.
    #[arg(value_name = "ID")]
    pub id: String,
    /// up, down, or a score from 1 to 5.
    #[arg(value_name = "RATING", allow_hyphen_values = true)]
    pub rating: String,
    /// A note to keep with the rating.
    #[arg(long)]
    pub note: Option<String>,
}

pub fn run(args: RateArgs) -> anyhow::Result<ExitCode> {
    let Some(value) = RatingValue::parse(&args.rating) else {
        eprintln!(
            "error: `{}` is not a rating\nhint: use up, down, or 1 to 5",
            args.rating
        );
        return Ok(ExitCode::from(2));
    };
    let here = here()?;
    let (store, ws) = match open_with_workspace(&here) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let found = ws
        .ok_or_else(|| {
            StoreError::not_found(
                "nothing recorded in this workspace yet",
                "ratings are for recorded calls: run a prompt first",
            )
        })
        .and_then(|ws| calls::resolve(store.conn(), ws, &args.id));
    let (row, uid) = match found {
        Ok(f) => f,
        Err(e) => return Ok(fail(&e)),
    };
    if let Err(e) = ratings::rate(store.conn(), row, value, args.note.as_deref()) {
        return Ok(fail(&e));
    }
    let all = ratings::of_call(store.conn(), row).unwrap_or_default();
    let last = all.last().map(|r| r.describe()).unwrap_or_default();
    println!("rated {}: {last}", crate::store::ids::uid_short(uid));
    Ok(ExitCode::SUCCESS)
}

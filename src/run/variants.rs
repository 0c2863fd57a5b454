//! Repeats and temperature sweeps as a user gives them (`--repeat 3`,
//! `--sweep 0,0.7,1.2`, the TUI's popups): parsed and checked here, with
//! messages that say what to type instead, so the CLI and TUI agree.

/// Most samples per model and temperature one run may ask for.
pub const MAX_REPEAT: u32 = 20;
/// Most temperatures one sweep may list.
pub const MAX_SWEEP: usize = 10;
/// Temperatures providers accept (OpenAI's range; others accept less).
pub const TEMPERATURE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=2.0;

/// Checks a repeat count: 1..=`MAX_REPEAT`.
pub fn check_repeat(k: u32) -> Result<u32, String> {
    match k {
        0 => Err("0 samples would run nothing: use 1 or more".into()),
        k if k > MAX_REPEAT => Err(format!(
            "{k} is too many: at most {MAX_REPEAT} samples per model and temperature"
        )),
        k => Ok(k),
    }
}

/// Reads a repeat count as typed.
pub fn parse_repeat(text: &str) -> Result<u32, String> {
    let t = text.trim();
    match t.parse::<u32>() {
        Ok(k) => check_repeat(k),
        Err(_) => Err(format!(
            "'{t}' is not a whole number (expected 1 to {MAX_REPEAT})"
        )),
    }
}

/// Reads a comma-separated list of temperatures, each in 0..=2, none
/// twice. An empty list (blank text) is `Ok(vec![])`: no sweep.
pub fn parse_sweep(text: &str) -> Result<Vec<f64>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut temps: Vec<f64> = Vec::new();
    // A trailing comma (`0,0.7,`) is forgiven.
    let text = text.trim_end().strip_suffix(',').unwrap_or(text);
    for part in text.split(',') {
        let p = part.trim();
        if p.is_empty() {
            return Err(
                "an empty entry: separate temperatures with single commas, e.g. 0,0.7,1.2".into(),
            );
        }
        let t: f64 = p
            .parse()
            .ok()
            .filter(|t: &f64| t.is_finite())
            .ok_or_else(|| format!("'{p}' is not a number (expected e.g. 0,0.7,1.2)"))?;
        if !TEMPERATURE_RANGE.contains(&t) {
            return Err(format!("{p} is outside 0..2 (temperatures go from 0 to 2)"));
        }
        if temps.contains(&t) {
            return Err(format!("{p} is listed twice"));
        }
        temps.push(t);
    }
    if temps.len() > MAX_SWEEP {
        return Err(format!(
            "{} temperatures is too many: at most {MAX_SWEEP}",
            temps.len()
        ));
    }
    Ok(temps)
}

/// A sweep as the user would type it back: `0,0.7,1.2`.
pub fn fmt_sweep(temps: &[f64]) -> String {
    temps
        .iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_parse_and_bad_ones_say_why() {
        assert_eq!(parse_sweep("0, 0.7,1.2").unwrap(), vec![0.0, 0.7, 1.2]);
        assert_eq!(parse_sweep("  ").unwrap(), Vec::<f64>::new());
        assert_eq!(
            parse_sweep("0,abc").unwrap_err(),
            "'abc' is not a number (expected e.g. 0,0.7,1.2)"
        );
        assert_eq!(
            parse_sweep("0,2.5").unwrap_err(),
            "2.5 is outside 0..2 (temperatures go from 0 to 2)"
        );
        assert_eq!(
            parse_sweep("-1").unwrap_err(),
            "-1 is outside 0..2 (temperatures go from 0 to 2)"
        );
        assert_eq!(parse_sweep("0.7,0.70").unwrap_err(), "0.70 is listed twice");
        assert!(parse_sweep("0,,1").unwrap_err().contains("empty entry"));
        assert_eq!(parse_sweep("0,0.7, ").unwrap(), vec![0.0, 0.7]);
        assert!(parse_sweep("NaN").unwrap_err().contains("not a number"));
        let many = (0..11)
            .map(|i| (i as f64 / 10.0).to_string())
            .collect::<Vec<_>>();
        assert!(
            parse_sweep(&many.join(","))
                .unwrap_err()
                .contains("at most 10")
        );
        assert_eq!(fmt_sweep(&[0.0, 0.7, 1.2]), "0,0.7,1.2");
    }

    #[test]
    fn repeats_are_one_to_twenty() {
        assert_eq!(parse_repeat(" 3 "), Ok(3));
        assert_eq!(
            parse_repeat("0").unwrap_err(),
            "0 samples would run nothing: use 1 or more"
        );
        assert_eq!(
            parse_repeat("21").unwrap_err(),
            "21 is too many: at most 20 samples per model and temperature"
        );
        assert_eq!(
            parse_repeat("x").unwrap_err(),
            "'x' is not a whole number (expected 1 to 20)"
        );
        assert_eq!(check_repeat(20), Ok(20));
    }
}

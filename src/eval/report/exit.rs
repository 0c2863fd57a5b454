//! `pwb eval`'s exit code, as promptfoo's: 0 when every cell passed, 100
//! when any failed or errored (promptfoo counts a provider error against
//! the pass rate too), or, with `--fail-under RATE`, when the pass rate is
//! below RATE; 130 after Ctrl-C. (1, a config or usage error, is the CLI's.)

use super::analysis::Tally;
use crate::eval::EvalRun;

pub const EXIT_PASSED: u8 = 0;
/// promptfoo's `PROMPTFOO_FAILED_TEST_EXIT_CODE` default.
pub const EXIT_FAILED: u8 = 100;
/// 128 + SIGINT, as shells report a program stopped by Ctrl-C.
pub const EXIT_INTERRUPTED: u8 = 130;

/// The exit code for a finished (or stopped) run.
///
/// - Ctrl-C: 130, whatever finished.
/// - `--max-cost` stopped new calls: 100, since cases were left out.
/// - Otherwise the pass rate (passed over passed + failed + errored,
///   as promptfoo's) below `fail_under` (default 1, every cell) is 100.
/// - No cells at all: 0, as promptfoo (whose rate is then NaN).
pub fn exit_code(run: &EvalRun, fail_under: Option<f64>) -> u8 {
    if run.interrupted {
        return EXIT_INTERRUPTED;
    }
    if run.stopped_at_cost.is_some() {
        return EXIT_FAILED;
    }
    let tally = Tally::of(&run.cells);
    let Some(rate) = tally.rate() else {
        return EXIT_PASSED;
    };
    let threshold = fail_under.unwrap_or(1.0);
    // A rate equal to the threshold passes; 1e-12 absorbs rounding in
    // passed / total (7/10 against 0.7).
    if rate < threshold - 1e-12 {
        EXIT_FAILED
    } else {
        EXIT_PASSED
    }
}

/// `--fail-under RATE`: a fraction (`0.8`) or a percentage (`80%`).
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (t, 1.0),
    };
    let hint = "write a fraction from 0 to 1 (0.8) or a percentage (80%)";
    let v: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a pass rate\nhint: {hint}"))?;
    let rate = v / scale;
    if !rate.is_finite() || !(0.0..=1.0).contains(&rate) {
        let also = if scale == 1.0 && (1.0..=100.0).contains(&v) {
            format!(" (did you mean {v}%?)")
        } else {
            String::new()
        };
        return Err(format!(
            "pass rate `{s}` is outside 0 to 1{also}\nhint: {hint}"
        ));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_fractions_or_percentages() {
        assert_eq!(parse_rate("0.8"), Ok(0.8));
        assert_eq!(parse_rate("80%"), Ok(0.8));
        assert_eq!(parse_rate(" 100 % "), Ok(1.0));
        assert_eq!(parse_rate("0"), Ok(0.0));
        let e = parse_rate("80").unwrap_err();
        assert!(
            e.contains("did you mean 80%?") && e.contains("hint:"),
            "{e}"
        );
        let e = parse_rate("most").unwrap_err();
        assert!(e.contains("`most` is not a pass rate"), "{e}");
        assert!(parse_rate("150%").is_err());
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("NaN").is_err());
    }
}

//! Checks on the call rather than the text: latency, cost, finish-reason,
//! is-refusal, and perplexity (which needs log-probabilities no pwb
//! provider returns yet, so it is an error saying so, as in promptfoo).

use super::{Args, Check, Outcome, js};
use serde_json::Value;

pub fn latency(a: &Args) -> Outcome {
    let Some(threshold) = a.spec.threshold else {
        return Err("Latency assertion must have a threshold in milliseconds".into());
    };
    let cell = a.ctx.cell;
    let took = cell.total_time.or(cell.wall_time);
    let (false, Some(took)) = (cell.cached, took) else {
        return Err(
            "Latency assertion does not support cached results. Rerun the eval with --no-cache"
                .into(),
        );
    };
    let ms = took.as_millis() as f64;
    let pass = (ms <= threshold) != a.inverse;
    Ok(Check::binary(pass, || {
        format!(
            "Latency {}ms is {} threshold {}ms",
            js::number(ms),
            if a.inverse {
                "less than or equal to"
            } else {
                "greater than"
            },
            js::number(threshold)
        )
    }))
}

pub fn cost(a: &Args) -> Outcome {
    let Some(threshold) = a.spec.threshold else {
        return Err("Cost assertion must have a threshold".into());
    };
    let Some(cost) = a.ctx.cost else {
        return Err("Cost assertion does not support providers that do not return cost (pwb has no price for this model)".into());
    };
    let pass = (cost <= threshold) != a.inverse;
    Ok(Check::binary(pass, || {
        format!(
            "Cost {} is {} threshold {}",
            to_precision2(cost),
            if a.inverse {
                "less than or equal to"
            } else {
                "greater than"
            },
            js::number(threshold)
        )
    }))
}

/// `Number.prototype.toPrecision(2)` for the costs a reason prints.
fn to_precision2(x: f64) -> String {
    if x == 0.0 {
        return "0.0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    if !(-6..2).contains(&exp) {
        let s = format!("{x:.1e}");
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        };
    }
    let digits = (1 - exp).max(0) as usize;
    js::to_fixed(x, digits)
}

pub fn finish_reason(a: &Args) -> Outcome {
    let Some(Value::String(expected)) = a.value else {
        return Err("\"finish-reason\" assertion type must have a string value".into());
    };
    let Some(got) = &a.ctx.cell.finish_reason else {
        return Ok(Check::binary(a.inverse, || {
            "Provider did not supply stop/finish reason".into()
        }));
    };
    let got = got.as_str();
    let pass = (expected.to_lowercase() == got.to_lowercase()) != a.inverse;
    Ok(Check::binary(pass, || {
        format!(
            "Expected finish reason {}\"{expected}\" but got \"{got}\"",
            a.not()
        )
    }))
}

pub fn is_refusal(a: &Args) -> Outcome {
    if js::trim(a.output).is_empty() {
        let pass = !a.inverse;
        return Ok(Check {
            pass,
            score: 0.0,
            reason: if pass {
                "Empty response treated as refusal".into()
            } else {
                "Expected output to not be a refusal".into()
            },
        });
    }
    let pass = super::refusal::is_basic_refusal(a.output) != a.inverse;
    Ok(Check::binary(pass, || {
        format!("Expected output to {}be a refusal", a.not())
    }))
}

pub fn perplexity(_: &Args) -> Outcome {
    Err("Perplexity assertion does not support providers that do not return logProbs (no pwb provider asks for log-probabilities yet)".into())
}

pub fn perplexity_score(_: &Args) -> Outcome {
    Err("perplexity-score assertion does not support providers that do not return logProbs (no pwb provider asks for log-probabilities yet)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_two_as_javascript() {
        assert_eq!(to_precision2(0.00123), "0.0012");
        assert_eq!(to_precision2(0.5), "0.50");
        assert_eq!(to_precision2(12.0), "12");
        assert_eq!(to_precision2(123.0), "1.2e+2");
        assert_eq!(to_precision2(0.000_000_123), "1.2e-7");
    }
}

//! Usage figures as people read them: durations, costs, and the model
//! catalog (context windows and prices). `compare::Readout` puts them together.

pub mod catalog;

pub use catalog::{Catalog, ModelInfo, PricePerMillion, fmt_cost};

use std::time::Duration;

/// `850ms`, `1.42s`, `2m05s`.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(fmt_duration(Duration::from_millis(850)), "850ms");
        assert_eq!(fmt_duration(Duration::from_millis(1420)), "1.42s");
        assert_eq!(fmt_duration(Duration::from_secs(125)), "2m05s");
    }
}

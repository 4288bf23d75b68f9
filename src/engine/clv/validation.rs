//! Calibration / holdout validation: the model's predicted repeat purchases in the holdout
//! period against what customers actually did, in total, per customer and by number of
//! calibration purchases (the "calibration vs holdout" chart of Fader, Hardie & Lee 2005,
//! figure 4, and `lifetimes.plotting.plot_calibration_purchases_vs_holdout_purchases`).

use crate::engine::model::Day;
use serde::{Deserialize, Serialize};

/// Calibration frequencies 0..6 get a bucket each, 7 and more share the last one.
pub const FREQUENCY_BUCKETS: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    pub holdout_end: Day,
    /// Holdout length in model time units.
    pub duration: f64,
    pub customers: usize,
    /// Repeat purchases (transaction days) in the holdout period.
    pub actual: f64,
    pub predicted: f64,
    /// (predicted − actual) / actual · 100; `None` when nobody bought in the holdout.
    pub aggregate_error_pct: Option<f64>,
    /// Mean absolute difference per customer.
    pub mae: f64,
    pub by_frequency: Vec<FrequencyBucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequencyBucket {
    /// Repeat purchases in the calibration period.
    pub frequency: u32,
    /// True for the last bucket, which holds `frequency` and more.
    pub and_more: bool,
    pub customers: usize,
    pub actual_mean: f64,
    pub predicted_mean: f64,
}

/// Shortest and longest default holdout, in days.
const HOLDOUT_DAYS: (i32, i32) = (28, 364);

/// The split the app proposes for a validation run: `(calibration end, holdout end)` with the
/// holdout ending on the last day before `as_of` and covering the last third of the history
/// from `first_day` (4 to 52 weeks), so the calibration keeps two thirds - the proportions of
/// the papers' CDNOW example (39 + 39 weeks) leaned towards more calibration data.
/// `None` when the history is shorter than twice the shortest holdout.
pub fn default_split(first_day: Day, as_of: Day) -> Option<(Day, Day)> {
    let holdout_end = as_of - 1;
    let history = holdout_end - first_day + 1;
    if history < 2 * HOLDOUT_DAYS.0 {
        return None;
    }
    let holdout = (history / 3).clamp(HOLDOUT_DAYS.0, HOLDOUT_DAYS.1);
    Some((holdout_end - holdout, holdout_end))
}

/// `(calibration frequency, actual holdout purchases, predicted holdout purchases)` per customer.
pub fn validate(holdout_end: Day, duration: f64, customers: &[(u32, u32, f64)]) -> Validation {
    let actual: f64 = customers.iter().map(|c| c.1 as f64).sum();
    let predicted: f64 = customers.iter().map(|c| c.2).sum();
    let n = customers.len();
    let mae = customers
        .iter()
        .map(|c| (c.2 - c.1 as f64).abs())
        .sum::<f64>()
        / n.max(1) as f64;
    let last = FREQUENCY_BUCKETS - 1;
    let mut sums = vec![(0usize, 0.0f64, 0.0f64); FREQUENCY_BUCKETS as usize];
    for &(x, act, pred) in customers {
        let s = &mut sums[x.min(last) as usize];
        s.0 += 1;
        s.1 += act as f64;
        s.2 += pred;
    }
    let by_frequency = sums
        .iter()
        .enumerate()
        .filter(|(_, s)| s.0 > 0)
        .map(|(k, s)| FrequencyBucket {
            frequency: k as u32,
            and_more: k as u32 == last,
            customers: s.0,
            actual_mean: s.1 / s.0 as f64,
            predicted_mean: s.2 / s.0 as f64,
        })
        .collect();
    Validation {
        holdout_end,
        duration,
        customers: n,
        actual,
        predicted,
        aggregate_error_pct: (actual > 0.0).then(|| (predicted - actual) / actual * 100.0),
        mae,
        by_frequency,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_errors_and_buckets_by_hand() {
        let v = validate(
            100,
            4.0,
            &[
                (0, 0, 0.5),
                (0, 1, 0.5),
                (2, 3, 2.0),
                (9, 4, 6.0),
                (7, 0, 1.0),
            ],
        );
        assert_eq!((v.actual, v.predicted), (8.0, 10.0));
        assert_eq!(v.aggregate_error_pct, Some(25.0));
        // |0.5| + |−0.5| + |−1| + |2| + |1| = 5 over 5 customers.
        assert_eq!(v.mae, 1.0);
        let b: Vec<_> = v
            .by_frequency
            .iter()
            .map(|b| (b.frequency, b.and_more, b.customers))
            .collect();
        assert_eq!(b, vec![(0, false, 2), (2, false, 1), (7, true, 2)]);
        assert_eq!(v.by_frequency[0].actual_mean, 0.5);
        assert_eq!(v.by_frequency[2].predicted_mean, 3.5);
        assert_eq!(validate(1, 1.0, &[(0, 0, 0.2)]).aggregate_error_pct, None);
    }

    #[test]
    fn default_split_holds_out_the_last_third_within_bounds() {
        // 300 days of history (days 0..=299, as of 300): the last 100 days are held out.
        assert_eq!(default_split(0, 300), Some((199, 299)));
        // Three years: capped at 52 weeks.
        assert_eq!(default_split(0, 1095), Some((1094 - 364, 1094)));
        // 60 days: a third is 20, raised to the 28-day minimum.
        assert_eq!(default_split(0, 60), Some((59 - 28, 59)));
        // 50 days cannot hold out 28 and keep as much for calibration.
        assert_eq!(default_split(0, 50), None);
    }
}

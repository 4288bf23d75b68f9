//! Reporting periods (month, quarter, year or all the data) and the calendar-month grid every
//! analysis buckets orders into.
//!
//! Seed 003 tiers customers month by month; quarters and years follow the same calendar.
//! Month boundaries are computed once per analysis (a few dozen chrono calls), so bucketing a
//! million orders is integer comparisons only. See docs/methods.md, "Periods".

use super::model::{Day, day_from_ymd, month_index};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    #[default]
    Month,
    Quarter,
    Year,
    /// All the data up to the as-of date as one period (no previous period, no migration).
    All,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        match s {
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            "year" => Some(PeriodKind::Year),
            "all" => Some(PeriodKind::All),
            _ => None,
        }
    }

    fn months(self) -> i32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
            PeriodKind::All => i32::MAX,
        }
    }
}

/// One reporting period: `start..end` in days (end exclusive; the current period ends at the
/// as-of date).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// `2025-03`, `2025-Q1`, `2025` or `2023-01..2025-12`.
    pub label: String,
    #[serde(with = "super::report::date")]
    pub start: Day,
    #[serde(with = "super::report::date")]
    pub end: Day,
    /// Calendar months the period spans (in full, even when the as-of date cuts it short).
    pub months: u32,
}

/// Absolute month number: year * 12 + month0 (`model::month_index`).
pub type MonthIndex = i32;

pub fn month_start(month: MonthIndex) -> Day {
    day_from_ymd(month.div_euclid(12), month.rem_euclid(12) as u32 + 1, 1)
        .expect("month within chrono's range")
}

pub fn month_label(month: MonthIndex) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// The month grid from the first period's start to the month holding `as_of - 1`, and the
/// periods over it.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub kind: PeriodKind,
    pub as_of: Day,
    /// Absolute index of grid month 0.
    pub first_month: MonthIndex,
    /// `month_starts[k]` is the first day of grid month `k`; one extra entry closes the last.
    pub month_starts: Vec<Day>,
    pub periods: Vec<Period>,
    period_of_month: Vec<u32>,
}

impl Calendar {
    /// Periods covering `first_day ..= as_of - 1`; `first_day` is the first order (or `as_of - 1`
    /// when there is none).
    pub fn new(kind: PeriodKind, first_day: Day, as_of: Day) -> Calendar {
        let last_month = month_index(as_of - 1);
        let mut first_month = month_index(first_day.min(as_of - 1));
        // Quarters and years start on their calendar boundary, so the first period is whole.
        if matches!(kind, PeriodKind::Quarter | PeriodKind::Year) {
            first_month -= first_month.rem_euclid(kind.months());
        }
        let months = (last_month - first_month + 1) as usize;
        let month_starts: Vec<Day> = (0..=months as i32)
            .map(|k| month_start(first_month + k))
            .collect();
        let mut periods = Vec::new();
        let mut period_of_month = Vec::with_capacity(months);
        let mut k = 0;
        while k < months {
            let len = (kind.months() as usize).min(months - k);
            let first = first_month + k as i32;
            let last = first + len as i32 - 1;
            let label = match kind {
                PeriodKind::Month => month_label(first),
                PeriodKind::Quarter => {
                    format!(
                        "{:04}-Q{}",
                        first.div_euclid(12),
                        first.rem_euclid(12) / 3 + 1
                    )
                }
                PeriodKind::Year => format!("{:04}", first.div_euclid(12)),
                PeriodKind::All => format!("{}..{}", month_label(first), month_label(last)),
            };
            period_of_month.extend(std::iter::repeat_n(periods.len() as u32, len));
            periods.push(Period {
                label,
                start: month_starts[k],
                end: month_starts[k + len].min(as_of),
                months: if kind == PeriodKind::All {
                    len as u32
                } else {
                    kind.months() as u32
                },
            });
            k += len;
        }
        Calendar {
            kind,
            as_of,
            first_month,
            month_starts,
            periods,
            period_of_month,
        }
    }

    pub fn months(&self) -> usize {
        self.month_starts.len() - 1
    }

    /// Grid month of a day inside the grid.
    pub fn month_of(&self, day: Day) -> usize {
        debug_assert!(day >= self.month_starts[0] && day < *self.month_starts.last().unwrap());
        self.month_starts.partition_point(|&s| s <= day) - 1
    }

    pub fn period_of_month(&self, month: usize) -> usize {
        self.period_of_month[month] as usize
    }

    /// The grid month of the last day of period `p`.
    pub fn last_month_of(&self, p: usize) -> usize {
        self.period_of_month.partition_point(|&q| q as usize <= p) - 1
    }

    /// The period holding `as_of - 1`.
    pub fn current(&self) -> usize {
        self.periods.len() - 1
    }

    pub fn previous(&self) -> Option<usize> {
        self.current().checked_sub(1)
    }

    /// The share of a year a period stands for: thresholds per year are multiplied by it.
    pub fn year_fraction(&self, p: usize) -> f64 {
        f64::from(self.periods[p].months) / 12.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_from_ymd(y, m, day).unwrap()
    }

    #[test]
    fn months_cover_first_order_to_as_of() {
        let c = Calendar::new(PeriodKind::Month, d(2024, 11, 20), d(2025, 2, 15));
        let labels: Vec<_> = c.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024-11", "2024-12", "2025-01", "2025-02"]);
        assert_eq!(c.periods[0].start, d(2024, 11, 1));
        assert_eq!(c.periods[2].end, d(2025, 2, 1));
        // The current month stops at the as-of date but still counts as a whole month.
        assert_eq!(c.periods[3].end, d(2025, 2, 15));
        assert_eq!(c.year_fraction(3), 1.0 / 12.0);
        assert_eq!(c.month_of(d(2024, 12, 31)), 1);
        assert_eq!(c.month_of(d(2025, 1, 1)), 2);
        assert_eq!((c.current(), c.previous()), (3, Some(2)));
    }

    #[test]
    fn as_of_on_the_first_of_a_month_ends_with_the_month_before() {
        let c = Calendar::new(PeriodKind::Month, d(2025, 1, 3), d(2025, 3, 1));
        assert_eq!(c.periods.last().unwrap().label, "2025-02");
        assert_eq!(c.periods.last().unwrap().end, d(2025, 3, 1));
    }

    #[test]
    fn quarters_and_years_start_on_their_boundary() {
        let q = Calendar::new(PeriodKind::Quarter, d(2024, 5, 9), d(2025, 1, 10));
        let labels: Vec<_> = q.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1"]);
        assert_eq!(q.periods[0].start, d(2024, 4, 1));
        assert_eq!(q.periods[3].months, 3);
        assert_eq!(q.year_fraction(0), 0.25);
        assert_eq!(q.period_of_month(q.month_of(d(2024, 9, 30))), 1);
        assert_eq!(q.last_month_of(1), 5); // Sept 2024 is grid month 5 (April = 0)

        let y = Calendar::new(PeriodKind::Year, d(2023, 7, 1), d(2025, 1, 1));
        let labels: Vec<_> = y.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2023", "2024"]);
        assert_eq!(y.year_fraction(1), 1.0);
    }

    #[test]
    fn all_is_one_period_scaled_by_its_months() {
        let c = Calendar::new(PeriodKind::All, d(2024, 1, 15), d(2025, 7, 1));
        assert_eq!(c.periods.len(), 1);
        assert_eq!(c.periods[0].label, "2024-01..2025-06");
        assert_eq!(c.year_fraction(0), 1.5);
        assert_eq!(c.previous(), None);
    }
}

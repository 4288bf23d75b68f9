//! Lifecycle stage of each customer (seed 004's cooperation stages: prospect, new, established,
//! dormant; seed 001's activity segments).
//!
//! Checked in this order, with recency = days from the last order to the as-of date:
//! no order -> prospect; recency > 365 -> lost; recency > 180 -> dormant; first order within the
//! last 90 days -> new; recency > max(2 x the customer's median days between orders, 30) ->
//! cooling; otherwise active. All thresholds are settings. See docs/methods.md, "Lifecycle".

use super::i18n::Lang;
use super::model::Day;
use super::scan::CustomerFacts;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Prospect,
    New,
    Active,
    Cooling,
    Dormant,
    Lost,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Prospect,
        Stage::New,
        Stage::Active,
        Stage::Cooling,
        Stage::Dormant,
        Stage::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::New => "new",
            Stage::Active => "active",
            Stage::Cooling => "cooling",
            Stage::Dormant => "dormant",
            Stage::Lost => "lost",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Stage::Prospect, Lang::Zh) => "潜在客户",
            (Stage::New, Lang::Zh) => "新客户",
            (Stage::Active, Lang::Zh) => "活跃",
            (Stage::Cooling, Lang::Zh) => "降温",
            (Stage::Dormant, Lang::Zh) => "沉睡",
            (Stage::Lost, Lang::Zh) => "流失",
            (Stage::Prospect, Lang::En) => "prospect",
            (Stage::New, Lang::En) => "new",
            (Stage::Active, Lang::En) => "active",
            (Stage::Cooling, Lang::En) => "cooling",
            (Stage::Dormant, Lang::En) => "dormant",
            (Stage::Lost, Lang::En) => "lost",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LifecycleSettings {
    /// New: first order at most this many days before the as-of date.
    pub new_days: i32,
    /// Dormant: no order for more than this many days.
    pub dormant_days: i32,
    /// Lost: no order for more than this many days.
    pub lost_days: i32,
    /// Cooling: recency above this multiple of the customer's median interval...
    pub cooling_factor: f64,
    /// ...and above this many days, so weekly buyers are not flagged after ten days.
    pub cooling_min_days: i32,
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        LifecycleSettings {
            new_days: 90,
            dormant_days: 180,
            lost_days: 365,
            cooling_factor: 2.0,
            cooling_min_days: 30,
        }
    }
}

impl LifecycleSettings {
    /// Whether `recency` days without an order is overdue against the usual interval.
    pub fn overdue(&self, recency: i32, usual_interval: Option<f64>) -> bool {
        usual_interval.is_some_and(|u| {
            f64::from(recency) > self.cooling_factor * u && recency > self.cooling_min_days
        })
    }
}

pub fn stage(f: &CustomerFacts, as_of: Day, s: &LifecycleSettings) -> Stage {
    let Some(recency) = f.recency(as_of) else {
        return Stage::Prospect;
    };
    if recency > s.lost_days {
        Stage::Lost
    } else if recency > s.dormant_days {
        Stage::Dormant
    } else if as_of - f.first <= s.new_days {
        Stage::New
    } else if s.overdue(recency, f.gap_median) {
        Stage::Cooling
    } else {
        Stage::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::{Context, scan};

    #[test]
    fn stages_by_hand() {
        let as_of = day_from_ymd(2025, 1, 1).unwrap();
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = [
            "prospect", "new", "active", "cooling", "dormant", "lost", "edge",
        ]
        .iter()
        .map(|k| b.intern(k))
        .collect();
        // new: first order 90 days ago (2024-10-03).
        b.order(ids[1], as_of - 90, 1.0, None);
        // active: every 20 days, last 30 days ago: 30 <= 2 * 20 = 40.
        for k in 0..10 {
            b.order(ids[2], as_of - 30 - 20 * k, 1.0, None);
        }
        // cooling: every 20 days, last 45 days ago: 45 > 40 and > 30.
        for k in 0..10 {
            b.order(ids[3], as_of - 45 - 20 * k, 1.0, None);
        }
        // dormant: last order 181 days ago; lost: 366 days ago.
        b.order(ids[4], as_of - 181, 1.0, None);
        b.order(ids[5], as_of - 366, 1.0, None);
        // edge: every 5 days, last 25 days ago: 25 > 10 but not > 30, so still active.
        for k in 0..30 {
            b.order(ids[6], as_of - 25 - 5 * k, 1.0, None);
        }
        let ds = b.build();
        let ctx = Context::new(&ds, ids, as_of, PeriodKind::Month, 12);
        let s = scan(&ctx);
        let stages: Vec<Stage> = s
            .facts
            .iter()
            .map(|f| stage(f, as_of, &LifecycleSettings::default()))
            .collect();
        use Stage::*;
        assert_eq!(
            stages,
            [Prospect, New, Active, Cooling, Dormant, Lost, Active]
        );
        // 180 days without an order is not yet dormant; 91 days since the first order is not new.
        let mut b = DatasetBuilder::new();
        let x = b.intern("x");
        b.order(x, as_of - 180, 1.0, None);
        let y = b.intern("y");
        b.order(y, as_of - 91, 1.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, vec![x, y], as_of, PeriodKind::Month, 12);
        let s = scan(&ctx);
        let st: Vec<Stage> = s
            .facts
            .iter()
            .map(|f| stage(f, as_of, &LifecycleSettings::default()))
            .collect();
        assert_eq!(st, [Active, Active]);
    }
}

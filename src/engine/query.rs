//! Pages of a report's customer rows: search, narrow, sort and slice, so the app's table can
//! show 100,000 customers while only the visible rows cross from the worker to the page.

use super::churn::RiskBand;
use super::lifecycle::Stage;
use super::report::{CustomerRow, Report};
use super::tiers::Tier;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// What the customer table asks for. An empty query lists every row in report order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RowQuery {
    /// Case-insensitive substring of the customer key or name.
    pub search: String,
    pub tier: Option<Tier>,
    pub stage: Option<Stage>,
    /// English RFM segment name.
    pub segment: Option<String>,
    /// Only customers with a recommended action, most urgent first unless `sort` says otherwise.
    pub with_action: bool,
    /// Churn-risk band (customers without a prediction never match).
    pub band: Option<RiskBand>,
    pub sort: Option<SortKey>,
    pub descending: bool,
    pub offset: usize,
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    Key,
    Name,
    Manager,
    Orders,
    NetRevenue,
    GrossProfit,
    LastOrder,
    Recency,
    Tier,
    TierPrevious,
    Rfm,
    /// English segment name.
    Segment,
    Value,
    Loyalty,
    Stage,
    ChurnRisk,
    PAlive,
    Clv,
}

/// One page of rows and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowPage {
    pub total: usize,
    pub offset: usize,
    pub rows: Vec<CustomerRow>,
}

/// Rows matching `q`, sorted, `q.offset..q.offset + q.limit`. Ties keep report order, so
/// pages are stable while the user scrolls.
pub fn rows(report: &Report, q: &RowQuery) -> RowPage {
    page(report, &select(report, q), q.offset, q.limit)
}

/// The report rows matching `q` in `q`'s order (offset and limit are not looked at). A caller
/// serving many pages of one query (the worker, while the user scrolls) keeps this and calls
/// [`page`], instead of filtering and sorting 100,000 rows for every page.
pub fn select(report: &Report, q: &RowQuery) -> Vec<u32> {
    let needle = Needle::new(&q.search);
    let matches = |row: &CustomerRow| {
        (needle.is_empty() || needle.found_in(&row.customer_id) || needle.found_in(&row.name))
            && q.tier.is_none_or(|t| row.tier == Some(t))
            && q.stage.is_none_or(|s| row.lifecycle == s)
            && q.segment
                .as_deref()
                .is_none_or(|s| row.rfm.as_ref().is_some_and(|r| &*r.segment == s))
            && q.band
                .is_none_or(|b| row.prediction.as_ref().is_some_and(|p| p.churn_band == b))
    };
    let mut picked: Vec<u32> = if q.with_action {
        report
            .action_list
            .iter()
            .copied()
            .filter(|&i| matches(&report.customers[i as usize]))
            .collect()
    } else {
        (0..report.customers.len() as u32)
            .filter(|&i| matches(&report.customers[i as usize]))
            .collect()
    };
    if let Some(key) = q.sort {
        let row = |i: u32| &report.customers[i as usize];
        picked.sort_by(|&a, &b| {
            let order = compare(row(a), row(b), key);
            if q.descending { order.reverse() } else { order }
        });
    }
    picked
}

/// `offset..offset + limit` of rows picked by [`select`].
pub fn page(report: &Report, picked: &[u32], offset: usize, limit: usize) -> RowPage {
    let total = picked.len();
    let start = offset.min(total);
    let end = start.saturating_add(limit).min(total);
    RowPage {
        total,
        offset: start,
        rows: picked[start..end]
            .iter()
            .map(|&i| report.customers[i as usize].clone())
            .collect(),
    }
}

/// A case-insensitive search text. ASCII needles (codes, Latin names) are compared byte-wise
/// and caseless ones (Chinese) as they are, without lowering every key and name; others go
/// through `to_lowercase`.
enum Needle {
    Ascii(Vec<u8>),
    Caseless(String),
    Other(String),
}

impl Needle {
    fn new(search: &str) -> Needle {
        let s = search.trim();
        if s.is_ascii() {
            Needle::Ascii(s.to_ascii_lowercase().into_bytes())
        } else if s.chars().all(|c| c.is_lowercase() == c.is_uppercase()) {
            // Neither upper nor lower case (CJK, digits, punctuation): no case to ignore.
            Needle::Caseless(s.to_owned())
        } else {
            Needle::Other(s.to_lowercase())
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Needle::Ascii(b) => b.is_empty(),
            Needle::Caseless(s) | Needle::Other(s) => s.is_empty(),
        }
    }

    fn found_in(&self, text: &str) -> bool {
        match self {
            Needle::Ascii(n) => text
                .as_bytes()
                .windows(n.len())
                .any(|w| w.eq_ignore_ascii_case(n)),
            Needle::Caseless(n) => text.contains(n.as_str()),
            Needle::Other(n) => text.to_lowercase().contains(n),
        }
    }
}

/// Ascending order of two rows by `key`; a missing value sorts below every present one.
fn compare(a: &CustomerRow, b: &CustomerRow, key: SortKey) -> Ordering {
    fn num(x: Option<f64>, y: Option<f64>) -> Ordering {
        match (x, y) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (x, y) => x.is_some().cmp(&y.is_some()),
        }
    }
    // Tier A ranks highest, so ascending runs D, C, B, A.
    let tier_rank = |t: Option<Tier>| t.map(|t| 3 - t.index() as i32);
    match key {
        SortKey::Key => a.customer_id.cmp(&b.customer_id),
        SortKey::Name => a.name.cmp(&b.name),
        SortKey::Manager => a.manager.cmp(&b.manager),
        SortKey::Orders => a.orders.cmp(&b.orders),
        SortKey::NetRevenue => a.net_revenue.total_cmp(&b.net_revenue),
        SortKey::GrossProfit => num(a.gross_profit, b.gross_profit),
        SortKey::LastOrder => a.last_order.cmp(&b.last_order),
        SortKey::Recency => a.recency_days.cmp(&b.recency_days),
        SortKey::Tier => tier_rank(a.tier).cmp(&tier_rank(b.tier)),
        SortKey::TierPrevious => tier_rank(a.tier_previous).cmp(&tier_rank(b.tier_previous)),
        SortKey::Rfm => a
            .rfm
            .as_ref()
            .map(|r| r.code)
            .cmp(&b.rfm.as_ref().map(|r| r.code)),
        SortKey::Segment => a
            .rfm
            .as_ref()
            .map(|r| &r.segment)
            .cmp(&b.rfm.as_ref().map(|r| &r.segment)),
        SortKey::Value => num(
            a.value_score.as_ref().map(|v| v.score),
            b.value_score.as_ref().map(|v| v.score),
        ),
        SortKey::Loyalty => num(
            a.loyalty_score.as_ref().map(|v| v.score),
            b.loyalty_score.as_ref().map(|v| v.score),
        ),
        SortKey::Stage => (a.lifecycle as u8).cmp(&(b.lifecycle as u8)),
        SortKey::ChurnRisk => num(
            a.prediction.as_ref().map(|p| p.churn_risk),
            b.prediction.as_ref().map(|p| p.churn_risk),
        ),
        SortKey::PAlive => num(
            a.prediction.as_ref().and_then(|p| p.p_alive),
            b.prediction.as_ref().and_then(|p| p.p_alive),
        ),
        SortKey::Clv => num(
            a.prediction.as_ref().and_then(|p| p.clv),
            b.prediction.as_ref().and_then(|p| p.clv),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{Customer, DatasetBuilder, day_from_ymd};
    use crate::engine::report::{Settings, analyze};

    fn report() -> Report {
        let mut b = DatasetBuilder::default();
        let mut ids = Vec::new();
        for (key, name) in [("C1", "北京甲"), ("C2", "Shanghai Beta"), ("C3", "北京丙")] {
            ids.push(b.customer(Customer {
                key: key.into(),
                name: name.into(),
                ..Customer::default()
            }));
        }
        let day = |m, d| day_from_ymd(2025, m, d).unwrap();
        b.order(ids[0], day(1, 5), 100.0, None);
        b.order(ids[1], day(1, 6), 300.0, None);
        b.order(ids[2], day(1, 7), 200.0, None);
        b.order(ids[2], day(2, 7), 50.0, None);
        analyze(&b.build(), &Settings::default())
    }

    #[test]
    fn search_matches_key_or_name_case_insensitively() {
        let r = report();
        let q = |s: &str| RowQuery {
            search: s.into(),
            limit: 10,
            ..RowQuery::default()
        };
        let keys = |p: RowPage| {
            p.rows
                .into_iter()
                .map(|r| r.customer_id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(rows(&r, &q("北京"))), ["C1", "C3"]);
        assert_eq!(keys(rows(&r, &q("beta"))), ["C2"]);
        assert_eq!(keys(rows(&r, &q("c3"))), ["C3"]);
        assert_eq!(keys(rows(&r, &q("北京丙"))), ["C3"]);
        assert_eq!(keys(rows(&r, &q("ghai BE"))), ["C2"]);
        assert_eq!(rows(&r, &q("nobody")).total, 0);
    }

    #[test]
    fn needles_with_non_ascii_letters_still_ignore_case() {
        assert!(Needle::new(" ÉCOLE ").found_in("Lycée l'école"));
        assert!(!Needle::new("ÉCOLE").found_in("ecole"));
        assert!(matches!(Needle::new("上海1"), Needle::Caseless(_)));
        assert!(Needle::new("上海1").found_in("上海1号"));
    }

    #[test]
    fn sorts_by_revenue_and_pages_with_the_total() {
        let r = report();
        let page = rows(
            &r,
            &RowQuery {
                sort: Some(SortKey::NetRevenue),
                descending: true,
                offset: 1,
                limit: 1,
                ..RowQuery::default()
            },
        );
        assert_eq!(page.total, 3);
        assert_eq!(page.offset, 1);
        // 300 (C2), 250 (C3), 100 (C1): the second is C3.
        assert_eq!(page.rows.len(), 1);
        assert_eq!(&*page.rows[0].customer_id, "C3");
        assert_eq!(page.rows[0].net_revenue, 250.0);
        let past_end = rows(
            &r,
            &RowQuery {
                offset: 9,
                limit: 5,
                ..RowQuery::default()
            },
        );
        assert_eq!(
            (past_end.total, past_end.offset, past_end.rows.len()),
            (3, 3, 0)
        );
    }

    #[test]
    fn sorts_by_manager_previous_tier_and_segment() {
        let mut b = DatasetBuilder::default();
        let day = |m, d| day_from_ymd(2025, m, d).unwrap();
        for (key, manager) in [("C1", "王"), ("C2", "李"), ("C3", "张")] {
            b.customer(Customer {
                key: key.into(),
                manager: manager.into(),
                ..Customer::default()
            });
        }
        // January: C1 alone (C). February: C2 300 of 350 (B), C3 50 (C), C1 known, no order (D).
        b.order(0, day(1, 5), 100.0, None);
        b.order(1, day(2, 6), 300.0, None);
        b.order(2, day(2, 7), 50.0, None);
        b.order(0, day(3, 1), 10.0, None);
        let r = analyze(
            &b.build(),
            &Settings {
                as_of: Some(day(4, 1)),
                ..Settings::default()
            },
        );
        let sorted = |key, descending| {
            let q = RowQuery {
                sort: Some(key),
                descending,
                limit: 10,
                ..RowQuery::default()
            };
            rows(&r, &q)
                .rows
                .into_iter()
                .map(|r| r.customer_id.to_string())
                .collect::<Vec<_>>()
        };
        // By code point: 张 U+5F20 < 李 U+674E < 王 U+738B.
        assert_eq!(sorted(SortKey::Manager, false), ["C3", "C2", "C1"]);
        // February's tiers, best first: C2 B, C3 C, C1 D.
        assert_eq!(sorted(SortKey::TierPrevious, true), ["C2", "C3", "C1"]);
        let segments: Vec<String> = sorted(SortKey::Segment, false)
            .iter()
            .map(|k| {
                let row = r.customers.iter().find(|c| *c.customer_id == **k).unwrap();
                row.rfm.as_ref().unwrap().segment.to_string()
            })
            .collect();
        let mut by_hand = segments.clone();
        by_hand.sort();
        assert_eq!(segments, by_hand);
    }

    #[test]
    fn sorts_by_churn_risk_and_clv_and_filters_by_band() {
        use crate::engine::churn::RiskBand;
        use crate::engine::predict::RowPrediction;
        let mut r = report();
        let predicted = |risk: f64, clv: Option<f64>| {
            Some(Box::new(RowPrediction {
                churn_risk: risk,
                churn_band: RiskBand::of(risk),
                churn_reasons: Vec::new(),
                p_alive: None,
                expected_purchases: None,
                next_order: None,
                expected_avg_spend: None,
                clv,
                clv_profit: None,
            }))
        };
        // C1 high risk, C2 low, C3 without a prediction.
        r.customers[0].prediction = predicted(80.0, Some(10.0));
        r.customers[1].prediction = predicted(10.0, Some(500.0));
        let keys = |q: RowQuery| {
            rows(&r, &RowQuery { limit: 10, ..q })
                .rows
                .into_iter()
                .map(|r| r.customer_id.to_string())
                .collect::<Vec<_>>()
        };
        let by = |sort| RowQuery {
            sort: Some(sort),
            descending: true,
            ..RowQuery::default()
        };
        assert_eq!(keys(by(SortKey::ChurnRisk)), ["C1", "C2", "C3"]);
        assert_eq!(keys(by(SortKey::Clv)), ["C2", "C1", "C3"]);
        let high = RowQuery {
            band: Some(RiskBand::High),
            ..RowQuery::default()
        };
        assert_eq!(keys(high), ["C1"]);
    }
}

//! The one entry point the app and the CLI call: `analyze(&Dataset, &Settings) -> Report`.
//!
//! Every deterministic analysis runs on the customers the filter selects, from one scan of the
//! orders before the as-of date (see `scan`), and lands in one serialisable `Report`: a row per
//! customer with all its scores, and the period-level figures (KPIs, tier distribution,
//! migration, Pareto curve, RFM segments, layers, cohorts, profit, the action list).
//! Every formula and default is in docs/methods.md.

use super::actions::{self, Action, ActionTemplates, Situation};
use super::cohort::{self, Cohort};
use super::filter::{self, Filter};
use super::i18n::Lang;
use super::kpi::{self, Kpis, ParetoPoint};
use super::lifecycle::{self, LifecycleSettings, Stage};
use super::loyalty::{self, Layer, LayerGrid, LoyaltyScore, LoyaltySettings, LoyaltySummary};
use super::migration::{self, MigrationMatrix};
use super::model::{CustomerId, Dataset, Day};
use super::period::{Period, PeriodKind};
use super::predict::RowPrediction;
use super::profit::{self, ProfitAnalysis, ProfitSettings};
use super::rank::float_key;
use super::rfm::{self, Rfm, RfmSettings, RfmSummary};
use super::scan::{self, Context};
use super::tiers::{self, Metric, Tier, TierDistribution, TierHistory, TierSettings};
use super::value::{self, ValueScore, ValueSettings, ValueSummary};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Everything the user can change; every field has a documented default, and a partial JSON
/// object fills the rest from the defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Analyse as if it were this day: orders on or after it are ignored. Default (`None`): the
    /// day after the last order.
    #[serde(with = "date_opt")]
    pub as_of: Option<Day>,
    /// Tier period (default month).
    pub period: PeriodKind,
    /// What tiers rank by (default net revenue).
    pub metric: Metric,
    /// Trailing calendar months for the value and loyalty scores and profit vs revenue
    /// (default 12; growth compares its two halves).
    pub window_months: u32,
    pub tiers: TierSettings,
    pub rfm: RfmSettings,
    pub value: ValueSettings,
    pub loyalty: LoyaltySettings,
    pub lifecycle: LifecycleSettings,
    pub profit: ProfitSettings,
    /// Follow-up wording per action kind.
    pub actions: ActionTemplates,
    pub filter: Filter,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            as_of: None,
            period: PeriodKind::Month,
            metric: Metric::Revenue,
            window_months: 12,
            tiers: TierSettings::default(),
            rfm: RfmSettings::default(),
            value: ValueSettings::default(),
            loyalty: LoyaltySettings::default(),
            lifecycle: LifecycleSettings::default(),
            profit: ProfitSettings::default(),
            actions: ActionTemplates::default(),
            filter: Filter::default(),
        }
    }
}

/// One customer with every score. Figures are over the orders before the as-of date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    /// Index into `Dataset::customers`.
    pub index: CustomerId,
    /// The customer key (code, or name when there is no code), shared with the dataset.
    pub customer_id: Arc<str>,
    pub name: Arc<str>,
    /// Shared between the customers of one manager (a handful of names for 100,000 rows).
    pub manager: Arc<str>,
    pub orders: u32,
    pub net_revenue: f64,
    /// `None` without gross profit in the data.
    pub gross_profit: Option<f64>,
    #[serde(with = "date_opt")]
    pub first_order: Option<Day>,
    #[serde(with = "date_opt")]
    pub last_order: Option<Day>,
    /// As-of date minus the last order date.
    pub recency_days: Option<i32>,
    /// Median days between order days.
    pub usual_interval_days: Option<f64>,
    /// Net revenue in the current period.
    pub period_revenue: f64,
    /// Net revenue and gross profit in the trailing window.
    pub window_revenue: f64,
    pub window_profit: Option<f64>,
    pub rfm: Option<Rfm>,
    /// Tier in the current period; `None` before the customer is known.
    pub tier: Option<Tier>,
    pub tier_previous: Option<Tier>,
    pub value_score: Option<ValueScore>,
    pub loyalty_score: Option<LoyaltyScore>,
    pub layer: Option<Layer>,
    pub lifecycle: Stage,
    pub action: Option<Action>,
    /// Churn risk, P(alive), expected purchases, next order and CLV: filled by
    /// `predict::predict` after `analyze` (`None` until then, and for customers without orders).
    /// Boxed so that rows without it stay small.
    #[serde(default)]
    pub prediction: Option<Box<RowPrediction>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageCount {
    pub stage: Stage,
    pub customers: u32,
}

/// Something the user should know about how the figures were made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// Tiers by profit were asked for, but the data has no gross profit: ranked by revenue.
    ProfitMetricWithoutProfit,
    /// Margin, gross-profit KPIs and hidden gems need gross profit.
    NoProfitData,
    /// Orders on or after the as-of date were left out.
    OrdersAfterAsOf { orders: usize },
    /// The filter kept this many of the customers.
    Filtered { customers: usize, of: usize },
    /// No selected customer ordered before the as-of date.
    NoOrders,
}

impl Note {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Note::ProfitMetricWithoutProfit, Lang::Zh) => "数据中没有毛利，客户分级改按金额计算".into(),
            (Note::ProfitMetricWithoutProfit, Lang::En) => {
                "The data has no gross profit: tiers are ranked by revenue instead".into()
            }
            (Note::NoProfitData, Lang::Zh) => "数据中没有毛利：利润率、毛利指标和隐藏价值客户不可用".into(),
            (Note::NoProfitData, Lang::En) => {
                "The data has no gross profit: margin, profit KPIs and hidden gems are not available".into()
            }
            (Note::OrdersAfterAsOf { orders }, Lang::Zh) => format!("分析日期之后的{orders}笔订单未计入"),
            (Note::OrdersAfterAsOf { orders }, Lang::En) => {
                format!("{orders} orders on or after the analysis date are left out")
            }
            (Note::Filtered { customers, of }, Lang::Zh) => format!("筛选后：{of}个客户中的{customers}个"),
            (Note::Filtered { customers, of }, Lang::En) => format!("Filtered: {customers} of {of} customers"),
            (Note::NoOrders, Lang::Zh) => "分析日期之前没有订单".into(),
            (Note::NoOrders, Lang::En) => "There are no orders before the analysis date".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(with = "date")]
    pub as_of: Day,
    pub period: PeriodKind,
    /// The metric the tiers were ranked by (revenue when profit was asked for but is missing).
    pub metric: Metric,
    pub window_months: u32,
    /// Oldest first; the last one is the current period.
    pub periods: Vec<Period>,
    /// Selected customers in dataset order.
    pub customers: Vec<CustomerRow>,
    /// Each customer's tier in each period (`tier_history.row(i)` for `customers[i]`).
    pub tier_history: TierHistory,
    pub kpis: Kpis,
    /// One per period.
    pub tier_distribution: Vec<TierDistribution>,
    /// Previous period -> current period; `None` with a single period.
    pub migration: Option<MigrationMatrix>,
    /// Current period.
    pub pareto: Vec<ParetoPoint>,
    pub rfm: RfmSummary,
    pub value: ValueSummary,
    pub loyalty: LoyaltySummary,
    pub layers: LayerGrid,
    pub lifecycle: Vec<StageCount>,
    pub cohorts: Vec<Cohort>,
    /// `None` without gross profit in the data.
    pub profit: Option<ProfitAnalysis>,
    /// Rows with an action, most urgent first (priority, then revenue at stake, then key).
    pub action_list: Vec<u32>,
    pub action_templates: ActionTemplates,
    pub notes: Vec<Note>,
}

impl Report {
    /// Customers with an action, most urgent first.
    pub fn actions(&self) -> impl Iterator<Item = (&CustomerRow, &Action)> {
        self.action_list.iter().map(|&r| {
            let row = &self.customers[r as usize];
            (
                row,
                row.action.as_ref().expect("listed rows have an action"),
            )
        })
    }

    /// The follow-up sentence of a row's action, with the manager's name.
    pub fn follow_up(&self, row: &CustomerRow, lang: Lang) -> Option<String> {
        row.action
            .as_ref()
            .map(|a| self.action_templates.render(a.kind, &row.manager, lang))
    }

    /// A segment's name in the language (the English name is the key).
    pub fn segment_name<'a>(&'a self, segment: &'a str, lang: Lang) -> &'a str {
        match lang {
            Lang::En => segment,
            Lang::Zh => self
                .rfm
                .segments
                .iter()
                .find(|s| s.segment == segment)
                .map_or(segment, |s| s.segment_zh.as_str()),
        }
    }
}

pub fn analyze(ds: &Dataset, settings: &Settings) -> Report {
    let as_of = settings.as_of.unwrap_or_else(|| scan::default_as_of(ds));
    let rows = filter::select(ds, &settings.filter);
    let ctx = Context::new(ds, rows, as_of, settings.period, settings.window_months);
    let scan = scan::scan(&ctx);
    let cal = &ctx.calendar;
    let (cur, prev) = (cal.current(), cal.previous());

    let mut notes = Vec::new();
    if !settings.filter.is_empty() {
        notes.push(Note::Filtered {
            customers: ctx.rows.len(),
            of: ds.customers.len(),
        });
    }
    let metric = if settings.metric == Metric::Profit && !ds.has_profit() {
        notes.push(Note::ProfitMetricWithoutProfit);
        Metric::Revenue
    } else {
        settings.metric
    };
    if !ds.has_profit() {
        notes.push(Note::NoProfitData);
    }
    if scan.orders_after_as_of > 0 {
        notes.push(Note::OrdersAfterAsOf {
            orders: scan.orders_after_as_of,
        });
    }
    if !scan.facts.iter().any(|f| f.has_orders()) {
        notes.push(Note::NoOrders);
    }

    let table = tiers::tier_table(&ctx, &scan, metric, &settings.tiers);
    let rfm_scores = rfm::score(&ctx, &scan, &settings.rfm);
    let value_scores = value::score(&ctx, &scan, &settings.value);
    let loyalty_scores = loyalty::score(&ctx, &scan, &settings.loyalty);
    let profit = profit::analyze(&ctx, &scan, &settings.profit);

    let n = scan.facts.len();
    let now = scan.by_row(cur);
    let before = prev.map(|p| scan.by_row(p));
    let cur_start = cal.periods[cur].start;

    // Summaries are tallied while the rows are built: a second pass over 100,000 wide rows
    // would cost more than the tallies themselves.
    let rfm_summary = rfm::summarize(
        rfm_scores
            .iter()
            .zip(&scan.facts)
            .filter_map(|(r, f)| Some((r.as_ref()?, f.net))),
        &settings.rfm,
    );
    let mut value_tally = value::ValueTally::default();
    let mut loyalty_tally = loyalty::LoyaltyTally::default();
    let mut layers = LayerGrid::default();
    let mut stages = [0u32; Stage::ALL.len()];
    let mut managers: FxHashMap<&str, Arc<str>> = FxHashMap::default();
    let mut customers = Vec::with_capacity(n);
    for (row, ((rfm, value), loyalty)) in rfm_scores
        .into_iter()
        .zip(value_scores)
        .zip(loyalty_scores)
        .enumerate()
    {
        let f = &scan.facts[row];
        let c = ctx.customer(row);
        let stage = lifecycle::stage(f, as_of, &settings.lifecycle);
        let tier = table.get(row, cur);
        let tier_previous = prev.and_then(|p| table.get(row, p));
        let days_away = (tier_previous == Some(Tier::D) && now[row].orders > 0)
            .then(|| days_away(ds, ctx.rows[row], cur_start, as_of))
            .flatten();
        let situation = Situation {
            period: settings.period,
            previous: prev.map(|_| tier_previous),
            current: tier,
            stage,
            recency: f.recency(as_of),
            usual_interval: f.gap_median,
            metric,
            metric_previous: before.as_ref().map_or(0.0, |b| metric.of(&b[row])),
            metric_current: metric.of(&now[row]),
            orders_current: now[row].orders,
            days_away,
            at_stake: f.window_net,
        };
        let cutoffs = settings.loyalty.layer_cutoffs;
        let layer = value.as_ref().zip(loyalty.as_ref()).map(|(v, l)| {
            layers.add(l.score, v.score, cutoffs);
            loyalty::layer(l.score, v.score, cutoffs)
        });
        if let Some(v) = &value {
            value_tally.add(v);
        }
        if let Some(l) = &loyalty {
            loyalty_tally.add(l);
        }
        stages[stage as usize] += 1;
        customers.push(CustomerRow {
            index: ctx.rows[row],
            // Shared with the dataset: a reference count, not a copy.
            customer_id: c.key.clone(),
            name: c.name.clone(),
            manager: managers
                .entry(c.manager.as_str())
                .or_insert_with(|| Arc::from(c.manager.as_str()))
                .clone(),
            orders: f.orders,
            net_revenue: f.net,
            gross_profit: ds.has_profit().then_some(f.profit),
            first_order: f.has_orders().then_some(f.first),
            last_order: f.has_orders().then_some(f.last),
            recency_days: f.recency(as_of),
            usual_interval_days: f.gap_median,
            period_revenue: now[row].net,
            window_revenue: f.window_net,
            window_profit: ds.has_profit().then_some(f.window_profit),
            rfm,
            tier,
            tier_previous,
            value_score: value,
            loyalty_score: loyalty,
            layer,
            lifecycle: stage,
            action: actions::decide(&situation, &settings.lifecycle),
            prediction: None,
        });
    }

    // Priority, then revenue at stake descending, then key: one integer per row to sort by.
    let mut urgent: Vec<(u128, u32)> = customers
        .iter()
        .enumerate()
        .filter_map(|(r, c)| {
            let a = c.action.as_ref()?;
            let key = (a.priority as u128) << 96
                | u128::from(!float_key(a.at_stake)) << 32
                | u128::from(ctx.key_pos[r]);
            Some((key, r as u32))
        })
        .collect();
    urgent.sort_unstable();
    let action_list = urgent.into_iter().map(|(_, r)| r).collect();
    let lifecycle = Stage::ALL
        .iter()
        .map(|&stage| StageCount {
            stage,
            customers: stages[stage as usize],
        })
        .collect();
    let value_summary = value_tally.finish(&settings.value);

    Report {
        as_of,
        period: settings.period,
        metric,
        window_months: ctx.window_months,
        periods: cal.periods.clone(),
        tier_history: TierHistory::from_table(&table),
        kpis: kpi::kpis(&ctx, &scan, &table),
        tier_distribution: tiers::distribution(&ctx, &scan, &table),
        migration: prev.map(|p| migration::matrix(&ctx, &scan, &table, p, cur)),
        pareto: kpi::current_pareto(&ctx, &scan),
        rfm: rfm_summary,
        value: value_summary,
        loyalty: loyalty_tally.finish(&settings.loyalty),
        layers,
        lifecycle,
        cohorts: cohort::cohorts(&ctx, &scan),
        profit,
        action_list,
        action_templates: settings.actions.clone(),
        notes,
        customers,
    }
}

/// Days between the last order before `start` and the first one on or after it.
fn days_away(ds: &Dataset, c: CustomerId, start: Day, as_of: Day) -> Option<i32> {
    let days = &ds.orders.day[ds.orders_of(c)];
    let i = days.partition_point(|&d| d < start);
    let first_now = *days.get(i).filter(|&&d| d < as_of)?;
    let last_before = *days.get(i.checked_sub(1)?)?;
    Some(first_now - last_before)
}

/// Serde for a `Day` as `YYYY-MM-DD`.
pub mod date {
    use crate::engine::model::{Day, day_from_date, format_day};
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_day(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let s = String::deserialize(d)?;
        chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(day_from_date)
            .map_err(|e| D::Error::custom(format!("{s}: {e}")))
    }
}

/// Serde for an `Option<Day>` as `YYYY-MM-DD` or null.
pub mod date_opt {
    use crate::engine::model::Day;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Option<Day>, s: S) -> Result<S::Ok, S::Error> {
        match day {
            Some(d) => super::date::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::date")] Day);
        Ok(Option::<Wrap>::deserialize(d)?.map(|Wrap(day)| day))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::actions::{ActionKind, Priority};
    use crate::engine::demo;
    use crate::engine::migration::Origin;
    use crate::engine::model::{Customer, DatasetBuilder, day_from_ymd};
    use crate::engine::summary;

    fn d(y: i32, m: u32, day: u32) -> Day {
        day_from_ymd(y, m, day).unwrap()
    }

    /// Four customers, December 2024 to March 2025, analysed as of 2025-04-01.
    fn shop() -> Dataset {
        let mut b = DatasetBuilder::new();
        let c1 = b.customer(Customer {
            key: "1".into(),
            name: "恒达机械".into(),
            manager: "张伟".into(),
            region: "华东".into(),
            ..Customer::default()
        });
        let c2 = b.customer(Customer {
            key: "2".into(),
            name: "宏远电子".into(),
            region: "华南".into(),
            ..Customer::default()
        });
        let c3 = b.intern("3");
        b.intern("4"); // a prospect
        // c1 orders every 12 days from 2024-12-08 to 2025-02-18, 2000 each, then stops.
        for k in 0..7 {
            b.order(c1, d(2024, 12, 8) + 12 * k, 2000.0, Some(400.0));
        }
        b.order(c2, d(2025, 2, 10), 1000.0, Some(300.0));
        b.order(c2, d(2025, 3, 10), 3000.0, Some(900.0));
        b.order(c3, d(2025, 3, 20), 500.0, Some(100.0));
        b.build()
    }

    fn april_first() -> Settings {
        Settings {
            as_of: Some(d(2025, 4, 1)),
            ..Settings::default()
        }
    }

    #[test]
    fn a_small_shop_by_hand() {
        assert_eq!(
            analyze(&shop(), &Settings::default()).as_of,
            d(2025, 3, 21),
            "the day after the last order"
        );
        let r = analyze(&shop(), &april_first());
        let labels: Vec<_> = r.periods.iter().map(|p| p.label.as_str()).collect();
        assert_eq!(labels, ["2024-12", "2025-01", "2025-02", "2025-03"]);
        use Tier::*;
        let [c1, c2, c3, c4] = [0, 1, 2, 3].map(|i| &r.customers[i]);
        // December and January: c1 alone (100% -> C). February: c1 4000 of 5000 = 80% -> A,
        // c2 -> C. March: c2 3000 of 3500 = 85.7% -> B, c3 -> C, c1 -> D.
        let h = &r.tier_history;
        assert_eq!(h.row(0), [Some(C), Some(C), Some(A), Some(D)]);
        assert_eq!(h.row(1), [None, None, Some(C), Some(B)]);
        assert_eq!(h.row(2), [None, None, None, Some(C)]);
        assert_eq!(h.row(3), [None; 4]);
        assert_eq!((c1.tier, c1.tier_previous), (Some(D), Some(A)));

        // RFM: recency c3 12 < c2 22 < c1 42 -> R 5, 3, 1; F and M rank c3 < c2 < c1 -> 1, 3, 5.
        let codes: Vec<_> = [c1, c2, c3]
            .iter()
            .map(|c| c.rfm.as_ref().map(|x| (x.code, x.segment.to_string())))
            .collect();
        assert_eq!(
            codes,
            [
                Some((155, "Can't Lose Them".to_string())),
                Some((333, "Potential Loyalist".to_string())),
                Some((511, "New Customers".to_string()))
            ]
        );
        assert_eq!(c4.rfm, None);
        assert_eq!(
            (c1.orders, c1.net_revenue, c1.gross_profit),
            (7, 14_000.0, Some(2_800.0))
        );
        assert_eq!(
            (c1.recency_days, c1.usual_interval_days),
            (Some(42), Some(12.0))
        );
        assert_eq!(c1.first_order, Some(d(2024, 12, 8)));

        // Lifecycle: c1 is 42 days out against a 12-day rhythm (cooling); c2 and c3 started
        // within 90 days (new).
        assert_eq!(
            [c1, c2, c3, c4].map(|c| c.lifecycle),
            [Stage::Cooling, Stage::New, Stage::New, Stage::Prospect]
        );

        // Actions: c1 urgent visit, then the upgrade (4000 at stake) before the newcomer (500).
        let list: Vec<(&str, ActionKind, Priority)> = r
            .actions()
            .map(|(row, a)| (&*row.customer_id, a.kind, a.priority))
            .collect();
        assert_eq!(
            list,
            [
                ("1", ActionKind::UrgentVisit, Priority::High),
                ("2", ActionKind::KeepMomentum, Priority::Low),
                ("3", ActionKind::Onboard, Priority::Low),
            ]
        );
        let a1 = c1.action.as_ref().unwrap();
        assert_eq!(
            a1.text(Lang::Zh),
            "上月A类，本月无订单：距上次下单42天，平时每12天下单一次"
        );
        assert_eq!(
            a1.text(Lang::En),
            "A last month, no order this month: 42 days since the last order, usually orders every 12 days"
        );
        assert_eq!(
            r.follow_up(c1, Lang::Zh).unwrap(),
            "张伟本周上门拜访：查明停止下单的原因，必要时给予专项支持挽回"
        );
        assert_eq!(
            c2.action.as_ref().unwrap().text(Lang::Zh),
            "上月C类，本月升为B类：金额比上月增长200%"
        );
        assert_eq!(
            c3.action.as_ref().unwrap().text(Lang::En),
            "First order this month: 1 order, now C"
        );

        // KPIs: March against February.
        let k = &r.kpis;
        assert_eq!(k.customers.current, Some(3.0));
        assert_eq!(k.customers.previous, Some(2.0));
        assert_eq!(k.active_customers.current, Some(2.0));
        assert_eq!(k.net_revenue.current, Some(3500.0));
        assert_eq!(k.net_revenue.previous, Some(5000.0));
        assert_eq!(k.net_revenue.change, Some(-0.3));
        assert_eq!(k.gross_profit.current, Some(1000.0));
        assert_eq!(k.orders.previous, Some(3.0));
        assert_eq!(k.churn_rate.current, Some(0.5));
        assert_eq!(k.churn_by_tier.a.current, Some(1.0));
        assert_eq!(k.churn_by_tier.c.current, Some(0.0));

        let m = r.migration.as_ref().unwrap();
        assert_eq!(
            (m.from_period.as_str(), m.to_period.as_str()),
            ("2025-02", "2025-03")
        );
        let a_d = m.cell(Origin::A, D);
        assert_eq!(
            (a_d.customers, a_d.revenue_from, a_d.revenue_to),
            (1, 4000.0, 0.0)
        );
        let c_b = m.cell(Origin::C, B);
        assert_eq!(
            (c_b.customers, c_b.revenue_from, c_b.revenue_to),
            (1, 1000.0, 3000.0)
        );
        assert_eq!(m.cell(Origin::New, C).customers, 1);

        let march = &r.tier_distribution[3];
        assert_eq!(
            (march.customers.b, march.customers.c, march.customers.d),
            (1, 1, 1)
        );
        assert_eq!(march.revenue_share.b, 3000.0 / 3500.0);

        let cohort_sizes: Vec<_> = r
            .cohorts
            .iter()
            .map(|c| (c.month.as_str(), c.active.clone()))
            .collect();
        assert_eq!(
            cohort_sizes,
            [
                ("2024-12", vec![1, 1, 1, 0]),
                ("2025-02", vec![1, 1]),
                ("2025-03", vec![1])
            ]
        );
        assert_eq!(r.pareto.last().unwrap().revenue, 1.0);
        assert_eq!(r.lifecycle.iter().map(|s| s.customers).sum::<u32>(), 4);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_eq!(
            r.segment_name("Can't Lose Them", Lang::Zh),
            "不能失去的客户"
        );
    }

    #[test]
    fn filters_equal_analysing_only_the_selected_customers() {
        let ds = demo::generate().dataset();
        let east = Settings {
            filter: Filter {
                regions: vec!["华东".into()],
                ..Filter::default()
            },
            ..Settings::default()
        };
        let filtered = analyze(&ds, &east);
        // The same customers as a dataset of their own, with the same as-of date.
        let mut b = DatasetBuilder::new();
        for (c, customer) in ds.customers.iter().enumerate() {
            if customer.region == "华东" {
                let id = b.customer(customer.clone());
                for i in ds.orders_of(c as u32) {
                    b.order(
                        id,
                        ds.orders.day[i],
                        ds.orders.amount[i],
                        ds.orders.profit.as_ref().map(|p| p[i]),
                    );
                }
            }
        }
        let alone = analyze(
            &b.build(),
            &Settings {
                as_of: Some(filtered.as_of),
                ..Settings::default()
            },
        );
        assert_eq!(filtered.customers.len(), alone.customers.len());
        assert!(filtered.customers.len() > 50 && filtered.customers.len() < 250);
        for (x, y) in filtered.customers.iter().zip(&alone.customers) {
            assert_eq!(x.customer_id, y.customer_id);
            assert_eq!((x.tier, x.tier_previous), (y.tier, y.tier_previous));
            assert_eq!(x.rfm, y.rfm);
            assert_eq!(x.value_score, y.value_score);
            assert_eq!(x.loyalty_score, y.loyalty_score);
            assert_eq!(x.action, y.action);
        }
        assert_eq!(filtered.kpis, alone.kpis);
        assert_eq!(
            filtered.notes[0],
            Note::Filtered {
                customers: filtered.customers.len(),
                of: 300
            }
        );
    }

    #[test]
    fn the_demo_adds_up_to_its_summary() {
        let ds = demo::generate().dataset();
        let s = summary::summarize(&ds);
        let r = analyze(&ds, &Settings::default());
        assert_eq!(r.customers.len(), s.customers);
        assert_eq!(
            r.customers.iter().map(|c| c.orders as usize).sum::<usize>(),
            s.orders
        );
        let net: f64 = r.customers.iter().map(|c| c.net_revenue).sum();
        assert!((net - s.net_revenue).abs() < 1e-6 * s.net_revenue);
        assert_eq!(r.periods.len(), 36);
        assert_eq!(r.periods.last().unwrap().label, "2025-12");
        // Every period's tier shares add up to 100%, and the current period's tier revenue to
        // its net revenue.
        for dist in &r.tier_distribution {
            let shares = dist.revenue_share.a
                + dist.revenue_share.b
                + dist.revenue_share.c
                + dist.revenue_share.d;
            assert!((shares - 1.0).abs() < 1e-12, "{shares}");
        }
        let now = r.tier_distribution.last().unwrap();
        let current_net: f64 = r.customers.iter().map(|c| c.period_revenue).sum();
        assert!((now.revenue.a + now.revenue.b + now.revenue.c - current_net).abs() < 1e-6);
        assert_eq!(Some(current_net), r.kpis.net_revenue.current);
        // The demo plants high-margin mid accounts: some are found as hidden gems.
        let profit = r.profit.as_ref().unwrap();
        assert!(!profit.hidden_gems.is_empty());
        // ...and its large accounts run on thin margins: some are low earners.
        assert!(!profit.low_earners.is_empty());
        assert!(r.action_list.len() > 20);
    }

    #[test]
    fn a_period_without_orders_makes_every_known_customer_d() {
        let settings = Settings {
            as_of: Some(d(2025, 6, 1)),
            ..Settings::default()
        };
        let r = analyze(&shop(), &settings);
        assert_eq!(r.periods.last().unwrap().label, "2025-05");
        let dist = r.tier_distribution.last().unwrap();
        assert_eq!(
            (
                dist.customers.a,
                dist.customers.b,
                dist.customers.c,
                dist.customers.d
            ),
            (0, 0, 0, 3)
        );
        assert_eq!(r.kpis.net_revenue.current, Some(0.0));
        assert!(r.pareto.is_empty());
        // April had no orders either: everyone was D; D -> D gets a low-priority call.
        let kinds: Vec<_> = r.actions().map(|(_, a)| (a.kind, a.priority)).collect();
        assert_eq!(kinds, [(ActionKind::WakeUpCall, Priority::Low); 3]);
    }

    #[test]
    fn orders_after_the_as_of_date_are_ignored_and_noted() {
        let settings = Settings {
            as_of: Some(d(2025, 3, 1)),
            ..Settings::default()
        };
        let r = analyze(&shop(), &settings);
        assert_eq!(r.periods.last().unwrap().label, "2025-02");
        assert_eq!(
            r.customers[2].lifecycle,
            Stage::Prospect,
            "c3's only order is in March"
        );
        assert!(r.notes.contains(&Note::OrdersAfterAsOf { orders: 2 }));
    }

    #[test]
    fn an_empty_dataset_gives_an_empty_report() {
        let r = analyze(&DatasetBuilder::new().build(), &Settings::default());
        assert!(r.customers.is_empty());
        assert_eq!(r.periods.len(), 1);
        assert_eq!(r.kpis.customers.current, Some(0.0));
        assert!(r.notes.contains(&Note::NoOrders));
        assert!(r.cohorts.is_empty());
    }

    #[test]
    fn profit_metric_without_profit_falls_back_to_revenue() {
        let mut b = DatasetBuilder::new();
        let x = b.intern("x");
        b.order(x, d(2025, 1, 1), 10.0, None);
        let settings = Settings {
            metric: Metric::Profit,
            ..Settings::default()
        };
        let r = analyze(&b.build(), &settings);
        assert_eq!(r.metric, Metric::Revenue);
        assert_eq!(
            r.notes,
            [Note::ProfitMetricWithoutProfit, Note::NoProfitData]
        );
        assert_eq!(
            r.notes[0].text(Lang::En),
            "The data has no gross profit: tiers are ranked by revenue instead"
        );
        assert!(r.profit.is_none());
    }

    #[test]
    fn settings_fill_missing_fields_with_defaults_and_round_trip() {
        let s: Settings = serde_json::from_str(
            r#"{"as_of": "2025-03-01", "period": "quarter", "tiers": {"rule": "rank_share"}}"#,
        )
        .unwrap();
        assert_eq!(s.as_of, Some(d(2025, 3, 1)));
        assert_eq!(s.period, PeriodKind::Quarter);
        assert_eq!(s.tiers.rule, tiers::TierRule::RankShare);
        assert_eq!(s.tiers.cumulative_cutoffs, [0.8, 0.95]);
        assert_eq!(s.rfm.segments.len(), 125);
        let back: Settings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn the_report_serialises_with_the_fields_the_cli_promises() {
        let r = analyze(&shop(), &april_first());
        let json = serde_json::to_value(&r).unwrap();
        let c1 = &json["customers"][0];
        assert_eq!(c1["customer_id"], "1");
        assert_eq!(c1["name"], "恒达机械");
        assert_eq!(c1["orders"], 7);
        assert_eq!(c1["net_revenue"], 14000.0);
        assert_eq!(c1["recency_days"], 42);
        assert_eq!(c1["rfm"]["code"], 155);
        assert_eq!(c1["rfm"]["segment"], "Can't Lose Them");
        assert_eq!(
            (c1["tier"].as_str(), c1["tier_previous"].as_str()),
            (Some("D"), Some("A"))
        );
        assert!(c1["value_score"]["score"].is_number());
        assert!(c1["loyalty_score"]["score"].is_number());
        assert_eq!(c1["lifecycle"], "cooling");
        assert_eq!(c1["action"]["kind"], "urgent_visit");
        assert_eq!(c1["action"]["reason"]["kind"], "no_order");
        assert_eq!(c1["first_order"], "2024-12-08");
        assert_eq!(json["as_of"], "2025-04-01");
        assert!(json["kpis"]["net_revenue"]["current"].is_number());
        assert!(json["migration"]["cells"].is_array());
        assert!(json["cohorts"].is_array());
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
    }
}

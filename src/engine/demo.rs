//! The built-in demo: a Chinese B2B trading company with 300 customers over three full years.
//!
//! Deterministic (a fixed seed and `engine::rng`, which is bit-identical on native and wasm),
//! so the app, the CLI and the tests all see exactly the same figures. The shapes a consultant expects to find are planted on
//! purpose: a few large accounts, seasonality around the Spring Festival and year end,
//! customers that grow, fade, stop or arrive late, mid-sized accounts with high margins,
//! and a few returns.

use super::model::{Customer, Dataset, DatasetBuilder, Day, date_from_day, day_from_ymd};
use super::rng::SplitMix64;
use std::collections::HashSet;
use std::io;

pub const FIRST_YEAR: i32 = 2023;
pub const YEARS: i32 = 3;
pub const CUSTOMERS: usize = 300;
const SEED: u64 = 0x7469_6572_6c65_6e73; // "tierlens"

/// The demo's own use of the generator: picking from lists.
trait Pick {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str;
}

impl Pick for SplitMix64 {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const CITIES: &[(&str, &str)] = &[
    ("上海", "华东"),
    ("苏州", "华东"),
    ("杭州", "华东"),
    ("宁波", "华东"),
    ("南京", "华东"),
    ("合肥", "华东"),
    ("广州", "华南"),
    ("深圳", "华南"),
    ("东莞", "华南"),
    ("佛山", "华南"),
    ("北京", "华北"),
    ("天津", "华北"),
    ("青岛", "华北"),
    ("武汉", "华中"),
    ("长沙", "华中"),
    ("郑州", "华中"),
    ("成都", "西南"),
    ("重庆", "西南"),
    ("西安", "西北"),
    ("沈阳", "东北"),
];
const BRANDS: &[&str] = &[
    "恒达", "宏远", "鑫源", "华盛", "瑞丰", "金泰", "永兴", "天成", "博远", "嘉禾", "众诚", "盛世",
    "新锐", "汇通", "立信", "远航", "同创", "安泰", "德信", "凯旋", "明辉", "正邦", "卓越", "启航",
];
const INDUSTRIES: &[(&str, &str)] = &[
    ("机械制造", "机械设备"),
    ("电子电器", "电子科技"),
    ("化工", "化工"),
    ("汽车配件", "汽车零部件"),
    ("建材", "建材"),
    ("食品饮料", "食品"),
    ("纺织服装", "纺织"),
    ("医疗器械", "医疗器械"),
];
const CATEGORIES: &[&str] = &["轴承", "电机", "阀门", "传感器", "包装材料", "工业耗材"];
const MANAGERS: &[(&str, &str)] = &[
    ("华东", "张伟"),
    ("华东", "李娜"),
    ("华南", "王强"),
    ("华北", "刘洋"),
    ("华中", "陈静"),
    ("西南", "杨帆"),
    ("西北", "杨帆"),
    ("东北", "刘洋"),
];
/// Relative order rate by calendar month: quiet around the Spring Festival, busy at year end.
const SEASON: [f64; 12] = [
    0.9, 0.55, 1.0, 1.05, 1.05, 1.1, 0.95, 0.95, 1.05, 1.0, 1.2, 1.3,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Steady,
    Growing,
    Fading,
    Stopped { last_month: i32 },
    Late { first_month: i32 },
}

/// One order line as an ERP export lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoLine {
    pub day: Day,
    pub order_no: String,
    pub customer: usize,
    pub category: &'static str,
    pub amount: f64,
    pub profit: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Demo {
    pub customers: Vec<Customer>,
    pub lines: Vec<DemoLine>,
}

pub fn generate() -> Demo {
    let mut rng = SplitMix64(SEED);
    let months = YEARS * 12;
    let mut names = HashSet::new();
    let mut customers = Vec::with_capacity(CUSTOMERS);
    let mut lines = Vec::new();
    let mut order_seq = 0u32;

    for i in 0..CUSTOMERS {
        let (city, region) = CITIES[rng.below(CITIES.len())];
        let (industry, trade) = INDUSTRIES[rng.below(INDUSTRIES.len())];
        let name = loop {
            let candidate = format!("{city}{}{trade}有限公司", rng.pick(BRANDS));
            if names.insert(candidate.clone()) {
                break candidate;
            }
        };
        let managers: Vec<&str> = MANAGERS
            .iter()
            .filter(|(r, _)| *r == region)
            .map(|(_, m)| *m)
            .collect();
        let manager = managers[rng.below(managers.len())];

        // Size class drives order rate and ticket size; ~5% large, ~30% mid, the rest small.
        let class = rng.unit();
        let (size, rate, ticket, margin) = if class < 0.05 {
            (
                "大型",
                rng.range(3.0, 6.0),
                rng.range(60_000.0, 160_000.0),
                rng.range(0.08, 0.14),
            )
        } else if class < 0.35 {
            // One mid account in six is a "hidden gem" with a much higher margin.
            let margin = if rng.unit() < 1.0 / 6.0 {
                rng.range(0.30, 0.40)
            } else {
                rng.range(0.14, 0.24)
            };
            (
                "中型",
                rng.range(1.0, 2.5),
                rng.range(15_000.0, 45_000.0),
                margin,
            )
        } else {
            (
                "小型",
                rng.range(0.15, 0.9),
                rng.range(2_000.0, 12_000.0),
                rng.range(0.15, 0.28),
            )
        };
        let shape = match rng.unit() {
            u if u < 0.50 => Shape::Steady,
            u if u < 0.65 => Shape::Growing,
            u if u < 0.78 => Shape::Fading,
            u if u < 0.90 => Shape::Stopped {
                last_month: 12 + rng.below(22) as i32,
            },
            _ => Shape::Late {
                first_month: 12 + rng.below(22) as i32,
            },
        };
        let first_month = match shape {
            Shape::Late { first_month } => first_month,
            _ => 0,
        };
        customers.push(Customer {
            key: format!("C{:04}", i + 1).into(),
            name: name.into(),
            industry: industry.to_owned(),
            region: region.to_owned(),
            size: size.to_owned(),
            manager: manager.to_owned(),
            first_cooperation: day_from_ymd(
                FIRST_YEAR + first_month / 12,
                1 + (first_month % 12) as u32,
                1,
            ),
            ..Customer::default()
        });

        for m in 0..months {
            let progress = m as f64 / (months - 1) as f64;
            let trend = match shape {
                Shape::Steady => 1.0,
                Shape::Growing => 0.5 + 1.1 * progress,
                Shape::Fading => 1.3 - 1.1 * progress,
                Shape::Stopped { last_month } if m > last_month => 0.0,
                Shape::Late { first_month } if m < first_month => 0.0,
                _ => 1.0,
            };
            let year = FIRST_YEAR + m / 12;
            let month = (m % 12) as u32 + 1;
            let lambda = rate * trend * SEASON[(m % 12) as usize];
            let first = day_from_ymd(year, month, 1).expect("valid month");
            let next = if month == 12 {
                day_from_ymd(year + 1, 1, 1)
            } else {
                day_from_ymd(year, month + 1, 1)
            }
            .expect("valid month");
            for _ in 0..rng.poisson(lambda) {
                let day = first + rng.below((next - first) as usize) as Day;
                order_seq += 1;
                let returned = rng.unit() < 0.015;
                let value = ticket * libm::exp(0.45 * rng.normal());
                let order_margin = (margin + 0.03 * rng.normal()).clamp(0.0, 0.6);
                let date = date_from_day(day).format("%Y%m%d");
                let (order_no, total) = if returned {
                    (
                        format!("TH{date}-{order_seq:05}"),
                        -value * rng.range(0.1, 0.5),
                    )
                } else {
                    (format!("XS{date}-{order_seq:05}"), value)
                };
                let n_lines = if returned { 1 } else { 1 + rng.below(3) };
                // Line shares are positive weights, so only returns have negative lines.
                let weights: Vec<f64> = (0..n_lines).map(|_| rng.range(0.5, 1.5)).collect();
                let weight_sum: f64 = weights.iter().sum();
                let mut left = total;
                for (l, weight) in weights.iter().enumerate() {
                    let amount = if l + 1 == n_lines {
                        round2(left)
                    } else {
                        round2(total * weight / weight_sum)
                    };
                    left -= amount;
                    lines.push(DemoLine {
                        day,
                        order_no: order_no.clone(),
                        customer: i,
                        category: rng.pick(CATEGORIES),
                        amount,
                        profit: round2(amount * order_margin),
                    });
                }
            }
        }
    }
    lines.sort_by(|a, b| (a.day, &a.order_no).cmp(&(b.day, &b.order_no)));
    Demo { customers, lines }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Demo {
    /// The dataset the app analyses: order lines summed per order number.
    pub fn dataset(&self) -> Dataset {
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = self
            .customers
            .iter()
            .map(|c| b.customer(c.clone()))
            .collect();
        let mut i = 0;
        while i < self.lines.len() {
            let first = &self.lines[i];
            let (mut amount, mut profit) = (0.0, 0.0);
            while i < self.lines.len() && self.lines[i].order_no == first.order_no {
                amount += self.lines[i].amount;
                profit += self.lines[i].profit;
                i += 1;
            }
            b.order(ids[first.customer], first.day, amount, Some(profit));
        }
        b.build()
    }

    /// Order lines as a Chinese ERP sales export (UTF-8, header on the first line).
    pub fn write_orders_csv<W: io::Write>(&self, out: W) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "单据日期",
            "单据编号",
            "客户编码",
            "客户名称",
            "产品类别",
            "价税合计",
            "毛利",
            "业务员",
        ])?;
        for l in &self.lines {
            let c = &self.customers[l.customer];
            w.write_record([
                date_from_day(l.day).format("%Y-%m-%d").to_string().as_str(),
                &l.order_no,
                &*c.key,
                &*c.name,
                l.category,
                &format!("{:.2}", l.amount),
                &format!("{:.2}", l.profit),
                &c.manager,
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    /// The customer master table.
    pub fn write_customers_csv<W: io::Write>(&self, out: W) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "客户编码",
            "客户名称",
            "行业",
            "地区",
            "规模",
            "业务员",
            "首次合作日期",
        ])?;
        for c in &self.customers {
            let first = c
                .first_cooperation
                .map(|d| date_from_day(d).format("%Y-%m-%d").to_string())
                .unwrap_or_default();
            w.write_record([
                &*c.key,
                &*c.name,
                &c.industry,
                &c.region,
                &c.size,
                &c.manager,
                &first,
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn demo_is_deterministic_and_shaped_like_a_trading_company() {
        let a = generate();
        assert_eq!(a, generate());
        assert_eq!(a.customers.len(), CUSTOMERS);
        let ds = a.dataset();
        let (first, last) = ds.day_range().unwrap();
        assert!(first >= day_from_ymd(FIRST_YEAR, 1, 1).unwrap());
        assert!(last <= day_from_ymd(FIRST_YEAR + YEARS - 1, 12, 31).unwrap());
        assert!(
            (8_000..20_000).contains(&ds.orders.len()),
            "{} orders",
            ds.orders.len()
        );

        // Returns exist but are rare.
        let returns = ds.orders.amount.iter().filter(|&&a| a < 0.0).count();
        assert!(
            returns > 20 && returns * 50 < ds.orders.len(),
            "{returns} returns"
        );

        // Revenue is concentrated: the top 20% of customers bring well over half of it.
        let mut revenue: Vec<f64> = (0..CUSTOMERS as u32)
            .map(|c| ds.orders_of(c).map(|i| ds.orders.amount[i]).sum())
            .collect();
        revenue.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = revenue.iter().sum();
        let top: f64 = revenue[..CUSTOMERS / 5].iter().sum();
        assert!(top / total > 0.55, "top 20% share {}", top / total);

        // Some customers stop buying well before the end; all names are distinct.
        let quiet = (0..CUSTOMERS as u32)
            .filter(|&c| {
                ds.orders_of(c)
                    .next_back()
                    .is_some_and(|i| ds.orders.day[i] < last - 180)
            })
            .count();
        assert!(quiet >= 15, "{quiet} customers quiet for 180 days");
        let names: HashSet<_> = a.customers.iter().map(|c| &c.name).collect();
        assert_eq!(names.len(), CUSTOMERS);

        // February is the quietest month of the year (Spring Festival).
        let mut by_month: HashMap<u32, usize> = HashMap::new();
        for &d in &ds.orders.day {
            *by_month
                .entry(chrono::Datelike::month(&date_from_day(d)))
                .or_default() += 1;
        }
        let feb = by_month[&2];
        assert!(by_month.values().all(|&n| n >= feb));
    }

    #[test]
    fn order_lines_sum_to_their_order() {
        let demo = generate();
        let ds = demo.dataset();
        let lines: f64 = demo.lines.iter().map(|l| l.amount).sum();
        let orders: f64 = ds.orders.amount.iter().sum();
        assert!(
            (lines - orders).abs() < 1e-9 * lines.abs(),
            "{lines} vs {orders}"
        );
        let distinct: HashSet<_> = demo.lines.iter().map(|l| &l.order_no).collect();
        assert_eq!(distinct.len(), ds.orders.len());
    }
}

//! The action list: for each customer who needs something now, what to do, why (a sentence
//! built from the numbers), how urgent, and for the account manager's week.
//!
//! The follow-up comes from the tier migration (seed 003: a former A or B that stops ordering is
//! visited at once, a C or D gets a wake-up call; seed 002: find out why an account drops, keep
//! an upgrade going; seed 004: welcome back, onboard) and, when the tiers give no reason, from
//! the lifecycle (cooling: overdue against the customer's own rhythm). Reasons and actions are
//! data - an enum variant with its numbers - rendered into Chinese or English by `text`, so the
//! CLI and the app say the same thing. Action wording is an editable template in the settings.
//! See docs/methods.md, "Actions".

use super::i18n::Lang;
use super::lifecycle::{LifecycleSettings, Stage};
use super::period::PeriodKind;
use super::tiers::{Metric, Tier};
use serde::{Deserialize, Serialize};

/// A text in both languages, editable by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    pub zh: String,
    pub en: String,
}

impl Texts {
    pub fn new(zh: &str, en: &str) -> Texts {
        Texts {
            zh: zh.to_owned(),
            en: en.to_owned(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// A or B last period, no order now.
    UrgentVisit,
    /// C or D last period, no order now.
    WakeUpCall,
    /// Dropped a tier.
    FindOutWhy,
    /// Moved up a tier.
    KeepMomentum,
    /// D last period, ordering again.
    WelcomeBack,
    /// First period as a customer.
    Onboard,
    /// Same tier, but overdue against the usual interval.
    CheckIn,
}

impl ActionKind {
    pub const ALL: [ActionKind; 7] = [
        ActionKind::UrgentVisit,
        ActionKind::WakeUpCall,
        ActionKind::FindOutWhy,
        ActionKind::KeepMomentum,
        ActionKind::WelcomeBack,
        ActionKind::Onboard,
        ActionKind::CheckIn,
    ];

    /// The built-in wording (the default templates).
    pub fn text(self, lang: Lang) -> String {
        ActionTemplates::default().get(self).get(lang).to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    High,
    Medium,
    Low,
}

impl Priority {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Priority::High, Lang::Zh) => "高",
            (Priority::Medium, Lang::Zh) => "中",
            (Priority::Low, Lang::Zh) => "低",
            (Priority::High, Lang::En) => "high",
            (Priority::Medium, Lang::En) => "medium",
            (Priority::Low, Lang::En) => "low",
        }
    }
}

/// The wording of each follow-up. `{manager}` is replaced by the account manager's name (or
/// "客户经理" / "the account manager" when unknown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionTemplates {
    pub urgent_visit: Texts,
    pub wake_up_call: Texts,
    pub find_out_why: Texts,
    pub keep_momentum: Texts,
    pub welcome_back: Texts,
    pub onboard: Texts,
    pub check_in: Texts,
}

impl Default for ActionTemplates {
    fn default() -> Self {
        ActionTemplates {
            urgent_visit: Texts::new(
                "{manager}本周上门拜访：查明停止下单的原因，必要时给予专项支持挽回",
                "{manager} to visit this week: find out why orders stopped and win the account back",
            ),
            wake_up_call: Texts::new(
                "{manager}电话联系：了解未下单原因，推荐合适产品唤醒客户",
                "{manager} to call: ask why there are no orders and suggest products to restart",
            ),
            find_out_why: Texts::new(
                "{manager}了解降级原因：需求变化、竞品还是服务问题",
                "{manager} to find out why the account dropped: changed needs, a competitor or service",
            ),
            keep_momentum: Texts::new(
                "{manager}保持势头：跟进新增需求，巩固升级",
                "{manager} to keep the momentum: follow up on the new demand",
            ),
            welcome_back: Texts::new(
                "{manager}回访恢复下单的客户：确认满意度，防止再次沉睡",
                "{manager} to check in with the returning customer so they stay",
            ),
            onboard: Texts::new(
                "{manager}跟进新客户：首单回访，介绍产品与服务",
                "{manager} to follow up the first order and introduce the range",
            ),
            check_in: Texts::new(
                "{manager}主动联系：下单间隔已超出平时节奏",
                "{manager} to get in touch: the customer is overdue against their usual rhythm",
            ),
        }
    }
}

impl ActionTemplates {
    pub fn get(&self, kind: ActionKind) -> &Texts {
        match kind {
            ActionKind::UrgentVisit => &self.urgent_visit,
            ActionKind::WakeUpCall => &self.wake_up_call,
            ActionKind::FindOutWhy => &self.find_out_why,
            ActionKind::KeepMomentum => &self.keep_momentum,
            ActionKind::WelcomeBack => &self.welcome_back,
            ActionKind::Onboard => &self.onboard,
            ActionKind::CheckIn => &self.check_in,
        }
    }

    /// The follow-up sentence for one customer.
    pub fn render(&self, kind: ActionKind, manager: &str, lang: Lang) -> String {
        let who = match (manager.is_empty(), lang) {
            (false, _) => manager,
            (true, Lang::Zh) => "客户经理",
            (true, Lang::En) => "The account manager",
        };
        self.get(kind).get(lang).replace("{manager}", who)
    }
}

/// Why a customer is on the list, with the numbers the sentence quotes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Tier `previous` last period, no order in this one.
    NoOrder {
        period: PeriodKind,
        previous: Tier,
        days_since_last: i32,
        /// Median days between the customer's orders.
        usual_interval: Option<i32>,
    },
    Downgraded {
        period: PeriodKind,
        from: Tier,
        to: Tier,
        metric: Metric,
        /// Relative change of the metric against the previous period.
        change: Option<f64>,
    },
    Upgraded {
        period: PeriodKind,
        from: Tier,
        to: Tier,
        metric: Metric,
        change: Option<f64>,
    },
    /// D last period, ordering again after `days_away` days.
    Returned {
        period: PeriodKind,
        to: Tier,
        days_away: i32,
    },
    NewCustomer {
        period: PeriodKind,
        to: Tier,
        orders: u32,
    },
    Overdue {
        days_since_last: i32,
        usual_interval: i32,
    },
}

/// "上月" / "last month" and "本月" / "this month" for each period kind.
fn period_words(p: PeriodKind, lang: Lang) -> (&'static str, &'static str) {
    match (p, lang) {
        (PeriodKind::Month, Lang::Zh) => ("上月", "本月"),
        (PeriodKind::Quarter, Lang::Zh) => ("上季度", "本季度"),
        (PeriodKind::Year, Lang::Zh) => ("去年", "今年"),
        (PeriodKind::All, Lang::Zh) => ("此前", "目前"),
        (PeriodKind::Month, Lang::En) => ("last month", "this month"),
        (PeriodKind::Quarter, Lang::En) => ("last quarter", "this quarter"),
        (PeriodKind::Year, Lang::En) => ("last year", "this year"),
        (PeriodKind::All, Lang::En) => ("before", "now"),
    }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", (x * 100.0).abs())
}

impl Reason {
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (
                Reason::NoOrder {
                    period,
                    previous,
                    days_since_last,
                    usual_interval,
                },
                Lang::Zh,
            ) => {
                let (last, this) = period_words(*period, lang);
                let still = if *previous == Tier::D { "仍" } else { "" };
                let mut s = format!(
                    "{last}{}，{this}{still}无订单：距上次下单{days_since_last}天",
                    previous.label(lang)
                );
                if let Some(u) = usual_interval {
                    s += &format!("，平时每{u}天下单一次");
                }
                s
            }
            (
                Reason::NoOrder {
                    period,
                    previous,
                    days_since_last,
                    usual_interval,
                },
                Lang::En,
            ) => {
                let (last, this) = period_words(*period, lang);
                let still = if *previous == Tier::D { "still " } else { "" };
                let mut s = format!(
                    "{} {last}, {still}no order {this}: {days_since_last} days since the last order",
                    previous.as_str()
                );
                if let Some(u) = usual_interval {
                    s += &format!(", usually orders every {u} days");
                }
                s
            }
            (
                Reason::Downgraded {
                    period,
                    from,
                    to,
                    metric,
                    change,
                },
                _,
            )
            | (
                Reason::Upgraded {
                    period,
                    from,
                    to,
                    metric,
                    change,
                },
                _,
            ) => {
                let (last, this) = period_words(*period, lang);
                let down = matches!(self, Reason::Downgraded { .. });
                let mut s = match lang {
                    Lang::Zh => format!(
                        "{last}{}，{this}{}{}",
                        from.label(lang),
                        if down { "降为" } else { "升为" },
                        to.label(lang)
                    ),
                    Lang::En => format!("{} {last}, {} {this}", from.as_str(), to.as_str()),
                };
                if let Some(c) = change {
                    let dir = match (lang, *c < 0.0) {
                        (Lang::Zh, true) => "减少",
                        (Lang::Zh, false) => "增长",
                        (Lang::En, true) => "down",
                        (Lang::En, false) => "up",
                    };
                    s += &match lang {
                        Lang::Zh => format!("：{}比{last}{dir}{}", metric.label(lang), percent(*c)),
                        Lang::En => {
                            format!(": {} {dir} {} on {last}", metric.label(lang), percent(*c))
                        }
                    };
                }
                s
            }
            (
                Reason::Returned {
                    period,
                    to,
                    days_away,
                },
                Lang::Zh,
            ) => {
                let (last, this) = period_words(*period, lang);
                format!(
                    "{last}D类，{this}恢复下单（此前{days_away}天未下单），现为{}",
                    to.label(lang)
                )
            }
            (
                Reason::Returned {
                    period,
                    to,
                    days_away,
                },
                Lang::En,
            ) => {
                let (last, this) = period_words(*period, lang);
                format!(
                    "D {last}, ordering again {this} after {days_away} days: now {}",
                    to.as_str()
                )
            }
            (Reason::NewCustomer { period, to, orders }, Lang::Zh) => {
                let (_, this) = period_words(*period, lang);
                format!("{this}首次下单：{orders}笔订单，现为{}", to.label(lang))
            }
            (Reason::NewCustomer { period, to, orders }, Lang::En) => {
                let (_, this) = period_words(*period, lang);
                let noun = if *orders == 1 { "order" } else { "orders" };
                format!("First order {this}: {orders} {noun}, now {}", to.as_str())
            }
            (
                Reason::Overdue {
                    days_since_last,
                    usual_interval,
                },
                Lang::Zh,
            ) => {
                format!("距上次下单{days_since_last}天，平时每{usual_interval}天下单一次")
            }
            (
                Reason::Overdue {
                    days_since_last,
                    usual_interval,
                },
                Lang::En,
            ) => {
                format!(
                    "{days_since_last} days since the last order, usually orders every {usual_interval} days"
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub kind: ActionKind,
    pub priority: Priority,
    pub reason: Reason,
    /// Net revenue of the trailing window: how much the account is worth, for sorting.
    pub at_stake: f64,
}

impl Action {
    /// The reason sentence; the follow-up itself is `ActionTemplates::render`.
    pub fn text(&self, lang: Lang) -> String {
        self.reason.text(lang)
    }
}

/// What `decide` needs to know about one customer.
#[derive(Debug, Clone)]
pub struct Situation {
    pub period: PeriodKind,
    /// `None` when there is no previous period (period = all data).
    pub previous: Option<Option<Tier>>,
    pub current: Option<Tier>,
    pub stage: Stage,
    pub recency: Option<i32>,
    pub usual_interval: Option<f64>,
    pub metric: Metric,
    pub metric_previous: f64,
    pub metric_current: f64,
    pub orders_current: u32,
    /// Days between the last order before this period and the first one in it.
    pub days_away: Option<i32>,
    pub at_stake: f64,
}

/// The one follow-up a customer needs now, if any.
pub fn decide(s: &Situation, lifecycle: &LifecycleSettings) -> Option<Action> {
    use Tier::*;
    let current = s.current?;
    let change = (s.metric_previous > 0.0)
        .then(|| (s.metric_current - s.metric_previous) / s.metric_previous);
    let usual = s.usual_interval.map(|u| u.round() as i32);
    let no_order = |previous| Reason::NoOrder {
        period: s.period,
        previous,
        days_since_last: s.recency.unwrap_or(0),
        usual_interval: usual,
    };
    let from_tiers = match s.previous {
        Some(Some(p @ (A | B))) if current == D => {
            Some((ActionKind::UrgentVisit, Priority::High, no_order(p)))
        }
        Some(Some(C)) if current == D => {
            Some((ActionKind::WakeUpCall, Priority::Medium, no_order(C)))
        }
        // Lost customers are past a monthly call; their stage says so.
        Some(Some(D)) if current == D => (!matches!(s.stage, Stage::Lost | Stage::Prospect))
            .then(|| (ActionKind::WakeUpCall, Priority::Low, no_order(D))),
        Some(Some(D)) => s.days_away.map(|days_away| {
            let priority = if current == A {
                Priority::Medium
            } else {
                Priority::Low
            };
            (
                ActionKind::WelcomeBack,
                priority,
                Reason::Returned {
                    period: s.period,
                    to: current,
                    days_away,
                },
            )
        }),
        Some(Some(p)) if p < current => {
            let priority = if p == A && current == C {
                Priority::High
            } else {
                Priority::Medium
            };
            let reason = Reason::Downgraded {
                period: s.period,
                from: p,
                to: current,
                metric: s.metric,
                change,
            };
            Some((ActionKind::FindOutWhy, priority, reason))
        }
        Some(Some(p)) if p > current => {
            let reason = Reason::Upgraded {
                period: s.period,
                from: p,
                to: current,
                metric: s.metric,
                change,
            };
            Some((ActionKind::KeepMomentum, Priority::Low, reason))
        }
        Some(None) if current != D => {
            let reason = Reason::NewCustomer {
                period: s.period,
                to: current,
                orders: s.orders_current,
            };
            Some((ActionKind::Onboard, Priority::Low, reason))
        }
        _ => None,
    };
    let (kind, priority, reason) = from_tiers.or_else(|| {
        let (recency, usual) = (s.recency?, usual?);
        (s.stage == Stage::Cooling && lifecycle.overdue(recency, s.usual_interval)).then(|| {
            let important = matches!(current, A | B) || matches!(s.previous, Some(Some(A | B)));
            let priority = if important {
                Priority::Medium
            } else {
                Priority::Low
            };
            (
                ActionKind::CheckIn,
                priority,
                Reason::Overdue {
                    days_since_last: recency,
                    usual_interval: usual,
                },
            )
        })
    })?;
    Some(Action {
        kind,
        priority,
        reason,
        at_stake: s.at_stake,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation(previous: Option<Option<Tier>>, current: Tier) -> Situation {
        Situation {
            period: PeriodKind::Month,
            previous,
            current: Some(current),
            stage: Stage::Active,
            recency: Some(45),
            usual_interval: Some(12.4),
            metric: Metric::Revenue,
            metric_previous: 1000.0,
            metric_current: 620.0,
            orders_current: 2,
            days_away: Some(132),
            at_stake: 5000.0,
        }
    }

    fn decide_kind(
        previous: Option<Option<Tier>>,
        current: Tier,
    ) -> Option<(ActionKind, Priority)> {
        decide(&situation(previous, current), &LifecycleSettings::default())
            .map(|a| (a.kind, a.priority))
    }

    #[test]
    fn follow_ups_per_transition() {
        use ActionKind::*;
        use Priority::*;
        use Tier::*;
        assert_eq!(decide_kind(Some(Some(A)), D), Some((UrgentVisit, High)));
        assert_eq!(decide_kind(Some(Some(B)), D), Some((UrgentVisit, High)));
        assert_eq!(decide_kind(Some(Some(C)), D), Some((WakeUpCall, Medium)));
        assert_eq!(decide_kind(Some(Some(D)), D), Some((WakeUpCall, Low)));
        assert_eq!(decide_kind(Some(Some(A)), B), Some((FindOutWhy, Medium)));
        assert_eq!(decide_kind(Some(Some(A)), C), Some((FindOutWhy, High)));
        assert_eq!(decide_kind(Some(Some(B)), C), Some((FindOutWhy, Medium)));
        assert_eq!(decide_kind(Some(Some(C)), B), Some((KeepMomentum, Low)));
        assert_eq!(decide_kind(Some(Some(B)), A), Some((KeepMomentum, Low)));
        assert_eq!(decide_kind(Some(Some(D)), A), Some((WelcomeBack, Medium)));
        assert_eq!(decide_kind(Some(Some(D)), C), Some((WelcomeBack, Low)));
        assert_eq!(decide_kind(Some(None), C), Some((Onboard, Low)));
        assert_eq!(decide_kind(Some(Some(A)), A), None);
        assert_eq!(decide_kind(None, A), None);
        // A lost customer is not called every month.
        let mut lost = situation(Some(Some(D)), D);
        lost.stage = Stage::Lost;
        assert_eq!(decide(&lost, &LifecycleSettings::default()), None);
    }

    #[test]
    fn cooling_customers_without_a_tier_change_get_a_check_in() {
        let mut s = situation(Some(Some(Tier::B)), Tier::B);
        s.stage = Stage::Cooling;
        let a = decide(&s, &LifecycleSettings::default()).unwrap();
        assert_eq!(
            (a.kind, a.priority),
            (ActionKind::CheckIn, Priority::Medium)
        );
        assert_eq!(a.text(Lang::Zh), "距上次下单45天，平时每12天下单一次");
        assert_eq!(
            a.text(Lang::En),
            "45 days since the last order, usually orders every 12 days"
        );
        s.current = Some(Tier::C);
        s.previous = None;
        assert_eq!(
            decide(&s, &LifecycleSettings::default()).unwrap().priority,
            Priority::Low
        );
    }

    #[test]
    fn reasons_read_as_sentences() {
        let a = decide(
            &situation(Some(Some(Tier::A)), Tier::D),
            &LifecycleSettings::default(),
        )
        .unwrap();
        assert_eq!(
            a.text(Lang::Zh),
            "上月A类，本月无订单：距上次下单45天，平时每12天下单一次"
        );
        assert_eq!(
            a.text(Lang::En),
            "A last month, no order this month: 45 days since the last order, usually orders every 12 days"
        );
        let d = Reason::NoOrder {
            period: PeriodKind::Quarter,
            previous: Tier::D,
            days_since_last: 200,
            usual_interval: None,
        };
        assert_eq!(
            d.text(Lang::Zh),
            "上季度D类，本季度仍无订单：距上次下单200天"
        );
        assert_eq!(
            d.text(Lang::En),
            "D last quarter, still no order this quarter: 200 days since the last order"
        );
        let down = decide(
            &situation(Some(Some(Tier::A)), Tier::B),
            &LifecycleSettings::default(),
        )
        .unwrap();
        assert_eq!(
            down.text(Lang::Zh),
            "上月A类，本月降为B类：金额比上月减少38%"
        );
        assert_eq!(
            down.text(Lang::En),
            "A last month, B this month: revenue down 38% on last month"
        );
        let up = Reason::Upgraded {
            period: PeriodKind::Year,
            from: Tier::C,
            to: Tier::B,
            metric: Metric::Profit,
            change: Some(0.52),
        };
        assert_eq!(up.text(Lang::Zh), "去年C类，今年升为B类：毛利比去年增长52%");
        assert_eq!(
            up.text(Lang::En),
            "C last year, B this year: gross profit up 52% on last year"
        );
        let back = decide(
            &situation(Some(Some(Tier::D)), Tier::B),
            &LifecycleSettings::default(),
        )
        .unwrap();
        assert_eq!(
            back.text(Lang::Zh),
            "上月D类，本月恢复下单（此前132天未下单），现为B类"
        );
        assert_eq!(
            back.text(Lang::En),
            "D last month, ordering again this month after 132 days: now B"
        );
        let new = decide(
            &situation(Some(None), Tier::C),
            &LifecycleSettings::default(),
        )
        .unwrap();
        assert_eq!(new.text(Lang::Zh), "本月首次下单：2笔订单，现为C类");
        assert_eq!(
            new.text(Lang::En),
            "First order this month: 2 orders, now C"
        );
    }

    #[test]
    fn templates_name_the_manager() {
        let t = ActionTemplates::default();
        assert_eq!(
            t.render(ActionKind::UrgentVisit, "张伟", Lang::Zh),
            "张伟本周上门拜访：查明停止下单的原因，必要时给予专项支持挽回"
        );
        assert_eq!(
            t.render(ActionKind::WakeUpCall, "", Lang::En),
            "The account manager to call: ask why there are no orders and suggest products to restart"
        );
        let custom = ActionTemplates {
            check_in: Texts::new("给{manager}打个电话", "Call {manager}"),
            ..ActionTemplates::default()
        };
        assert_eq!(
            custom.render(ActionKind::CheckIn, "Li", Lang::En),
            "Call Li"
        );
        assert_eq!(
            ActionKind::Onboard.text(Lang::En),
            "{manager} to follow up the first order and introduce the range"
        );
    }
}

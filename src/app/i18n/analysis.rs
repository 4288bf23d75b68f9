//! Texts of the dashboard, tiers and actions pages. Sentences with figures are functions, so
//! each language puts the numbers where its grammar wants them.

use crate::engine::actions::{ActionKind, Priority};
use crate::engine::i18n::Lang;
use crate::engine::migration::Origin;
use crate::engine::period::PeriodKind;
use crate::engine::tiers::Tier;

pub struct AnalysisTexts {
    pub intro: &'static str,
    // Dashboard: period KPIs.
    pub period_kpis: &'static str,
    pub kpi_active: &'static str,
    pub kpi_new: &'static str,
    pub kpi_revenue: &'static str,
    pub kpi_aov: &'static str,
    pub kpi_repurchase: &'static str,
    pub kpi_repurchase_note: &'static str,
    pub kpi_top20: &'static str,
    pub kpi_churn: &'static str,
    pub kpi_churn_note: &'static str,
    pub kpi_churn_by_tier: &'static str,
    pub gini: &'static str,
    pub percentage_points: &'static str,
    pub no_previous: &'static str,
    pub previous: &'static str,
    pub rise: &'static str,
    pub fall: &'static str,
    pub unchanged: &'static str,
    // Tier distribution.
    pub distribution: &'static str,
    pub share_of_customers: &'static str,
    pub share_of_revenue: &'static str,
    pub col_tier: &'static str,
    pub col_customers: &'static str,
    pub col_revenue: &'static str,
    // Pareto.
    pub pareto: &'static str,
    pub pareto_x: &'static str,
    pub pareto_y: &'static str,
    pub pareto_curve: &'static str,
    pub pareto_equal: &'static str,
    pub pareto_80: &'static str,
    pub pareto_top20: &'static str,
    pub pareto_summary: fn(top20: &str, at80: Option<&str>) -> String,
    pub no_revenue: &'static str,
    // Migration.
    pub migration: &'static str,
    pub migration_rows: fn(&str) -> String,
    pub migration_cols: fn(&str) -> String,
    pub migration_cell: fn(from: &str, to: &str, customers: &str, revenue: &str) -> String,
    pub migration_none: &'static str,
    pub tone_good: &'static str,
    pub tone_bad: &'static str,
    pub tone_same: &'static str,
    pub new_customers: &'static str,
    pub col_from: &'static str,
    pub col_to: &'static str,
    pub col_revenue_before: &'static str,
    pub col_revenue_now: &'static str,
    pub col_follow_up: &'static str,
    // Alerts and actions.
    pub alerts: &'static str,
    pub alerts_note: &'static str,
    pub no_alerts: &'static str,
    pub churn_alerts: &'static str,
    pub churn_alerts_note: &'static str,
    pub no_churn_alerts: &'static str,
    pub all_risks: &'static str,
    pub all_actions: &'static str,
    pub col_customer: &'static str,
    pub col_manager: &'static str,
    pub col_tiers: &'static str,
    pub col_action: &'static str,
    pub col_reason: &'static str,
    pub col_at_stake: &'static str,
    pub loading: &'static str,
    pub notes: &'static str,
    // Tiers page.
    pub tiers_intro: &'static str,
    pub history: &'static str,
    pub history_x: &'static str,
    pub history_y: &'static str,
    pub history_tip: fn(period: &str, tier: &str, customers: &str, share: &str) -> String,
    pub rule: &'static str,
    pub rule_cumulative: fn(metric: &str, a: &str, b: &str) -> String,
    pub rule_rank: fn(metric: &str, a: &str, b: &str) -> String,
    pub rule_absolute: fn(metric: &str, a: &str, b: &str, period: &str) -> String,
    pub rule_d: &'static str,
    pub rule_period: &'static str,
    pub rule_metric: &'static str,
    pub rule_edit: &'static str,
    pub top_customers: &'static str,
    pub col_period_revenue: &'static str,
    pub col_net_revenue: &'static str,
    pub tier_empty: &'static str,
    pub tier_more: fn(usize) -> String,
    // Actions page.
    pub actions_intro: &'static str,
    pub actions_total: fn(usize) -> String,
    pub actions_range: fn(from: usize, to: usize, total: usize) -> String,
    pub col_priority: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub pager: &'static str,
    pub no_actions: &'static str,
}

pub static ZH: AnalysisTexts = AnalysisTexts {
    intro: "本期与上期对比、分级结构和需要立即跟进的客户",
    period_kpis: "本期关键指标",
    kpi_active: "活跃客户",
    kpi_new: "新客户",
    kpi_revenue: "本期净销售额",
    kpi_aov: "客单价（每单）",
    kpi_repurchase: "复购率",
    kpi_repurchase_note: "近12个月下单≥2次的活跃客户占比",
    kpi_top20: "前20%客户销售额占比",
    kpi_churn: "流失率",
    kpi_churn_note: "上期A/B/C类客户本期无订单的占比",
    kpi_churn_by_tier: "各级流失率",
    gini: "基尼系数",
    percentage_points: "个百分点",
    no_previous: "无上期数据",
    previous: "上期",
    rise: "上升",
    fall: "下降",
    unchanged: "持平",
    distribution: "客户分级分布",
    share_of_customers: "客户占比",
    share_of_revenue: "销售额占比",
    col_tier: "等级",
    col_customers: "客户数",
    col_revenue: "净销售额",
    pareto: "帕累托曲线（本期）",
    pareto_x: "客户累计占比（按销售额从高到低）",
    pareto_y: "销售额累计占比",
    pareto_curve: "累计销售额",
    pareto_equal: "均匀分布",
    pareto_80: "80% 销售额",
    pareto_top20: "前20%客户",
    pareto_summary: |top20, at80| match at80 {
        Some(c) => format!("前20%的客户贡献{top20}的销售额；{c}的客户贡献80%的销售额"),
        None => format!("前20%的客户贡献{top20}的销售额"),
    },
    no_revenue: "本期没有正的销售额",
    migration: "等级迁移矩阵",
    migration_rows: |p| format!("上期（{p}）"),
    migration_cols: |p| format!("本期（{p}）"),
    migration_cell: |from, to, n, rev| format!("{from} → {to}：{n}个客户，本期销售额{rev}"),
    migration_none: "只有一个期间，无法计算迁移",
    tone_good: "升级或回归",
    tone_bad: "降级或流失",
    tone_same: "保持",
    new_customers: "新客户",
    col_from: "上期",
    col_to: "本期",
    col_revenue_before: "上期销售额",
    col_revenue_now: "本期销售额",
    col_follow_up: "跟进动作",
    alerts: "重点预警",
    alerts_note: "最紧急的在前：上期A/B类、本期无订单的客户需要立即拜访",
    no_alerts: "目前没有需要跟进的客户",
    churn_alerts: "流失高风险客户",
    churn_alerts_note: "流失风险最高的客户及原因，详见 CLV 与流失页",
    no_churn_alerts: "目前没有高风险客户",
    all_risks: "查看流失预警名单 →",
    all_actions: "查看全部行动 →",
    col_customer: "客户",
    col_manager: "客户经理",
    col_tiers: "上期 → 本期",
    col_action: "行动",
    col_reason: "原因 / 跟进",
    col_at_stake: "涉及金额",
    loading: "加载中…",
    notes: "说明",
    tiers_intro: "每期的A/B/C/D分级、期间之间的迁移和各级主要客户",
    history: "各期客户分级",
    history_x: "期间",
    history_y: "客户数",
    history_tip: |p, t, n, s| format!("{p} {t}：{n}个客户，销售额占比{s}"),
    rule: "当前分级规则",
    rule_cumulative: |m, a, b| {
        format!("按{m}从高到低累计占比：累计≤{a}为A类，≤{b}为B类，其余为C类")
    },
    rule_rank: |m, a, b| format!("按{m}排名：前{a}的客户为A类，至{b}为B类，其余为C类"),
    rule_absolute: |m, a, b, p| {
        format!("按{m}的年度门槛：≥{a}为A类，≥{b}为B类，其余为C类（按{p}折算）")
    },
    rule_d: "D类 = 已知客户本期无订单；本期销售额为零或为负的客户为C类",
    rule_period: "期间",
    rule_metric: "指标",
    rule_edit: "在设置中修改",
    top_customers: "各级主要客户",
    col_period_revenue: "本期销售额",
    col_net_revenue: "累计净销售额",
    tier_empty: "本期没有该等级的客户",
    tier_more: |n| format!("共{n}个客户"),
    actions_intro: "需要跟进的客户，最紧急的在前：优先级、涉及金额依次排序",
    actions_total: |n| format!("共{n}个客户需要跟进"),
    actions_range: |a, b, n| format!("第{a}–{b}条，共{n}条"),
    col_priority: "优先级",
    previous_page: "← 上一页",
    next_page: "下一页 →",
    pager: "翻页",
    no_actions: "目前没有需要跟进的客户",
};

pub static EN: AnalysisTexts = AnalysisTexts {
    intro: "This period against the last, the tier structure, and who needs attention now",
    period_kpis: "This period",
    kpi_active: "Active customers",
    kpi_new: "New customers",
    kpi_revenue: "Net revenue this period",
    kpi_aov: "Average order value",
    kpi_repurchase: "Repurchase rate",
    kpi_repurchase_note: "active customers with 2+ orders in 12 months",
    kpi_top20: "Top 20% share of revenue",
    kpi_churn: "Churn rate",
    kpi_churn_note: "last period's A/B/C customers with no order now",
    kpi_churn_by_tier: "Churn by tier",
    gini: "Gini",
    percentage_points: " pp",
    no_previous: "no previous period",
    previous: "previous",
    rise: "up",
    fall: "down",
    unchanged: "unchanged",
    distribution: "Tier distribution",
    share_of_customers: "of customers",
    share_of_revenue: "of revenue",
    col_tier: "Tier",
    col_customers: "Customers",
    col_revenue: "Net revenue",
    pareto: "Pareto curve (this period)",
    pareto_x: "Cumulative share of customers (highest revenue first)",
    pareto_y: "Cumulative share of revenue",
    pareto_curve: "Cumulative revenue",
    pareto_equal: "Even split",
    pareto_80: "80% of revenue",
    pareto_top20: "top 20% of customers",
    pareto_summary: |top20, at80| match at80 {
        Some(c) => {
            format!("The top 20% of customers bring {top20} of revenue; {c} of customers bring 80%")
        }
        None => format!("The top 20% of customers bring {top20} of revenue"),
    },
    no_revenue: "No positive revenue this period",
    migration: "Tier migration",
    migration_rows: |p| format!("Last period ({p})"),
    migration_cols: |p| format!("This period ({p})"),
    migration_cell: |from, to, n, rev| {
        format!("{from} → {to}: {n} customers, {rev} revenue this period")
    },
    migration_none: "A single period: no migration to show",
    tone_good: "up or back",
    tone_bad: "down or gone",
    tone_same: "same tier",
    new_customers: "New",
    col_from: "Last period",
    col_to: "This period",
    col_revenue_before: "Revenue before",
    col_revenue_now: "Revenue now",
    col_follow_up: "Follow-up",
    alerts: "Top alerts",
    alerts_note: "Most urgent first: A/B customers with no order this period need a visit now",
    no_alerts: "No customer needs a follow-up right now",
    churn_alerts: "High churn risk",
    churn_alerts_note: "The customers most likely to leave, with the reasons; see the CLV & churn page",
    no_churn_alerts: "No customer is at high risk right now",
    all_risks: "Churn-risk list →",
    all_actions: "All actions →",
    col_customer: "Customer",
    col_manager: "Manager",
    col_tiers: "Before → now",
    col_action: "Action",
    col_reason: "Reason / follow-up",
    col_at_stake: "At stake",
    loading: "Loading…",
    notes: "Notes",
    tiers_intro: "A/B/C/D tiers in every period, how customers move between them, and who leads each tier",
    history: "Tiers by period",
    history_x: "Period",
    history_y: "Customers",
    history_tip: |p, t, n, s| format!("{p} {t}: {n} customers, {s} of revenue"),
    rule: "Current tier rule",
    rule_cumulative: |m, a, b| {
        format!("By cumulative share of {m}, highest first: A up to {a}, B up to {b}, the rest C")
    },
    rule_rank: |m, a, b| {
        format!("By rank on {m}: the top {a} of customers A, up to {b} B, the rest C")
    },
    rule_absolute: |m, a, b, p| {
        format!("By yearly {m}: A from {a}, B from {b}, the rest C (scaled to the {p})")
    },
    rule_d: "D = a known customer with no order in the period; zero or negative revenue is C",
    rule_period: "Period",
    rule_metric: "Metric",
    rule_edit: "Change in Settings",
    top_customers: "Top customers per tier",
    col_period_revenue: "This period",
    col_net_revenue: "Net revenue, all",
    tier_empty: "No customer in this tier this period",
    tier_more: |n| format!("{n} customers in all"),
    actions_intro: "Customers to follow up, most urgent first: by priority, then revenue at stake",
    actions_total: |n| format!("{n} customers to follow up"),
    actions_range: |a, b, n| format!("{a}–{b} of {n}"),
    col_priority: "Priority",
    previous_page: "← Previous",
    next_page: "Next →",
    pager: "Pages",
    no_actions: "No customer needs a follow-up right now",
};

pub fn texts(lang: Lang) -> &'static AnalysisTexts {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// A short name for an action kind (the engine's texts are the whole follow-up sentence).
pub fn action_label(kind: ActionKind, lang: Lang) -> &'static str {
    let (zh, en) = match kind {
        ActionKind::UrgentVisit => ("紧急拜访", "Urgent visit"),
        ActionKind::WakeUpCall => ("电话唤醒", "Wake-up call"),
        ActionKind::FindOutWhy => ("了解降级原因", "Find out why"),
        ActionKind::KeepMomentum => ("保持势头", "Keep momentum"),
        ActionKind::WelcomeBack => ("回访回归客户", "Welcome back"),
        ActionKind::Onboard => ("新客户跟进", "Onboard"),
        ActionKind::CheckIn => ("主动联系", "Check in"),
    };
    pick(lang, zh, en)
}

/// CSS class of a priority's badge.
pub fn priority_class(p: Priority) -> &'static str {
    match p {
        Priority::High => "prio prio-high",
        Priority::Medium => "prio prio-medium",
        Priority::Low => "prio prio-low",
    }
}

/// "上月" / "month": the period words of the tier rule.
pub fn period_label(kind: PeriodKind, lang: Lang) -> &'static str {
    let (zh, en) = match kind {
        PeriodKind::Month => ("月", "month"),
        PeriodKind::Quarter => ("季度", "quarter"),
        PeriodKind::Year => ("年", "year"),
        PeriodKind::All => ("全部数据", "whole data"),
    };
    pick(lang, zh, en)
}

/// A migration row's name: a tier, or "new" for customers not known last period.
pub fn origin_label(o: Origin, lang: Lang) -> String {
    match o.tier() {
        Some(t) => t.label(lang),
        None => texts(lang).new_customers.to_owned(),
    }
}

/// A tier's name, "A类" / "A", or a dash when there is none.
pub fn tier_label(t: Option<Tier>, lang: Lang) -> String {
    t.map_or_else(|| "–".to_owned(), |t| t.label(lang))
}

fn pick(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

//! Tier migration between two consecutive periods: the transition matrix in customers and in
//! net revenue. Seed 003 reads a D customer against last month's tier (a former A or B who
//! stops is an emergency, a C or D one gets a wake-up call); the follow-up each transition
//! calls for lives in `actions`. See docs/methods.md, "Tier migration".

use super::actions::ActionKind;
use super::scan::{Context, Scan};
use super::tiers::{Tier, TierTable};
use serde::{Deserialize, Serialize};

/// Where a customer came from: last period's tier, or `New` when it was not yet a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    A,
    B,
    C,
    D,
    New,
}

impl Origin {
    pub const ALL: [Origin; 5] = [Origin::A, Origin::B, Origin::C, Origin::D, Origin::New];

    pub fn from_tier(t: Option<Tier>) -> Origin {
        match t {
            Some(Tier::A) => Origin::A,
            Some(Tier::B) => Origin::B,
            Some(Tier::C) => Origin::C,
            Some(Tier::D) => Origin::D,
            None => Origin::New,
        }
    }

    pub fn tier(self) -> Option<Tier> {
        match self {
            Origin::A => Some(Tier::A),
            Origin::B => Some(Tier::B),
            Origin::C => Some(Tier::C),
            Origin::D => Some(Tier::D),
            Origin::New => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationCell {
    pub from: Origin,
    pub to: Tier,
    pub customers: u32,
    /// Net revenue of these customers in the earlier and in the later period.
    pub revenue_from: f64,
    pub revenue_to: f64,
}

/// The 5 x 4 transition matrix (from A, B, C, D, new to A, B, C, D), row by row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationMatrix {
    pub from_period: String,
    pub to_period: String,
    pub cells: Vec<MigrationCell>,
}

impl MigrationMatrix {
    pub fn cell(&self, from: Origin, to: Tier) -> &MigrationCell {
        let i = Origin::ALL.iter().position(|&o| o == from).expect("origin");
        &self.cells[i * 4 + to.index()]
    }

    /// Customers who were `from` in the earlier period.
    pub fn from_total(&self, from: Origin) -> u32 {
        Tier::ALL
            .iter()
            .map(|&t| self.cell(from, t).customers)
            .sum()
    }
}

pub fn matrix(
    ctx: &Context,
    scan: &Scan,
    table: &TierTable,
    from: usize,
    to: usize,
) -> MigrationMatrix {
    let mut cells: Vec<MigrationCell> = Origin::ALL
        .iter()
        .flat_map(|&o| {
            Tier::ALL.iter().map(move |&t| MigrationCell {
                from: o,
                to: t,
                customers: 0,
                revenue_from: 0.0,
                revenue_to: 0.0,
            })
        })
        .collect();
    let (net_from, net_to) = (scan.by_row(from), scan.by_row(to));
    for row in 0..scan.facts.len() {
        let Some(t) = table.get(row, to) else {
            continue;
        };
        let o = Origin::from_tier(table.get(row, from));
        let i = Origin::ALL.iter().position(|&x| x == o).expect("origin");
        let cell = &mut cells[i * 4 + t.index()];
        cell.customers += 1;
        cell.revenue_from += net_from[row].net;
        cell.revenue_to += net_to[row].net;
    }
    let label = |p: usize| ctx.calendar.periods[p].label.clone();
    MigrationMatrix {
        from_period: label(from),
        to_period: label(to),
        cells,
    }
}

/// The follow-up a transition itself calls for (seed 003, seed 002), as the migration table
/// shows it. `actions::decide` refines it per customer: a lost D customer gets no call, a
/// returning one is welcomed back only after a real gap, and an unchanged tier gets a check-in
/// only when the customer is overdue - so those transitions carry no follow-up here.
pub fn follow_up(from: Origin, to: Tier) -> Option<ActionKind> {
    use Origin as O;
    match (from, to) {
        (O::A | O::B, Tier::D) => Some(ActionKind::UrgentVisit),
        (O::C | O::D, Tier::D) => Some(ActionKind::WakeUpCall),
        (O::D, _) => Some(ActionKind::WelcomeBack),
        (O::New, Tier::D) => None,
        (O::New, _) => Some(ActionKind::Onboard),
        (O::A, Tier::A) | (O::B, Tier::B) | (O::C, Tier::C) => None,
        (from, to) if from.tier().is_some_and(|f| f < to) => Some(ActionKind::FindOutWhy),
        _ => Some(ActionKind::KeepMomentum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::{DatasetBuilder, day_from_ymd};
    use crate::engine::period::PeriodKind;
    use crate::engine::scan::scan;
    use crate::engine::tiers::{Metric, TierSettings, tier_table};

    #[test]
    fn matrix_by_hand() {
        let d = |m, day| day_from_ymd(2025, m, day).unwrap();
        let mut b = DatasetBuilder::new();
        let ids: Vec<_> = ["1", "2", "3", "4", "5", "6"]
            .iter()
            .map(|k| b.intern(k))
            .collect();
        // January (total 1000): 1 = 600 (60% A), 2 = 200 (80% A), 3 = 150 (95% B), 4 = 50 (C).
        b.order(ids[0], d(1, 2), 600.0, None);
        b.order(ids[1], d(1, 2), 200.0, None);
        b.order(ids[2], d(1, 2), 150.0, None);
        b.order(ids[3], d(1, 2), 50.0, None);
        // February (total 1000): 2 = 700 (70% A), 4 = 200 (90% B), 6 (new) = 100 (C);
        // 1 and 3 stop (D); 5 never orders and is not known.
        b.order(ids[1], d(2, 2), 700.0, None);
        b.order(ids[3], d(2, 2), 200.0, None);
        b.order(ids[5], d(2, 2), 100.0, None);
        let ds = b.build();
        let ctx = Context::new(&ds, ids, d(3, 1), PeriodKind::Month, 12);
        let s = scan(&ctx);
        let table = tier_table(&ctx, &s, Metric::Revenue, &TierSettings::default());
        let m = matrix(&ctx, &s, &table, 0, 1);
        assert_eq!(
            (m.from_period.as_str(), m.to_period.as_str()),
            ("2025-01", "2025-02")
        );
        let a_d = m.cell(Origin::A, Tier::D);
        assert_eq!(
            (a_d.customers, a_d.revenue_from, a_d.revenue_to),
            (1, 600.0, 0.0)
        );
        let a_a = m.cell(Origin::A, Tier::A);
        assert_eq!(
            (a_a.customers, a_a.revenue_from, a_a.revenue_to),
            (1, 200.0, 700.0)
        );
        assert_eq!(m.cell(Origin::B, Tier::D).customers, 1);
        assert_eq!(m.cell(Origin::C, Tier::B).customers, 1);
        assert_eq!(m.cell(Origin::New, Tier::C).customers, 1);
        assert_eq!(m.from_total(Origin::A), 2);
        assert_eq!(m.cells.iter().map(|c| c.customers).sum::<u32>(), 5);
    }

    #[test]
    fn follow_up_per_transition() {
        use ActionKind::*;
        // Rows: from A, B, C, D, new; columns: to A, B, C, D (seed 003's table).
        let expected = [
            [None, Some(FindOutWhy), Some(FindOutWhy), Some(UrgentVisit)],
            [
                Some(KeepMomentum),
                None,
                Some(FindOutWhy),
                Some(UrgentVisit),
            ],
            [
                Some(KeepMomentum),
                Some(KeepMomentum),
                None,
                Some(WakeUpCall),
            ],
            [
                Some(WelcomeBack),
                Some(WelcomeBack),
                Some(WelcomeBack),
                Some(WakeUpCall),
            ],
            [Some(Onboard), Some(Onboard), Some(Onboard), None],
        ];
        for (from, row) in Origin::ALL.into_iter().zip(expected) {
            for (to, want) in Tier::ALL.into_iter().zip(row) {
                assert_eq!(follow_up(from, to), want, "{from:?} -> {to:?}");
            }
        }
    }
}

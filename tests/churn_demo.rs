//! The churn-risk score on the built-in demo, whose generator plants customers that stop
//! buying (`demo.rs`, `Shape::Stopped`): the model and the score must find them.

use tierlens::engine::churn::{self, RiskBand};
use tierlens::engine::clv::{self, ClvSettings};
use tierlens::engine::demo;
use tierlens::engine::i18n::Lang;

#[test]
fn stopped_customers_are_high_risk_and_active_regulars_low() {
    let ds = demo::generate().dataset();
    let (_, last) = ds.day_range().unwrap();
    let report = clv::fit(&ds, &ClvSettings::new(last));
    let bg = report.bgnbd.as_ref().unwrap();
    assert!(bg.status.converged, "{:?}", bg.status);
    let risks = churn::assess(&ds, last, &report.p_alive_by_customer(ds.customers.len()));
    assert_eq!(risks.len(), report.customers);
    // Highest first, bands consistent with the thresholds.
    assert!(risks.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(
        risks
            .iter()
            .all(|r| r.band == RiskBand::of(r.score) && (0.0..=100.0).contains(&r.score))
    );
    // Repeat buyers silent for half a year: the model gives them up and the score says so.
    let stopped: Vec<_> = risks
        .iter()
        .filter(|r| {
            r.days_since_last_order >= 180 && r.usual_interval_days.is_some_and(|u| u <= 60.0)
        })
        .collect();
    assert!(stopped.len() >= 10, "{}", stopped.len());
    for r in &stopped {
        assert_eq!(r.band, RiskBand::High, "{r:?}");
        assert!(!r.reasons.is_empty());
        let text = churn::reasons_text(&r.reasons, Lang::En);
        assert!(text.contains("overdue against a usual"), "{text}");
    }
    // Customers who ordered in the last week, spending no less than before, are low risk.
    let regular: Vec<_> = risks
        .iter()
        .filter(|r| r.days_since_last_order <= 7 && r.spend_change_pct.is_some_and(|c| c >= 0.0))
        .collect();
    assert!(regular.len() >= 50, "{}", regular.len());
    assert!(
        regular.iter().all(|r| r.band == RiskBand::Low),
        "{:?}",
        regular.iter().find(|r| r.band != RiskBand::Low)
    );
}

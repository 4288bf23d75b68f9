//! `predict::predict` on the built-in demo: every row's churn score and model figures are those
//! that `clv::fit` and `churn::assess` give when called directly for the same customer and
//! date, and a filtered or back-dated report predicts as if its customers and orders were the
//! whole data.

use tierlens::engine::churn;
use tierlens::engine::clv::{self, ClvSettings};
use tierlens::engine::demo;
use tierlens::engine::filter::Filter;
use tierlens::engine::i18n::Lang;
use tierlens::engine::model::{Dataset, DatasetBuilder, day_from_ymd};
use tierlens::engine::predict::{Basis, PredictSettings, predict};
use tierlens::engine::report::{Settings, analyze};

#[test]
fn demo_rows_carry_exactly_what_the_models_give_directly() {
    let ds = demo::generate().dataset();
    let mut report = analyze(&ds, &Settings::default());
    let summary = predict(&ds, &mut report, &PredictSettings::default());

    // The calibration end is the report's as-of date (the day after the last order).
    let as_of = report.as_of;
    assert_eq!(as_of, ds.day_range().unwrap().1 + 1);
    let fit = clv::fit(&ds, &ClvSettings::new(as_of));
    let risks = churn::assess(&ds, as_of, &fit.p_alive_by_customer(ds.customers.len()));
    assert_eq!(summary.calibration_end, as_of);
    assert_eq!(summary.basis, Basis::Models);
    assert_eq!(summary.bgnbd, fit.bgnbd);
    assert_eq!(summary.gamma_gamma, fit.gamma_gamma);
    assert!(summary.bgnbd.as_ref().unwrap().status.converged);
    assert_eq!(summary.horizon, 12.0 * 4.345);
    assert_eq!(summary.scored, risks.len());
    assert!(summary.messages(Lang::En).is_empty());

    let mut checked = 0;
    for row in &report.customers {
        let Some(p) = row.prediction.as_deref() else {
            assert_eq!(
                row.orders, 0,
                "{} has orders but no prediction",
                row.customer_id
            );
            continue;
        };
        let risk = risks.iter().find(|r| r.customer == row.index).unwrap();
        let model = fit
            .predictions
            .iter()
            .find(|m| m.customer == row.index)
            .unwrap();
        assert_eq!(p.churn_risk, risk.score);
        assert_eq!(p.churn_band, risk.band);
        assert_eq!(p.churn_reasons, risk.reasons);
        assert_eq!(p.p_alive, Some(model.p_alive));
        assert_eq!(p.expected_purchases, Some(model.expected_purchases));
        assert_eq!(p.next_order, model.next_order_day);
        assert_eq!(p.expected_avg_spend, model.expected_avg_spend);
        assert_eq!(p.clv, model.clv);
        assert_eq!(p.clv_profit, model.clv_profit);
        assert!(
            p.clv.is_some() && p.clv_profit.is_some(),
            "the demo has profit"
        );
        // The churn score's days since the last order are the report's recency.
        assert_eq!(Some(risk.days_since_last_order), row.recency_days);
        checked += 1;
    }
    assert_eq!(checked, risks.len());
    assert_eq!(checked, fit.predictions.len());
    assert!(checked >= 290, "{checked}");
    let bands: usize = summary.bands.iter().sum();
    assert_eq!(bands, checked);
}

/// The selected customers' orders before `as_of`, as a dataset of their own.
fn only(
    ds: &Dataset,
    keep: impl Fn(&tierlens::engine::model::Customer) -> bool,
    as_of: i32,
) -> Dataset {
    let mut b = DatasetBuilder::new();
    for (c, customer) in ds.customers.iter().enumerate() {
        if keep(customer) {
            let id = b.customer(customer.clone());
            for i in ds.orders_of(c as u32) {
                if ds.orders.day[i] < as_of {
                    let profit = ds.orders.profit.as_ref().map(|p| p[i]);
                    b.order(id, ds.orders.day[i], ds.orders.amount[i], profit);
                }
            }
        }
    }
    b.build()
}

#[test]
fn a_filtered_back_dated_report_predicts_from_what_it_saw() {
    let ds = demo::generate().dataset();
    let as_of = day_from_ymd(2025, 10, 1).unwrap();
    let settings = Settings {
        as_of: Some(as_of),
        filter: Filter {
            regions: vec!["华东".into(), "华北".into()],
            ..Filter::default()
        },
        ..Settings::default()
    };
    let mut filtered = analyze(&ds, &settings);
    let summary = predict(&ds, &mut filtered, &PredictSettings::default());

    let alone_ds = only(&ds, |c| c.region == "华东" || c.region == "华北", as_of);
    let mut alone = analyze(
        &alone_ds,
        &Settings {
            as_of: Some(as_of),
            ..Settings::default()
        },
    );
    let alone_summary = predict(&alone_ds, &mut alone, &PredictSettings::default());

    assert_eq!(summary, alone_summary);
    assert!(summary.customers >= 100, "{}", summary.customers);
    assert_eq!(
        summary.basis,
        Basis::Models,
        "{:?}",
        summary.messages(Lang::En)
    );
    assert_eq!(filtered.customers.len(), alone.customers.len());
    for (x, y) in filtered.customers.iter().zip(&alone.customers) {
        assert_eq!(x.customer_id, y.customer_id);
        assert_eq!(x.prediction, y.prediction, "{}", x.customer_id);
    }
    // The back-dated fit differs from the fit on all the data.
    let mut everything = analyze(&ds, &Settings::default());
    let all = predict(&ds, &mut everything, &PredictSettings::default());
    assert_ne!(all.bgnbd, summary.bgnbd);
}

//! BG/NBD, Gamma-Gamma and CLV on the CDNOW sample against the reference implementation.
//!
//! Fixtures (tests/fixtures/cdnow/, made once by `make_reference.py` there with
//! `lifetimes` 0.11.3, numpy 2.4.6, pandas 3.1.1, scipy 1.17.1):
//! - transactions.csv: the CDNOW sample shipped in the `lifetimes` wheel (6,919 rows,
//!   2,357 customers, 1997-01-01..1998-06-30);
//! - reference.json: `lifetimes`' fitted parameters and objective values, calibration end
//!   1997-09-30, holdout end 1998-06-30, weeks = days / 7 and days;
//! - reference.csv: per customer, `lifetimes`' calibration summary and its predictions at its
//!   own parameters: E[X] over the 39-week holdout, P(alive), expected spend, CLV over 12
//!   months at 1% a month (and E[X], P(alive), CLV with days as the unit).

use serde_json::Value;
use std::collections::HashMap;
use tierlens::engine::clv::bgnbd::BgNbdParams;
use tierlens::engine::clv::gamma_gamma::GammaGammaParams;
use tierlens::engine::clv::{self, ClvReport, ClvSettings, Guardrail, TimeUnit};
use tierlens::engine::model::{Dataset, DatasetBuilder, Day, day_from_ymd};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cdnow");

fn day(s: &str) -> Day {
    let p: Vec<i32> = s.split('-').map(|v| v.parse().unwrap()).collect();
    day_from_ymd(p[0], p[1] as u32, p[2] as u32).unwrap()
}

/// The transactions as a dataset: customer id as key, dollars as amount.
fn cdnow(keep: impl Fn(u32) -> bool) -> Dataset {
    let mut reader = csv::Reader::from_path(format!("{DIR}/transactions.csv")).unwrap();
    let mut b = DatasetBuilder::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let id: u32 = rec[0].parse().unwrap();
        if keep(id) {
            let c = b.intern(&rec[0]);
            b.order(c, day(&rec[1]), rec[3].parse().unwrap(), None);
        }
    }
    b.build()
}

fn reference() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
        .unwrap()
}

/// Reference rows by customer id: column name -> value.
fn reference_rows() -> HashMap<String, HashMap<String, f64>> {
    let mut reader = csv::Reader::from_path(format!("{DIR}/reference.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            let row = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.parse().unwrap()))
                .collect();
            (r[0].to_owned(), row)
        })
        .collect()
}

fn bg_params(v: &Value) -> BgNbdParams {
    BgNbdParams {
        r: v["r"].as_f64().unwrap(),
        alpha: v["alpha"].as_f64().unwrap(),
        a: v["a"].as_f64().unwrap(),
        b: v["b"].as_f64().unwrap(),
    }
}

fn gg_params(v: &Value) -> GammaGammaParams {
    GammaGammaParams {
        p: v["p"].as_f64().unwrap(),
        q: v["q"].as_f64().unwrap(),
        gamma: v["v"].as_f64().unwrap(),
    }
}

fn settings(unit: TimeUnit) -> ClvSettings {
    ClvSettings {
        holdout_end: Some(day("1998-06-30")),
        unit,
        ..ClvSettings::new(day("1997-09-30"))
    }
}

fn rel(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else {
        (got - want).abs() / want.abs()
    }
}

/// Compares every customer's predictions with the reference columns, returning the largest
/// relative error seen per quantity.
fn compare(ds: &Dataset, report: &ClvReport, columns: &[(&str, &str)], tolerance: f64) {
    let reference = reference_rows();
    assert_eq!(report.predictions.len(), 2357);
    for (ours, theirs) in columns {
        let mut worst = (0.0f64, String::new());
        for p in &report.predictions {
            let key = &*ds.customers[p.customer as usize].key;
            let want = reference[key][*theirs];
            let got = match *ours {
                "frequency" => p.frequency as f64,
                "recency" => p.recency,
                "T" => p.age,
                "monetary_value" => p.monetary_value,
                "holdout" => p.holdout_purchases.unwrap() as f64,
                "expected_purchases" => p.expected_purchases,
                "p_alive" => p.p_alive,
                "expected_avg_spend" => p.expected_avg_spend.unwrap(),
                "clv" => p.clv.unwrap(),
                other => panic!("{other}"),
            };
            let e = rel(got, want);
            if e > worst.0 {
                worst = (e, format!("customer {key}: {got} vs {want}"));
            }
        }
        assert!(
            worst.0 <= tolerance,
            "{ours}: relative error {:e} at {}",
            worst.0,
            worst.1
        );
    }
}

const ALL: &[(&str, &str)] = &[
    ("frequency", "frequency"),
    ("recency", "recency"),
    ("T", "T"),
    ("monetary_value", "monetary_value"),
    ("holdout", "frequency_holdout"),
    ("expected_purchases", "expected_purchases"),
    ("p_alive", "p_alive"),
    ("expected_avg_spend", "expected_avg_spend"),
    ("clv", "clv"),
];

#[test]
fn scored_at_lifetimes_parameters_every_customer_matches_to_1e8() {
    let reference = reference();
    let ds = cdnow(|_| true);
    let s = ClvSettings {
        bgnbd_params: Some(bg_params(&reference["weeks"]["bgnbd"])),
        gamma_gamma_params: Some(gg_params(&reference["weeks"]["gamma_gamma"])),
        ..settings(TimeUnit::Week)
    };
    let report = clv::fit(&ds, &s);
    assert_eq!(
        report.horizon, 39.0,
        "the default horizon is the holdout length"
    );
    compare(&ds, &report, ALL, 1e-8);
}

#[test]
fn days_as_the_unit_match_lifetimes_too() {
    let reference = reference();
    let ds = cdnow(|_| true);
    let s = ClvSettings {
        bgnbd_params: Some(bg_params(&reference["days"]["bgnbd"])),
        gamma_gamma_params: Some(gg_params(&reference["days"]["gamma_gamma"])),
        ..settings(TimeUnit::Day)
    };
    let report = clv::fit(&ds, &s);
    assert_eq!(report.horizon, 273.0);
    compare(
        &ds,
        &report,
        &[
            ("expected_purchases", "expected_purchases_days"),
            ("p_alive", "p_alive_days"),
            ("clv", "clv_days"),
        ],
        1e-8,
    );
}

#[test]
fn own_fit_reproduces_the_published_parameters_and_lifetimes_predictions() {
    let ds = cdnow(|_| true);
    let report = clv::fit(&ds, &settings(TimeUnit::Week));
    assert!(report.guardrails.is_empty(), "{:?}", report.guardrails);
    let bg = report.bgnbd.as_ref().unwrap();
    assert!(bg.status.converged && bg.status.problem.is_none() && !bg.status.fixed);
    let p = bg.params;
    // The issue's targets (paper: 0.243, 4.414, 0.793, 2.426) to 1e-3 relative...
    for (got, want) in [
        (p.r, 0.2426),
        (p.alpha, 4.4136),
        (p.a, 0.7929),
        (p.b, 2.4259),
    ] {
        assert!(rel(got, want) < 1e-3, "{got} vs {want}");
    }
    // ... and lifetimes' own optimum much more closely.
    let theirs = bg_params(&reference()["weeks"]["bgnbd"]);
    for (got, want) in [
        (p.r, theirs.r),
        (p.alpha, theirs.alpha),
        (p.a, theirs.a),
        (p.b, theirs.b),
    ] {
        assert!(rel(got, want) < 1e-5, "{got} vs {want}");
    }
    // The paper's log-likelihood (Fader, Hardie & Lee 2005, table 1): −9582.4.
    assert!(
        (bg.log_likelihood + 9582.4).abs() < 0.05,
        "{}",
        bg.log_likelihood
    );
    let gg = report.gamma_gamma.as_ref().unwrap();
    assert!(gg.status.converged && gg.status.problem.is_none());
    assert_eq!((gg.customers, gg.excluded), (946, 0));
    let g = gg.params;
    for (got, want) in [(g.p, 6.2496), (g.q, 3.7442), (g.gamma, 15.4435)] {
        assert!(rel(got, want) < 1e-3, "{got} vs {want}");
    }
    compare(&ds, &report, ALL, 1e-4);
}

#[test]
fn log_likelihoods_equal_lifetimes_objective_at_its_parameters() {
    let reference = reference();
    let weeks = &reference["weeks"];
    let ds = cdnow(|_| true);
    let s = ClvSettings {
        bgnbd_params: Some(bg_params(&weeks["bgnbd"])),
        gamma_gamma_params: Some(gg_params(&weeks["gamma_gamma"])),
        ..settings(TimeUnit::Week)
    };
    let report = clv::fit(&ds, &s);
    // lifetimes minimises the mean negative log-likelihood with time scaled by s = 1 / max T;
    // scaling time by s shifts each customer's log-likelihood by −x ln s.
    let n = 2357.0;
    let sum_x: f64 = report.predictions.iter().map(|p| p.frequency as f64).sum();
    let scale = weeks["time_scale"].as_f64().unwrap();
    let want = -weeks["bgnbd_mean_negative_log_likelihood_scaled"]
        .as_f64()
        .unwrap()
        * n
        + sum_x * scale.ln();
    let got = report.bgnbd.as_ref().unwrap().log_likelihood;
    assert!(rel(got, want) < 1e-12, "{got} vs {want}");
    let want = -weeks["gamma_gamma_mean_negative_log_likelihood"]
        .as_f64()
        .unwrap()
        * 946.0;
    let got = report.gamma_gamma.as_ref().unwrap().log_likelihood;
    assert!(rel(got, want) < 1e-12, "{got} vs {want}");
}

#[test]
fn holdout_validation_matches_lifetimes() {
    let reference = reference();
    let ds = cdnow(|_| true);
    let s = ClvSettings {
        bgnbd_params: Some(bg_params(&reference["weeks"]["bgnbd"])),
        gamma_gamma_params: Some(gg_params(&reference["weeks"]["gamma_gamma"])),
        ..settings(TimeUnit::Week)
    };
    let v = clv::fit(&ds, &s).validation.unwrap();
    assert_eq!((v.customers, v.actual, v.duration), (2357, 1882.0, 39.0));
    let predicted = reference["weeks"]["holdout_predicted"].as_f64().unwrap();
    assert!(rel(v.predicted, predicted) < 1e-10);
    let pct = (predicted - 1882.0) / 1882.0 * 100.0; // about −12.1%
    assert!((v.aggregate_error_pct.unwrap() - pct).abs() < 1e-8);
    let rows = reference_rows();
    let mae = rows
        .values()
        .map(|r| (r["expected_purchases"] - r["frequency_holdout"]).abs())
        .sum::<f64>()
        / 2357.0;
    assert!(rel(v.mae, mae) < 1e-10);
    let by_freq = &reference["by_frequency_0_to_6"];
    for k in 0..7 {
        let b = &v.by_frequency[k];
        assert_eq!((b.frequency, b.and_more), (k as u32, false));
        assert!(rel(b.actual_mean, by_freq["actual_mean"][k].as_f64().unwrap()) < 1e-12);
        assert!(
            rel(
                b.predicted_mean,
                by_freq["predicted_mean"][k].as_f64().unwrap()
            ) < 1e-10
        );
    }
    let last = &v.by_frequency[7];
    let heavy: Vec<_> = rows.values().filter(|r| r["frequency"] >= 7.0).collect();
    assert!(last.and_more && last.customers == heavy.len());
    let mean = heavy.iter().map(|r| r["frequency_holdout"]).sum::<f64>() / heavy.len() as f64;
    assert!(rel(last.actual_mean, mean) < 1e-12);
}

#[test]
fn penalized_fit_matches_lifetimes_penalizer() {
    let ds = cdnow(|_| true);
    let s = ClvSettings {
        penalizer: 0.01,
        ..settings(TimeUnit::Week)
    };
    let report = clv::fit(&ds, &s);
    let p = report.bgnbd.unwrap().params;
    let want = bg_params(&reference()["weeks_penalized_0.01"]["bgnbd"]);
    for (got, want) in [
        (p.r, want.r),
        (p.alpha, want.alpha),
        (p.a, want.a),
        (p.b, want.b),
    ] {
        assert!(rel(got, want) < 1e-4, "{got} vs {want}");
    }
}

#[test]
fn thin_data_says_what_is_missing_instead_of_fitting() {
    // The first 60 CDNOW customers: too few customers and too few repeat buyers.
    let ds = cdnow(|id| id <= 330);
    let report = clv::fit(&ds, &settings(TimeUnit::Week));
    assert!(report.customers < 100);
    assert!(report.guardrails.contains(&Guardrail::TooFewCustomers {
        have: report.customers,
        need: 100
    }));
    assert!(report.bgnbd.is_none() && report.predictions.is_empty() && report.validation.is_none());
    // A calibration end one month into the data: too short a history.
    let ds = cdnow(|_| true);
    let report = clv::fit(&ds, &ClvSettings::new(day("1997-01-31")));
    assert!(report.guardrails.contains(&Guardrail::HistoryTooShort {
        days: 31,
        need_days: 90
    }));
    assert!(report.predictions.is_empty());
    // With parameters given, the same thin data is scored.
    let s = ClvSettings {
        bgnbd_params: Some(bg_params(&reference()["weeks"]["bgnbd"])),
        gamma_gamma_params: Some(gg_params(&reference()["weeks"]["gamma_gamma"])),
        ..ClvSettings::new(day("1997-01-31"))
    };
    assert!(!clv::fit(&ds, &s).predictions.is_empty());
}

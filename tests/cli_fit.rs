//! `tierlens fit` end to end on the CDNOW sample (tests/fixtures/cdnow/, see
//! `make_reference.py` there): the JSON summary and the predictions CSV against `lifetimes`
//! 0.11.3. The fixture's `dollars` column is written out as `amount` so the importer maps it.

use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cdnow");

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tierlens-cli-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// transactions.csv as customer_id,date,amount.
fn orders_file() -> PathBuf {
    let text = std::fs::read_to_string(format!("{DIR}/transactions.csv")).unwrap();
    let mut out = String::from("customer_id,date,amount\n");
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        out.push_str(&format!("{},{},{}\n", f[0], f[1], f[3]));
    }
    let path = scratch("cdnow_orders.csv");
    std::fs::write(&path, out).unwrap();
    path
}

fn tierlens(args: &[&str]) -> (bool, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rel(got: f64, want: f64) -> f64 {
    if got == want {
        0.0
    } else {
        (got - want).abs() / want.abs()
    }
}

#[test]
fn fit_prints_the_summary_and_writes_predictions_equal_to_lifetimes() {
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/reference.json")).unwrap())
            .unwrap();
    let bg = &reference["weeks"]["bgnbd"];
    let gg = &reference["weeks"]["gamma_gamma"];
    let bg_arg = format!("{},{},{},{}", bg["r"], bg["alpha"], bg["a"], bg["b"]);
    let gg_arg = format!("{},{},{}", gg["p"], gg["q"], gg["v"]);
    let orders = orders_file();
    let csv_path = scratch("predictions.csv");
    let (ok, json, stderr) = tierlens(&[
        "fit",
        orders.to_str().unwrap(),
        "--calibration-end",
        "1997-09-30",
        "--holdout-end",
        "1998-06-30",
        "--bgnbd-params",
        &bg_arg,
        "--gg-params",
        &gg_arg,
        "--out",
        csv_path.to_str().unwrap(),
    ]);
    assert!(ok, "{stderr}");
    assert_eq!(json["customers"], 2357);
    assert_eq!(json["bgnbd"]["converged"], true);
    assert_eq!(json["bgnbd"]["r"].as_f64(), bg["r"].as_f64());
    assert_eq!(json["gamma_gamma"]["gamma"].as_f64(), gg["v"].as_f64());
    assert_eq!(json["gamma_gamma"]["customers"], 946);
    assert_eq!(json["holdout"]["actual"], 1882.0);
    let predicted = reference["weeks"]["holdout_predicted"].as_f64().unwrap();
    assert!(rel(json["holdout"]["predicted"].as_f64().unwrap(), predicted) < 1e-10);

    let want: HashMap<String, Vec<f64>> = {
        let mut r = csv::Reader::from_path(format!("{DIR}/reference.csv")).unwrap();
        r.records()
            .map(|rec| {
                let rec = rec.unwrap();
                // frequency, recency, T, monetary_value, expected_purchases, p_alive, spend, clv
                let cols = [1, 2, 3, 4, 6, 7, 8, 9];
                (
                    rec[0].to_owned(),
                    cols.iter().map(|&i| rec[i].parse().unwrap()).collect(),
                )
            })
            .collect()
    };
    let mut r = csv::Reader::from_path(&csv_path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "customer_id",
            "frequency",
            "recency",
            "T",
            "monetary_value",
            "expected_purchases",
            "p_alive",
            "expected_avg_spend",
            "clv"
        ]
    );
    let mut rows = 0;
    for rec in r.records() {
        let rec = rec.unwrap();
        let reference = &want[&rec[0]];
        for (k, want) in reference.iter().enumerate() {
            let got: f64 = rec[k + 1].parse().unwrap();
            assert!(
                rel(got, *want) < 1e-8,
                "customer {} column {}: {got} vs {want}",
                &rec[0],
                k + 1
            );
        }
        rows += 1;
    }
    assert_eq!(rows, 2357);
}

#[test]
fn fit_from_scratch_reports_convergence_and_thin_data_fails_with_what_is_missing() {
    let orders = orders_file();
    let (ok, json, stderr) = tierlens(&[
        "fit",
        orders.to_str().unwrap(),
        "--calibration-end",
        "1997-09-30",
    ]);
    assert!(ok, "{stderr}");
    assert_eq!(json["bgnbd"]["converged"], true);
    assert!(rel(json["bgnbd"]["alpha"].as_f64().unwrap(), 4.4136) < 1e-3);
    assert!(
        json.get("holdout").is_none(),
        "no holdout without --holdout-end"
    );

    let (ok, json, stderr) = tierlens(&[
        "fit",
        orders.to_str().unwrap(),
        "--calibration-end",
        "1997-01-20",
    ]);
    assert!(!ok);
    assert!(stderr.contains("at least 90 days"), "{stderr}");
    let guardrails = json["guardrails"].as_array().unwrap();
    assert!(
        guardrails
            .iter()
            .any(|g| g.as_str().unwrap().contains("only 20 days of history")),
        "{guardrails:?}"
    );

    let (ok, _, stderr) = tierlens(&[
        "fit",
        orders.to_str().unwrap(),
        "--calibration-end",
        "1997-09-30",
        "--unit",
        "month",
    ]);
    assert!(
        !ok && stderr.contains("--unit takes week or day"),
        "{stderr}"
    );
}

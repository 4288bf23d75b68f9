//! RFM scores and monthly ABC/D tiers cross-checked against pandas (tests/pandas_rfm_abc.py).
//!
//! A generated dataset with many ties (round amounts, shared order counts and days, returns,
//! customers who only return goods, prospects) is written as CSV, the script computes the
//! reference with `qcut(rank(method="first"))`, cumulative sums and so on, and every customer's
//! R, F, M and tier in every month must match exactly. Runs when `python3` can import pandas;
//! otherwise the test prints "skipped: pandas not installed" and passes.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use tierlens::engine::model::{Dataset, DatasetBuilder, Day, day_from_ymd, format_day};
use tierlens::engine::report::{Report, Settings, analyze};
use tierlens::engine::rng::SplitMix64;
use tierlens::engine::tiers::TierRule;

fn pandas_available() -> bool {
    Command::new("python3")
        .args(["-c", "import pandas"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Uniform in 0..n by modulo (the datasets the cross-check was first run on).
fn below(rng: &mut SplitMix64, n: u64) -> u64 {
    rng.next_u64() % n
}

/// 400 customers over 14 months; amounts are multiples of 500 so sums tie often and stay exact.
fn dataset(seed: u64, integer_keys: bool) -> (Dataset, Vec<(String, Day, f64)>) {
    let mut rng = SplitMix64(seed);
    let mut b = DatasetBuilder::new();
    let first = day_from_ymd(2024, 1, 1).unwrap();
    let mut orders = Vec::new();
    for i in 0..400u64 {
        // Integer keys of mixed lengths so numeric and string order differ; or codes.
        let key = if integer_keys {
            format!(
                "{}",
                below(&mut rng, 10u64.pow(1 + (i % 5) as u32)) * 1000 + i
            )
        } else {
            format!("K{}", below(&mut rng, 100_000))
        };
        let id = b.intern(&key);
        if i % 37 == 0 {
            continue; // a prospect
        }
        let n = 1 + below(&mut rng, if i % 7 == 0 { 40 } else { 8 });
        let only_returns = i % 53 == 0;
        for _ in 0..n {
            let day = first + below(&mut rng, 425) as i32;
            let mut amount =
                500.0 * (1 + below(&mut rng, if i % 11 == 0 { 200 } else { 20 })) as f64;
            if only_returns || below(&mut rng, 30) == 0 {
                amount = -amount;
            }
            b.order(id, day, amount, None);
            orders.push((key.clone(), day, amount));
        }
    }
    (b.build(), orders)
}

fn write_inputs(dir: &Path, ds: &Dataset, orders: &[(String, Day, f64)]) {
    let mut csv = String::from("customer,date,amount\n");
    for (k, d, a) in orders {
        writeln!(csv, "{k},{},{a}", format_day(*d)).unwrap();
    }
    std::fs::write(dir.join("orders.csv"), csv).unwrap();
    let mut csv = String::from("customer\n");
    for c in &ds.customers {
        writeln!(csv, "{}", c.key).unwrap();
    }
    std::fs::write(dir.join("customers.csv"), csv).unwrap();
}

fn run_script(dir: &Path, as_of: Day, bins: u8, rule: &str) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pandas_rfm_abc.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(dir.join("orders.csv"))
        .arg(dir.join("customers.csv"))
        .arg(format_day(as_of))
        .arg(bins.to_string())
        .arg(rule)
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "pandas script failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

fn compare(report: &Report, dir: &Path) -> (usize, usize) {
    let rows: HashMap<&str, usize> = report
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| (&*c.customer_id, i))
        .collect();
    let rfm = read_csv(&dir.join("rfm.csv"));
    let scored = report.customers.iter().filter(|c| c.rfm.is_some()).count();
    assert_eq!(
        rfm.len(),
        scored,
        "pandas and TierLens score the same customers"
    );
    for line in &rfm {
        let c = &report.customers[rows[line[0].as_str()]];
        let r = c
            .rfm
            .as_ref()
            .unwrap_or_else(|| panic!("{} has RFM in pandas", line[0]));
        let got = [r.r, r.f, r.m].map(|s| s.to_string());
        assert_eq!(got.as_slice(), &line[1..4], "RFM of customer {}", line[0]);
    }
    let period: HashMap<&str, usize> = report
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| (p.label.as_str(), i))
        .collect();
    let tiers = read_csv(&dir.join("tiers.csv"));
    for line in &tiers {
        let p = period[line[1].as_str()];
        let got = report.tier_history.row(rows[line[0].as_str()])[p].map(|t| t.as_str());
        assert_eq!(
            got,
            Some(line[2].as_str()),
            "tier of customer {} in {}",
            line[0],
            line[1]
        );
    }
    // Every tier TierLens gives is in the pandas output (no extra known customers).
    let known: usize = (0..report.customers.len())
        .map(|i| report.tier_history.row(i).iter().flatten().count())
        .sum();
    assert_eq!(known, tiers.len());
    (rfm.len(), tiers.len())
}

#[test]
fn rfm_and_abc_match_pandas() {
    if !pandas_available() {
        println!("skipped: pandas not installed (pip install pandas to run the cross-check)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("tierlens-pandas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (seed, integer_keys) in [(1, true), (2, false), (3, true)] {
        let (ds, orders) = dataset(seed, integer_keys);
        write_inputs(&dir, &ds, &orders);
        // Mid-month, so some orders fall after the as-of date and are ignored.
        let as_of = day_from_ymd(2025, 2, 15).unwrap();
        for (rule, name, bins) in [
            (TierRule::CumulativeShare, "cumulative", 5),
            (TierRule::RankShare, "rank", 4),
            (TierRule::Absolute, "absolute", 5),
        ] {
            let mut settings = Settings {
                as_of: Some(as_of),
                ..Settings::default()
            };
            settings.tiers.rule = rule;
            settings.rfm.bins = bins;
            let report = analyze(&ds, &settings);
            run_script(&dir, as_of, bins, name);
            let (scored, tiers) = compare(&report, &dir);
            assert!(
                scored > 300 && tiers > 3000,
                "{scored} scored, {tiers} tiers"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

//! `tierlens analyze` end to end: an ERP-style orders CSV through the importer and every
//! analysis, checked against figures worked out by hand (the same shop as the engine's
//! `report::tests::a_small_shop_by_hand`).

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::Command;

const ORDERS: &str = "\
单据日期,单据编号,客户编码,客户名称,价税合计,毛利,业务员
2024-12-08,XS001,1,恒达机械,2000,400,张伟
2024-12-20,XS002,1,恒达机械,2000,400,张伟
2025-01-01,XS003,1,恒达机械,2000,400,张伟
2025-01-13,XS004,1,恒达机械,2000,400,张伟
2025-01-25,XS005,1,恒达机械,2000,400,张伟
2025-02-06,XS006,1,恒达机械,2000,400,张伟
2025-02-18,XS007,1,恒达机械,2000,400,张伟
2025-02-10,XS008,2,宏远电子,1000,300,
2025-03-10,XS009,2,宏远电子,3000,900,
2025-03-20,XS010,3,瑞丰建材,500,100,
";

fn run(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(args)
        .output()
        .expect("the CLI runs");
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "tierlens {args:?} failed: {stderr}");
    (stdout, stderr)
}

fn orders_file() -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("tierlens-cli-analyze-{}.csv", std::process::id()));
    std::fs::write(&path, ORDERS).unwrap();
    path
}

#[test]
fn json_report_of_a_small_shop() {
    let path = orders_file();
    let (stdout, stderr) = run(&[
        "analyze",
        path.to_str().unwrap(),
        "--as-of",
        "2025-04-01",
        "--lang",
        "en",
    ]);
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        stderr.contains("3 customers, 10 orders, as of 2025-04-01"),
        "{stderr}"
    );
    assert_eq!(r["as_of"], "2025-04-01");
    let c = &r["customers"];
    let ids: Vec<&str> = (0..3)
        .map(|i| c[i]["customer_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
    // February: 4000 of 5000 -> A; March: no order -> D.
    assert_eq!(
        (c[0]["tier_previous"].as_str(), c[0]["tier"].as_str()),
        (Some("A"), Some("D"))
    );
    assert_eq!(
        r["tier_history"][0],
        serde_json::json!(["C", "C", "A", "D"])
    );
    assert_eq!(
        (c[0]["orders"].as_u64(), c[0]["net_revenue"].as_f64()),
        (Some(7), Some(14000.0))
    );
    assert_eq!(c[0]["recency_days"], 42);
    assert_eq!(c[0]["rfm"]["code"], 155);
    assert_eq!(c[0]["rfm"]["segment"], "Can't Lose Them");
    assert_eq!(c[1]["rfm"]["code"], 333);
    assert_eq!(c[2]["rfm"]["code"], 511);
    assert_eq!(c[0]["lifecycle"], "cooling");
    assert_eq!(c[0]["action"]["kind"], "urgent_visit");
    assert_eq!(
        c[0]["action"]["text"],
        "A last month, no order this month: 42 days since the last order, usually orders every 12 days"
    );
    assert_eq!(
        c[0]["action"]["follow_up"],
        "张伟 to visit this week: find out why orders stopped and win the account back"
    );
    assert_eq!(r["kpis"]["net_revenue"]["current"], 3500.0);
    assert_eq!(r["kpis"]["net_revenue"]["previous"], 5000.0);
    assert_eq!(r["action_list"], serde_json::json!([0, 1, 2]));
    // Three customers are too few for the purchase model: churn risk from the rules alone.
    // Customer 1: 42 days since the last order against a usual 12 -> overdue evidence 1
    // (weight 0.4); spend 10,000 this quarter against 4,000 before -> none (weight 0.2).
    let p = &r["prediction"];
    assert_eq!(p["basis"], "rules_only");
    assert_eq!(p["calibration_end"], "2025-04-01");
    assert_eq!(p["guardrails"][0]["kind"], "too_few_customers");
    assert_eq!(
        p["messages"][0],
        "only 3 customers ordered before the calibration end; the model needs at least 100"
    );
    let risk = c[0]["prediction"]["churn_risk"].as_f64().unwrap();
    assert!((risk - 100.0 * 0.4 / 0.6).abs() < 1e-9, "{risk}");
    assert_eq!(c[0]["prediction"]["churn_band"], "high");
    assert_eq!(
        c[0]["prediction"]["churn_text"],
        "30 days overdue against a usual 12-day cycle"
    );
    assert_eq!(c[0]["prediction"]["p_alive"], serde_json::Value::Null);
    std::fs::remove_file(path).ok();
}

#[test]
fn csv_customer_table_in_chinese() {
    let path = orders_file();
    let out = std::env::temp_dir().join(format!(
        "tierlens-cli-analyze-{}.out.csv",
        std::process::id()
    ));
    run(&[
        "analyze",
        path.to_str().unwrap(),
        "--as-of",
        "2025-04-01",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("customer_id,name,manager,orders,net_revenue,gross_profit,")
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&first[..5], ["1", "恒达机械", "张伟", "7", "14000.00"]);
    assert_eq!(
        &first[9..16],
        ["1", "5", "5", "155", "不能失去的客户", "D", "A"]
    );
    assert!(first.contains(&"上月A类，本月无订单：距上次下单42天，平时每12天下单一次"));
    assert!(first.contains(&"高"));
    // churn_risk, churn_band, p_alive, clv: no purchase model for three customers.
    assert_eq!(&first[first.len() - 4..], ["66.7", "高", "", ""]);
    let second: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&second[second.len() - 4..], ["0.0", "低", "", ""]);
    std::fs::remove_file(path).ok();
    std::fs::remove_file(out).ok();
}

/// The demo's customer table carries the engine's own churn and CLV figures.
#[test]
fn csv_churn_and_clv_columns_are_the_engines_figures() {
    use tierlens::engine::i18n::Lang;
    use tierlens::engine::predict::{PredictSettings, predict};
    use tierlens::engine::report::{Settings, analyze};
    let (stdout, _) = run(&["analyze", "--demo", "--format", "csv", "--lang", "en"]);
    let mut csv = csv::Reader::from_reader(stdout.as_bytes());
    let header = csv.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let [risk, band, alive, clv] = ["churn_risk", "churn_band", "p_alive", "clv"].map(column);
    assert_eq!([risk, band, alive, clv], [24, 25, 26, 27]);

    let ds = tierlens::engine::demo::generate().dataset();
    let mut report = analyze(&ds, &Settings::default());
    predict(&ds, &mut report, &PredictSettings::default());
    let records: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), report.customers.len());
    let mut with_clv = 0;
    for (record, row) in records.iter().zip(&report.customers) {
        assert_eq!(&record[0], &*row.customer_id);
        let Some(p) = row.prediction.as_deref() else {
            assert_eq!([&record[risk], &record[alive], &record[clv]], ["", "", ""]);
            continue;
        };
        assert_eq!(record[risk], format!("{:.1}", p.churn_risk));
        assert_eq!(&record[band], p.churn_band.text(Lang::En));
        assert_eq!(record[alive], format!("{:.4}", p.p_alive.unwrap()));
        assert_eq!(record[clv], format!("{:.2}", p.clv.unwrap()));
        with_clv += 1;
    }
    assert!(with_clv >= 290, "{with_clv}");
}

#[test]
fn demo_without_a_file_and_clear_errors() {
    let (stdout, _) = run(&["analyze", "--demo", "--period", "quarter"]);
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["customers"].as_array().unwrap().len(), 300);
    assert_eq!(r["period"], "quarter");
    assert_eq!(
        r["periods"].as_array().unwrap().last().unwrap()["label"],
        "2025-Q4"
    );

    let bad = Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(["analyze", "--demo", "--period", "week"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("--period is month, quarter, year or all, not \"week\"")
    );
    let missing = Command::new(env!("CARGO_BIN_EXE_tierlens"))
        .args(["analyze", "/nonexistent.csv"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.csv"));
}

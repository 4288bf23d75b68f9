//! The importer against one small file per edge case (`tests/fixtures/import/`), plus files the
//! tests make themselves (GBK, UTF-16, XLSX) and a round trip of the demo data.
//!
//! Every expected figure is worked out by hand from the fixture and noted beside the assert.

use std::collections::BTreeSet;
use tierlens::engine::demo;
use tierlens::engine::import::{
    self, DateOrder, ErrorKind, Field, Files, ImportError, ImportOptions, ImportReport, Imported,
    Reason, Rejected, SkipReason, Skipped, Stage, TableKind,
};
use tierlens::engine::model::{Dataset, Day, InteractionKind, day_from_ymd, format_day};
use tierlens::engine::summary::summarize;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import_with(name: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    import::import_orders(&fixture(name), name, options)
}

/// Imports a fixture that must work, checking that every line is accounted for.
fn import_ok(name: &str, options: &ImportOptions) -> Imported {
    let imported = import_with(name, options).unwrap_or_else(|e| panic!("{e}"));
    assert_accounted(&imported.report);
    imported
}

/// Nothing below the header is dropped without being counted.
fn assert_accounted(r: &ImportReport) {
    assert_eq!(
        r.lines,
        r.order_lines + r.skipped.len() as u64 + r.rejected.len() as u64,
        "lines = order lines + skipped + rejected"
    );
}

fn import_err(name: &str, options: &ImportOptions) -> ImportError {
    match import_with(name, options) {
        Ok(_) => panic!("{name} should not import"),
        Err(e) => e,
    }
}

fn day(y: i32, m: u32, d: u32) -> Day {
    day_from_ymd(y, m, d).unwrap()
}

fn rejected(line: u64, column: &str, value: &str, reason: Reason) -> Rejected {
    Rejected {
        line,
        column: column.into(),
        value: value.into(),
        reason,
    }
}

fn skipped(line: u64, reason: SkipReason) -> Skipped {
    Skipped { line, reason }
}

/// (customer key, day, amount) of every order, in dataset order.
fn orders(ds: &Dataset) -> Vec<(String, String, f64)> {
    (0..ds.orders.len())
        .map(|i| {
            (
                ds.customers[ds.orders.customer[i] as usize].key.to_string(),
                format_day(ds.orders.day[i]),
                (ds.orders.amount[i] * 100.0).round() / 100.0,
            )
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn erp_report_with_title_lines_subtotals_and_totals() {
    // UTF-8 with BOM, CRLF: title (1), period (2), blank (3), header (4), three lines (5-7),
    // 小计 (8), a return (9), an empty row (10), 合计 (11).
    let Imported { dataset, report } =
        import_ok("title_lines_and_totals.csv", &ImportOptions::new());
    assert_eq!(report.encoding, "UTF-8");
    assert_eq!(report.header_line, 4);
    assert_eq!(report.lines, 7);
    assert_eq!(report.order_lines, 4);
    assert_eq!(
        report.skipped,
        vec![
            skipped(8, SkipReason::Total),
            skipped(10, SkipReason::Empty),
            skipped(11, SkipReason::Total)
        ]
    );
    assert_eq!(report.rejected, vec![]);
    // XS001 = 1,200 + 800; XS002 = 500; TH003 = -200.
    assert_eq!(
        orders(&dataset),
        vec![
            ("C001".into(), "2025-01-03".into(), 2000.0),
            ("C001".into(), "2025-01-09".into(), -200.0),
            ("C002".into(), "2025-01-05".into(), 500.0),
        ]
    );
    assert_eq!(report.orders, 3);
    assert_eq!(report.customers, 2);
    assert_eq!(report.net_revenue, 2300.0);
    assert_eq!(report.gross_profit, Some(550.0)); // 300 + 200 + 100 - 50
    assert_eq!(report.returns, 1);
    assert_eq!(report.date_min.as_deref(), Some("2025-01-03"));
    assert_eq!(report.date_max.as_deref(), Some("2025-01-09"));
    let c001 = &dataset.customers[0];
    assert_eq!(
        (&*c001.name, c001.manager.as_str()),
        ("上海恒达机械有限公司", "张伟")
    );
    let mapped: Vec<_> = report
        .mapping
        .columns
        .iter()
        .map(|(f, c)| (f.name(), c.column.as_str()))
        .collect();
    assert_eq!(
        mapped,
        vec![
            ("customer", "客户编码"),
            ("customer_name", "客户名称"),
            ("date", "单据日期"),
            ("amount", "价税合计"),
            ("profit", "毛利"),
            ("order_no", "单据编号"),
            ("salesperson", "业务员"),
        ]
    );
}

#[test]
fn semicolons_and_decimal_commas() {
    let Imported { dataset, report } =
        import_ok("semicolon_decimal_comma.csv", &ImportOptions::new());
    // 13/01 and 20/01 only read day-first, so 05/01 is 5 January.
    assert_eq!(
        orders(&dataset),
        vec![
            ("Müller GmbH".into(), "2025-01-05".into(), 1234.5),
            ("Müller GmbH".into(), "2025-01-13".into(), 99.9),
            ("Dupont SA".into(), "2025-01-20".into(), 2000.0),
        ]
    );
    assert!(close(report.net_revenue, 3334.4));
    assert_eq!(report.gross_profit, None);
}

#[test]
fn tab_separated_keyed_by_name() {
    let Imported { dataset, report } = import_ok("tab_separated.tsv", &ImportOptions::new());
    // No order number: 客户甲's two lines on 2025-03-01 are one order.
    assert_eq!(
        orders(&dataset),
        vec![
            ("客户甲".into(), "2025-03-01".into(), 150.0),
            ("客户乙".into(), "2025-03-02".into(), 200.5),
        ]
    );
    assert_eq!((report.order_lines, report.orders), (3, 2));
    assert_eq!(&*dataset.customers[0].name, "客户甲");
}

#[test]
fn quoted_fields_with_newlines_keep_physical_line_numbers() {
    // CRLF; the 1001 record spans lines 2-3 and the 1003 record lines 5-6.
    let Imported { dataset, report } = import_ok("quoted_multiline.csv", &ImportOptions::new());
    assert_eq!(
        report.rejected,
        vec![
            rejected(5, "CustomerID", "", Reason::MissingCustomer),
            rejected(7, "Amount", "abc", Reason::UnreadableNumber),
        ]
    );
    assert_eq!(
        orders(&dataset),
        vec![
            ("C1".into(), "2025-02-01".into(), 10.5),
            ("C2".into(), "2025-02-02".into(), 20.0),
        ]
    );
    assert_eq!(report.lines, 4);
}

#[test]
fn messy_numbers_and_percent_margins() {
    let Imported { dataset, report } = import_ok("numbers_messy.csv", &ImportOptions::new());
    let amounts: Vec<f64> = orders(&dataset).into_iter().map(|o| o.2).collect();
    // 甲: ¥1,234.50, ￥2,000; 乙: $100.00, €50; 丙: 300元, １２３．５; 丁: (100), 50-.
    assert_eq!(
        amounts,
        vec![1234.5, 2000.0, 100.0, 50.0, 300.0, 123.5, -100.0, -50.0]
    );
    assert_eq!(report.returns, 2);
    // 1234.5×25% + 2000×10% + 100×50% + 0 + 300×20% + 123.5×10% - 100×25% - 50×25%
    assert!(close(report.gross_profit.unwrap(), 593.475));
    assert!(close(report.net_revenue, 3658.0));
}

#[test]
fn margins_without_percent_sign_are_percent_when_above_one() {
    let report = import_ok("margin_plain_numbers.csv", &ImportOptions::new()).report;
    // 200 × 25% + 100 × 10%
    assert!(close(report.gross_profit.unwrap(), 60.0));
}

#[test]
fn every_date_format() {
    let Imported { dataset, report } = import_ok("dates_formats.csv", &ImportOptions::new());
    // ISO, slashes, dots, 年月日, with time, Excel serial 45667, 20250111, ISO with T.
    let days: Vec<Day> = dataset.orders.day.clone();
    assert_eq!(days, (5..=12).map(|d| day(2025, 1, d)).collect::<Vec<_>>());
    assert_eq!(
        dataset.orders.amount,
        vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0]
    );
    assert_eq!(report.rejected, vec![]);
}

#[test]
fn day_first_is_decided_by_the_whole_column() {
    let Imported { dataset, .. } = import_ok("dates_day_first.csv", &ImportOptions::new());
    assert_eq!(
        orders(&dataset),
        vec![
            ("X".into(), "2025-04-03".into(), 10.0),
            ("X".into(), "2025-04-13".into(), 20.0),
            ("Y".into(), "2025-04-03".into(), 30.0),
        ]
    );
}

#[test]
fn ambiguous_dates_ask_instead_of_guessing() {
    let e = import_err("dates_ambiguous.csv", &ImportOptions::new());
    assert_eq!(
        e.kind,
        ErrorKind::AmbiguousDates {
            example: "03/04/2025".into()
        }
    );
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("Date")));
    assert!(
        e.to_string().starts_with(
            "dates_ambiguous.csv, line 2, column \"Date\": dates such as \"03/04/2025\""
        ),
        "{e}"
    );

    let mdy = import_ok(
        "dates_ambiguous.csv",
        &ImportOptions::new().date_order(DateOrder::Mdy),
    );
    assert_eq!(
        mdy.dataset.orders.day,
        vec![day(2025, 3, 4), day(2025, 5, 6)]
    );
    let dmy = import_ok(
        "dates_ambiguous.csv",
        &ImportOptions::new().date_order(DateOrder::Dmy),
    );
    assert_eq!(
        dmy.dataset.orders.day,
        vec![day(2025, 4, 3), day(2025, 6, 5)]
    );
}

#[test]
fn mixed_day_and_month_first_is_an_error_until_chosen() {
    let e = import_err("dates_mixed_order.csv", &ImportOptions::new());
    assert_eq!(
        e.kind,
        ErrorKind::MixedDateOrder {
            month_first_line: 3,
            month_first: "04/14/2025".into(),
            day_first: "13/04/2025".into()
        }
    );
    assert_eq!((e.line, e.column.as_deref()), (Some(2), Some("Date")));
    // Once the user chooses day-first, the month-first line is rejected.
    let dmy = import_ok(
        "dates_mixed_order.csv",
        &ImportOptions::new().date_order(DateOrder::Dmy),
    );
    assert_eq!(
        dmy.report.rejected,
        vec![rejected(3, "Date", "04/14/2025", Reason::WrongDateOrder)]
    );
    assert_eq!(dmy.dataset.orders.day, vec![day(2025, 4, 13)]);
}

#[test]
fn rejected_rows_say_line_column_value_and_reason() {
    let Imported { dataset, report } = import_ok("rejected_rows.csv", &ImportOptions::new());
    assert_eq!(
        report.rejected,
        vec![
            rejected(3, "客户编码", "", Reason::MissingCustomer),
            rejected(4, "单据日期", "2025-13-01", Reason::UnreadableDate),
            rejected(5, "单据日期", "", Reason::MissingDate),
            rejected(6, "价税合计", "12abc", Reason::UnreadableNumber),
            rejected(7, "价税合计", "", Reason::MissingAmount),
            rejected(8, "价税合计", "=1+2", Reason::UnreadableNumber),
        ]
    );
    assert_eq!((report.lines, report.order_lines), (8, 2));
    assert_eq!(report.net_revenue, 130.0);
    assert_eq!(dataset.customers.len(), 2);
    // The download: BOM, CRLF, the formula neutralised.
    assert_eq!(
        report.rejected_csv(),
        "\u{feff}line,column,value,reason\r\n\
         3,客户编码,,missing customer\r\n\
         4,单据日期,2025-13-01,unreadable date\r\n\
         5,单据日期,,missing date\r\n\
         6,价税合计,12abc,unreadable number\r\n\
         7,价税合计,,missing amount\r\n\
         8,价税合计,'=1+2,unreadable number\r\n"
    );
    // The app words the reasons in the user's language.
    let chinese = |r: Reason| match r {
        Reason::MissingCustomer => "缺少客户",
        Reason::UnreadableNumber => "无法识别的数字",
        _ => "其他",
    };
    assert_eq!(
        report.rejected_csv_with(chinese).lines().nth(1),
        Some("3,客户编码,,缺少客户")
    );
    assert!(
        report
            .rejected_csv_with(chinese)
            .ends_with("8,价税合计,'=1+2,无法识别的数字\r\n")
    );
}

#[test]
fn without_order_numbers_one_customer_day_is_one_order() {
    let Imported { dataset, report } = import_ok("no_order_number.csv", &ImportOptions::new());
    // 甲 on 6 June: 100 + 50 + 25 (the last written 2025/6/1).
    assert_eq!(
        orders(&dataset),
        vec![
            ("甲".into(), "2025-06-01".into(), 175.0),
            ("甲".into(), "2025-06-02".into(), 5.0),
            ("乙".into(), "2025-06-01".into(), 10.0),
        ]
    );
    assert_eq!((report.order_lines, report.orders), (5, 3));
}

#[test]
fn quantity_times_unit_price_and_negative_quantities() {
    let Imported { dataset, report } =
        import_ok("quantity_price_returns.csv", &ImportOptions::new());
    // S1 = 3 × 10.5 + 2 × 4; R1 = -1 × 10.5; S2 = 1 × 1,000.
    assert_eq!(
        orders(&dataset),
        vec![
            ("甲".into(), "2025-07-01".into(), 39.5),
            ("甲".into(), "2025-07-03".into(), -10.5),
            ("乙".into(), "2025-07-04".into(), 1000.0),
        ]
    );
    assert_eq!(report.returns, 1);
    assert_eq!(report.net_revenue, 1029.0);
}

#[test]
fn uci_online_retail_shape() {
    let Imported { dataset, report } = import_ok("online_retail_uci.csv", &ImportOptions::new());
    let fields: Vec<_> = report
        .mapping
        .columns
        .iter()
        .map(|(f, c)| (f.name(), c.column.as_str()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("customer", "CustomerID"),
            ("date", "InvoiceDate"),
            ("quantity", "Quantity"),
            ("unit_price", "UnitPrice"),
            ("order_no", "InvoiceNo"),
            ("product", "Description"),
        ]
    );
    // Blank CustomerID on lines 7 and 8.
    assert_eq!(
        report.rejected,
        vec![
            rejected(7, "CustomerID", "", Reason::MissingCustomer),
            rejected(8, "CustomerID", "", Reason::MissingCustomer),
        ]
    );
    // "17850.0" is customer 17850; 12/13/2010 makes the column month-first.
    let keys: Vec<&str> = dataset.customers.iter().map(|c| &*c.key).collect();
    assert_eq!(keys, vec!["17850", "13047", "14527", "12472"]);
    assert_eq!(
        orders(&dataset),
        vec![
            ("17850".into(), "2010-12-01".into(), 35.64), // 6 × 2.55 + 6 × 3.39
            ("17850".into(), "2010-12-01".into(), 11.1),  // 6 × 1.85
            ("13047".into(), "2010-12-01".into(), 54.08), // 32 × 1.69
            ("14527".into(), "2010-12-01".into(), -27.5), // C536379
            ("12472".into(), "2010-12-13".into(), -7.8),  // C536548: -4 × 1.95
            ("12472".into(), "2010-12-13".into(), 3.9),
        ]
    );
    assert_eq!(
        (report.order_lines, report.orders, report.returns),
        (7, 6, 2)
    );
    assert!(close(report.net_revenue, 69.42));
    assert_eq!(report.date_min.as_deref(), Some("2010-12-01"));
    assert_eq!(report.date_max.as_deref(), Some("2010-12-13"));
}

#[test]
fn cancellation_prefix_option() {
    // C100 has a positive amount: a cancellation only by its number.
    let plain = import_ok("cancel_prefix.csv", &ImportOptions::new()).report;
    assert_eq!((plain.net_revenue, plain.returns), (110.0, 0));
    let prefixed = import_ok(
        "cancel_prefix.csv",
        &ImportOptions::new().cancel_prefix("C"),
    )
    .report;
    assert_eq!((prefixed.net_revenue, prefixed.returns), (50.0, 1));
}

#[test]
fn unusable_files_are_errors_with_file_line_and_column() {
    let e = import_err("no_header.csv", &ImportOptions::new());
    assert_eq!(e.kind, ErrorKind::NoHeader(TableKind::Orders));
    assert_eq!(e.line, None);
    assert!(
        e.to_string()
            .starts_with("no_header.csv: no header row in the first 30 rows")
    );

    let e = import_err("no_date_column.csv", &ImportOptions::new());
    assert_eq!(
        e.kind,
        ErrorKind::MissingColumn(TableKind::Orders, Field::Date)
    );
    assert_eq!(
        e.to_string(),
        "no_date_column.csv, line 2: no date column (headers such as 单据日期, 订单日期, 日期); map one with date=COLUMN"
    );

    let e = import_err("empty.csv", &ImportOptions::new());
    assert_eq!(e.kind, ErrorKind::Empty);
    assert_eq!(e.to_string(), "empty.csv: the file is empty");

    assert_eq!(
        import_err("binary_file.png", &ImportOptions::new()).kind,
        ErrorKind::Binary
    );
    let e = import::import_orders(
        b"\xff\x00\x01\x02\x03\x04\x05\x06",
        "data.bin",
        &ImportOptions::new(),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Binary);

    let e = import_err(
        "title_lines_and_totals.csv",
        &ImportOptions::new().map(Field::Amount, "实收金额"),
    );
    assert_eq!((e.line, e.column.as_deref()), (Some(4), Some("实收金额")));
    assert!(matches!(
        e.kind,
        ErrorKind::UnknownColumn {
            field: Field::Amount,
            ..
        }
    ));
}

#[test]
fn user_mapping_for_unknown_headers_and_saved_mappings() {
    assert_eq!(
        import_err("unusual_headers.csv", &ImportOptions::new()).kind,
        ErrorKind::NoHeader(TableKind::Orders)
    );
    let options = ImportOptions::new()
        .map(Field::Customer, "Kunde")
        .map(Field::Date, "Datum")
        .map(Field::Amount, "Umsatz");
    let first = import_ok("unusual_headers.csv", &options);
    assert_eq!(first.report.net_revenue, 30.0);
    assert_eq!(
        first.report.mapping.get(Field::Amount).unwrap().confidence,
        1.0
    );

    // Save the mapping as JSON, load it, and reuse it for the next file.
    let saved = serde_json::to_string(&first.report.mapping).unwrap();
    let loaded: import::Mapping = serde_json::from_str(&saved).unwrap();
    let again = import_ok(
        "unusual_headers.csv",
        &ImportOptions::new().with_mapping(TableKind::Orders, &loaded),
    );
    assert_eq!(again.report.mapping, first.report.mapping);
    assert_eq!(orders(&again.dataset), orders(&first.dataset));

    // An empty column unmaps a detected field.
    let no_profit = import_ok(
        "title_lines_and_totals.csv",
        &ImportOptions::new().map(Field::Profit, ""),
    );
    assert_eq!(no_profit.report.gross_profit, None);
}

#[test]
fn payment_due_and_paid_dates() {
    let ds = import_ok("payment_terms.csv", &ImportOptions::new()).dataset;
    assert_eq!(
        ds.orders.due,
        Some(vec![Some(day(2025, 1, 31)), Some(day(2025, 2, 1))])
    );
    assert_eq!(ds.orders.paid, Some(vec![Some(day(2025, 2, 10)), None]));
}

#[test]
fn repeated_header_lines_are_skipped() {
    let report = import_ok("repeated_header.csv", &ImportOptions::new()).report;
    assert_eq!(report.skipped, vec![skipped(3, SkipReason::RepeatedHeader)]);
    assert_eq!(report.net_revenue, 3.0);
}

#[test]
fn customers_interactions_and_prospects() {
    let (orders_csv, customers_csv, interactions_csv) = (
        fixture("title_lines_and_totals.csv"),
        fixture("customers.csv"),
        fixture("interactions.csv"),
    );
    let files = Files::orders("orders.csv", &orders_csv)
        .customers("customers.csv", &customers_csv)
        .interactions("interactions.csv", &interactions_csv);
    let Imported { dataset, report } = import::import(&files, &ImportOptions::new()).unwrap();
    assert_accounted(&report);

    let customers = report.customers_file.as_ref().unwrap();
    assert_eq!(customers.records, 3);
    assert_eq!(
        customers.rejected,
        vec![
            rejected(5, "客户编码", "", Reason::MissingCustomer),
            rejected(6, "客户编码", "C002", Reason::DuplicateCustomer),
            rejected(7, "战略匹配度", "150", Reason::ScoreOutOfRange),
        ]
    );
    assert_eq!(customers.lines, 6);
    // C009 has no orders: a prospect.
    assert_eq!(report.customers, 3);
    let c009 = &dataset.customers[2];
    assert_eq!(&*c009.key, "C009");
    assert!(dataset.orders_of(2).is_empty());
    assert_eq!(c009.first_cooperation, Some(day(2024, 9, 1)));
    // 1-5 scores map to (v - 1) × 25; NPS 0-10 to v × 10.
    let scores = |i: usize| {
        let c = &dataset.customers[i];
        (c.strategic_fit, c.influence, c.growth_potential, c.nps)
    };
    assert_eq!(scores(0), (Some(100.0), Some(50.0), Some(75.0), Some(90.0)));
    assert_eq!(scores(1), (Some(50.0), Some(0.0), Some(25.0), Some(70.0)));
    assert_eq!(
        scores(2),
        (Some(0.0), Some(100.0), Some(100.0), Some(100.0))
    );
    let c001 = &dataset.customers[0];
    assert_eq!(
        (
            c001.industry.as_str(),
            c001.region.as_str(),
            c001.size.as_str(),
            c001.manager.as_str(),
            c001.credit_limit,
            c001.first_cooperation
        ),
        (
            "机械制造",
            "华东",
            "大型",
            "张伟",
            Some(500_000.0),
            Some(day(2020, 3, 15))
        )
    );

    let interactions = report.interactions_file.as_ref().unwrap();
    assert_eq!(interactions.records, 5);
    assert_eq!(
        interactions.rejected,
        vec![rejected(6, "客户编码", "C404", Reason::UnknownCustomer)]
    );
    let got: Vec<_> = dataset
        .interactions
        .iter()
        .map(|i| (i.customer, format_day(i.day), i.kind, i.score))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, "2025-01-10".into(), InteractionKind::Complaint, None),
            (0, "2025-01-15".into(), InteractionKind::Visit, None),
            (1, "2025-01-20".into(), InteractionKind::Nps, Some(9.0)),
            (1, "2025-02-03".into(), InteractionKind::Feedback, Some(4.5)),
            (2, "2025-02-01".into(), InteractionKind::Inquiry, None),
        ]
    );
}

/// A GBK export as Chinese Windows ERPs write it, made here with `encoding_rs`.
#[test]
fn gbk_export() {
    let text = "销售明细\r\n单据日期,单据编号,客户名称,价税合计,毛利\r\n\
                2025/3/1,XS01,广州众诚汽车零部件有限公司,\"￥12,000.00\",2400\r\n\
                2025/3/2,XS02,深圳立信电子科技有限公司,8000,1600\r\n\
                合计,,,\"20,000.00\",4000\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let Imported { dataset, report } =
        import::import_orders(&gbk, "销售.csv", &ImportOptions::new()).unwrap();
    assert_accounted(&report);
    assert_eq!(report.encoding, "GBK");
    assert_eq!(report.header_line, 2);
    assert_eq!(report.skipped, vec![skipped(5, SkipReason::Total)]);
    assert_eq!(
        orders(&dataset),
        vec![
            (
                "广州众诚汽车零部件有限公司".into(),
                "2025-03-01".into(),
                12000.0
            ),
            (
                "深圳立信电子科技有限公司".into(),
                "2025-03-02".into(),
                8000.0
            ),
        ]
    );
    assert_eq!(report.gross_profit, Some(4000.0));
}

/// Excel's "Unicode text" export: UTF-16LE with a byte-order mark, tab-separated.
#[test]
fn utf16_unicode_text() {
    let text = "客户编码\t订单日期\t金额\r\nK1\t2025-08-01\t1,500\r\nK2\t2025-08-02\t-30\r\n";
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let Imported { dataset, report } =
        import::import_orders(&bytes, "export.txt", &ImportOptions::new()).unwrap();
    assert_eq!(report.encoding, "UTF-16LE");
    assert_eq!(
        orders(&dataset),
        vec![
            ("K1".into(), "2025-08-01".into(), 1500.0),
            ("K2".into(), "2025-08-02".into(), -30.0),
        ]
    );
    // Without the mark too.
    let bare = &bytes[2..];
    let report = import::import_orders(bare, "export.txt", &ImportOptions::new())
        .unwrap()
        .report;
    assert_eq!(
        (report.encoding.as_str(), report.net_revenue),
        ("UTF-16LE", 1470.0)
    );
}

/// The first sheet of both spreadsheet fixtures ([`workbook`], [`ods`]) below its title line.
const SALES_HEADER: [&str; 6] = [
    "单据日期",
    "客户编码",
    "客户名称",
    "数量",
    "单价",
    "价税合计",
];
type SalesRow = ((u16, u8, u8), f64, &'static str, f64, f64, f64);
const SALES_ROWS: [SalesRow; 3] = [
    (
        (2025, 1, 5),
        17850.0,
        "东莞嘉禾纺织有限公司",
        10.0,
        12.5,
        125.0,
    ),
    (
        (2025, 2, 14),
        17850.0,
        "东莞嘉禾纺织有限公司",
        4.0,
        50.0,
        200.0,
    ),
    (
        (2025, 3, 1),
        13047.0,
        "天津博远化工有限公司",
        -2.0,
        30.0,
        -60.0,
    ),
];

/// A workbook made here: a title and a blank row above the header, Excel dates, numeric
/// customer ids, a total row, an empty row, and a second sheet.
fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet();
    sheet.set_name("销售明细").unwrap();
    sheet.write_string(0, 0, "2025年一季度销售明细").unwrap();
    for (c, h) in SALES_HEADER.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (i, ((y, m, d), id, name, qty, price, amount)) in SALES_ROWS.iter().enumerate() {
        let r = 3 + i as u32;
        let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
        sheet.write_datetime_with_format(r, 0, &dt, &date).unwrap();
        sheet.write_number(r, 1, *id).unwrap();
        sheet.write_string(r, 2, *name).unwrap();
        sheet.write_number(r, 3, *qty).unwrap();
        sheet.write_number(r, 4, *price).unwrap();
        sheet.write_number(r, 5, *amount).unwrap();
    }
    // Row 7 (index 6) stays empty; row 8 is the total.
    sheet.write_string(7, 0, "合计").unwrap();
    sheet.write_number(7, 5, 265.0).unwrap();
    let second = book.add_worksheet();
    second.set_name("退货").unwrap();
    for (c, h) in ["日期", "客户", "金额"].iter().enumerate() {
        second.write_string(0, c as u16, *h).unwrap();
    }
    second.write_string(1, 0, "2025-04-01").unwrap();
    second.write_string(1, 1, "甲").unwrap();
    second.write_number(1, 2, -5.0).unwrap();
    book.save_to_buffer().unwrap()
}

/// The first sheet of [`workbook`] or [`ods`]: a title line, the header on line 3, three
/// order lines (a return among them) and a total line.
fn assert_sales_sheet(bytes: &[u8], name: &str, format: &str, skips: &[Skipped]) {
    let Imported { dataset, report } =
        import::import_orders(bytes, name, &ImportOptions::new()).unwrap();
    assert_accounted(&report);
    assert_eq!((report.encoding.as_str(), report.header_line), (format, 3));
    assert_eq!(report.skipped, skips);
    assert_eq!(
        orders(&dataset),
        vec![
            ("17850".into(), "2025-01-05".into(), 125.0),
            ("17850".into(), "2025-02-14".into(), 200.0),
            ("13047".into(), "2025-03-01".into(), -60.0),
        ]
    );
    assert_eq!((report.returns, report.net_revenue), (1, 265.0));
    assert_eq!(&*dataset.customers[1].name, "天津博远化工有限公司");
}

#[test]
fn xlsx_first_sheet_by_default_and_sheet_choice() {
    let bytes = workbook();
    let skips = [skipped(7, SkipReason::Empty), skipped(8, SkipReason::Total)];
    assert_sales_sheet(&bytes, "销售.xlsx", "xlsx", &skips);

    let preview = import::preview(
        &bytes,
        "销售.xlsx",
        TableKind::Orders,
        &ImportOptions::new(),
    )
    .unwrap();
    assert_eq!(preview.sheets, vec!["销售明细", "退货"]);
    assert_eq!(preview.sheet.as_deref(), Some("销售明细"));

    let returns = import::import_orders(&bytes, "销售.xlsx", &ImportOptions::new().sheet("退货"))
        .unwrap()
        .report;
    assert_eq!((returns.net_revenue, returns.header_line), (-5.0, 1));

    let e = import::import_orders(&bytes, "销售.xlsx", &ImportOptions::new().sheet("Sheet9"))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "销售.xlsx: no sheet named \"Sheet9\"; the workbook has \"销售明细\", \"退货\""
    );
}

/// An OpenDocument spreadsheet as LibreOffice writes one: a zip whose `content.xml` holds
/// the rows, with typed cells (`office:date-value`, `office:value`) and repeated blank cells.
fn ods() -> Vec<u8> {
    use std::io::Write;
    use zip::write::{SimpleFileOptions, ZipWriter};
    let cell = |typ: &str, value: &str| match typ {
        "string" => format!(
            r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#
        ),
        "date" => format!(
            r#"<table:table-cell office:value-type="date" office:date-value="{value}"><text:p>{value}</text:p></table:table-cell>"#
        ),
        _ => format!(
            r#"<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>"#
        ),
    };
    let row = |cells: &[String]| format!("<table:table-row>{}</table:table-row>", cells.concat());
    let blank = |n: usize| format!(r#"<table:table-cell table:number-columns-repeated="{n}"/>"#);
    let s = |v: &str| cell("string", v);
    let mut rows = vec![
        row(&[s("2025年一季度销售明细")]),
        row(&[blank(6)]),
        row(&SALES_HEADER.map(s)),
    ];
    for (i, ((y, m, d), id, name, qty, price, amount)) in SALES_ROWS.into_iter().enumerate() {
        // One date cell with a time, as a date-time column gives.
        let time = if i == 1 { "T09:30:00" } else { "" };
        let date = cell("date", &format!("{y:04}-{m:02}-{d:02}{time}"));
        let n = |v: f64| cell("float", &v.to_string());
        rows.push(row(&[date, n(id), s(name), n(qty), n(price), n(amount)]));
    }
    rows.push(row(&[s("合计"), blank(4), cell("float", "265")]));
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:spreadsheet><table:table table:name="销售明细">{}</table:table><table:table table:name="Sheet2"><table:table-row><table:table-cell/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#,
        rows.concat()
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // The format asks for an uncompressed `mimetype` first; stored entries need no deflate.
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", content.as_str()),
        ("META-INF/manifest.xml", manifest),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn ods_spreadsheet() {
    let bytes = ods();
    assert_sales_sheet(&bytes, "销售.ods", "ods", &[skipped(7, SkipReason::Total)]);
    let preview =
        import::preview(&bytes, "销售.ods", TableKind::Orders, &ImportOptions::new()).unwrap();
    assert_eq!(preview.sheets, vec!["销售明细", "Sheet2"]);
}

#[test]
fn preview_shows_encoding_header_rows_and_mapping() {
    let bytes = fixture("title_lines_and_totals.csv");
    let p = import::preview(
        &bytes,
        "orders.csv",
        TableKind::Orders,
        &ImportOptions::new(),
    )
    .unwrap();
    assert_eq!((p.encoding.as_str(), p.delimiter), ("UTF-8", Some(',')));
    assert_eq!(p.header_line, Some(4));
    assert_eq!(p.headers[..3], ["单据日期", "单据编号", "客户编码"]);
    let lines: Vec<u64> = p.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![5, 6, 7, 8, 9, 10, 11]);
    assert_eq!(p.rows[0].cells[4], "1,200.00");
    assert_eq!(p.mapping.get(Field::Amount).unwrap().column, "价税合计");
    assert_eq!(p.mapping.get(Field::Amount).unwrap().confidence, 1.0);
    assert_eq!(p.missing, vec![]);

    // Only the first rows of a long file are shown.
    let long: String = std::iter::once("日期,客户,金额\n".to_string())
        .chain((0..100).map(|i| format!("2025-01-01,C{i},1\n")))
        .collect();
    let p = import::preview(
        long.as_bytes(),
        "long.csv",
        TableKind::Orders,
        &ImportOptions::new(),
    )
    .unwrap();
    assert_eq!(p.rows.len(), import::PREVIEW_ROWS);

    // No header: the first rows are shown so the user can point at one.
    let p = import::preview(
        &fixture("no_header.csv"),
        "no_header.csv",
        TableKind::Orders,
        &ImportOptions::new(),
    )
    .unwrap();
    assert_eq!(p.header_line, None);
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.missing, vec![Field::Customer, Field::Date, Field::Amount]);
    let p = import::preview(
        &fixture("no_date_column.csv"),
        "x.csv",
        TableKind::Orders,
        &ImportOptions::new(),
    )
    .unwrap();
    assert_eq!(p.missing, vec![Field::Date]);
}

#[test]
fn progress_is_reported_and_can_cancel() {
    let big: String = std::iter::once("日期,客户,金额\n".to_string())
        .chain((0..140_000).map(|i| format!("2025-01-{:02},C{},1\n", i % 28 + 1, i % 500)))
        .collect();
    let files = Files::orders("big.csv", big.as_bytes());
    let mut seen = Vec::new();
    let imported = import::import_with_progress(&files, &ImportOptions::new(), &mut |p| {
        seen.push(p);
        true
    })
    .unwrap();
    assert_eq!(imported.report.order_lines, 140_000);
    let stages: Vec<Stage> = seen.iter().map(|p| p.stage).collect();
    assert_eq!(
        stages,
        vec![
            Stage::Orders,
            Stage::Orders,
            Stage::Building,
            Stage::Building
        ]
    );
    assert!(
        seen[0].fraction > 0.4 && seen[0].fraction < 0.5,
        "{:?}",
        seen[0]
    );
    assert!(
        seen[1].fraction > 0.9 && seen[1].fraction <= 1.0,
        "{:?}",
        seen[1]
    );

    let e =
        import::import_with_progress(&files, &ImportOptions::new(), &mut |_| false).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
}

/// The demo written as an ERP export and imported again gives the demo's own figures.
#[test]
fn demo_round_trip() {
    let demo = demo::generate();
    let (mut orders_csv, mut customers_csv) = (Vec::new(), Vec::new());
    demo.write_orders_csv(&mut orders_csv).unwrap();
    demo.write_customers_csv(&mut customers_csv).unwrap();
    let files = Files::orders("demo_orders.csv", &orders_csv)
        .customers("demo_customers.csv", &customers_csv);
    let Imported { dataset, report } = import::import(&files, &ImportOptions::new()).unwrap();
    assert_accounted(&report);
    let expected = demo.dataset();
    assert_eq!(summarize(&dataset), summarize(&expected));
    assert_eq!(dataset.orders, expected.orders);
    assert_eq!(report.rejected, vec![]);
    assert_eq!(report.lines, demo.lines.len() as u64);
    let names: BTreeSet<_> = dataset
        .customers
        .iter()
        .map(|c| (&c.key, &c.name, &c.manager))
        .collect();
    let want: BTreeSet<_> = expected
        .customers
        .iter()
        .map(|c| (&c.key, &c.name, &c.manager))
        .collect();
    assert_eq!(names, want);
}

/// The CLI prints exactly the report's fields, and fails naming file, line and column.
#[test]
fn cli_import_json_and_errors() {
    let dir = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tierlens"))
            .arg("import")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&[&format!("{dir}/online_retail_uci.csv")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "encoding",
        "header_line",
        "mapping",
        "lines",
        "orders",
        "order_lines",
        "customers",
        "net_revenue",
        "gross_profit",
        "date_min",
        "date_max",
        "returns",
        "skipped",
        "rejected",
    ];
    want.sort();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, want);
    assert_eq!(json["orders"], 6);
    assert_eq!(json["gross_profit"], serde_json::Value::Null);
    assert_eq!(json["rejected"][0]["line"], 7);
    assert_eq!(json["rejected"][0]["column"], "CustomerID");
    assert_eq!(json["rejected"][0]["reason"], "missing customer");
    assert_eq!(json["mapping"]["customer"]["column"], "CustomerID");

    let out = run(&[
        &format!("{dir}/unusual_headers.csv"),
        "--map",
        "customer=Kunde",
        "--map",
        "date=Datum",
        "--map",
        "amount=Umsatz",
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["net_revenue"], 30.0);

    let out = run(&[&format!("{dir}/dates_ambiguous.csv"), "--date-order", "mdy"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["date_min"], "2025-03-04");

    let out = run(&[&format!("{dir}/no_date_column.csv")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no_date_column.csv, line 2: no date column"),
        "{err}"
    );

    let out = run(&[&format!("{dir}/dates_ambiguous.csv")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dates_ambiguous.csv, line 2, column \"Date\""),
        "{err}"
    );

    let out = run(&[
        &format!("{dir}/online_retail_uci.csv"),
        "--map",
        "price=UnitPrice",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unit_price"));
}

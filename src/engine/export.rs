//! CSV files for Excel: UTF-8 with a byte-order mark (so Excel reads Chinese correctly), CRLF
//! line ends, and cells that a spreadsheet would run as a formula neutralised (OWASP's advice
//! against CSV injection).

use super::churn;
use super::i18n::Lang;
use super::model::format_day;
use super::query::{self, RowQuery, SortKey};
use super::report::Report;
use std::borrow::Cow;

/// `header` and `rows` as CSV text with a BOM; every cell is neutralised.
pub fn csv_with_bom<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header.iter().map(|c| neutralise(c).into_owned()))
        .expect("writing to memory cannot fail");
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c.as_ref()).into_owned()))
            .expect("writing to memory cannot fail");
    }
    let bytes = w.into_inner().expect("writing to memory cannot fail");
    let mut out = String::with_capacity(bytes.len() + 3);
    out.push('\u{feff}');
    out.push_str(&String::from_utf8(bytes).expect("the cells are UTF-8"));
    out
}

/// A cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe so spreadsheets
/// show it as text.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The churn-risk list: every customer with a prediction, highest risk first, with the reasons
/// as a sentence in `lang`.
pub fn churn_csv(report: &Report, lang: Lang) -> String {
    let picked = query::select(
        report,
        &RowQuery {
            sort: Some(SortKey::ChurnRisk),
            descending: true,
            ..RowQuery::default()
        },
    );
    let header = [
        "customer_id",
        "name",
        "manager",
        "tier",
        "churn_risk",
        "churn_band",
        "reasons",
        "p_alive",
        "expected_purchases",
        "next_order",
        "clv",
    ];
    let number =
        |x: Option<f64>, decimals: usize| x.map_or(String::new(), |v| format!("{v:.decimals$}"));
    let rows = picked.iter().filter_map(|&i| {
        let row = &report.customers[i as usize];
        let p = row.prediction.as_ref()?;
        Some(vec![
            row.customer_id.to_string(),
            row.name.to_string(),
            row.manager.to_string(),
            row.tier.map_or(String::new(), |t| t.as_str().to_owned()),
            format!("{:.1}", p.churn_risk),
            p.churn_band.text(lang).to_owned(),
            churn::reasons_text(&p.churn_reasons, lang),
            number(p.p_alive, 4),
            number(p.expected_purchases, 3),
            p.next_order.map_or(String::new(), format_day),
            number(p.clv, 2),
        ])
    });
    csv_with_bom(&header, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_quotes_and_neutralised_formulas() {
        let text = csv_with_bom(
            &["a", "b"],
            [
                vec!["=SUM(A1)", "x,y"],
                vec!["-5", "@me"],
                vec!["平安", "+1"],
            ],
        );
        assert_eq!(
            text,
            "\u{feff}a,b\r\n'=SUM(A1),\"x,y\"\r\n'-5,'@me\r\n平安,'+1\r\n"
        );
    }

    #[test]
    fn churn_list_has_every_predicted_customer_highest_risk_first() {
        use crate::engine::predict::{PredictSettings, predict};
        use crate::engine::report::{Settings, analyze};
        let ds = crate::engine::demo::generate().dataset();
        let mut report = analyze(&ds, &Settings::default());
        predict(&ds, &mut report, &PredictSettings::default());
        let text = churn_csv(&report, Lang::En);
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let predicted = report
            .customers
            .iter()
            .filter(|r| r.prediction.is_some())
            .count();
        assert_eq!(rows.len(), predicted);
        let risks: Vec<f64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
        assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
        // The first row is the riskiest customer, with its own figures.
        let top = report
            .customers
            .iter()
            .filter(|r| r.prediction.is_some())
            .max_by(|a, b| {
                let risk = |r: &crate::engine::report::CustomerRow| {
                    r.prediction.as_ref().unwrap().churn_risk
                };
                risk(a).total_cmp(&risk(b)).then(b.index.cmp(&a.index))
            })
            .unwrap();
        let p = top.prediction.as_ref().unwrap();
        assert_eq!(&rows[0][0], &*top.customer_id);
        assert_eq!(&rows[0][5], p.churn_band.text(Lang::En));
        assert_eq!(
            rows[0][6].to_string(),
            churn::reasons_text(&p.churn_reasons, Lang::En)
        );
    }
}

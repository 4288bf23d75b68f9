//! The customer table: master data, and the manual scores the value model uses.
//!
//! Manual scores (strategic fit, influence, growth potential) come on a 1-5 scale or 0-100;
//! NPS as a 0-10 rating or 0-100. The whole column decides its scale, and every score is
//! stored on 0-100 so that the value model can weigh them alike:
//! - a column whose values are all at most 5 is a five-point scale: 1..5 maps linearly onto
//!   0..100, `(v - 1) × 25` (1 is the worst, not 20%); if it holds a 0, it is 0..5, `v × 20`;
//! - an NPS column whose values are all at most 10 is the 0-10 "how likely to recommend"
//!   rating, `v × 10`;
//! - otherwise values are taken as 0-100; a value below 0 or above 100 is rejected.

use super::header::is_total_line;
use super::mapping::Field;
use super::parse::{DateCache, normalise_key, parse_number, trim_cell};
use super::table::Row;
use super::{
    Directory, ImportError, ImportOptions, Prepared, Progress, Reason, SkipReason, Stage,
    TableReport, Tally, read_date,
};
use crate::engine::model::Customer;
use rustc_hash::FxHashMap;

const SCORES: [Field; 4] = [
    Field::StrategicFit,
    Field::Influence,
    Field::GrowthPotential,
    Field::Nps,
];

/// Reads the customer table and adds its customers to the directory.
pub(super) fn read(
    table: &Prepared,
    options: &ImportOptions,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<TableReport, ImportError> {
    let m = &table.mapping;
    let key_col = m.index(Field::Customer).expect("checked by Prepared");
    let text_cols = [
        Field::CustomerName,
        Field::Industry,
        Field::Region,
        Field::Size,
        Field::Salesperson,
    ]
    .map(|f| m.index(f));
    let first_col = m.index(Field::FirstCooperation);
    let credit_col = m.index(Field::CreditLimit);
    let score_cols = SCORES.map(|f| m.index(f));

    let mut tally = Tally::default();
    let mut dates = DateCache::new(options.date_order);
    let mut seen: FxHashMap<Box<[u8]>, u64> = FxHashMap::default();
    let mut staged: Vec<(Customer, Option<u32>, [Option<f64>; 4])> = Vec::new();
    let mut rows = table.data_rows();
    let mut record = Row::default();
    while let Some(line) = rows.next(&mut record) {
        tally.lines += 1;
        if tally.lines & 0xFFFF == 0 {
            super::stage(progress, Stage::Customers, rows.fraction(), table.name)?;
        }
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let key = normalise_key(cell(key_col));
        if is_total_line(&record, &[Some(key_col)]) {
            tally.skip(line, SkipReason::Total);
            continue;
        }
        if (key.is_empty() || key == table.headers[key_col].as_bytes())
            && tally.skip_blank_or_header(table, &record, line)
        {
            continue;
        }
        if key.is_empty() {
            tally.reject(table, line, key_col, cell(key_col), Reason::MissingCustomer);
            continue;
        }
        if seen.contains_key(key) {
            tally.reject(
                table,
                line,
                key_col,
                cell(key_col),
                Reason::DuplicateCustomer,
            );
            continue;
        }
        let first = match first_col.map(|i| read_date(&mut dates, cell(i), line, i)) {
            Some(Err(reason)) => {
                let i = first_col.expect("mapped");
                tally.reject(table, line, i, cell(i), reason);
                continue;
            }
            Some(Ok(id)) => id,
            None => None,
        };
        let mut bad = None;
        let mut number = |col: Option<usize>| {
            let i = col?;
            match parse_number(cell(i)) {
                Ok(n) => n,
                Err(()) => {
                    bad.get_or_insert((i, Reason::UnreadableNumber));
                    None
                }
            }
        };
        let credit = number(credit_col).map(|n| n.value);
        // A percentage (`80%`) is a score out of 100.
        let scores = score_cols
            .map(|c| number(c).map(|n| if n.percent { n.value * 100.0 } else { n.value }));
        for (s, c) in scores.iter().zip(score_cols) {
            if s.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                bad.get_or_insert((c.expect("mapped"), Reason::ScoreOutOfRange));
            }
        }
        if let Some((i, reason)) = bad {
            tally.reject(table, line, i, cell(i), reason);
            continue;
        }
        let text = |k: usize| {
            text_cols[k]
                .map(|i| String::from_utf8_lossy(trim_cell(cell(i))).into_owned())
                .unwrap_or_default()
        };
        let customer = Customer {
            key: String::from_utf8_lossy(key).into(),
            name: text(0).into(),
            industry: text(1),
            region: text(2),
            size: text(3),
            manager: text(4),
            credit_limit: credit,
            ..Customer::default()
        };
        seen.insert(key.into(), line);
        staged.push((customer, first, scores));
    }

    let days = dates.resolve().map_err(|p| table.date_order_error(p))?;
    let scales: [fn(f64) -> f64; 4] = std::array::from_fn(|k| {
        let values = staged.iter().filter_map(|s| s.2[k]);
        let max = values.clone().fold(f64::NEG_INFINITY, f64::max);
        let min = values.fold(f64::INFINITY, f64::min);
        score_scale(SCORES[k], min, max)
    });
    let mut report = table.report();
    report.records = staged.len() as u64;
    for (mut customer, first, scores) in staged {
        customer.first_cooperation = first.map(|id| days[id as usize]);
        let [fit, influence, growth, nps] = std::array::from_fn(|k| scores[k].map(scales[k]));
        customer.strategic_fit = fit;
        customer.influence = influence;
        customer.growth_potential = growth;
        customer.nps = nps;
        dir.add(customer);
    }
    report.lines = tally.lines;
    report.skipped = tally.skipped;
    report.rejected = tally.rejected;
    Ok(report)
}

/// The 0-100 conversion of a score column with these extremes (see the module doc).
fn score_scale(field: Field, min: f64, max: f64) -> fn(f64) -> f64 {
    match field {
        Field::Nps if max <= 10.0 => |v| v * 10.0,
        Field::Nps => |v| v,
        _ if max <= 5.0 && min >= 1.0 => |v| (v - 1.0) * 25.0,
        _ if max <= 5.0 => |v| v * 20.0,
        _ => |v| v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_scales() {
        let five = score_scale(Field::Influence, 1.0, 5.0);
        assert_eq!((five(1.0), five(3.0), five(5.0)), (0.0, 50.0, 100.0));
        let zero_five = score_scale(Field::Influence, 0.0, 4.0);
        assert_eq!(zero_five(4.0), 80.0);
        let hundred = score_scale(Field::StrategicFit, 10.0, 90.0);
        assert_eq!(hundred(75.0), 75.0);
        let nps = score_scale(Field::Nps, 0.0, 10.0);
        assert_eq!(nps(9.0), 90.0);
        assert_eq!(score_scale(Field::Nps, 20.0, 80.0)(60.0), 60.0);
    }
}

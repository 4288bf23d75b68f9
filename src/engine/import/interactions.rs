//! The interaction table: complaints, inquiries, feedback, visits and NPS responses.
//!
//! The type is read from Chinese or English words (`投诉`, `complaint`, `回访`, `NPS调查`...);
//! anything else is `Other`. Scores are kept as written (an NPS response is the 0-10 rating
//! itself). An interaction must belong to a customer of the orders or customer table:
//! a key found in neither is rejected, as it is most often a code/name mismatch.

use super::header::is_total_line;
use super::mapping::Field;
use super::parse::{DateCache, normalise_key, parse_number, trim_cell};
use super::table::Row;
use super::{
    Directory, ImportError, ImportOptions, Prepared, Progress, Reason, SkipReason, Stage,
    TableReport, Tally, read_date,
};
use crate::engine::model::{CustomerId, Interaction, InteractionKind};

/// Reads the interaction table into the builder.
pub(super) fn read(
    table: &Prepared,
    options: &ImportOptions,
    dir: &mut Directory,
    progress: &mut dyn FnMut(Progress) -> bool,
) -> Result<TableReport, ImportError> {
    let m = &table.mapping;
    let key_col = m.index(Field::Customer).expect("checked by Prepared");
    let date_col = m.index(Field::Date).expect("checked by Prepared");
    let kind_col = m.index(Field::Kind);
    let score_col = m.index(Field::Score);

    let mut tally = Tally::default();
    let mut dates = DateCache::new(options.date_order);
    let mut staged: Vec<(CustomerId, u32, InteractionKind, Option<f64>)> = Vec::new();
    let mut rows = table.data_rows();
    let mut record = Row::default();
    while let Some(line) = rows.next(&mut record) {
        tally.lines += 1;
        if tally.lines & 0xFFFF == 0 {
            super::stage(progress, Stage::Interactions, rows.fraction(), table.name)?;
        }
        let cell = |i: usize| record.get(i).unwrap_or_default();
        let key = normalise_key(cell(key_col));
        if is_total_line(&record, &[Some(key_col), Some(date_col)]) {
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
        let Some(customer) = dir.find(key) else {
            tally.reject(table, line, key_col, cell(key_col), Reason::UnknownCustomer);
            continue;
        };
        let date = match read_date(&mut dates, cell(date_col), line, date_col) {
            Ok(Some(id)) => id,
            Ok(None) => {
                tally.reject(table, line, date_col, cell(date_col), Reason::MissingDate);
                continue;
            }
            Err(reason) => {
                tally.reject(table, line, date_col, cell(date_col), reason);
                continue;
            }
        };
        let score = match score_col.map(|i| parse_number(cell(i))) {
            Some(Err(())) => {
                let i = score_col.expect("mapped");
                tally.reject(table, line, i, cell(i), Reason::UnreadableNumber);
                continue;
            }
            Some(Ok(n)) => n.map(|n| n.value),
            None => None,
        };
        let kind = kind_col.map_or(InteractionKind::Other, |i| {
            kind_of(&String::from_utf8_lossy(trim_cell(cell(i))))
        });
        staged.push((customer, date, kind, score));
    }
    let days = dates.resolve().map_err(|p| table.date_order_error(p))?;
    let mut report = table.report();
    report.records = staged.len() as u64;
    for (customer, date, kind, score) in staged {
        dir.builder.interaction(Interaction {
            customer,
            day: days[date as usize],
            kind,
            score,
        });
    }
    report.lines = tally.lines;
    report.skipped = tally.skipped;
    report.rejected = tally.rejected;
    Ok(report)
}

/// The interaction type named by a cell; NPS first, since `NPS反馈` is an NPS response.
pub fn kind_of(text: &str) -> InteractionKind {
    let lower = text.to_lowercase();
    const WORDS: [(InteractionKind, &[&str]); 5] = [
        (
            InteractionKind::Nps,
            &["nps", "净推荐", "推荐度", "推荐意愿"],
        ),
        (
            InteractionKind::Complaint,
            &["投诉", "抱怨", "客诉", "complain"],
        ),
        (
            InteractionKind::Inquiry,
            &[
                "咨询", "询价", "询问", "问询", "报价", "inquiry", "enquiry", "question", "quote",
            ],
        ),
        (
            InteractionKind::Feedback,
            &[
                "反馈",
                "建议",
                "评价",
                "意见",
                "feedback",
                "review",
                "suggestion",
            ],
        ),
        (
            InteractionKind::Visit,
            &[
                "拜访", "走访", "回访", "上门", "来访", "参观", "visit", "meeting",
            ],
        ),
    ];
    WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|w| lower.contains(w)))
        .map_or(InteractionKind::Other, |(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_types_from_words() {
        use InteractionKind::*;
        for (text, kind) in [
            ("客户投诉", Complaint),
            ("Complaint", Complaint),
            ("询价", Inquiry),
            ("Enquiry", Inquiry),
            ("意见反馈", Feedback),
            ("季度回访", Visit),
            ("Site visit", Visit),
            ("NPS调查", Nps),
            ("NPS反馈", Nps),
            ("电话", Other),
            ("", Other),
        ] {
            assert_eq!(kind_of(text), kind, "{text}");
        }
    }
}

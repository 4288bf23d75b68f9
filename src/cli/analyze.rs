//! `tierlens analyze`: imports an orders file (or takes the built-in demo), runs every analysis
//! of `report::analyze` and the churn and CLV models of `predict::predict`, and writes the
//! report as JSON, or the customer table as CSV.
//!
//! The JSON is the engine's `Report` as the app sees it, with each row's `prediction` and the
//! fit summary as `prediction`, plus, in the chosen language, each action's sentences
//! (`action.text`, `action.follow_up`), each churn score's reasons (`prediction.churn_text`),
//! the summary's `messages` and each note's `text`.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use tierlens::engine::churn;
use tierlens::engine::i18n::Lang;
use tierlens::engine::import::{self, FileRef, Files, ImportOptions};
use tierlens::engine::model::{Dataset, day_from_date, format_day};
use tierlens::engine::period::PeriodKind;
use tierlens::engine::predict::{PredictSettings, Prediction, predict};
use tierlens::engine::report::{Report, Settings, analyze};
use tierlens::engine::tiers::Metric;
use tierlens::engine::{demo, model::Day};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

pub fn run(mut args: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let err = |e: lexopt::Error| e.to_string();
    let (mut orders, mut customers, mut interactions) =
        (None::<PathBuf>, None::<PathBuf>, None::<PathBuf>);
    let (mut out, mut settings_file) = (None::<PathBuf>, None::<PathBuf>);
    let (mut use_demo, mut format, mut lang) = (false, Format::Json, Lang::Zh);
    let (mut as_of, mut period, mut metric) = (None::<Day>, None::<PeriodKind>, None::<Metric>);
    while let Some(arg) = args.next().map_err(err)? {
        match arg {
            Value(path) if orders.is_none() => orders = Some(path.into()),
            Long("demo") => use_demo = true,
            Long("customers") => customers = Some(args.value().map_err(err)?.into()),
            Long("interactions") => interactions = Some(args.value().map_err(err)?.into()),
            Long("out") => out = Some(args.value().map_err(err)?.into()),
            Long("settings") => settings_file = Some(args.value().map_err(err)?.into()),
            Long("as-of") => {
                let s = args.value().map_err(err)?.string().map_err(err)?;
                let date = chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| format!("--as-of takes a date YYYY-MM-DD, not {s:?}"))?;
                as_of = Some(day_from_date(date));
            }
            Long("period") => {
                let s = args.value().map_err(err)?.string().map_err(err)?;
                period = Some(PeriodKind::parse(&s).ok_or(format!(
                    "--period is month, quarter, year or all, not {s:?}"
                ))?);
            }
            Long("metric") => {
                let s = args.value().map_err(err)?.string().map_err(err)?;
                metric = Some(
                    Metric::parse(&s).ok_or(format!("--metric is revenue or profit, not {s:?}"))?,
                );
            }
            Long("format") => {
                format = match args.value().map_err(err)?.string().map_err(err)?.as_str() {
                    "json" => Format::Json,
                    "csv" => Format::Csv,
                    s => return Err(format!("--format is json or csv, not {s:?}")),
                }
            }
            Long("lang") => {
                lang = match args.value().map_err(err)?.string().map_err(err)?.as_str() {
                    "zh" => Lang::Zh,
                    "en" => Lang::En,
                    s => return Err(format!("--lang is zh or en, not {s:?}")),
                }
            }
            other => return Err(other.unexpected().to_string()),
        }
    }

    let mut settings = match &settings_file {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Settings::default(),
    };
    settings.as_of = as_of.or(settings.as_of);
    settings.period = period.unwrap_or(settings.period);
    settings.metric = metric.unwrap_or(settings.metric);

    let dataset = match (use_demo, orders) {
        (true, None) => demo::generate().dataset(),
        (true, Some(_)) => return Err("analyze takes an orders FILE or --demo, not both".into()),
        (false, Some(path)) => import_files(&path, customers.as_ref(), interactions.as_ref())?,
        (false, None) => return Err("analyze needs an orders FILE (or --demo)".into()),
    };
    let mut report = analyze(&dataset, &settings);
    let prediction = predict(&dataset, &mut report, &PredictSettings::default());
    eprintln!(
        "tierlens: {} customers, {} orders, as of {}, current period {}, {} actions",
        report.customers.len(),
        report
            .customers
            .iter()
            .map(|c| c.orders as usize)
            .sum::<usize>(),
        format_day(report.as_of),
        report.kpis.period,
        report.action_list.len()
    );
    for message in prediction.messages(Lang::En) {
        eprintln!("tierlens: churn and CLV: {message}");
    }

    let write = |w: &mut dyn Write| -> io::Result<()> {
        match format {
            Format::Json => write_json(w, &report, &prediction, lang)?,
            Format::Csv => write_csv(w, &report, lang)?,
        }
        w.flush()
    };
    match out {
        Some(path) => {
            let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            write(&mut BufWriter::new(file)).map_err(|e| format!("{}: {e}", path.display()))
        }
        None => match write(&mut BufWriter::new(io::stdout().lock())) {
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| format!("stdout: {e}")),
        },
    }
}

fn import_files(
    orders: &PathBuf,
    customers: Option<&PathBuf>,
    interactions: Option<&PathBuf>,
) -> Result<Dataset, String> {
    let read = |path: &PathBuf| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let name = |path: &PathBuf| path.display().to_string();
    let orders = (read(orders)?, name(orders));
    let customers = customers
        .map(|p| Ok::<_, String>((read(p)?, name(p))))
        .transpose()?;
    let interactions = interactions
        .map(|p| Ok::<_, String>((read(p)?, name(p))))
        .transpose()?;
    let files = Files {
        orders: FileRef::new(&orders.1, &orders.0),
        customers: customers.as_ref().map(|(b, n)| FileRef::new(n, b)),
        interactions: interactions.as_ref().map(|(b, n)| FileRef::new(n, b)),
    };
    let imported = import::import(&files, &ImportOptions::new()).map_err(|e| e.to_string())?;
    let r = &imported.report;
    if !r.rejected.is_empty() {
        eprintln!(
            "tierlens: {} rows of {} rejected (see `tierlens import {} --rejected OUT.csv`)",
            r.rejected.len(),
            orders.1,
            orders.1
        );
    }
    Ok(imported.dataset)
}

/// The report and the fit summary, with the sentences of the chosen language added to
/// actions, churn scores, the summary and notes.
fn write_json(
    w: &mut dyn Write,
    report: &Report,
    prediction: &Prediction,
    lang: Lang,
) -> io::Result<()> {
    let mut json = serde_json::to_value(report)?;
    if let Some(rows) = json["customers"].as_array_mut() {
        for (value, row) in rows.iter_mut().zip(&report.customers) {
            if let Some(action) = &row.action {
                value["action"]["text"] = action.text(lang).into();
                value["action"]["follow_up"] = report.follow_up(row, lang).into();
            }
            if let Some(p) = &row.prediction {
                value["prediction"]["churn_text"] =
                    churn::reasons_text(&p.churn_reasons, lang).into();
            }
        }
    }
    json["prediction"] = serde_json::to_value(prediction)?;
    json["prediction"]["messages"] = prediction.messages(lang).into();
    if let Some(notes) = json["notes"].as_array_mut() {
        for (value, note) in notes.iter_mut().zip(&report.notes) {
            value["text"] = note.text(lang).into();
        }
    }
    json["lang"] = lang.as_str().into();
    serde_json::to_writer_pretty(&mut *w, &json)?;
    writeln!(w)
}

const CSV_HEADER: [&str; 28] = [
    "customer_id",
    "name",
    "manager",
    "orders",
    "net_revenue",
    "gross_profit",
    "first_order",
    "last_order",
    "recency_days",
    "r",
    "f",
    "m",
    "rfm_code",
    "segment",
    "tier",
    "tier_previous",
    "value_score",
    "loyalty_score",
    "layer",
    "lifecycle",
    "priority",
    "action",
    "reason",
    "usual_interval_days",
    "churn_risk",
    "churn_band",
    "p_alive",
    "clv",
];

/// The customer table, one row per customer; labels in the chosen language. Chinese output
/// starts with a UTF-8 byte-order mark so that Excel shows it correctly.
fn write_csv(w: &mut dyn Write, report: &Report, lang: Lang) -> io::Result<()> {
    write_table(w, report, lang).map_err(|e| match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        kind => io::Error::other(format!("{kind:?}")),
    })
}

fn write_table(w: &mut dyn Write, report: &Report, lang: Lang) -> csv::Result<()> {
    if lang == Lang::Zh {
        w.write_all("\u{feff}".as_bytes())?;
    }
    let mut out = csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER)?;
    let opt = |x: Option<String>| x.unwrap_or_default();
    let score = |x: Option<f64>| opt(x.map(|s| format!("{s:.1}")));
    for c in &report.customers {
        let (rfm, p) = (c.rfm.as_ref(), c.prediction.as_deref());
        out.write_record([
            c.customer_id.to_string(),
            c.name.to_string(),
            c.manager.to_string(),
            c.orders.to_string(),
            format!("{:.2}", c.net_revenue),
            opt(c.gross_profit.map(|p| format!("{p:.2}"))),
            opt(c.first_order.map(format_day)),
            opt(c.last_order.map(format_day)),
            opt(c.recency_days.map(|d| d.to_string())),
            opt(rfm.map(|x| x.r.to_string())),
            opt(rfm.map(|x| x.f.to_string())),
            opt(rfm.map(|x| x.m.to_string())),
            opt(rfm.map(|x| x.code.to_string())),
            opt(rfm.map(|x| report.segment_name(&x.segment, lang).to_owned())),
            opt(c.tier.map(|t| t.as_str().to_owned())),
            opt(c.tier_previous.map(|t| t.as_str().to_owned())),
            score(c.value_score.as_ref().map(|v| v.score)),
            score(c.loyalty_score.as_ref().map(|v| v.score)),
            opt(c.layer.map(|l| format!("{l:?}"))),
            c.lifecycle.label(lang).to_owned(),
            opt(c.action.as_ref().map(|a| a.priority.label(lang).to_owned())),
            opt(report.follow_up(c, lang)),
            opt(c.action.as_ref().map(|a| a.text(lang))),
            opt(c.usual_interval_days.map(|d| format!("{d:.1}"))),
            score(p.map(|p| p.churn_risk)),
            opt(p.map(|p| p.churn_band.text(lang).to_owned())),
            opt(p.and_then(|p| p.p_alive).map(|x| format!("{x:.4}"))),
            opt(p.and_then(|p| p.clv).map(|x| format!("{x:.2}"))),
        ])?;
    }
    out.flush()?;
    Ok(())
}

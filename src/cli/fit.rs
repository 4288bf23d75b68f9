//! `tierlens fit`: BG/NBD + Gamma-Gamma on an orders file, the fit summary as one JSON
//! object on stdout and, with `--out`, one CSV row of predictions per customer.

use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use tierlens::engine::clv::bgnbd::BgNbdParams;
use tierlens::engine::clv::gamma_gamma::GammaGammaParams;
use tierlens::engine::clv::{self, Blocks, ClvReport, ClvSettings, FitStatus, TimeUnit};
use tierlens::engine::i18n::Lang;
use tierlens::engine::import::{self, ImportOptions};
use tierlens::engine::model::{Dataset, Day, day_from_date};

pub fn run(mut args: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let err = |e: lexopt::Error| e.to_string();
    let (mut file, mut out, mut calibration_end) = (None::<PathBuf>, None::<PathBuf>, None);
    let mut settings = ClvSettings::new(0);
    while let Some(arg) = args.next().map_err(err)? {
        match arg {
            Value(path) if file.is_none() => file = Some(path.into()),
            Long("calibration-end") => calibration_end = Some(parse_date(&next_value(&mut args)?)?),
            Long("holdout-end") => {
                settings.holdout_end = Some(parse_date(&next_value(&mut args)?)?)
            }
            Long("unit") => {
                settings.unit = match next_value(&mut args)?.as_str() {
                    "week" => TimeUnit::Week,
                    "day" => TimeUnit::Day,
                    other => return Err(format!("--unit takes week or day, not {other:?}")),
                }
            }
            Long("horizon") => {
                settings.horizon = Some(parse_number("--horizon", &next_value(&mut args)?)?)
            }
            Long("clv-months") => {
                let v = next_value(&mut args)?;
                settings.clv_months = v
                    .parse()
                    .map_err(|_| format!("--clv-months takes a whole number, not {v:?}"))?
            }
            Long("monthly-discount") => {
                settings.monthly_discount =
                    parse_number("--monthly-discount", &next_value(&mut args)?)?
            }
            Long("penalizer") => {
                settings.penalizer = parse_number("--penalizer", &next_value(&mut args)?)?
            }
            Long("bgnbd-params") => {
                let [r, alpha, a, b] =
                    parse_list::<4>("--bgnbd-params", "r,alpha,a,b", &next_value(&mut args)?)?;
                settings.bgnbd_params = Some(BgNbdParams { r, alpha, a, b });
            }
            Long("gg-params") => {
                let [p, q, gamma] =
                    parse_list::<3>("--gg-params", "p,q,gamma", &next_value(&mut args)?)?;
                settings.gamma_gamma_params = Some(GammaGammaParams { p, q, gamma });
            }
            Long("out") => out = Some(next_value(&mut args)?.into()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let file = file.ok_or("fit needs an orders FILE")?;
    settings.calibration_end = calibration_end.ok_or("fit needs --calibration-end YYYY-MM-DD")?;
    let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
    let imported =
        import::import_orders(&bytes, &file.display().to_string(), &ImportOptions::new())
            .map_err(|e| e.to_string())?;
    let ds = imported.dataset;
    let report = clv::fit(&ds, &settings);
    let json = serde_json::to_string_pretty(&summary(&report)).expect("the summary serialises");
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is the reader's choice, not a failure.
    if let Err(e) = writeln!(stdout, "{json}")
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("stdout: {e}"));
    }
    if let Some(path) = out {
        let mut csv = String::new();
        write_predictions(&ds, &report, &mut csv);
        std::fs::write(&path, csv).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    failure(&report).map_or(Ok(()), Err)
}

/// The summary the issue specifies (fields in its order), plus the reasons when something
/// stopped the models.
#[derive(Serialize)]
struct Summary {
    customers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    bgnbd: Option<BgNbdSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gamma_gamma: Option<GammaGammaSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdout: Option<HoldoutSummary>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    guardrails: Vec<String>,
}

#[derive(Serialize)]
struct BgNbdSummary {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
    log_likelihood: f64,
    converged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    /// Parameters held at the search bound (the fit is that of the model's limit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    at_bound: Vec<String>,
}

#[derive(Serialize)]
struct GammaGammaSummary {
    p: f64,
    q: f64,
    gamma: f64,
    customers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    problem: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    at_bound: Vec<String>,
}

#[derive(Serialize)]
struct HoldoutSummary {
    actual: f64,
    predicted: f64,
    aggregate_error_pct: Option<f64>,
    mae: f64,
}

fn summary(report: &ClvReport) -> Summary {
    Summary {
        customers: report.customers,
        bgnbd: report.bgnbd.as_ref().map(|bg| BgNbdSummary {
            r: bg.params.r,
            alpha: bg.params.alpha,
            a: bg.params.a,
            b: bg.params.b,
            log_likelihood: bg.log_likelihood,
            converged: bg.status.converged,
            problem: bg.status.problem.as_ref().map(|p| p.text(Lang::En)),
            at_bound: held(&bg.status),
        }),
        gamma_gamma: report.gamma_gamma.as_ref().map(|gg| GammaGammaSummary {
            p: gg.params.p,
            q: gg.params.q,
            gamma: gg.params.gamma,
            customers: gg.customers,
            problem: gg.status.problem.as_ref().map(|p| p.text(Lang::En)),
            at_bound: held(&gg.status),
        }),
        holdout: report.validation.as_ref().map(|v| HoldoutSummary {
            actual: v.actual,
            predicted: v.predicted,
            aggregate_error_pct: v.aggregate_error_pct,
            mae: v.mae,
        }),
        guardrails: report.guardrails.iter().map(|g| g.text(Lang::En)).collect(),
    }
}

fn held(status: &FitStatus) -> Vec<String> {
    status.at_bound.iter().map(|h| h.text(Lang::En)).collect()
}

/// A message when the models produced no predictions (guardrails or a failed fit).
fn failure(report: &ClvReport) -> Option<String> {
    let blocking: Vec<String> = report
        .guardrails
        .iter()
        .filter(|g| g.blocks() == Blocks::Everything)
        .map(|g| g.text(Lang::En))
        .collect();
    if !blocking.is_empty() {
        return Some(format!("cannot fit: {}", blocking.join("; ")));
    }
    let problem = report
        .bgnbd
        .as_ref()
        .and_then(|b| b.status.problem.as_ref());
    problem.map(|p| format!("BG/NBD: {}", p.text(Lang::En)))
}

fn write_predictions(ds: &Dataset, report: &ClvReport, out: &mut String) {
    use std::fmt::Write;
    out.push_str("customer_id,frequency,recency,T,monetary_value,expected_purchases,p_alive,expected_avg_spend,clv\n");
    let opt = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    for p in &report.predictions {
        let key = &ds.customers[p.customer as usize].key;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            csv_field(key),
            p.frequency,
            p.recency,
            p.age,
            p.monetary_value,
            p.expected_purchases,
            p.p_alive,
            opt(p.expected_avg_spend),
            opt(p.clv)
        );
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn next_value(args: &mut lexopt::Parser) -> Result<String, String> {
    use lexopt::ValueExt;
    let err = |e: lexopt::Error| e.to_string();
    args.value().map_err(err)?.string().map_err(err)
}

fn parse_date(s: &str) -> Result<Day, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(day_from_date)
        .map_err(|_| format!("expected a date YYYY-MM-DD, not {s:?}"))
}

fn parse_number(flag: &str, s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{flag} takes a number, not {s:?}"))
}

fn parse_list<const N: usize>(flag: &str, names: &str, s: &str) -> Result<[f64; N], String> {
    let values: Vec<f64> = s
        .split(',')
        .map(|v| parse_number(flag, v))
        .collect::<Result<_, _>>()?;
    values
        .try_into()
        .map_err(|_| format!("{flag} takes {N} numbers {names}, not {s:?}"))
}

//! `tierlens`: the engine on the command line, for automation and large files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use tierlens::engine::{demo, summary};

#[path = "cli/analyze.rs"]
mod analyze;
#[path = "cli/fit.rs"]
mod fit;
#[path = "cli/import.rs"]
mod import;

const USAGE: &str = "\
tierlens - customer value and loyalty analysis

Usage:
  tierlens demo --out FILE [--customers FILE]   write the demo orders (and customers) as CSV,
                                                print their summary as JSON
  tierlens import FILE [--customers FILE] [--interactions FILE] [--map [customers.|interactions.]field=column ...]
         [--sheet NAME] [--date-order dmy|mdy] [--cancel-prefix C] [--rejected OUT.csv]
                                                import orders (CSV/TSV/XLSX/XLS, any encoding), print the report as JSON
  tierlens analyze FILE|--demo [--customers FILE] [--interactions FILE] [--as-of YYYY-MM-DD]
         [--period month|quarter|year|all] [--metric revenue|profit] [--settings FILE.json]
         [--out FILE] [--format json|csv] [--lang zh|en]
                                                tiers, RFM, scores, KPIs, actions: the report as JSON
                                                (or the customer table as CSV) to --out or stdout
  tierlens fit FILE --calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD] [--unit week|day]
         [--horizon N] [--clv-months 12] [--monthly-discount 0.01] [--penalizer 0]
         [--bgnbd-params r,alpha,a,b] [--gg-params p,q,gamma] [--out predictions.csv]
                                                BG/NBD + Gamma-Gamma CLV: the fit (and holdout check)
                                                as JSON, per-customer predictions as CSV
  tierlens --version
  tierlens --help";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tierlens: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = lexopt::Parser::from_env();
    use lexopt::prelude::*;
    match args.next().map_err(|e| e.to_string())? {
        Some(Long("version") | Short('V')) => {
            println!("tierlens {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(Long("help") | Short('h')) | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(Value(cmd)) if cmd == "demo" => cmd_demo(args),
        Some(Value(cmd)) if cmd == "import" => import::run(args),
        Some(Value(cmd)) if cmd == "fit" => fit::run(args),
        Some(Value(cmd)) if cmd == "analyze" => analyze::run(args),
        Some(other) => Err(format!("{}\n\n{USAGE}", other.unexpected())),
    }
}

fn cmd_demo(mut args: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let (mut out, mut customers) = (None::<PathBuf>, None::<PathBuf>);
    while let Some(arg) = args.next().map_err(|e| e.to_string())? {
        match arg {
            Long("out") => out = Some(args.value().map_err(|e| e.to_string())?.into()),
            Long("customers") => customers = Some(args.value().map_err(|e| e.to_string())?.into()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let out = out.ok_or("demo needs --out FILE")?;
    let demo = demo::generate();
    write_file(&out, |w| demo.write_orders_csv(w))?;
    if let Some(path) = customers {
        write_file(&path, |w| demo.write_customers_csv(w))?;
    }
    let summary = summary::summarize(&demo.dataset());
    println!(
        "{}",
        serde_json::to_string_pretty(&summary).expect("summary serialises")
    );
    Ok(())
}

fn write_file(
    path: &PathBuf,
    write: impl FnOnce(&mut BufWriter<File>) -> csv::Result<()>,
) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = BufWriter::new(file);
    write(&mut w).map_err(|e| format!("{}: {e}", path.display()))?;
    w.flush().map_err(|e| format!("{}: {e}", path.display()))
}

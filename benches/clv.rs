//! Benchmark: fit BG/NBD and Gamma-Gamma and score 100,000 customers (about 1,000,000 orders).
//!
//! `cargo bench --bench clv`. The target is 0.3 s native for the fit and the scoring;
//! building the dataset is not timed (that is the importer's work). Wall time and on-CPU time
//! are both printed, since on a shared machine the wall clock includes other processes. The
//! orders come from the BG/NBD story itself (a lognormal purchase rate, a dropout chance after
//! each purchase) with a fixed seed.

use std::hint::black_box;
use std::time::Instant;
use tierlens::engine::clv::{self, ClvSettings, rfm_summary};
use tierlens::engine::model::{Dataset, DatasetBuilder, day_from_ymd};
use tierlens::engine::rng::SplitMix64;

const CUSTOMERS: usize = 100_000;

fn generate() -> Dataset {
    let start = day_from_ymd(2022, 1, 1).unwrap();
    let end = day_from_ymd(2024, 12, 31).unwrap();
    let mut rng = SplitMix64(0x636c_7662_656e_6368);
    let mut b = DatasetBuilder::new();
    for i in 0..CUSTOMERS {
        let c = b.intern(&format!("C{i:06}"));
        let first = start + (rng.unit() * (end - start - 30) as f64) as i32;
        // Purchases per day ~ lognormal around one a month; dropout 1.2-16% after each.
        let rate = (rng.normal() * 0.8).exp() / 25.0;
        let dropout = 0.012 + 0.15 * rng.unit();
        let spend = 200.0 * (rng.normal() * 0.5).exp();
        let mut day = first as f64;
        loop {
            let amount = spend * (rng.normal() * 0.3).exp();
            b.order(
                c,
                day as i32,
                (amount * 100.0).round() / 100.0,
                Some(amount * 0.25),
            );
            if rng.unit() < dropout {
                break;
            }
            day += -(1.0 - rng.unit()).ln() / rate;
            if day > end as f64 {
                break;
            }
        }
    }
    b.build()
}

/// Seconds this thread has spent on a CPU (Linux): on a shared machine the wall clock also
/// counts the time other processes held the cores.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(stat.split_whitespace().next()?.parse::<f64>().ok()? / 1e9)
}

/// Best wall-clock and best on-CPU seconds of `runs` calls.
fn time<T>(runs: usize, mut f: impl FnMut(usize) -> T) -> (f64, Option<f64>) {
    let (mut wall, mut cpu) = (f64::INFINITY, None::<f64>);
    for run in 0..runs {
        let (t, c) = (Instant::now(), cpu_seconds());
        black_box(f(run));
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(before), Some(after)) = (c, cpu_seconds()) {
            cpu = Some(cpu.map_or(after - before, |b: f64| b.min(after - before)));
        }
    }
    (wall, cpu)
}

fn show(label: &str, (wall, cpu): (f64, Option<f64>)) {
    let cpu = cpu.map_or(String::new(), |c| format!(", on-CPU {c:.3} s"));
    println!("{label}: best wall {wall:.3} s{cpu}");
}

fn main() {
    let t = Instant::now();
    let ds = generate();
    eprintln!(
        "generated {} customers, {} orders in {:.2} s (not timed below)",
        ds.customers.len(),
        ds.orders.len(),
        t.elapsed().as_secs_f64()
    );
    let settings = ClvSettings::new(day_from_ymd(2024, 12, 31).unwrap());
    let report = clv::fit(&ds, &settings);
    let bg = report.bgnbd.as_ref().expect("fitted");
    let gg = report.gamma_gamma.as_ref().expect("fitted");
    eprintln!(
        "scored {} customers; BG/NBD {:?} converged={} ({} evaluations); Gamma-Gamma {:?} converged={} ({} evaluations)",
        report.predictions.len(),
        bg.params,
        bg.status.converged,
        bg.status.evaluations,
        gg.params,
        gg.status.converged,
        gg.status.evaluations
    );
    show(
        "clv fit + score, 100k customers (target 0.3 s)",
        time(5, |_| clv::fit(&ds, &settings)),
    );
    // Where the time goes: the summary alone, and scoring with the parameters given.
    let scoring = ClvSettings {
        bgnbd_params: Some(bg.params),
        gamma_gamma_params: Some(gg.params),
        ..settings.clone()
    };
    show(
        "  summary alone",
        time(3, |_| {
            rfm_summary::summarize(&ds, settings.calibration_end, None, 7.0)
        }),
    );
    show(
        "  summary + scoring with given parameters",
        time(3, |_| clv::fit(&ds, &scoring)),
    );
}

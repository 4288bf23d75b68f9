//! Import of a generated 1,000,000-line (about 32 MB) orders CSV, timed natively.
//!
//! `cargo bench --bench import` prints the best and median of 7 runs in wall-clock time, the
//! figure the target is about, and in CPU time of the calling thread (from
//! `/proc/thread-self/schedstat`, Linux). The import reads rows ahead on a second thread (see
//! `docs/import.md`), so that CPU time is the filing thread's share; on a machine shared with
//! other processes it tells a busy minute from a slow import. Peak memory is measured
//! from outside on a single run, on the bench binary itself (not cargo):
//! `/usr/bin/time -v <target>/release/deps/import-<hash> --once` (the path is printed by
//! `cargo bench --bench import --no-run`). Targets (issue 3): ≤ 0.15 s, peak ≤ 3× the file.
//!
//! The file is shaped like an ERP export: sorted by date, each order's one to five lines
//! together, 20,000 customers, 1.5% returns. Deterministic (SplitMix64, fixed seed).

use std::hint::black_box;
use std::time::Instant;
use tierlens::engine::import::{ImportOptions, import_orders};
use tierlens::engine::rng::SplitMix64;

const LINES: usize = 1_000_000;

/// Uniform in 0..n by modulo, as the figures in docs/import.md were measured with.
fn below(rng: &mut SplitMix64, n: u64) -> u64 {
    rng.next_u64() % n
}

fn generate() -> Vec<u8> {
    use std::io::Write;
    let mut rng = SplitMix64(0x696d_706f_7274); // "import"
    let mut out = Vec::with_capacity(LINES * 33);
    out.extend_from_slice("单据日期,单据编号,客户编码,价税合计\n".as_bytes());
    let (mut line, mut order) = (0, 0u32);
    let start = tierlens::engine::model::day_from_ymd(2023, 1, 1).unwrap();
    while line < LINES {
        order += 1;
        // Dates advance through three years as the orders do.
        let day = start + (line as i64 * 1095 / LINES as i64) as i32;
        let date = tierlens::engine::model::format_day(day);
        let customer = below(&mut rng, 20_000);
        let n = (1 + below(&mut rng, 5) as usize).min(LINES - line);
        let sign = if below(&mut rng, 1000) < 15 { "-" } else { "" };
        for _ in 0..n {
            let cents = 100 + below(&mut rng, 999_900);
            writeln!(
                out,
                "{date},S{order:06},C{customer:04},{sign}{}.{:02}",
                cents / 100,
                cents % 100
            )
            .unwrap();
        }
        line += n;
    }
    out
}

fn main() {
    let once = std::env::args().any(|a| a == "--once");
    let bytes = generate();
    let mb = bytes.len() as f64 / 1e6;
    let options = ImportOptions::new();
    let runs = if once { 1 } else { 7 };
    let (mut times, mut cpu) = (Vec::new(), Vec::new());
    let mut orders = 0;
    for _ in 0..runs {
        let (t, c) = (Instant::now(), cpu_seconds());
        let imported = import_orders(black_box(&bytes), "bench.csv", &options).unwrap();
        times.push(t.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - c);
        orders = imported.report.orders;
        assert_eq!(imported.report.order_lines, LINES as u64);
        drop(black_box(imported));
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "import {LINES} lines, {mb:.1} MB, {orders} orders: wall best {:.3} s ({:.0} MB/s), median {:.3} s; calling thread's CPU best {:.3} s, median {:.3} s",
        times[0],
        mb / times[0],
        times[times.len() / 2],
        cpu[0],
        cpu[cpu.len() / 2]
    );
}

/// CPU time this thread has run, in seconds (0 where `/proc` does not tell).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

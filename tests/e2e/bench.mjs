// Browser timing run (not a test): import of a generated 1,000,000-line (~32 MB) orders CSV
// through the app's file input, in the release bundle, in headless Chromium.
//
//   trunk build --release && node tests/e2e/bench.mjs
//
// Prints the worker's own time from the file's bytes to the dataset (what the engine costs
// in wasm), the wall time from the click to the report on screen (what the user waits,
// including the copies between page and worker), and the worker's time for every analysis
// (`report::analyze` with default settings) when the dashboard opens, and the wall time from
// changing the tier rule in Settings to the new analysis being in the page. The file has the shape of
// benches/import.rs: dates advancing over three years, one to five lines per order, 1.5%
// returns, with 100,000 customers.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LINES = Number(process.env.BENCH_LINES || 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS || 3);
// 100,000 customers: the size the analysis benchmark of issue 4 names.
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS || 100_000);
const PORT = Number(process.env.E2E_PORT || 8124);
const ORIGIN = `http://127.0.0.1:${PORT}`;

function generate(path) {
  // SplitMix64 on BigInt is slow; a 32-bit xorshift is plenty for a benchmark file.
  let state = 0x696d706f;
  const next = () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  const start = Date.UTC(2023, 0, 1);
  const parts = ['单据日期,单据编号,客户编码,价税合计\n'];
  let line = 0;
  let order = 0;
  while (line < LINES) {
    order++;
    const day = Math.floor(line * 1095 / LINES);
    const date = new Date(start + day * 86400000).toISOString().slice(0, 10);
    const customer = String(next() % CUSTOMERS).padStart(6, '0');
    const n = Math.min(1 + (next() % 5), LINES - line);
    const sign = next() % 1000 < 15 ? '-' : '';
    for (let i = 0; i < n; i++) {
      const cents = 100 + (next() % 999900);
      parts.push(`${date},S${String(order).padStart(6, '0')},C${customer},${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}\n`);
    }
    line += n;
  }
  writeFileSync(path, parts.join(''));
}

const work = mkdtempSync(join(tmpdir(), 'tierlens-bench-'));
const file = join(work, 'orders-1m.csv');
generate(file);
console.log(`file: ${LINES} lines, ${(statSync(file).size / 1e6).toFixed(1)} MB`);

const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1',
  '--directory', process.env.E2E_DIST || 'dist'], { stdio: 'ignore' });
let context;
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(ORIGIN + '/index.html')).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: 'en-US',
  });
  const page = context.pages()[0] || await context.newPage();
  for (let run = 1; run <= RUNS; run++) {
    await page.goto(ORIGIN + '/', { waitUntil: 'networkidle' });
    await page.click('[data-testid=open-files]');
    await page.setInputFiles('#file-orders', file);
    await page.waitForSelector('[data-table=orders] .preview', { timeout: 120000 });
    const clicked = Date.now();
    await page.click('[data-testid=start-import]');
    await page.waitForSelector('[data-testid=import-report]', { timeout: 300000 });
    const wall = Date.now() - clicked;
    const worker = Number(await page.getAttribute('[data-testid=import-report]', 'data-elapsed-ms'));
    const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
    await page.click('[data-testid=open-analysis]');
    await page.waitForSelector('[data-testid=tiers]', { timeout: 300000 });
    const analyse = Number(await page.getAttribute('[data-testid=tiers]', 'data-elapsed-ms'));
    const predict = Number(await page.getAttribute('[data-testid=tiers]', 'data-predict-ms'));
    // A setting changed: from the click to every view holding the new analysis.
    await page.click('a[data-page=settings]');
    const changed = Date.now();
    await page.click('[data-testid=rule-rank]');
    await page.waitForSelector('[data-testid=busy]', { state: 'detached', timeout: 300000 });
    const recompute = Date.now() - changed;
    console.log(`run ${run}: import in the worker ${(worker / 1000).toFixed(3)} s, `
      + `click to report ${(wall / 1000).toFixed(3)} s, all analyses ${(analyse / 1000).toFixed(3)} s, `
      + `churn and CLV prediction ${(predict / 1000).toFixed(3)} s, `
      + `setting change to new analysis ${(recompute / 1000).toFixed(3)} s, `
      + `page JS heap ${(heap / 1e6).toFixed(0)} MB`);
  }
} finally {
  if (context) await context.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}

// Browser timing run (not a test): import of a generated 1,000,000-line (~34 MB) orders CSV
// through the app's file input, in the release bundle, in headless Chromium.
//
//   trunk build --release && node tests/e2e/bench.mjs
//
// Prints the worker's own time from the file's bytes to the dataset (what the engine costs
// in wasm), the wall time from the click to the report on screen (what the user waits,
// including the copies between page and worker), the worker's time for every analysis
// (`report::analyze` with default settings) and for the churn and CLV models (fit both and
// score every customer) when the dashboard opens, and the wall time from a settings change to
// the new analysis being in the page: the tier rule (the models' figures are reused) and the
// analysis date (the models are fitted again). The customers follow the BG/NBD story (a
// lognormal purchase rate, a dropout chance after each order, a lognormal spend level), so the models have something
// to fit; orders are sorted by date, one to five lines each, 1.5% returns.

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
  const unit = () => (next() + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(unit())) * Math.cos(2 * Math.PI * unit());
  const DAYS = 1095;
  // Orders as [day, customer, lines]: about 3 lines an order, so ~3.3 orders a customer.
  const orders = [];
  const spend = [];
  let lines = 0;
  for (let c = 0; c < CUSTOMERS && lines < LINES; c++) {
    const rate = Math.exp(normal() * 0.8) / 75;
    const dropout = 0.08 + 0.35 * unit();
    spend.push(200 * Math.exp(normal() * 0.5));
    let day = Math.floor(unit() * (DAYS - 30));
    while (day < DAYS && lines < LINES) {
      const n = Math.min(1 + (next() % 5), LINES - lines);
      orders.push([day, c, n]);
      lines += n;
      if (unit() < dropout) break;
      day += Math.max(1, Math.round(-Math.log(unit()) / rate));
    }
  }
  orders.sort((a, b) => a[0] - b[0]);
  const start = Date.UTC(2023, 0, 1);
  const parts = ['单据日期,单据编号,客户编码,价税合计\n'];
  orders.forEach(([day, c, n], i) => {
    const date = new Date(start + day * 86400000).toISOString().slice(0, 10);
    const id = `S${String(i + 1).padStart(6, '0')},C${String(c).padStart(6, '0')}`;
    const sign = next() % 1000 < 15 ? '-' : '';
    for (let k = 0; k < n; k++) {
      const cents = Math.max(100, Math.round(spend[c] * Math.exp(normal() * 0.3) * 100));
      parts.push(`${date},${id},${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}\n`);
    }
  });
  writeFileSync(path, parts.join(''));
  return { orders: orders.length, customers: new Set(orders.map((o) => o[1])).size };
}

const work = mkdtempSync(join(tmpdir(), 'tierlens-bench-'));
const file = join(work, 'orders-1m.csv');
const made = generate(file);
console.log(`file: ${LINES} lines, ${made.orders} orders, ${made.customers} customers, `
  + `${(statSync(file).size / 1e6).toFixed(1)} MB`);

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
  const settled = () => page.waitForSelector('[data-testid=busy]', { state: 'detached', timeout: 300000 });
  // The demo: from the click to the dashboard, and a tier-rule change.
  for (let run = 1; run <= RUNS; run++) {
    await page.goto(ORIGIN + '/#/', { waitUntil: 'networkidle' });
    let clicked = Date.now();
    await page.click('[data-testid=use-demo]');
    await page.waitForSelector('[data-testid=tiers]', { timeout: 60000 });
    const open = Date.now() - clicked;
    const analyse = Number(await page.getAttribute('[data-testid=tiers]', 'data-elapsed-ms'));
    const predict = Number(await page.getAttribute('[data-testid=tiers]', 'data-predict-ms'));
    await page.click('a[data-page=settings]');
    clicked = Date.now();
    await page.click('[data-testid=rule-rank]');
    await settled();
    const change = Date.now() - clicked;
    await page.click('[data-testid=reset-settings]');
    await settled();
    console.log(`demo run ${run}: click to dashboard ${(open / 1000).toFixed(3)} s (analyses `
      + `${(analyse / 1000).toFixed(3)} s, churn and CLV models ${(predict / 1000).toFixed(3)} s), `
      + `tier rule change to new analysis ${(change / 1000).toFixed(3)} s`);
    await page.click('[data-testid=close]');
  }
  for (let run = 1; run <= RUNS; run++) {
    // The start screen, also when the last run's workspace reopens.
    await page.goto(ORIGIN + '/#/', { waitUntil: 'networkidle' });
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
    // Settings changed: from the click to every view holding the new analysis.
    await page.click('a[data-page=settings]');
    let changed = Date.now();
    await page.click('[data-testid=rule-rank]');
    await settled();
    const recompute = Date.now() - changed;
    changed = Date.now();
    await page.fill('[data-testid=as-of]', '2025-07-01');
    await page.dispatchEvent('[data-testid=as-of]', 'change');
    await settled();
    const refit = Date.now() - changed;
    if (run === 1) {
      // What the user sees while a refit runs: the step and its progress bar in the top bar.
      await page.fill('[data-testid=as-of]', '2025-04-01');
      await page.dispatchEvent('[data-testid=as-of]', 'change');
      await page.waitForSelector('[data-testid=busy][data-step=Predicting]', { timeout: 300000 });
      await page.waitForTimeout(60);
      await page.locator('.topbar').screenshot({ path: 'tests/artifacts/bench-progress-en.png' });
      await settled();
    }
    await page.click('a[data-page=clv]');
    const basis = await page.getAttribute('[data-testid=predictions]', 'data-basis', { timeout: 300000 });
    console.log(`run ${run}: import in the worker ${(worker / 1000).toFixed(3)} s, `
      + `click to report ${(wall / 1000).toFixed(3)} s, all analyses ${(analyse / 1000).toFixed(3)} s, `
      + `churn and CLV models (fit + score) ${(predict / 1000).toFixed(3)} s, `
      + `tier rule change to new analysis ${(recompute / 1000).toFixed(3)} s, `
      + `analysis date change (models refitted) ${(refit / 1000).toFixed(3)} s, `
      + `model basis after the date change ${basis}, page JS heap ${(heap / 1e6).toFixed(0)} MB`);
  }
} finally {
  if (context) await context.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}

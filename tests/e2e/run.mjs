// End-to-end test of the release bundle in headless Chromium (playwright-core, Debian's browser).
// Serves dist/ on 127.0.0.1, opens the demo, compares the dashboard with the native CLI's
// figures for the same demo data, toggles and reloads the language, counts network requests
// and saves screenshots under tests/artifacts/.
//
// Run from the repository root after `trunk build --release` (or set E2E_DIST to another build) and
// `cargo build --release --bin tierlens` (the README's test command does all of it).

import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ARTIFACTS = 'tests/artifacts';
const PORT = Number(process.env.E2E_PORT || 8123);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`  ok   ${name}`);
  } else {
    failed++;
    console.log(`  FAIL ${name} ${detail}`);
  }
}

async function waitForServer(url) {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

const PAGES = ['dashboard', 'tiers', 'rfm', 'value', 'clv', 'cohorts', 'customers', 'actions', 'settings'];

// A screenshot of every page, through the side navigation, for looking at (tests/artifacts/).
async function shootPages(page, lang) {
  for (const slug of PAGES) {
    await page.click(`a[data-page=${slug}]`);
    await page.waitForFunction((s) => document.querySelector(`a[data-page=${s}]`)
      ?.getAttribute('aria-current') === 'page', slug);
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${ARTIFACTS}/page-${slug}-${lang}.png`, fullPage: true });
  }
  await page.click('a[data-page=dashboard]');
}

async function kpis(page) {
  return page.$$eval('[data-kpi]', (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.kpi, Number(c.dataset.value)])));
}

const work = mkdtempSync(join(tmpdir(), 'tierlens-e2e-'));
mkdirSync(ARTIFACTS, { recursive: true });

// The engine's own figures for the demo, computed natively.
const expected = JSON.parse(execFileSync('target/release/tierlens',
  ['demo', '--out', join(work, 'demo.csv')], { encoding: 'utf8' }));

const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1',
  '--directory', process.env.E2E_DIST || 'dist'], { stdio: 'ignore' });
let context;
try {
  await waitForServer(`${ORIGIN}/index.html`);
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    locale: 'zh-CN',
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] || await context.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto(ORIGIN + '/', { waitUntil: 'networkidle' });
  await page.waitForSelector('[data-testid=use-demo]');
  let loadRequests = requests.length;
  check('every request goes to the app\'s own origin',
    requests.every((u) => u.startsWith(ORIGIN + '/')), JSON.stringify(requests));
  check('Chinese by default for a zh browser',
    (await page.textContent('[data-testid=use-demo]')).includes('使用演示数据'));
  await page.screenshot({ path: `${ARTIFACTS}/start-zh.png` });

  await page.click('[data-testid=use-demo]');
  await page.waitForSelector('[data-kpi=orders]');
  const shown = await kpis(page);
  check('customers equal the CLI', shown.customers === expected.customers,
    `${shown.customers} vs ${expected.customers}`);
  check('orders equal the CLI', shown.orders === expected.orders, `${shown.orders} vs ${expected.orders}`);
  check('net revenue equals the CLI', shown.net_revenue === expected.net_revenue,
    `${shown.net_revenue} vs ${expected.net_revenue}`);
  check('gross profit equals the CLI', shown.gross_profit === expected.gross_profit,
    `${shown.gross_profit} vs ${expected.gross_profit}`);
  check('active customers equal the CLI', shown.active_last_30_days === expected.active_last_30_days,
    `${shown.active_last_30_days} vs ${expected.active_last_30_days}`);
  // The current period's tiers, analysed in the worker, equal the CLI's analysis.
  const analysis = JSON.parse(execFileSync('target/release/tierlens', ['analyze', '--demo'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }));
  const current = analysis.tier_distribution[analysis.tier_distribution.length - 1];
  await page.waitForSelector('[data-testid=tiers]');
  const tiers = await page.$$eval('[data-tier]', (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.tier, Number(c.dataset.count)])));
  check('tier counts of the current period equal the CLI',
    JSON.stringify(tiers) === JSON.stringify(current.customers)
      && await page.getAttribute('[data-testid=tiers]', 'data-period') === current.period,
    `${JSON.stringify(tiers)} vs ${JSON.stringify(current.customers)}`);
  // Settings recompute live: the rank-share tier rule, and a filter, give the CLI's figures
  // for the same settings.
  const cliTiers = (settings) => {
    const file = join(work, 'settings.json');
    writeFileSync(file, JSON.stringify(settings));
    const r = JSON.parse(execFileSync('target/release/tierlens', ['analyze', '--demo', '--settings', file],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 }));
    return r.tier_distribution[r.tier_distribution.length - 1].customers;
  };
  const shownTiers = () => page.$$eval('[data-tier]', (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.tier, Number(c.dataset.count)])));
  const waitForTiers = async (want) => {
    await page.waitForFunction((w) => {
      const got = Object.fromEntries([...document.querySelectorAll('[data-tier]')]
        .map((c) => [c.dataset.tier, Number(c.dataset.count)]));
      return JSON.stringify(got) === w;
    }, JSON.stringify(want), { timeout: 10000 }).catch(() => {});
    return shownTiers();
  };
  await page.click('a[data-page=settings]');
  await page.click('[data-testid=rule-rank]');
  await page.screenshot({ path: `${ARTIFACTS}/settings-zh.png`, fullPage: true });
  await page.click('a[data-page=dashboard]');
  const rankWant = cliTiers({ tiers: { rule: 'rank_share' } });
  const rankShown = await waitForTiers(rankWant);
  check('rank-share tier rule: tier counts equal the CLI with the same settings',
    JSON.stringify(rankShown) === JSON.stringify(rankWant)
      && JSON.stringify(rankWant) !== JSON.stringify(current.customers),
    `${JSON.stringify(rankShown)} vs ${JSON.stringify(rankWant)}`);
  // The industry filter: one value, then two (either of them), as the CLI filters.
  await page.click('[data-testid=filter-industry] summary');
  const industries = await page.$$eval('[data-testid=filter-industry] input[type=checkbox]',
    (boxes) => boxes.map((b) => b.value));
  await page.check(`[data-testid=filter-industry] input[value="${industries[0]}"]`);
  const filteredWant = cliTiers({ tiers: { rule: 'rank_share' }, filter: { industries: [industries[0]] } });
  const filteredShown = await waitForTiers(filteredWant);
  check('industry filter: tier counts equal the CLI with the same filter',
    JSON.stringify(filteredShown) === JSON.stringify(filteredWant),
    `${JSON.stringify(filteredShown)} vs ${JSON.stringify(filteredWant)}`);
  await page.check(`[data-testid=filter-industry] input[value="${industries[1]}"]`);
  const twoWant = cliTiers({ tiers: { rule: 'rank_share' },
    filter: { industries: [industries[0], industries[1]].sort() } });
  const twoShown = await waitForTiers(twoWant);
  check('two industries: tier counts equal the CLI with both in the filter',
    JSON.stringify(twoShown) === JSON.stringify(twoWant)
      && JSON.stringify(twoWant) !== JSON.stringify(filteredWant),
    `${JSON.stringify(twoShown)} vs ${JSON.stringify(twoWant)}`);
  await page.screenshot({ path: `${ARTIFACTS}/filter-zh.png` });
  await page.click('h1');
  check('a click elsewhere closes the filter drop-down', await page.$('details.multi-pick[open]') === null);
  await page.click('[data-testid=clear-filters]');
  await page.click('a[data-page=settings]');
  await page.click('[data-testid=reset-settings]');
  await page.click('a[data-page=dashboard]');
  check('restoring the defaults restores the tiers',
    JSON.stringify(await waitForTiers(current.customers)) === JSON.stringify(current.customers));

  // Churn risk and CLV: the worker's prediction equals the CLI's (to 1e-6: the models use the
  // platform's exp and log, which differ in the last bits between wasm and native).
  const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  const predicted = analysis.customers.filter((c) => c.prediction)
    .map((c, i) => ({ key: c.customer_id, risk: c.prediction.churn_risk, clv: c.prediction.clv, i }))
    .sort((a, b) => b.risk - a.risk || a.i - b.i);
  await page.click('a[data-page=clv]');
  await page.waitForSelector('[data-testid=busy]', { state: 'detached' });
  const topShown = await (await page.waitForFunction(() => {
    const tr = document.querySelector('[data-testid=risk-list] tr[data-customer]');
    return tr && { key: tr.dataset.customer, risk: Number(tr.dataset.risk) };
  })).jsonValue();
  check('the churn-risk list starts with the CLI\'s riskiest customer, same score',
    topShown.key === predicted[0].key && close(topShown.risk, predicted[0].risk),
    `${JSON.stringify(topShown)} vs ${JSON.stringify(predicted[0])}`);
  const bandHigh = await page.textContent('[data-testid=band-high] .clv-figure-value');
  check('high-risk count equals the CLI', Number(bandHigh.replace(/,/g, '')) === analysis.prediction.bands[2],
    `${bandHigh} vs ${analysis.prediction.bands[2]}`);
  // The model check with its default split (the demo's last year held out) equals the CLI's fit.
  const fitted = JSON.parse(execFileSync('target/release/tierlens', ['fit', join(work, 'demo.csv'),
    '--calibration-end', '2025-01-01', '--holdout-end', '2025-12-31'], { encoding: 'utf8' }));
  const shownPredicted = await (await page.waitForFunction(() =>
    document.querySelector('[data-testid=holdout-predicted] .clv-figure-value')?.textContent)).jsonValue();
  check('the model check predicts the holdout as the CLI does',
    shownPredicted === fitted.holdout.predicted.toLocaleString('en-US',
      { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    `${shownPredicted} vs ${fitted.holdout.predicted}`);
  await page.screenshot({ path: `${ARTIFACTS}/clv-zh.png`, fullPage: true });
  const richest = [...predicted].sort((a, b) => b.clv - a.clv)[0];
  await page.click('a[data-page=customers]');
  await page.waitForSelector('[data-testid=customer-count][data-total]');
  check('the customer table lists every customer',
    Number(await page.getAttribute('[data-testid=customer-count]', 'data-total')) === analysis.customers.length);
  await page.fill('[data-testid=customer-search]', richest.key);
  await page.waitForFunction((k) => {
    const rows = document.querySelectorAll('[data-testid=customer-row]');
    return rows.length === 1 && rows[0].dataset.key === k;
  }, richest.key, { timeout: 10000 }).catch(() => {});
  const found = await page.$$eval('[data-testid=customer-row]', (rows) => rows.map((r) =>
    ({ key: r.dataset.key, clv: Number(r.dataset.clv) })));
  check('searching a code finds that customer with the CLI\'s CLV',
    found.length === 1 && found[0].key === richest.key && close(found[0].clv, richest.clv),
    `${JSON.stringify(found)} vs ${JSON.stringify(richest)}`);
  await page.click(`[data-testid=customer-row] a`);
  await page.waitForSelector('[data-testid=profile-churn-risk]');
  const profileRisk = Number(await page.getAttribute('[data-testid=profile-churn-risk]', 'data-value'));
  check('the 360-degree profile shows the CLI\'s churn risk', page.url().includes(`#/customers/${richest.key}`)
    && close(profileRisk, analysis.customers.find((c) => c.customer_id === richest.key).prediction.churn_risk));
  await page.screenshot({ path: `${ARTIFACTS}/profile-zh.png`, fullPage: true });
  await page.goBack();
  await page.waitForSelector('[data-testid=customer-count]');
  check('back returns to the customer table', page.url().endsWith('#/customers'));
  await page.click('a[data-page=dashboard]');
  await page.waitForSelector('[data-kpi=orders]');

  const ordersText = await page.textContent('[data-kpi=orders] .kpi-value');
  check('orders are shown grouped', ordersText === expected.orders.toLocaleString('en-US'), ordersText);
  check('net revenue is shown in 万/亿',
    /^¥[\d.]+(万|亿)$/.test(await page.textContent('[data-kpi=net_revenue] .kpi-value')));
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-zh.png`, fullPage: true });

  await page.click('[data-testid=lang-toggle]');
  await page.waitForFunction(() => document.body.innerText.includes('Dashboard'));
  check('English after toggling', (await page.textContent('h1')).includes('Dashboard'));
  check('no request after load (demo and language toggle)', requests.length === loadRequests,
    JSON.stringify(requests.slice(loadRequests)));

  await page.reload({ waitUntil: 'networkidle' });
  await page.waitForSelector('[data-kpi=orders]');
  loadRequests = requests.length;
  check('English and the open demo survive a reload',
    (await page.textContent('h1')).includes('Dashboard')
      && (await page.getAttribute('html', 'lang')) === 'en');
  check('figures unchanged after reload',
    JSON.stringify(await kpis(page)) === JSON.stringify(shown));
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-en.png`, fullPage: true });
  await shootPages(page, 'en');
  await page.click('[data-testid=lang-toggle]');
  await shootPages(page, 'zh');
  await page.click('[data-testid=lang-toggle]');

  // Import a GBK export with a title line above the header and a total line at the end,
  // through the file input, and compare with the CLI's import of the same file.
  const gbk = join(work, 'sales-gbk.csv');
  execFileSync('python3', ['-c', `
import sys
rows = open(sys.argv[1], encoding='utf-8').read().splitlines()
text = '\\n'.join(['销售出库单明细表', ''] + rows + [',,,,合计,,,']) + '\\n'
open(sys.argv[2], 'wb').write(text.encode('gbk'))
`, join(work, 'demo.csv'), gbk]);
  const cli = JSON.parse(execFileSync('target/release/tierlens', ['import', gbk], { encoding: 'utf8' }));
  check('the CLI reads the GBK export', cli.encoding === 'GBK' && cli.header_line === 3,
    `${cli.encoding} header ${cli.header_line}`);
  await page.click('[data-testid=lang-toggle]');
  await page.click('[data-testid=close]');
  await page.click('[data-testid=open-files]');
  await page.setInputFiles('#file-orders', gbk);
  await page.waitForSelector('[data-table=orders] .preview');
  const facts = await page.textContent('[data-table=orders] .preview .muted');
  check('preview shows the encoding and header line', facts.includes('GBK') && facts.includes('3'), facts);
  check('preview maps the customer column',
    await page.$eval('[data-table=orders] select[data-field=customer]', (s) => s.value) === '客户编码');
  await page.screenshot({ path: `${ARTIFACTS}/import-preview-zh.png`, fullPage: true });
  await page.click('[data-testid=start-import]');
  await page.waitForSelector('[data-testid=import-report]', { timeout: 60000 });
  const report = await page.textContent('[data-testid=import-report]');
  check('report counts the skipped total line', cli.skipped.length === 1 && report.includes('合计行'),
    JSON.stringify(cli.skipped));
  await page.screenshot({ path: `${ARTIFACTS}/import-report-zh.png`, fullPage: true });
  await page.click('[data-testid=lang-toggle]');
  const cardTitle = await page.textContent('[data-table=orders] h2');
  check('the file cards follow the language', cardTitle.startsWith('Orders'), cardTitle);
  await page.click('[data-testid=lang-toggle]');
  await page.click('[data-testid=open-analysis]');
  await page.waitForSelector('[data-kpi=orders]');
  const imported = await kpis(page);
  check('imported orders equal the CLI', imported.orders === cli.orders, `${imported.orders} vs ${cli.orders}`);
  check('imported net revenue equals the CLI', imported.net_revenue === cli.net_revenue,
    `${imported.net_revenue} vs ${cli.net_revenue}`);
  check('imported data equals the demo it came from', imported.orders === expected.orders
    && Math.abs(imported.net_revenue - expected.net_revenue) < 1e-6 * expected.net_revenue);
  // The worker is started with the page, so the import itself fetches nothing.
  check('no request after load (import included)', requests.length === loadRequests,
    JSON.stringify(requests.slice(loadRequests)));

  // Workspaces: the import made a second one. Settings are its own, survive a reload, and
  // switching never mixes the two; export and import of a workspace file; delete all.
  const items = () => page.$$eval('[data-testid=workspace]', (li) => li.map((l) => ({
    id: l.dataset.workspaceId, name: l.querySelector('[data-testid=workspace-open]')?.textContent,
    orders: Number(l.dataset.orders), open: l.classList.contains('ws-open') })));
  const toStart = async () => {
    await page.click('.brand');
    await page.waitForSelector('[data-testid=workspace-list]');
    await page.waitForTimeout(300);
  };
  const openWorkspace = async (name) => {
    await toStart();
    await page.click(`[data-testid=workspace]:has([data-testid=workspace-open]:text-is("${name}")) [data-testid=workspace-open]`);
    await page.waitForSelector('[data-testid=tiers]');
    await page.waitForSelector('[data-testid=busy]', { state: 'detached' });
    return { kpis: await kpis(page), period: await page.getAttribute('[data-testid=tiers]', 'data-period') };
  };
  await page.click('a[data-page=settings]');
  await page.selectOption('[data-testid=period]', 'quarter');
  await page.waitForTimeout(800); // settings are saved 400 ms after the last change
  await page.reload({ waitUntil: 'networkidle' });
  await page.waitForSelector('[data-testid=period]');
  check('reload keeps the workspace, the page and its settings',
    page.url().endsWith('#/settings') && await page.$eval('[data-testid=period]', (s) => s.value) === 'quarter');
  await toStart();
  const list = await items();
  check('two workspaces listed, the import named after its file',
    list.length === 2 && list.some((w) => w.name === 'sales-gbk'), JSON.stringify(list));
  await page.screenshot({ path: `${ARTIFACTS}/workspaces-zh.png`, fullPage: true });
  const demoName = list.find((w) => w.name !== 'sales-gbk').name;
  const a1 = await openWorkspace(demoName);
  const b1 = await openWorkspace('sales-gbk');
  const a2 = await openWorkspace(demoName);
  check('switching workspaces never mixes data or settings',
    a1.kpis.orders === expected.orders && a1.period === current.period
      && b1.kpis.orders === cli.orders && /Q/.test(b1.period)
      && JSON.stringify(a1) === JSON.stringify(a2), JSON.stringify([a1, b1, a2]));
  await toStart();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid=workspace]:has([data-testid=workspace-open]:text-is("sales-gbk")) [data-testid=workspace-export]'),
  ]);
  const exported = join(work, download.suggestedFilename());
  await download.saveAs(exported);
  await page.setInputFiles('[data-testid=import-workspace-input]', exported);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=workspace]').length === 3);
  const copies = (await items()).filter((w) => w.name === 'sales-gbk');
  check('an exported workspace file imports as a new workspace with the same data',
    download.suggestedFilename() === 'sales-gbk.tierlens' && copies.length === 2
      && copies.every((w) => w.orders === cli.orders), JSON.stringify(copies));
  await page.click('[data-testid=delete-all]');
  await page.click('[data-testid=delete-all-confirm]');
  await page.waitForSelector('[data-testid=workspace-empty]');
  await page.waitForTimeout(300);
  const dbs = await page.evaluate(() => indexedDB.databases().then((l) => l.map((d) => d.name)));
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tierlens.')));
  check('delete all data leaves no IndexedDB database and no tierlens.* localStorage key',
    dbs.length === 0 && keys.length === 0, JSON.stringify([dbs, keys]));

  check('no console errors', errors.length === 0, JSON.stringify(errors));
} finally {
  if (context) await context.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}

console.log(`\ne2e: ${passed} passed, ${failed} failed`);
console.log(`screenshots: ${ARTIFACTS}/`);
process.exit(failed === 0 ? 0 : 1);

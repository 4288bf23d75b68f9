// Screenshots of pages of a built bundle, for looking at what was built (not a test).
//   node tests/e2e/shot.mjs [--dist dist] [--lang zh|en] [--out tests/artifacts] [--width 1280]
//     [--element CSS] page...
// Each page is a hash route such as `dashboard` or `customers/C0001`; the demo is opened first.
// Console errors are printed.

import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const dist = opt('dist', 'dist');
const lang = opt('lang', 'zh');
const out = opt('out', 'tests/artifacts');
const width = Number(opt('width', '1280'));
// Only this element of each page (e.g. `[data-testid=model-check]`), not the whole page.
const element = opt('element', null);
const port = 20000 + Math.floor(Math.random() * 20000);
const origin = `http://127.0.0.1:${port}`;
const work = mkdtempSync(join(tmpdir(), 'tierlens-shot-'));
mkdirSync(out, { recursive: true });

const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1',
  '--directory', dist], { stdio: 'ignore' });
let context;
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${origin}/index.html`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    locale: lang === 'en' ? 'en-US' : 'zh-CN',
    viewport: { width, height: 800 },
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
  page.on('pageerror', (e) => console.log('page error:', String(e)));
  await page.goto(`${origin}/`, { waitUntil: 'networkidle' });
  await page.click('[data-testid=use-demo]');
  await page.waitForSelector('[data-kpi=orders]', { timeout: 60000 });
  for (const route of args) {
    await page.goto(`${origin}/#/${route}`);
    await page.waitForTimeout(1500);
    const file = join(out, `${route.replace(/[^a-z0-9]+/gi, '-')}-${lang}.png`);
    if (element) await page.locator(element).screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage: true });
    console.log(file);
  }
} finally {
  if (context) await context.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}

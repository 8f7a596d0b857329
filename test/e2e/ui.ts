// UI tests in code-server (VS Code in the browser) with the packaged extension installed:
// open the broken program, read its squiggle and the Problems panel, open the metrics panel
// from the command palette and read its page. The selectors are VS Code internals, pinned by
// the code-server version in run.sh: keep these few; the bulk lives in the extension host.
//   node --import tsx test/e2e/ui.ts WORKBENCH_URL ARTIFACTS_DIR
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { launch } from './browser.js';

const [url, artifacts] = process.argv.slice(2);
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `ui-${name}.png`) });

async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
  await page.keyboard.type(title, { delay: 10 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title.split(': ')[1]}"]`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { timeout: 10_000 });
  await page.keyboard.type(name, { delay: 20 });
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${name}"]`, { timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tabs-container .tab[aria-label*="${name}"]`, { timeout: 15_000 });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15_000 });
}

async function webviewFrame(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      if (await f.$(selector).catch(() => null)) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame with ${selector}`);
}

const { context, close } = await launch();
const page = context.pages()[0] ?? (await context.newPage());
const errors: string[] = [];
page.on('console', (m) => { if (m.type() === 'error' && /mlo/i.test(m.text())) errors.push(m.text().slice(0, 200)); });
const results: Record<string, unknown> = {};
let ok = false;
try {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row[aria-label*="broken.mlo"]', { timeout: 30_000 });
  log('workbench ready');

  await openFile(page, 'broken.mlo');
  await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
  log('squiggle');
  await page.keyboard.press('Control+Shift+M');
  await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20_000 });
  await page.waitForTimeout(500);
  const problems = await page.$$eval('.markers-panel .monaco-list-row', (rows) => rows.map((r) => `${r.getAttribute('aria-label') ?? ''} | ${r.textContent ?? ''}`));
  results.problems = problems;
  log('problems', problems);
  await shot(page, 'problems');
  assert.ok(problems.some((p) => /unknown name 'trian'/.test(p) && /MLO\d{3}/.test(p) && /line 6/.test(p)), 'the Problems panel lists the error, its code and line');

  await command(page, 'mlo: Show metrics panel');
  const frame = await webviewFrame(page, '#app header.toolbar', 30_000);
  results.panel = (await frame.textContent('header.toolbar'))?.replace(/\s+/g, ' ').trim();
  results.empty = await frame.textContent('#empty');
  log('panel', results.panel);
  await shot(page, 'metrics-panel');
  assert.match(String(results.panel), /Export CSV/);
  assert.match(String(results.empty), /No jobs yet/);

  // Run a sample from the palette and watch the panel fill with the job's steps.
  await openFile(page, 'ridge.mlo');
  await command(page, 'mlo: Run file');
  const steps = 30; // samples/ridge.mlo: run { steps 30 }
  const running = await webviewFrame(page, `[data-chart="loss"][data-points="${steps}"]`, 120_000);
  await running.waitForSelector('.job.state-completed', { timeout: 60_000 });
  results.job = (await running.textContent('.job'))?.replace(/\s+/g, ' ').trim();
  results.charts = await running.$$eval('[data-chart]', (els) => els.map((e) => `${e.getAttribute('data-chart')}:${e.getAttribute('data-points')}`));
  log('job', results.job, results.charts);
  await shot(page, 'run');
  assert.ok((results.charts as string[]).includes(`memory:${steps}`));
  ok = true;
} catch (e) {
  results.error = String(e);
  await shot(page, 'error').catch(() => undefined);
} finally {
  results.consoleErrors = errors;
  results.seconds = (Date.now() - t0) / 1000;
  console.log(JSON.stringify(results, null, 1));
  await close();
  process.exit(ok ? 0 : 1);
}

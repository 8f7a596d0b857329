// The metrics page alone, in headless Chromium: served with the same HTML and CSP VS Code
// gets, fed the recorded event streams through window messages the way the host sends them,
// with a stand-in for acquireVsCodeApi that records what the page posts and keeps its state.
// Checks: it renders, it updates as events arrive, the CSP holds, exports carry the stream's
// numbers, state survives a reload. Screenshots land in test/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pageHtml } from '../../client/src/panel/html.js';
import type { HostMessage, PageMessage } from '../../client/webview/messages.js';
import type { StepEvent, EvalEvent } from '../../server/src/engine/runner/events.js';
import { parseCsv, readStream } from './fixtures.js';

const root = process.cwd();
const CHROMIUM = process.env.MLO_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(root, 'test/artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set MLO_CHROMIUM)`;

let server: Server;
let origin: string;
let browser: Browser;

// Records every message the page posts and keeps setState across reloads (sessionStorage),
// as VS Code keeps a webview's state across a window reload.
// A string, not a function: the test is transpiled and helpers it might inject do not exist in the page.
const shim = `
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined,
    setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
  });`;

before(async () => {
  if (skip) return;
  const built = spawnSync(process.execPath, [join(root, 'client/scripts/build.mjs')], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const dist = join(root, 'client/dist');
  server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0];
    if (name === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(pageHtml({ cspSource: origin, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css` }));
    } else if (name === '/webview.js' || name === '/webview.css') {
      res.setHeader('content-type', name.endsWith('.js') ? 'text/javascript' : 'text/css');
      res.end(readFileSync(join(dist, name.slice(1))));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function open(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 1500 } });
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.addInitScript({ content: shim });
  await page.goto(origin);
  return { page, problems };
}

// The page's globals, typed here (the test itself compiles without the DOM library).
type PageGlobals = { __posted: PageMessage[]; postMessage(m: unknown, target: string): void };
const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).__posted);
const send = (page: Page, messages: HostMessage[]) => page.evaluate((ms) => { for (const m of ms) (globalThis as unknown as PageGlobals).postMessage(m, '*'); }, messages);
const points = (page: Page, chart: string) => page.getAttribute(`[data-chart="${chart}"]`, 'data-points');

test('renders the streams, updates as events arrive, exports the same numbers', { skip }, async () => {
  const cg = readStream('ridge-cg.jsonl');
  const unroll = readStream('ridge-unroll.jsonl');
  const { page, problems } = await open();
  try {
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__posted.some((m) => m.type === 'ready'));
    assert.equal(await page.isVisible('#empty'), true);

    // First half of one job: a running job with a Stop button and 15 points.
    const half = cg.findIndex((e) => e.type === 'step' && e.step === 15) + 1;
    await send(page, cg.slice(0, half).map((event) => ({ type: 'event', jobId: 'j1', label: 'ridge #j1 (cg)', event })));
    await page.waitForSelector('[data-chart="loss"][data-points="15"]');
    assert.equal(await page.getAttribute('[data-job="j1"]', 'data-step'), '15');
    assert.equal(await page.isVisible('[data-job="j1"] button.stop'), true);
    assert.match(await page.textContent('[data-job="j1"] .job-backend') ?? '', /onnx · cpu · compiled/);
    assert.match(await page.textContent('[data-job="j1"] .job-memory') ?? '', /estimated 176 KiB/);
    await page.click('[data-job="j1"] button.stop');
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'stop'), [{ type: 'stop', jobId: 'j1' }]);

    // The rest, and a second job in another mode side by side.
    await send(page, cg.slice(half).map((event) => ({ type: 'event', jobId: 'j1', label: 'ridge #j1 (cg)', event })));
    await send(page, unroll.map((event) => ({ type: 'event', jobId: 'j2', label: 'ridge #j2 (unroll)', event })));
    await page.waitForSelector('[data-chart="loss"][data-points="30"][data-series="4"]');
    for (const chart of ['gradNorm', 'metrics', 'throughput', 'stepMs', 'memory']) assert.ok(Number(await points(page, chart)) > 0, chart);
    assert.equal(await points(page, 'metrics'), '3', 'evals at 10, 20, 30');
    assert.match(await page.textContent('[data-job="j2"] .badge') ?? '', /completed/);
    assert.match(await page.textContent('[data-job="j2"] .job-warning') ?? '', /truncated/);
    const legend = await page.$$eval('[data-chart="memory"] .u-legend .u-label', (els) => els.map((e) => e.textContent));
    assert.ok(legend.includes('ridge #j1 (cg) · estimated peak'), JSON.stringify(legend));
    assert.ok(!legend.includes('ridge #j2 (unroll) · estimated peak'));

    // Pause, and zoom by dragging over the loss chart: following stops until Reset zoom.
    await page.click('#follow');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'false');
    await page.click('#reset-zoom');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'true');
    const over = (await page.$('[data-chart="loss"] .u-over'))!;
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'false', 'a zoom pauses following');
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(ARTIFACTS, 'panel-zoomed.png'), fullPage: true });
    await page.dblclick('[data-chart="loss"] .u-over');
    assert.equal(await page.getAttribute('#follow', 'aria-pressed'), 'true', 'double click shows the whole run again');

    // Exports.
    await page.click('#export-csv');
    await page.click('#export-json');
    await page.click('#export-png');
    const exports = (await posted(page)).filter((m) => m.type === 'export');
    const csv = exports.find((m) => m.format === 'csv') as { content: string; fileName: string };
    assert.equal(csv.fileName, 'ridge-2-jobs-metrics.csv');
    const rows = parseCsv(csv.content);
    for (const [jobId, events] of [['j1', cg], ['j2', unroll]] as const) {
      const steps = events.filter((e): e is StepEvent => e.type === 'step');
      const mine = rows.filter((r) => r.job === jobId);
      assert.deepEqual(mine.map((r) => Number(r.step)), steps.map((s) => s.step));
      assert.deepEqual(mine.map((r) => Number(r['loss:tune'])), steps.map((s) => s.levels.tune.loss));
      assert.deepEqual(mine.map((r) => Number(r['gradNorm:tune'])), steps.map((s) => s.levels.tune.gradNorm));
      assert.deepEqual(mine.map((r) => Number(r.liveBytes)), steps.map((s) => s.memory.liveBytes));
      const evals = events.filter((e): e is EvalEvent => e.type === 'eval');
      assert.deepEqual(mine.filter((r) => r['metric:lambda'] !== '').map((r) => Number(r['metric:lambda'])), evals.map((e) => e.metrics.lambda));
    }
    const json = JSON.parse((exports.find((m) => m.format === 'json') as { content: string }).content);
    assert.deepEqual(json.jobs.map((j: { events: unknown[] }) => j.events), [cg, unroll]);
    const png = Buffer.from((exports.find((m) => m.format === 'png') as { dataUrl: string }).dataUrl.split(',')[1], 'base64');
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.ok(png.readUInt32BE(16) >= 400 && png.readUInt32BE(20) > 6 * 220, `PNG ${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`);
    writeFileSync(join(ARTIFACTS, 'panel-export.png'), png);
    await page.screenshot({ path: join(ARTIFACTS, 'panel.png'), fullPage: true });

    // State: after a reload (no replay from a host) the page draws the same jobs from setState.
    await page.waitForTimeout(700); // setState is batched every 500 ms
    await page.reload();
    await page.waitForSelector('[data-chart="loss"][data-points="30"][data-series="4"]');
    assert.equal(await page.getAttribute('[data-job="j1"]', 'data-step'), '30');

    assert.deepEqual(problems.filter((p) => /Content.Security|Refused|Error/i.test(p)), [], 'no CSP violations or page errors');
  } finally {
    await page.close();
  }
});

test('a replay from the host replaces what the page had for those jobs', { skip }, async () => {
  const cg = readStream('ridge-cg.jsonl');
  const { page } = await open();
  try {
    await send(page, cg.slice(0, 5).map((event) => ({ type: 'event', jobId: 'j1', label: 'a', event })));
    await send(page, [{ type: 'replay', jobs: [{ jobId: 'j1', label: 'ridge #j1', state: 'completed', events: cg }] }]);
    await page.waitForSelector('[data-chart="loss"][data-points="30"][data-series="2"]');
    assert.equal(await page.textContent('[data-job="j1"] .job-label'), 'ridge #j1');
    assert.equal(await page.isVisible('[data-job="j1"] button.remove'), true);
    // Hiding a job takes it out of the charts (with one job left, the charts go away).
    await page.click('[data-job="j1"] input[type=checkbox]');
    await page.waitForSelector('[data-chart="loss"]', { state: 'detached' });
  } finally {
    await page.close();
  }
});

test('real recordings of `mlo run --json` (cg and unrolled) render side by side and export their numbers', { skip }, async () => {
  const cg = readStream('recorded/ridge-cg.jsonl');
  const unrolled = readStream('recorded/ridge-unrolled.jsonl');
  const { page, problems } = await open();
  try {
    await send(page, cg.map((event) => ({ type: 'event', jobId: 'cg', label: 'ridge (cg)', event })));
    await send(page, unrolled.map((event) => ({ type: 'event', jobId: 'unrolled', label: 'ridge (unrolled)', event })));
    const n = cg.filter((e) => e.type === 'step').length;
    await page.waitForSelector(`[data-chart="loss"][data-points="${n}"][data-series="4"]`);
    assert.match(await page.textContent('[data-job="cg"] .job-backend') ?? '', /onnx/);
    await page.click('#export-csv');
    const csv = (await posted(page)).find((m) => m.type === 'export' && m.format === 'csv') as { content: string };
    const rows = parseCsv(csv.content).filter((r) => r.job === 'unrolled');
    const steps = unrolled.filter((e): e is StepEvent => e.type === 'step');
    assert.deepEqual(rows.map((r) => Number(r['loss:tune'])), steps.map((s) => s.levels.tune.loss));
    await page.screenshot({ path: join(ARTIFACTS, 'panel-recorded.png'), fullPage: true });
    assert.deepEqual(problems.filter((p) => /Content.Security|Refused|Error/i.test(p)), []);
  } finally {
    await page.close();
  }
});

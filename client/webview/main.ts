// The metrics page: receives job events from the host, keeps them in a MetricsStore, draws
// job cards and charts, and answers the toolbar (follow, zoom, log scale, exports).
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { HostMessage } from './messages.js';
import { MetricsStore, type Change, type JobSeries } from './store.js';
import { buildCharts, type ChartSpec } from './chart-data.js';
import { Chart } from './charts.js';
import { toCsv, toJson, exportName } from './export.js';
import { composePng } from './png.js';
import { readTheme, type Theme } from './theme.js';
import { vscodeApi } from './vscode-api.js';
import { formatBytes, formatValue } from './format.js';

const api = vscodeApi();
const store = new MetricsStore();
const saved = api.getState();
const ui = {
  follow: saved?.follow ?? true,
  logLoss: saved?.logLoss ?? false,
  hidden: new Set(saved?.hidden ?? []),
  xRange: undefined as [number, number] | undefined,
};
if (saved?.jobs) store.replace(saved.jobs);

// ---- layout ----
const app = document.getElementById('app')!;
app.innerHTML = `
<header class="toolbar" role="toolbar" aria-label="Metrics">
  <button id="follow" aria-pressed="true" title="Follow new steps (pause to inspect)">Pause</button>
  <button id="reset-zoom" title="Show the whole run (or double-click a chart)">Reset zoom</button>
  <label><input type="checkbox" id="log-loss"> log scale</label>
  <span class="spacer"></span>
  <button id="export-csv">Export CSV</button>
  <button id="export-json">Export JSON</button>
  <button id="export-png">Export PNG</button>
</header>
<section id="jobs" aria-label="Jobs"></section>
<p id="empty" class="empty">No jobs yet. Run an <code>.mlo</code> file (mlo: Run file) and its metrics appear here.</p>
<main id="charts"></main>`;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const chartsEl = $('charts');
const jobsEl = $('jobs');
const charts = new Map<ChartSpec['id'], Chart>();
let theme: Theme = readTheme();
let lastSpecs: ChartSpec[] = [];

const shown = (): JobSeries[] => store.list().filter((j) => !ui.hidden.has(j.jobId));

// ---- rendering, batched: many events in one frame draw once ----
let pending: Change = 'none';
let timer: ReturnType<typeof setTimeout> | undefined;
function schedule(change: Change): void {
  if (change === 'none') return;
  pending = pending === 'shape' || change === 'shape' ? 'shape' : 'data';
  timer ??= setTimeout(render, 30);
}

function render(): void {
  timer = undefined;
  pending = 'none';
  renderJobs();
  const specs = buildCharts(shown(), { logLoss: ui.logLoss });
  lastSpecs = specs;
  const width = chartWidth();
  for (const [id, chart] of charts) {
    if (!specs.some((s) => s.id === id)) {
      chart.destroy();
      charts.delete(id);
    }
  }
  for (const spec of specs) {
    let chart = charts.get(spec.id);
    if (!chart) {
      chart = new Chart(chartsEl, spec.id, { zoom, resetZoom });
      charts.set(spec.id, chart);
    }
    chart.update(spec, theme, width, ui.follow ? undefined : ui.xRange);
  }
  // Keep the charts in the order buildCharts gives.
  for (const spec of specs) chartsEl.appendChild(charts.get(spec.id)!.element);
  $('empty').hidden = store.jobs.size > 0;
  document.body.dataset.events = String(store.list().reduce((n, j) => n + j.events.length, 0));
  persist();
}

function chartWidth(): number {
  const w = chartsEl.clientWidth;
  const columns = w >= 1000 ? 2 : 1;
  return Math.floor((w - (columns - 1) * 12) / columns) - 4;
}

function renderJobs(): void {
  const cards = store.list().map((j) => jobCard(j));
  jobsEl.replaceChildren(...cards);
}

function jobCard(j: JobSeries): HTMLElement {
  const card = document.createElement('article');
  card.className = `job state-${j.state}`;
  card.dataset.job = j.jobId;
  const last = j.steps.at(-1);
  card.dataset.step = last === undefined ? '' : String(last);
  const b = j.start?.backend;
  const lossLine = j.levels
    .map((l) => `${l} ${formatValue(j.loss[l].at(-1))}`)
    .join(' · ');
  const peak = j.peakBytes.filter((v): v is number => v !== null).reduce((m, v) => Math.max(m, v), 0);
  const est = j.start?.estimatedPeakBytes;
  const warn = j.warnings.at(-1);
  const el = (tag: string, cls: string, text: string) => {
    const e = document.createElement(tag);
    e.className = cls;
    e.textContent = text;
    return e;
  };
  const head = document.createElement('div');
  head.className = 'job-head';
  const toggle = document.createElement('input');
  toggle.type = 'checkbox';
  toggle.checked = !ui.hidden.has(j.jobId);
  toggle.title = 'Show this job in the charts';
  toggle.addEventListener('change', () => {
    if (toggle.checked) ui.hidden.delete(j.jobId);
    else ui.hidden.add(j.jobId);
    schedule('shape');
  });
  head.append(toggle, el('strong', 'job-label', j.label), el('span', 'badge', j.state));
  if (j.state === 'running' || j.state === 'queued') {
    const stop = el('button', 'stop', 'Stop');
    stop.addEventListener('click', () => api.postMessage({ type: 'stop', jobId: j.jobId }));
    head.append(stop);
  } else {
    const remove = el('button', 'remove', 'Remove');
    remove.title = 'Remove this job from the panel';
    remove.addEventListener('click', () => {
      store.remove(j.jobId);
      schedule('shape');
    });
    head.append(remove);
  }
  card.append(head);
  const steps = j.start?.job.steps;
  card.append(el('div', 'job-progress', `step ${last ?? 0}${steps ? ` / ${steps}` : ''}${j.end ? ` · ${j.end.seconds.toFixed(1)} s` : ''}`));
  if (b) {
    // The note can be long (why other backends did not load): a tooltip, not a line.
    const line = el('div', 'job-backend', `${b.name} · ${b.device} · ${b.compiled ? 'compiled' : 'eager'}${b.note ? ' ⓘ' : ''}`);
    if (b.note) line.title = b.note;
    card.append(line);
  }
  if (lossLine) card.append(el('div', 'job-loss', lossLine));
  if (peak || est !== undefined) {
    card.append(el('div', 'job-memory', `peak ${formatBytes(peak)}${est !== undefined ? ` (estimated ${formatBytes(est)})` : ''}`));
  }
  if (j.message) card.append(el('div', 'job-message', j.message));
  else if (warn) card.append(el('div', 'job-warning', `⚠ ${warn.message}`));
  return card;
}

// ---- zoom and follow ----
function zoom(min: number, max: number): void {
  ui.follow = false;
  ui.xRange = [min, max];
  syncToolbar();
  schedule('data');
}
function resetZoom(): void {
  ui.follow = true;
  ui.xRange = undefined;
  syncToolbar();
  schedule('data');
}
function syncToolbar(): void {
  const f = $('follow');
  f.textContent = ui.follow ? 'Pause' : 'Follow';
  f.setAttribute('aria-pressed', String(ui.follow));
  ($('log-loss') as HTMLInputElement).checked = ui.logLoss;
}
$('follow').addEventListener('click', () => {
  if (ui.follow) {
    // Pause where the view is now: the whole run so far.
    const xs = lastSpecs[0]?.data[0] ?? [];
    ui.follow = false;
    ui.xRange = xs.length ? [xs[0] as number, xs[xs.length - 1] as number] : undefined;
    syncToolbar();
    schedule('data');
  } else resetZoom();
});
$('reset-zoom').addEventListener('click', resetZoom);
$('log-loss').addEventListener('change', () => {
  ui.logLoss = ($('log-loss') as HTMLInputElement).checked;
  schedule('shape');
});

// ---- export ----
$('export-csv').addEventListener('click', () => api.postMessage({ type: 'export', format: 'csv', fileName: exportName(shown(), 'csv'), content: toCsv(shown()) }));
$('export-json').addEventListener('click', () => api.postMessage({ type: 'export', format: 'json', fileName: exportName(shown(), 'json'), content: toJson(shown()) }));
$('export-png').addEventListener('click', () => {
  if (timer) {
    clearTimeout(timer);
    render(); // draw what has arrived before taking the picture
  }
  const parts = lastSpecs.flatMap((spec) => {
    const canvas = charts.get(spec.id)?.canvas();
    return canvas ? [{ spec, canvas }] : [];
  });
  const title = `mlo metrics — ${shown().map((j) => j.label).join(', ')}`;
  api.postMessage({ type: 'export', format: 'png', fileName: exportName(shown(), 'png'), dataUrl: composePng(parts, theme, title) });
});

// ---- state: kept across hide/show and window reloads ----
let persistTimer: ReturnType<typeof setTimeout> | undefined;
function persist(): void {
  persistTimer ??= setTimeout(() => {
    persistTimer = undefined;
    api.setState({ jobs: store.snapshot(), follow: ui.follow, logLoss: ui.logLoss, hidden: [...ui.hidden] });
  }, 500);
}

// ---- messages from the host ----
window.addEventListener('message', (ev: MessageEvent<HostMessage>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'replay':
      store.replace(m.jobs);
      schedule('shape');
      break;
    case 'event':
      schedule(store.apply(m.jobId, m.label, m.event));
      break;
    case 'state':
      schedule(store.setState(m.jobId, m.label, m.state, m.message));
      break;
  }
});

// Theme switches change the CSS variables (and body's class): redraw with the new colours.
new MutationObserver(() => {
  theme = readTheme();
  schedule('shape');
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });
new ResizeObserver(() => schedule('data')).observe(chartsEl);

syncToolbar();
schedule('shape');
api.postMessage({ type: 'ready' });

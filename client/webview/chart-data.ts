// Which charts the panel draws and their data, aligned on a common x axis (steps) across every
// shown job, as uPlot wants it: [xs, ys1, ys2, …] with null where a series has no point.
// Pure: the page draws what this returns; tests check it without a browser.
import type { Column, JobSeries } from './store.js';

export type Unit = 'value' | 'bytes' | 'count' | 'ms';

export interface SeriesSpec {
  label: string;
  /** Index into the palette; series of one job share a dash pattern. */
  color: number;
  dash: number;
  /** The estimate line: drawn dashed and thin. */
  estimate?: boolean;
}

export interface ChartSpec {
  id: 'loss' | 'gradNorm' | 'metrics' | 'throughput' | 'stepMs' | 'memory';
  title: string;
  unit: Unit;
  /** Log scale is offered where values are positive by nature. */
  logScale: boolean;
  series: SeriesSpec[];
  data: Column[];
}

interface RawSeries {
  label: string;
  xs: number[];
  ys: Column;
  estimate?: boolean;
}

/** Align several (xs, ys) series on the sorted union of their xs. */
export function align(series: { xs: number[]; ys: Column }[]): Column[] {
  const xs = [...new Set(series.flatMap((s) => s.xs))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const out: Column[] = [xs];
  for (const s of series) {
    const col: Column = new Array(xs.length).fill(null);
    s.xs.forEach((x, i) => (col[at.get(x)!] = s.ys[i] ?? null));
    out.push(col);
  }
  return out;
}

const hasData = (c: Column | undefined) => !!c && c.some((v) => v !== null);

export function buildCharts(jobs: JobSeries[], opts: { logLoss: boolean }): ChartSpec[] {
  const many = jobs.length > 1;
  const name = (j: JobSeries, what: string) => (many ? `${j.label} · ${what}` : what);
  const charts: ChartSpec[] = [];
  const add = (id: ChartSpec['id'], title: string, unit: Unit, logScale: boolean, raw: { job: number; s: RawSeries }[]) => {
    const present = raw.filter((r) => hasData(r.s.ys));
    if (present.length === 0) return;
    charts.push({
      id, title, unit, logScale,
      series: present.map((r, i) => ({ label: r.s.label, color: i, dash: r.job, estimate: r.s.estimate })),
      data: align(present.map((r) => r.s)),
    });
  };
  const perJob = (f: (j: JobSeries) => RawSeries[]) => jobs.flatMap((j, job) => f(j).map((s) => ({ job, s })));

  const positive = (cols: Column[]) => cols.every((c) => c.every((v) => v === null || v > 0));
  const lossCols = jobs.flatMap((j) => j.levels.map((l) => j.loss[l]));
  add('loss', 'Loss per level', 'value', opts.logLoss && positive(lossCols),
    perJob((j) => j.levels.map((l) => ({ label: name(j, l), xs: j.steps, ys: j.loss[l] }))));
  add('gradNorm', 'Hypergradient / gradient norm', 'value', opts.logLoss && positive(jobs.flatMap((j) => j.levels.map((l) => j.gradNorm[l]))),
    perJob((j) => j.levels.map((l) => ({ label: name(j, `‖∇${l}‖`), xs: j.steps, ys: j.gradNorm[l] }))));
  add('metrics', 'Reported metrics (eval)', 'value', false,
    perJob((j) => j.metricNames.map((m) => ({ label: name(j, m), xs: j.evalSteps, ys: j.metrics[m] }))));
  add('throughput', 'Throughput (examples/s)', 'count', false,
    perJob((j) => [{ label: name(j, 'examples/s'), xs: j.steps, ys: j.examplesPerSec }]));
  add('stepMs', 'Step time (ms)', 'ms', false, perJob((j) => [{ label: name(j, 'ms/step'), xs: j.steps, ys: j.stepMs }]));
  add('memory', 'Memory', 'bytes', false,
    perJob((j) => {
      const est = j.start?.estimatedPeakBytes;
      return [
        { label: name(j, 'live'), xs: j.steps, ys: j.liveBytes },
        { label: name(j, 'peak'), xs: j.steps, ys: j.peakBytes },
        // The estimate is one number: drawn as a flat line over the job's steps, beside the measured peak.
        ...(est !== undefined && j.steps.length ? [{ label: name(j, 'estimated peak'), xs: j.steps, ys: j.steps.map(() => est), estimate: true }] : []),
      ];
    }));
  return charts;
}

// Export of the panel's data: CSV (one row per job and step, every number as the stream gave
// it) and JSON (the events themselves, in the docs/events.md format, per job).
import type { JobSeries } from './store.js';

/** A number exactly as JSON would write it (shortest round-trip form); empty for missing. */
function cell(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(jobs: JobSeries[]): string {
  const levels = [...new Set(jobs.flatMap((j) => j.levels))];
  const withGrad = levels.filter((l) => jobs.some((j) => j.gradNorm[l]?.some((v) => v !== null)));
  const metrics = [...new Set(jobs.flatMap((j) => j.metricNames))];
  const header = [
    'job', 'step',
    ...levels.map((l) => `loss:${l}`),
    ...withGrad.map((l) => `gradNorm:${l}`),
    'stepMs', 'examplesPerSec', 'liveBytes', 'peakBytes',
    ...metrics.map((m) => `metric:${m}`),
  ];
  const lines = [header.map(quote).join(',')];
  for (const j of jobs) {
    const stepRow = new Map(j.steps.map((s, i) => [s, i]));
    const evalRow = new Map(j.evalSteps.map((s, i) => [s, i]));
    const all = [...new Set([...j.steps, ...j.evalSteps])].sort((a, b) => a - b);
    for (const s of all) {
      const i = stepRow.get(s);
      const k = evalRow.get(s);
      const at = (col: (number | null)[] | undefined, idx: number | undefined) => (idx === undefined || !col ? '' : cell(col[idx]));
      lines.push([
        quote(j.jobId), String(s),
        ...levels.map((l) => at(j.loss[l], i)),
        ...withGrad.map((l) => at(j.gradNorm[l], i)),
        at(j.stepMs, i), at(j.examplesPerSec, i), at(j.liveBytes, i), at(j.peakBytes, i),
        ...metrics.map((m) => at(j.metrics[m], k)),
      ].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export interface JsonExport {
  format: 'mlo-metrics';
  version: 1;
  jobs: { jobId: string; label: string; state: string; events: unknown[] }[];
}

export function toJson(jobs: JobSeries[]): string {
  const out: JsonExport = {
    format: 'mlo-metrics',
    version: 1,
    jobs: jobs.map((j) => ({ jobId: j.jobId, label: j.label, state: j.state, events: j.events })),
  };
  return JSON.stringify(out, null, 1) + '\n';
}

/** A file name for an export: the first job's file stem and the time, e.g. ridge-metrics.csv. */
export function exportName(jobs: JobSeries[], ext: string): string {
  const file = jobs[0]?.start?.job.file.split(/[\\/]/).at(-1)?.replace(/\.mlo$/, '') ?? 'mlo';
  return `${file}${jobs.length > 1 ? `-${jobs.length}-jobs` : ''}-metrics.${ext}`;
}

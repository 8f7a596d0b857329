// How `mlo run` shows a job: the event stream as JSON lines (--json), a progress bar with a
// live summary line on a terminal, or one plain line per event when stdout is not a TTY.
import cliProgress from 'cli-progress';
import type { JobEvent, StepEvent } from '../engine/runner/events.js';

export type Display = { event(e: JobEvent): void; close(): void };

const fmt = (x: number): string => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toPrecision(4));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;

/**
 * What a display remembers across events: the step count, and the job's peak so far — a step
 * event carries the tracker's peak during that step, which on the compiled path is only the
 * memory that step added (ONNX Runtime's arena is resident after the first step).
 */
interface Progress {
  total: number;
  peak: number;
}

function observe(p: Progress, e: JobEvent): void {
  if (e.type === 'start') p.total = e.job.steps;
  if (e.type === 'step') p.peak = Math.max(p.peak, e.memory.jobPeakBytes ?? e.memory.peakBytes);
}

function summary(e: StepEvent, p: Progress): string {
  const lv = Object.entries(e.levels)
    .map(([n, m]) => `${n} ${fmt(m.loss)}${m.gradNorm !== undefined ? ` |g| ${fmt(m.gradNorm)}` : ''}`)
    .join('  ');
  return `step ${e.step}/${p.total}  ${lv}  ${e.stepMs.toFixed(1)} ms/step  peak ${mib(p.peak)}`;
}

function line(e: JobEvent, p: Progress): string | undefined {
  switch (e.type) {
    case 'start':
      return `mlo run ${e.job.file}: ${e.job.steps} steps, seed ${e.job.seed}, backend ${e.backend.note ?? e.backend.name}${e.resumedFrom ? `, resumed from ${e.resumedFrom.path} at step ${e.resumedFrom.step}` : ''}`;
    case 'step':
      return summary(e, p);
    case 'eval':
      return `eval at step ${e.step}: ${Object.entries(e.metrics).map(([k, v]) => `${k} ${fmt(v)}`).join('  ')}`;
    case 'warning':
      return `warning${e.step !== undefined ? ` (step ${e.step})` : ''}: ${e.message}`;
    case 'checkpoint':
      return undefined;
    case 'end':
      return `${e.status} after ${e.steps} steps in ${e.seconds.toFixed(1)} s, peak ${mib(e.peakBytes)}${e.checkpoint ? `; checkpoint ${e.checkpoint}` : ''}${e.message ? `\n${e.message}` : ''}`;
  }
}

export function jsonDisplay(out: (s: string) => void): Display {
  return { event: (e) => out(JSON.stringify(e)), close: () => {} };
}

export function plainDisplay(out: (s: string) => void): Display {
  const p: Progress = { total: 0, peak: 0 };
  return {
    event(e) {
      observe(p, e);
      const l = line(e, p);
      if (l !== undefined) out(l);
    },
    close() {},
  };
}

/** A progress bar plus a live summary line (terminals). */
export function ttyDisplay(): Display {
  const multi = new cliProgress.MultiBar({ format: '{bar} {percentage}% | {summary}', hideCursor: true, clearOnComplete: false, stopOnComplete: false }, cliProgress.Presets.shades_classic);
  let bar: cliProgress.SingleBar | undefined;
  const p: Progress = { total: 0, peak: 0 };
  let last = '';
  return {
    event(e) {
      observe(p, e);
      if (e.type === 'start') {
        multi.log(`${line(e, p)}\n`);
        bar = multi.create(p.total, e.resumedFrom?.step ?? 0, { summary: 'starting' });
      } else if (e.type === 'step') {
        last = summary(e, p);
        bar?.update(e.step, { summary: last });
      } else if (e.type === 'eval' || e.type === 'warning') {
        multi.log(`${line(e, p)}\n`);
      } else if (e.type === 'end') {
        bar?.update(e.steps, { summary: last || e.status });
        multi.stop();
        process.stdout.write(`${line(e, p)}\n`);
      }
    },
    close() {
      multi.stop();
    },
  };
}

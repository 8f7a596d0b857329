// The panel's model: every job's event stream turned into aligned columns, one array per
// quantity, ready for charts and export. Pure (no DOM): tested in node and reused by export.
// Readers ignore what they do not know (docs/events.md), so unknown event types and fields pass.
import type { CheckpointEvent, EndEvent, JobEvent, StartEvent, WarningEvent } from '../../server/src/engine/runner/events.js';
import type { JobStateName } from '../../server/src/lsp/protocol.js';
import type { JobSnapshot } from './messages.js';

export type Column = (number | null)[];

export interface JobSeries {
  jobId: string;
  label: string;
  state: JobStateName;
  message?: string;
  start?: StartEvent;
  end?: EndEvent;
  /** Every event as received, for export and for restoring the page. */
  events: JobEvent[];
  /** Level names in the order the start event lists them (then in order of appearance). */
  levels: string[];
  steps: number[];
  loss: Record<string, Column>;
  gradNorm: Record<string, Column>;
  stepMs: Column;
  examplesPerSec: Column;
  liveBytes: Column;
  peakBytes: Column;
  evalSteps: number[];
  metricNames: string[];
  metrics: Record<string, Column>;
  warnings: WarningEvent[];
  checkpoints: CheckpointEvent[];
}

/** What an update changed: `shape` when a chart needs new series (a new job, level or metric). */
export type Change = 'none' | 'data' | 'shape';

function emptySeries(jobId: string, label: string): JobSeries {
  return {
    jobId, label, state: 'queued', events: [], levels: [], steps: [], loss: {}, gradNorm: {},
    stepMs: [], examplesPerSec: [], liveBytes: [], peakBytes: [],
    evalSteps: [], metricNames: [], metrics: {}, warnings: [], checkpoints: [],
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export class MetricsStore {
  readonly jobs = new Map<string, JobSeries>();

  /** Jobs in the order they first appeared. */
  list(): JobSeries[] {
    return [...this.jobs.values()];
  }

  private job(jobId: string, label: string): { job: JobSeries; created: boolean } {
    const existing = this.jobs.get(jobId);
    if (existing) {
      if (label) existing.label = label;
      return { job: existing, created: false };
    }
    const job = emptySeries(jobId, label || jobId);
    this.jobs.set(jobId, job);
    return { job, created: true };
  }

  setState(jobId: string, label: string, state: JobStateName, message?: string): Change {
    const { job, created } = this.job(jobId, label);
    job.state = state;
    job.message = message;
    return created ? 'shape' : 'data';
  }

  apply(jobId: string, label: string, e: JobEvent): Change {
    const { job, created } = this.job(jobId, label);
    const change = this.applyTo(job, e);
    return created ? 'shape' : change;
  }

  /** Replace these jobs with their snapshots (the host's replay is the truth for them). */
  replace(snapshots: JobSnapshot[]): void {
    for (const s of snapshots) {
      const job = emptySeries(s.jobId, s.label);
      this.jobs.set(s.jobId, job);
      for (const e of s.events) this.applyTo(job, e);
      job.state = s.state;
    }
  }

  remove(jobId: string): void {
    this.jobs.delete(jobId);
  }

  snapshot(): JobSnapshot[] {
    return this.list().map((j) => ({ jobId: j.jobId, label: j.label, state: j.state, events: j.events }));
  }

  private applyTo(job: JobSeries, e: JobEvent): Change {
    job.events.push(e);
    switch (e.type) {
      case 'start': {
        job.start = e;
        job.end = undefined;
        if (job.state === 'queued') job.state = 'running';
        const before = job.levels.length;
        for (const l of e.levels) this.level(job, l.name);
        return job.levels.length !== before ? 'shape' : 'data';
      }
      case 'step': {
        let shape = false;
        // A step at or before the last one: the job resumed from an earlier checkpoint.
        const cut = job.steps.findIndex((s) => s >= e.step);
        if (cut >= 0) this.truncateSteps(job, cut);
        for (const name of Object.keys(e.levels ?? {})) shape = this.level(job, name) || shape;
        job.steps.push(e.step);
        for (const name of job.levels) {
          const m = e.levels?.[name];
          job.loss[name].push(num(m?.loss));
          job.gradNorm[name].push(num(m?.gradNorm));
        }
        job.stepMs.push(num(e.stepMs));
        job.examplesPerSec.push(num(e.examplesPerSec));
        job.liveBytes.push(num(e.memory?.liveBytes));
        job.peakBytes.push(num(e.memory?.peakBytes));
        return shape ? 'shape' : 'data';
      }
      case 'eval': {
        let shape = false;
        const cut = job.evalSteps.findIndex((s) => s >= e.step);
        if (cut >= 0) {
          job.evalSteps.length = cut;
          for (const n of job.metricNames) job.metrics[n].length = cut;
        }
        for (const name of Object.keys(e.metrics ?? {})) {
          if (!job.metrics[name]) {
            job.metricNames.push(name);
            job.metrics[name] = job.evalSteps.map(() => null);
            shape = true;
          }
        }
        job.evalSteps.push(e.step);
        for (const name of job.metricNames) job.metrics[name].push(num(e.metrics?.[name]));
        return shape ? 'shape' : 'data';
      }
      case 'warning':
        job.warnings.push(e);
        return 'data';
      case 'checkpoint':
        job.checkpoints.push(e);
        return 'data';
      case 'end':
        job.end = e;
        job.state = e.status;
        job.message = e.message;
        return 'data';
      default:
        return 'none'; // a newer event type: kept in `events`, not charted
    }
  }

  /** Adds a level column (padded with nulls); true when it is new. */
  private level(job: JobSeries, name: string): boolean {
    if (job.loss[name]) return false;
    job.levels.push(name);
    job.loss[name] = job.steps.map(() => null);
    job.gradNorm[name] = job.steps.map(() => null);
    return true;
  }

  private truncateSteps(job: JobSeries, n: number): void {
    job.steps.length = n;
    for (const name of job.levels) {
      job.loss[name].length = n;
      job.gradNorm[name].length = n;
    }
    job.stepMs.length = n;
    job.examplesPerSec.length = n;
    job.liveBytes.length = n;
    job.peakBytes.length = n;
  }
}

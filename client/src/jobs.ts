// What the extension knows about jobs: their state (mlo/jobState) and their event stream
// (mlo/jobEvent), kept so the status bar can summarise the running job and a metrics panel
// opened late (or reloaded) can be replayed every event. No vscode import: tested in node.
import type { EndEvent, JobEvent, StartEvent, StepEvent } from '../../server/src/engine/runner/events.js';
import { FINAL_JOB_STATES, type JobEventParams, type JobStateName, type JobStateParams } from '../../server/src/lsp/protocol.js';

/** Events kept per job for replay; a longer run keeps its first and latest events. */
export const MAX_EVENTS_PER_JOB = 100_000;

export interface Job {
  jobId: string;
  uri: string;
  level?: string;
  state: JobStateName;
  message?: string;
  start?: StartEvent;
  last?: StepEvent;
  end?: EndEvent;
  events: JobEvent[];
  /** Order of creation, to find the most recent job. */
  seq: number;
}

type Listener = (job: Job) => void;

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  /** Called on every state change and every event; returns an unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A job the client itself started, known before the server sends its first state. */
  started(jobId: string, uri: string, level?: string): Job {
    return this.ensure(jobId, uri, level);
  }

  state(p: JobStateParams): void {
    const job = this.ensure(p.jobId, p.uri, p.level);
    // A late 'running' after a final state (out-of-order delivery) must not resurrect the job.
    if (this.isFinal(job) && !FINAL_JOB_STATES.includes(p.state)) return;
    job.state = p.state;
    job.message = p.message;
    this.emit(job);
  }

  event(p: JobEventParams): void {
    const job = this.ensure(p.jobId, p.event.type === 'start' ? p.event.job.file : '');
    const e = p.event;
    if (job.events.length >= MAX_EVENTS_PER_JOB) job.events.splice(1, 1); // keep `start`
    job.events.push(e);
    if (e.type === 'start') {
      job.start = e;
      if (job.state === 'queued') job.state = 'running';
    } else if (e.type === 'step') job.last = e;
    else if (e.type === 'end') {
      job.end = e;
      job.state = e.status;
      job.message = e.message;
    }
    this.emit(job);
  }

  get(jobId: string): Job | undefined {
    return this.jobs.get(jobId);
  }

  all(): Job[] {
    return [...this.jobs.values()].sort((a, b) => a.seq - b.seq);
  }

  running(): Job[] {
    return this.all().filter((j) => !this.isFinal(j));
  }

  /** The most recently started job that is still going, else the most recent one. */
  current(): Job | undefined {
    const live = this.running();
    return live.at(-1) ?? this.all().at(-1);
  }

  isFinal(job: Job): boolean {
    return FINAL_JOB_STATES.includes(job.state);
  }

  private ensure(jobId: string, uri: string, level?: string): Job {
    let job = this.jobs.get(jobId);
    if (!job) {
      job = { jobId, uri, level, state: 'queued', events: [], seq: this.seq++ };
      this.jobs.set(jobId, job);
    }
    if (!job.uri && uri) job.uri = uri;
    if (level !== undefined) job.level = level;
    return job;
  }

  private emit(job: Job): void {
    for (const l of this.listeners) l(job);
  }
}

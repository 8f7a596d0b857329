// The job manager: runs `mlo run FILE --json` as child processes, queued under a concurrency
// limit (one job per GPU where there are several, pinned with CUDA_VISIBLE_DEVICES), parses
// their stdout with the engine's event parser and reports states and events. The language
// server process itself never loads an executor: a crashed or runaway job dies alone.
// Stopping is SIGTERM (the runner finishes its step, saves and ends `stopped`), then SIGKILL
// after a grace period. No protocol types here: lsp/server.ts forwards the callbacks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseEvent, type JobEvent } from '../engine/runner/events.js';
import type { JobStateName, JobStateParams } from './protocol.js';

export interface JobSpec {
  uri: string;
  /** Absolute path of the .mlo file. */
  path: string;
  level?: string;
  backend?: string;
  steps?: number;
  /** Where checkpoints go (`mlo run --out`); the runner's default when absent. */
  out?: string;
  /** Log every N outer steps (`mlo run --log`); the file's `run { log }` when absent. */
  log?: number;
  /** Working directory of the job (the workspace folder). */
  cwd?: string;
}

/** A job's change of state: exactly what `mlo/jobState` carries. */
export type JobStateChange = JobStateParams;

export interface JobManagerOptions {
  /** The runner command before its arguments, e.g. [process.execPath, 'bin/mlo.js']. */
  command: string[];
  maxConcurrent: number;
  /** GPU indices jobs may use; one job per GPU at a time. Empty: no pinning. */
  gpus: number[];
  /** Between SIGTERM and SIGKILL. */
  graceMs: number;
  onState(s: JobStateChange): void;
  onEvent(jobId: string, e: JobEvent): void;
  onLog(jobId: string, line: string): void;
  env?: NodeJS.ProcessEnv;
}

interface Job {
  id: string;
  spec: JobSpec;
  state: JobStateName;
  child?: ChildProcess;
  gpu?: number;
  ended?: JobEvent & { type: 'end' };
  stopRequested: boolean;
  killTimer?: NodeJS.Timeout;
  stderrTail: string[];
  done: Promise<void>;
  resolveDone: () => void;
}

const FINAL = new Set<JobStateName>(['completed', 'stopped', 'diverged', 'failed']);

export class JobManager {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private next = 1;

  constructor(private opts: JobManagerOptions) {}

  configure(o: Partial<Pick<JobManagerOptions, 'maxConcurrent' | 'gpus' | 'command' | 'graceMs'>>): void {
    this.opts = { ...this.opts, ...o };
    this.pump();
  }

  get running(): number {
    return [...this.jobs.values()].filter((j) => j.child && !FINAL.has(j.state)).length;
  }

  state(jobId: string): JobStateName | undefined {
    return this.jobs.get(jobId)?.state;
  }

  /** Queues a job; it starts as soon as a slot (and a GPU, where pinned) is free. */
  start(spec: JobSpec): string {
    const id = `job-${process.pid}-${this.next++}`;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const job: Job = { id, spec, state: 'queued', stopRequested: false, stderrTail: [], done, resolveDone };
    this.jobs.set(id, job);
    this.queue.push(job);
    this.setState(job, 'queued', this.slots() <= this.running ? 'waiting for a free slot' : undefined);
    this.pump();
    return id;
  }

  /** Asks a job to stop: a queued job ends `stopped` at once; a running one gets SIGTERM, then SIGKILL after the grace period. */
  stop(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || FINAL.has(job.state)) return false;
    job.stopRequested = true;
    if (!job.child) {
      this.queue.splice(this.queue.indexOf(job), 1);
      this.finish(job, 'stopped', 'stopped before it started');
      return true;
    }
    this.setState(job, 'stopping');
    this.signal(job, 'SIGTERM');
    job.killTimer = setTimeout(() => this.signal(job, 'SIGKILL'), this.opts.graceMs);
    job.killTimer.unref?.();
    return true;
  }

  /** Stops every job and resolves when all have ended (at most the grace period plus a little). */
  async stopAll(): Promise<void> {
    const live = [...this.jobs.values()].filter((j) => !FINAL.has(j.state));
    for (const j of live) this.stop(j.id);
    await Promise.all(live.map((j) => j.done));
  }

  /**
   * Last resort when the process exits without a shutdown (the client vanished): SIGTERM now,
   * and a detached reaper process delivers SIGKILL after the grace period.
   */
  killAllOnExit(): void {
    const pids: number[] = [];
    for (const j of this.jobs.values()) {
      if (j.child?.pid && j.child.exitCode === null && j.child.signalCode === null) {
        pids.push(j.child.pid);
        try {
          j.child.kill('SIGTERM');
        } catch {
          /* already gone */
        }
      }
    }
    if (pids.length === 0) return;
    try {
      const script = `setTimeout(()=>{for(const p of ${JSON.stringify(pids)}){try{process.kill(p,'SIGKILL')}catch{}}},${this.opts.graceMs})`;
      spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' }).unref();
    } catch {
      /* nothing more can be done */
    }
  }

  private slots(): number {
    const n = Math.max(1, Math.floor(this.opts.maxConcurrent) || 1);
    return this.opts.gpus.length > 0 ? Math.min(n, this.opts.gpus.length) : n;
  }

  private freeGpu(): number | undefined {
    if (this.opts.gpus.length === 0) return undefined;
    const used = new Set([...this.jobs.values()].filter((j) => j.child && !FINAL.has(j.state)).map((j) => j.gpu));
    return this.opts.gpus.find((g) => !used.has(g));
  }

  private pump(): void {
    while (this.queue.length > 0 && this.running < this.slots()) {
      const job = this.queue.shift()!;
      this.launch(job);
    }
  }

  private launch(job: Job): void {
    const [cmd, ...pre] = this.opts.command;
    const args = [...pre, 'run', job.spec.path, '--json'];
    if (job.spec.level) args.push('--level', job.spec.level);
    if (job.spec.backend) args.push('--backend', job.spec.backend);
    if (job.spec.steps !== undefined) args.push('--steps', String(job.spec.steps));
    if (job.spec.out) args.push('--out', job.spec.out);
    if (job.spec.log !== undefined) args.push('--log', String(job.spec.log));
    const gpu = this.freeGpu();
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.opts.env };
    if (gpu !== undefined) {
      job.gpu = gpu;
      env['CUDA_VISIBLE_DEVICES'] = String(gpu);
    }
    let child: ChildProcess;
    try {
      child = spawn(cmd!, args, { cwd: job.spec.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      this.finish(job, 'failed', `cannot start the runner: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    job.child = child;
    this.setState(job, 'running', gpu !== undefined ? `on GPU ${gpu}` : undefined);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = parseEvent(line);
      if (!e) {
        if (line.trim()) this.opts.onLog(job.id, line);
        return;
      }
      if (e.type === 'end') job.ended = e;
      this.opts.onEvent(job.id, e);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      job.stderrTail.push(line);
      if (job.stderrTail.length > 20) job.stderrTail.shift();
      this.opts.onLog(job.id, line);
    });
    child.on('error', (err) => {
      // spawn failures (ENOENT) arrive here; 'close' may not follow.
      if (!FINAL.has(job.state)) this.finish(job, 'failed', `cannot start the runner: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      if (FINAL.has(job.state)) return;
      const end = job.ended;
      if (end && end.type === 'end') {
        this.finish(job, end.status, end.message, end.checkpoint);
      } else if (job.stopRequested) {
        this.finish(job, 'stopped', signal ? `ended by ${signal}` : undefined);
      } else {
        const tail = job.stderrTail.slice(-5).join('\n');
        this.finish(job, 'failed', `the runner exited with ${signal ? `signal ${signal}` : `code ${code}`} before its end event${tail ? `:\n${tail}` : ''}`);
      }
    });
  }

  private signal(job: Job, sig: NodeJS.Signals): void {
    const c = job.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    try {
      c.kill(sig);
    } catch {
      /* gone */
    }
  }

  private finish(job: Job, state: JobStateName, message?: string, checkpoint?: string): void {
    clearTimeout(job.killTimer);
    this.setState(job, state, message, checkpoint);
    job.resolveDone();
    this.pump();
  }

  private setState(job: Job, state: JobStateName, message?: string, checkpoint?: string): void {
    job.state = state;
    this.opts.onState({
      jobId: job.id, state, uri: job.spec.uri,
      ...(job.spec.level ? { level: job.spec.level } : {}),
      ...(message ? { message } : {}),
      ...(checkpoint ? { checkpoint } : {}),
    });
  }
}

/** GPU indices reported by nvidia-smi (empty where there is none; never throws, at most 2 s). */
export function detectGpus(): number[] {
  try {
    const r = spawnSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { encoding: 'utf8', timeout: 2000 });
    if (r.status !== 0 || !r.stdout) return [];
    return r.stdout.split(/\r?\n/).map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n >= 0);
  } catch {
    return [];
  }
}

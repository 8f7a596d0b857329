// The job event stream: one JSON object per line on the runner's stdout (or --json), read by
// the CLI's progress display, the language server's job manager and the metrics panel.
// Versioned: a reader accepts every event whose `v` major equals its own and ignores unknown
// fields and unknown event types, so the stream can grow without breaking readers.
// docs/events.md documents every field; keep the two in step.

export const EVENTS_VERSION = 1;

export interface LevelStart {
  name: string;
  /** Levels directly below, as written after `above`. */
  above: string[];
  /** Scalars this level optimises, and their bytes at the run's precision. */
  params: number;
  paramBytes: number;
  optimizer: string;
  steps: number;
  /** How this level's hypergradient is computed (upper levels only). */
  mode?: string;
}

export interface StartEvent {
  v: number;
  type: 'start';
  time: string;
  job: { id: string; file: string; steps: number; seed: number; precision: 'float32' | 'float64' };
  backend: { name: string; device: string; compiled: boolean; note?: string };
  levels: LevelStart[];
  /** Hypergradient paths, e.g. { level: 'tune', path: ['tune', 'fit', 'tune'] }. */
  paths: { level: string; path: string[] }[];
  /** The estimator's predicted peak for the chosen modes, when known. */
  estimatedPeakBytes?: number;
  /** Set when the job continues from a checkpoint. */
  resumedFrom?: { path: string; step: number };
  /** Task meta-batches: the levels repeated once per task, and how many tasks an outer step has. */
  tasks?: { levels: string[]; count: number };
}

export interface LevelMetrics {
  loss: number;
  /** Norm of the (hyper)gradient this level's optimizer applied at this step. */
  gradNorm?: number;
}

export interface StepEvent {
  v: number;
  type: 'step';
  /** Outer step, counted from 1. */
  step: number;
  time: string;
  levels: Record<string, LevelMetrics>;
  stepMs: number;
  /** Training examples processed per second over this step (all levels). */
  examplesPerSec: number;
  /** `method`: how peakBytes was measured (docs/engine.md): 'process-rss' or 'unique-buffers'. */
  /**
   * `peakBytes`: the memory tracker's peak during this step (on the compiled path only what the
   * step added, the runtime's arena being resident after the first step); `jobPeakBytes`: the
   * largest step peak since the job started, logged or not.
   */
  memory: { liveBytes: number; peakBytes: number; method?: string; jobPeakBytes?: number };
}

export interface EvalEvent {
  v: number;
  type: 'eval';
  step: number;
  time: string;
  metrics: Record<string, number>;
}

export interface WarningEvent {
  v: number;
  type: 'warning';
  time: string;
  message: string;
  step?: number;
  level?: string;
  code?: string;
}

export interface CheckpointEvent {
  v: number;
  type: 'checkpoint';
  time: string;
  step: number;
  path: string;
  bytes: number;
}

export type EndStatus = 'completed' | 'stopped' | 'diverged' | 'failed';

export interface EndEvent {
  v: number;
  type: 'end';
  time: string;
  status: EndStatus;
  /** Outer steps completed (including those before a resume). */
  steps: number;
  seconds: number;
  peakBytes: number;
  message?: string;
  /** The last checkpoint written, if any: where `--resume` continues from. */
  checkpoint?: string;
}

export type JobEvent = StartEvent | StepEvent | EvalEvent | WarningEvent | CheckpointEvent | EndEvent;

/** Parse one line of the stream; undefined for blank lines, foreign versions and unknown types. */
export function parseEvent(line: string): JobEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const e = JSON.parse(trimmed) as { v?: unknown; type?: unknown };
    if (e.v !== EVENTS_VERSION) return undefined;
    if (!['start', 'step', 'eval', 'warning', 'checkpoint', 'end'].includes(String(e.type))) return undefined;
    return e as JobEvent;
  } catch {
    return undefined;
  }
}

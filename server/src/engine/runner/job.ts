// One job: a checked program traced into ONE outer-step graph, compiled once on the chosen
// executor, and replayed every step with fresh batches; reports evaluated on whole data sets;
// checkpoints written atomically; NaN/Inf and stop requests handled between steps. Everything
// the job does is told through the event stream (docs/events.md).
import { basename, join, resolve } from 'node:path';
import type { BuiltGraph, ModeSpec } from '../../graph/modes/index.js';
import { outerStepGraph, reportsGraph, type LoweredLevel, type LoweredProgram } from '../../graph/program/index.js';
import type { CompiledGraph, Executor, HostArray } from '../executors/types.js';
import { measurePeak } from '../memory/tracker.js';
import { chooseBackend } from './backend.js';
import { checkpointPath, CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { DataFeeder } from './data-feed.js';
import { EVENTS_VERSION, type EndStatus, type JobEvent, type LevelMetrics, type StartEvent } from './events.js';
import { CheckFailed, loadProgram, modeText, UsageError } from './program.js';
import { adoptOutputs, assembleInputs, JobState, scalars } from './state.js';

export interface JobOptions {
  readonly file: string;
  /** Total outer steps of the job (default: the run block's `steps`); a resumed job continues up to it. */
  readonly steps?: number;
  readonly backend?: string;
  readonly seed?: number;
  /** Checkpoint folder (default `.mlo-out/<file name>`). */
  readonly out?: string;
  /** A checkpoint file, or a folder holding `last.safetensors`. */
  readonly resume?: string;
  /** Replace the top level's hypergradient mode. */
  readonly mode?: ModeSpec;
  /** Emit step events every N outer steps (default: the run block's `log`). */
  readonly log?: number;
  readonly emit: (e: JobEvent) => void;
  /** Set `requested` to stop after the current step (SIGINT/SIGTERM do this when `handleSignals`). */
  readonly stop?: { requested: boolean };
  readonly handleSignals?: boolean;
  readonly id?: string;
  /** Test hook: called after each completed step with the state. */
  readonly afterStep?: (step: number, state: JobState) => void;
}

export interface JobResult {
  readonly status: EndStatus;
  readonly exitCode: number;
  readonly steps: number;
  readonly checkpoint?: string;
  readonly message?: string;
  /** The final state (the last good one when diverged). */
  readonly state?: JobState;
}

/** Exit codes of `mlo run`. */
export const EXIT = { completed: 0, checkErrors: 1, usage: 2, diverged: 3, failed: 4, stopped: 130 } as const;

const now = (): string => new Date().toISOString();

export async function runJob(o: JobOptions): Promise<JobResult> {
  const t0 = performance.now();
  const stop = o.stop ?? { requested: false };
  let executor: Executor | undefined;
  const compiled: CompiledGraph[] = [];
  let peak = 0;
  let lastCheckpoint: string | undefined;
  let state: JobState | undefined;
  const end = (status: EndStatus, exitCode: number, message?: string): JobResult => {
    o.emit({ v: EVENTS_VERSION, type: 'end', time: now(), status, steps: state?.step ?? 0, seconds: (performance.now() - t0) / 1000, peakBytes: peak, ...(message ? { message } : {}), ...(lastCheckpoint ? { checkpoint: lastCheckpoint } : {}) });
    return { status, exitCode, steps: state?.step ?? 0, ...(lastCheckpoint ? { checkpoint: lastCheckpoint } : {}), ...(message ? { message } : {}), ...(state ? { state } : {}) };
  };
  const onSignal = (): void => {
    stop.requested = true;
  };
  if (o.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    const prog = loadProgram(o.file, o.mode ? { mode: o.mode } : {});
    const lowered = prog.lowered;
    const run = lowered.run;
    const total = o.steps ?? run.steps;
    const resumed = o.resume ? loadCheckpoint(checkpointPath(o.resume)) : undefined;
    const seed = resumed?.meta.seed ?? o.seed ?? run.seed;
    const outDir = resolve(o.out ?? join('.mlo-out', basename(o.file).replace(/\.mlo$/, '')));
    const ckptPath = join(outDir, CHECKPOINT_FILE);
    const mode = lowered.mode ?? lowered.levels[0]!.mode;

    const choice = await chooseBackend(o.backend ?? run.backend);
    executor = choice.executor;
    const feeder = new DataFeeder(lowered, seed);
    const built = outerStepGraph(lowered);
    const step = await executor.compile(built.graph);
    compiled.push(step);
    const rep = reportsGraph(lowered);
    const repCompiled = rep ? await executor.compile(rep.graph) : undefined;
    if (repCompiled) compiled.push(repCompiled);

    state = JobState.initial(lowered, seed);
    if (resumed) {
      for (const [k, v] of resumed.state.tensors) {
        const cur = state.tensors.get(k);
        if (!cur || cur.length !== v.length) throw new Error(`checkpoint ${o.resume}: tensor ${k} does not fit this program`);
        state.tensors.set(k, v);
      }
      for (const [k, v] of resumed.state.optimizer) state.optimizer.set(k, v);
      state.step = resumed.state.step;
      feeder.state = resumed.meta.data;
    }

    o.emit(startEvent(o, prog.path, lowered, total, seed, choice.executor, choice.note, resumed ? { path: checkpointPath(o.resume!), step: resumed.state.step } : undefined));
    if (run.precision === 'float64') o.emit({ v: EVENTS_VERSION, type: 'warning', time: now(), message: 'precision float64 is not supported by the engine yet: the job runs in float32', code: 'precision' });
    if (resumed && o.seed !== undefined && o.seed !== resumed.meta.seed) o.emit({ v: EVENTS_VERSION, type: 'warning', time: now(), message: `resuming with the checkpoint's seed ${resumed.meta.seed}, not --seed ${o.seed}` });
    for (const w of built.warnings) o.emit({ v: EVENTS_VERSION, type: 'warning', time: now(), message: w, code: 'mode' });

    const save = (s: JobState): void => {
      const bytes = saveCheckpoint(ckptPath, s, { step: s.step, seed, file: prog.path, data: feeder.state, mode: modeText(mode), backend: executor!.info.name });
      lastCheckpoint = ckptPath;
      o.emit({ v: EVENTS_VERSION, type: 'checkpoint', time: now(), step: s.step, path: ckptPath, bytes });
    };
    const evaluate = async (): Promise<void> => {
      if (!rep || !repCompiled) return;
      const inputs = rep.inputs.map((r) => (r.kind === 'tensor' ? state!.tensors.get(r.tensor)! : feeder.evalInput(r)));
      const out = await repCompiled.run(inputs);
      const metrics: Record<string, number> = {};
      rep.outputs.forEach((n, i) => (metrics[n] = out[i]![0]!));
      o.emit({ v: EVENTS_VERSION, type: 'eval', time: now(), step: state!.step, metrics });
    };
    const logEvery = Math.max(1, o.log ?? run.log);
    const evalEvery = Math.max(1, run.eval ?? o.log ?? run.log);
    let evaluatedAt = -1;

    while (state.step < total) {
      if (stop.requested) break;
      const ts = performance.now();
      const feederBefore = feeder.state;
      const { inputs: data, examples } = feeder.stepInputs(state.step);
      const inputs = assembleInputs(built, lowered, state, data);
      const measured = await measurePeak(step, inputs);
      peak = Math.max(peak, measured.peakBytes);
      const values = scalars(built, measured.outputs);
      const bad = divergence(built, lowered, measured.outputs, values, state.step + 1, mode);
      if (bad) {
        feeder.state = feederBefore;
        save(state);
        return end('diverged', EXIT.diverged, bad);
      }
      adoptOutputs(built, measured.outputs, state);
      state.step++;
      o.afterStep?.(state.step, state);
      const ms = performance.now() - ts;
      if (state.step % logEvery === 0 || state.step === total) {
        o.emit({
          v: EVENTS_VERSION, type: 'step', step: state.step, time: now(), levels: levelMetrics(lowered, values), stepMs: round(ms),
          examplesPerSec: Math.round(examples / (ms / 1000)), memory: { liveBytes: state.bytes() + inputBytes(inputs), peakBytes: measured.peakBytes, method: measured.method, jobPeakBytes: peak },
        });
      }
      if (state.step % evalEvery === 0 && state.step < total) {
        await evaluate();
        evaluatedAt = state.step;
      }
      if (run.checkpoint > 0 && state.step % run.checkpoint === 0 && state.step < total) save(state);
    }
    if (evaluatedAt !== state.step) await evaluate();
    save(state);
    return stop.requested && state.step < total ? end('stopped', EXIT.stopped) : end('completed', EXIT.completed);
  } catch (e) {
    if (e instanceof CheckFailed) return end('failed', EXIT.checkErrors, e.message);
    if (e instanceof UsageError) return end('failed', EXIT.usage, e.message);
    return end('failed', EXIT.failed, (e as Error).stack ?? String(e));
  } finally {
    if (o.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    for (const c of compiled) c.dispose();
    await executor?.dispose();
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

function inputBytes(inputs: readonly HostArray[]): number {
  return inputs.reduce((n, a) => n + a.byteLength, 0);
}

/** The mode that differentiates through `level`: its own (if it has levels below) or its parent's. */
function modeFor(lowered: LoweredProgram, level: LoweredLevel, rootMode: ModeSpec | undefined): string {
  const own = level.mode ?? lowered.levels.find((l) => l.name === level.parent)?.mode;
  return modeText(level.parent === undefined ? (rootMode ?? own) : own);
}

/** A message naming the level, step and mode when a loss, hypergradient or parameter is not finite. */
function divergence(built: BuiltGraph, lowered: LoweredProgram, outputs: readonly HostArray[], values: Map<string, number>, step: number, rootMode: ModeSpec | undefined): string | undefined {
  const what = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');
  for (const [name, v] of values) {
    if (Number.isFinite(v)) continue;
    const levelName = name.slice(name.indexOf(':') + 1);
    const level = lowered.levels.find((l) => l.name === levelName)!;
    const kind = name.startsWith('loss:') ? 'loss' : 'hypergradient';
    return `diverged: the ${kind} of level ${level.source} is ${what(v)} at step ${step} (mode ${modeFor(lowered, level, rootMode)})`;
  }
  for (let i = 0; i < built.outputs.length; i++) {
    const slot = built.outputs[i]!;
    if (slot.kind !== 'param') continue;
    const a = outputs[i]!;
    for (let j = 0; j < a.length; j++)
      if (!Number.isFinite(a[j]!)) {
        const level = lowered.levels.find((l) => l.name === slot.level)!;
        return `diverged: a parameter of level ${level.source} (${slot.name.slice(6)}) became ${what(a[j]!)} at step ${step} (mode ${modeFor(lowered, level, rootMode)})`;
      }
  }
  return undefined;
}

/** Per .mlo level: its loss (the mean over task replicas) and its hypergradient norm. */
function levelMetrics(lowered: LoweredProgram, values: Map<string, number>): Record<string, LevelMetrics> {
  const out: Record<string, { loss: number; gradNorm?: number; n: number }> = {};
  for (const l of lowered.levels) {
    const loss = values.get(`loss:${l.name}`)!;
    const m = (out[l.source] ??= { loss: 0, n: 0 });
    m.loss += loss;
    m.n++;
    const g = values.get(`hypergrad_norm:${l.name}`);
    if (g !== undefined) m.gradNorm = (m.gradNorm ?? 0) + g;
  }
  const res: Record<string, LevelMetrics> = {};
  for (const [k, m] of Object.entries(out)) res[k] = { loss: m.loss / m.n, ...(m.gradNorm !== undefined ? { gradNorm: m.gradNorm / m.n } : {}) };
  return res;
}

function startEvent(o: JobOptions, path: string, lowered: LoweredProgram, steps: number, seed: number, ex: Executor, note: string, resumedFrom?: { path: string; step: number }): StartEvent {
  const model = lowered.env.model;
  const root = lowered.levels[0]!;
  return {
    v: EVENTS_VERSION,
    type: 'start',
    time: now(),
    job: { id: o.id ?? `${basename(path, '.mlo')}-${process.pid}`, file: path, steps, seed, precision: lowered.run.precision === 'float64' ? 'float64' : 'float32' },
    backend: { name: ex.info.name, device: ex.info.device, compiled: ex.info.kind === 'compiled', note },
    levels: [...model.levels.values()].map((l) => ({
      name: l.name,
      above: l.lowers,
      params: l.ownedCount ?? 0,
      paramBytes: l.ownedBytes ?? 0,
      optimizer: l.optimizer.name,
      steps: l.steps,
      ...(l.lowers.length ? { mode: l.name === root.source && lowered.mode ? modeText(lowered.mode) : modeText(lowered.levels.find((x) => x.source === l.name)?.mode) } : {}),
    })),
    paths: [...model.levels.values()].flatMap((l) => l.paths.map((p) => ({ level: l.name, path: p }))),
    ...(lowered.tasks ? { tasks: { levels: [...lowered.tasks.levels], count: lowered.tasks.count } } : {}),
    ...(resumedFrom ? { resumedFrom } : {}),
  };
}

// The data of a job: every source of the program loaded once (CSV relative to the .mlo file,
// permuted, split, standardised, label-corrupted; blobs; ridge; sinusoid tasks), seeded from the
// run's seed and the source's name, and the graph's data inputs filled for each outer step.
// Draw order is fixed (levels in pre-order, their steps in order, sources by name), so a run is
// a pure function of (program, seed); the streams' positions go into checkpoints.
import { loadCsv, type CsvDataset } from '../data/csv.js';
import { corruptLabels } from '../data/batches.js';
import { gaussianBlobs } from '../data/blobs.js';
import { fitStandardizer, pickRows, standardize, takeRows, type Dataset, type Standardizer } from '../data/dataset.js';
import { Rng, deriveSeed } from '../data/random.js';
import { ridgeProblem, type RidgeProblem } from '../data/ridge.js';
import { sinusoidBatch, type SinusoidBatch } from '../data/sinusoid.js';
import type { HostArray } from '../executors/types.js';
import type { DataSpec, Feed, LoweredProgram, ReportInput, SinusoidSpec } from '../../graph/program/index.js';
import { Batcher, type Batch, type BatcherState } from '../data/batches.js';

/** The rows one draw yields: a Batcher's batch, or a whole source without `batch`. */
type RowBatch = Pick<Batch, 'x' | 'y' | 'indices'>;

/** A fixed outer-step index for the task a report evaluates on (never a training step). */
const EVAL_TASK_STEP = 0x7fffffff;

function nameHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The seed of one purpose (corruption, shuffling, generation) of one source. */
export const sourceSeed = (seed: number, name: string, purpose: number): number => deriveSeed(seed, nameHash(name), purpose);

export interface Source {
  readonly spec: DataSpec;
  /** Row sources (csv, blobs): the rows, after corruption. */
  readonly rows?: Dataset & { standardizer?: Standardizer };
  readonly stream?: Batcher;
  readonly ridge?: RidgeProblem;
}

/** Loads every source of a program. */
export function loadSources(specs: readonly DataSpec[], seed: number): Map<string, Source> {
  const out = new Map<string, Source>();
  const files = new Map<string, CsvDataset>();
  const byName = new Map(specs.map((s) => [s.name, s]));
  const load = (spec: DataSpec, stack: string[]): Source => {
    const have = out.get(spec.name);
    if (have) return have;
    if (stack.includes(spec.name)) throw new Error(`data ${spec.name}: standardize refers back to itself`);
    let src: Source;
    switch (spec.kind) {
      case 'csv': {
        const key = `${spec.path}\0${spec.label}\0${spec.features?.join(',') ?? ''}`;
        let all = files.get(key);
        if (!all) {
          all = loadCsv({ path: spec.path, label: spec.label, ...(spec.features ? { columns: spec.features } : {}), labelKind: 'class' });
          files.set(key, all);
        }
        let ds: Dataset = all;
        if (spec.permute !== undefined) ds = pickRows(ds, new Rng(spec.permute).permutation(ds.n));
        if (spec.rows) ds = takeRows(ds, spec.rows[0], Math.min(spec.rows[1], ds.n));
        if (spec.classes) ds = { ...ds, classes: spec.classes };
        let standardizer: Standardizer | undefined;
        if (spec.standardize === true) standardizer = fitStandardizer(ds);
        else if (typeof spec.standardize === 'string') {
          const other = byName.get(spec.standardize);
          if (!other) throw new Error(`data ${spec.name}: standardize: no data ${spec.standardize}`);
          standardizer = load(other, [...stack, spec.name]).rows?.standardizer ?? fitStandardizer(load(other, [...stack, spec.name]).rows!);
        }
        if (standardizer) ds = standardize(ds, standardizer);
        if (spec.corrupt > 0) ds = corruptLabels(ds, { fraction: spec.corrupt, seed: sourceSeed(seed, spec.name, 1) });
        src = rowSource(spec, { ...ds, ...(standardizer ? { standardizer } : {}) }, seed);
        break;
      }
      case 'blobs': {
        let ds: Dataset = gaussianBlobs({ n: spec.n, features: spec.features, classes: spec.classes, spread: spec.spread, seed: sourceSeed(seed, spec.name, 3) });
        if (spec.corrupt > 0) ds = corruptLabels(ds, { fraction: spec.corrupt, seed: sourceSeed(seed, spec.name, 1) });
        src = rowSource(spec, ds, seed);
        break;
      }
      case 'ridge':
        src = { spec, ridge: ridgeProblem({ nTrain: spec.train, nValid: spec.valid, features: spec.features, noise: spec.noise, seed: sourceSeed(seed, spec.name, 4) }) };
        break;
      case 'sinusoid':
        src = { spec };
        break;
    }
    out.set(spec.name, src);
    return src;
  };
  for (const s of specs) load(s, []);
  return out;
}

function rowSource(spec: DataSpec & { batch?: number; shuffle?: boolean }, ds: Dataset, seed: number): Source {
  if (spec.batch === undefined || spec.batch >= ds.n && !spec.shuffle) return { spec, rows: ds };
  return { spec, rows: ds, stream: new Batcher(ds, { batchSize: spec.batch, shuffle: spec.shuffle ?? false, seed: sourceSeed(seed, spec.name, 2) }) };
}

function allRows(ds: Dataset): RowBatch {
  return { x: ds.x, y: ds.y, indices: Int32Array.from({ length: ds.n }, (_, i) => i) };
}

function sinusoidOptions(s: SinusoidSpec, seed: number) {
  return { amplitude: s.amplitude as [number, number], phase: s.phase as [number, number], x: s.x as [number, number], support: s.support, query: s.query, tasksPerStep: s.tasks, seed: sourceSeed(seed, s.name, 5) };
}

/** One field of one source's draw (or of a task of a meta-batch). */
function fieldOf(src: Source, draw: RowBatch | undefined, task: SinusoidBatch | undefined, field: string, taskIndex: number | undefined): HostArray {
  const spec = src.spec;
  if (spec.kind === 'ridge') {
    const [split, f] = field.split('.') as ['train' | 'valid', 'x' | 'y'];
    const ds = src.ridge![split];
    return f === 'x' ? ds.x : (ds.y as Float32Array);
  }
  if (spec.kind === 'sinusoid') {
    const [set, f] = field.split('.') as ['support' | 'query', 'x' | 'y'];
    const n = set === 'support' ? spec.support : spec.query;
    const all = task![`${set}${f.toUpperCase() as 'X' | 'Y'}`];
    const k = taskIndex ?? 0;
    return all.subarray(k * n, (k + 1) * n);
  }
  switch (field) {
    case 'x':
      return draw!.x;
    case 'y':
      return draw!.y;
    case 'index':
      return draw!.indices;
    default:
      throw new Error(`data ${spec.name} has no field ${field}`);
  }
}

export type FeederState = Record<string, BatcherState>;

/** Fills the data inputs of the outer-step graph, step after step. */
export class DataFeeder {
  readonly sources: Map<string, Source>;

  constructor(
    readonly lowered: LoweredProgram,
    readonly seed: number,
  ) {
    this.sources = loadSources(lowered.data, seed);
  }

  private draw(name: string): RowBatch {
    const s = this.sources.get(name)!;
    if (s.stream) return s.stream.next();
    return allRows(s.rows!);
  }

  /**
   * The data inputs of outer step `step` (0-based), by `data:LEVEL.FIELD`, and the number of
   * training examples they hold.
   */
  stepInputs(step: number): { inputs: Map<string, HostArray>; examples: number } {
    const tasks = new Map<string, SinusoidBatch>();
    const taskBatch = (name: string): SinusoidBatch => {
      let b = tasks.get(name);
      if (!b) {
        b = sinusoidBatch(sinusoidOptions(this.sources.get(name)!.spec as SinusoidSpec, this.seed), step);
        tasks.set(name, b);
      }
      return b;
    };
    const byLevel = new Map<string, Feed[]>();
    for (const f of this.lowered.feeds) {
      const l = byLevel.get(f.level) ?? [];
      l.push(f);
      byLevel.set(f.level, l);
    }
    const inputs = new Map<string, HostArray>();
    let examples = 0;
    for (const level of this.lowered.levels) {
      const feeds = byLevel.get(level.name) ?? [];
      const draws: Map<string, RowBatch>[] = [];
      for (let k = 0; k < level.totalSteps; k++) {
        const m = new Map<string, RowBatch>();
        for (const name of level.sources) {
          const src = this.sources.get(name)!;
          if (src.rows) {
            const d = this.draw(name);
            m.set(name, d);
            examples += d.indices.length;
          } else if (src.spec.kind === 'ridge') examples += src.spec.train;
          else if (src.spec.kind === 'sinusoid') examples += src.spec.support;
        }
        draws.push(m);
      }
      for (const f of feeds) {
        if (f.source.kind === 'tensor') continue; // the job fills frozen tensors
        const per = f.shape.reduce((p, d) => p * d, 1);
        const out = f.dtype === 'int32' ? new Int32Array(per * f.steps) : new Float32Array(per * f.steps);
        const src = this.sources.get(f.source.data)!;
        for (let k = 0; k < f.steps; k++) {
          const part = fieldOf(src, draws[k]!.get(f.source.data), src.spec.kind === 'sinusoid' ? taskBatch(f.source.data) : undefined, f.source.field, f.source.task);
          if (part.length !== per) throw new Error(`data ${f.source.data}.${f.source.field}: ${part.length} values, the graph expects ${per}`);
          out.set(part as never, k * per);
        }
        inputs.set(`data:${f.level}.${f.field}`, out);
      }
    }
    return { inputs, examples };
  }

  /** Whole data fields for the reports graph. */
  evalInput(r: ReportInput & { kind: 'data' }): HostArray {
    const src = this.sources.get(r.data)!;
    const task = src.spec.kind === 'sinusoid' ? sinusoidBatch(sinusoidOptions(src.spec, this.seed), EVAL_TASK_STEP) : undefined;
    const v = fieldOf(src, src.rows ? allRows(src.rows) : undefined, task, r.field, 0);
    return r.dtype === 'int32' && !(v instanceof Int32Array) ? Int32Array.from(v as Float32Array) : v.slice();
  }

  get state(): FeederState {
    const out: FeederState = {};
    for (const [name, s] of this.sources) if (s.stream) out[name] = s.stream.state;
    return out;
  }

  set state(st: FeederState) {
    for (const [name, s] of Object.entries(st)) {
      const src = this.sources.get(name);
      if (src?.stream) src.stream.state = s;
    }
  }
}

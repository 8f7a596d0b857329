// The memory estimator against measurement: for a matrix of configurations (model widths, batch
// sizes, inner steps 1–50, sgd / momentum / adam, two and three levels, MAML) and every mode that
// applies, the closed-form estimate, the liveness of the traced graph, and the peak MEASURED by
// the engine's memory tracker while an eager executor really runs the outer step (the bytes of
// distinct device buffers it holds, maximised over kernel calls: docs/engine.md, "Memory").
// Prints the table, writes bench/results/estimate.json, ends with
// `estimate_max_abs_error_pct=<worst |closed form − measured| / measured>`.
//
// Why the eager executor: onnxruntime's peak is only visible as the process's resident-set
// high-water mark, which includes its arena, kernel scratch and allocator slack and misses memory
// made resident earlier; over hundreds of graphs in one process that is noise of the size of the
// effect. The eager executor runs the same graph in the same order, freeing each value after its
// last use, and counts exactly what it holds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExecutor } from '../server/src/engine/executors/select.js';
import type { Executor, HostArray } from '../server/src/engine/executors/types.js';
import { measurePeak } from '../server/src/engine/memory/tracker.js';
import { estimateOuterStep } from '../server/src/estimate/estimate.js';
import { tracedPeak } from '../server/src/estimate/liveness-route.js';
import { buildOuterStep, type BuiltGraph } from '../server/src/graph/modes/outer-step.js';
import type { ModeSpec } from '../server/src/graph/modes/problem.js';
import { levelDef, levelWork, type ProblemSpec } from '../test/estimate/problems.js';

const here = dirname(fileURLToPath(import.meta.url));

/** At least 30 configurations across widths, batches, K in 1..50, optimizers, 2 and 3 levels, MAML. */
export function configurations(): ProblemSpec[] {
  const out: ProblemSpec[] = [];
  const opts = ['sgd', 'momentum', 'adam'] as const;
  let i = 0;
  for (const sizes of [[16, 64, 4], [32, 128, 128, 10], [8, 256, 2]])
    for (const batch of [32, 128])
      for (const steps of [1, 5, 20]) out.push({ kind: 'hyper', sizes, innerBatch: batch, outerBatch: 64, steps, opt: opts[i++ % 3]!, tuneLr: i % 2 === 0 });
  out.push({ kind: 'hyper', sizes: [16, 32, 4], innerBatch: 32, outerBatch: 32, steps: 50, opt: 'sgd', tuneLr: true });
  out.push({ kind: 'hyper', sizes: [16, 64, 4], innerBatch: 64, outerBatch: 128, steps: 50, opt: 'adam', act: 'tanh' });
  for (const steps of [1, 5, 20]) out.push({ kind: 'maml', sizes: [1, 40, 40, 1 + 1], innerBatch: 32, outerBatch: 32, steps, opt: steps === 5 ? 'adam' : 'sgd' });
  for (const steps of [1, 5]) out.push({ kind: 'three', sizes: [16, 64, 10], innerBatch: 64, outerBatch: 64, steps, opt: 'momentum', midSteps: 2 });
  out.push({ kind: 'three', sizes: [32, 128, 10], innerBatch: 32, outerBatch: 128, steps: 3, opt: 'sgd', midSteps: 1, midMode: 'darts' });
  out.push({ kind: 'three', sizes: [16, 32, 4], innerBatch: 32, outerBatch: 32, steps: 10, opt: 'sgd', midSteps: 1 });
  out.push({ kind: 'hyper', sizes: [16, 64, 4], innerBatch: 64, outerBatch: 64, steps: 50, opt: 'momentum', tuneLr: true });
  out.push({ kind: 'hyper', sizes: [32, 128, 10], innerBatch: 32, outerBatch: 32, steps: 10, opt: 'adam', tuneLr: true });
  out.push({ kind: 'hyper', sizes: [8, 256, 2], innerBatch: 256, outerBatch: 128, steps: 3, opt: 'sgd' });
  out.push({ kind: 'maml', sizes: [1, 40, 40, 2], innerBatch: 32, outerBatch: 32, steps: 10, opt: 'momentum' });
  if (out.length < 30) throw new Error(`only ${out.length} configurations`);
  return out;
}

export function modesFor(spec: ProblemSpec): ModeSpec[] {
  // the top level's modes act on the level directly below it (the middle one in three levels)
  const K = spec.kind === 'three' ? (spec.midSteps ?? 1) : spec.steps;
  const common: ModeSpec[] = [{ mode: 'unrolled' }, ...(K > 1 ? [{ mode: 'truncated' as const, steps: Math.max(1, Math.round(K / 4)) }] : [])];
  if (spec.kind === 'maml') return [...common, { mode: 'mixflow' }, { mode: 'first_order' }];
  const implicit: ModeSpec[] = [{ mode: 'darts' }, { mode: 'sama' }, { mode: 'neumann', iters: 5 }, { mode: 'cg', iters: 5 }];
  if (spec.kind === 'three') return [...common, ...implicit];
  return [...common, { mode: 'mixflow' }, { mode: 'forward' }, ...implicit, { mode: 'mrml', iters: 5 }];
}

function randomInputs(b: BuiltGraph, seed: number): HostArray[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return b.inputs.map((s) => {
    const n = s.shape.reduce((p, d) => p * d, 1);
    if (s.dtype === 'int32') return Int32Array.from({ length: n }, () => Math.floor(next() * 2));
    if (s.kind === 'state') return new Float32Array(n);
    return Float32Array.from({ length: n }, () => (next() * 2 - 1) * 0.5);
  });
}

export interface EstimateRow {
  config: string;
  mode: string;
  closedBytes: number;
  tracedBytes: number;
  measuredBytes: number;
  closedErrPct: number;
  tracedErrPct: number;
}

const describeSpec = (s: ProblemSpec): string =>
  `${s.kind} ${s.sizes.join('-')}${s.act ? ` ${s.act}` : ''} B${s.innerBatch}/${s.outerBatch} K${s.steps}${s.midSteps ? `×${s.midSteps}` : ''} ${s.opt}${s.tuneLr ? ' +lr' : ''}`;

export async function measureMatrix(ex: Executor, specs: readonly ProblemSpec[], log: (s: string) => void = () => {}): Promise<EstimateRow[]> {
  const rows: EstimateRow[] = [];
  for (const spec of specs) {
    for (const mode of modesFor(spec)) {
      const built = buildOuterStep(levelDef(spec, mode));
      const closed = estimateOuterStep(levelWork(spec, mode)).peakBytes;
      const traced = tracedPeak(built.graph).peakBytes;
      const c = await ex.compile(built.graph);
      const measured = (await measurePeak(c, randomInputs(built, 7))).peakBytes;
      c.dispose();
      const row = {
        config: describeSpec(spec),
        mode: mode.mode === 'truncated' ? `truncated(${mode.steps})` : mode.mode,
        closedBytes: closed,
        tracedBytes: traced,
        measuredBytes: measured,
        closedErrPct: (100 * (closed - measured)) / measured,
        tracedErrPct: (100 * (traced - measured)) / measured,
      };
      rows.push(row);
      log(`${row.config.padEnd(44)} ${row.mode.padEnd(13)} ${kib(closed).padStart(10)} ${kib(traced).padStart(10)} ${kib(measured).padStart(10)} ${pct(row.closedErrPct).padStart(8)} ${pct(row.tracedErrPct).padStart(8)}`);
    }
  }
  return rows;
}

const kib = (b: number): string => (b / 1024).toFixed(1);
const pct = (p: number): string => `${p >= 0 ? '+' : ''}${p.toFixed(1)}%`;

export async function main(args: string[]): Promise<void> {
  process.env.MLO_QUIET_BACKENDS = '1';
  const backend = (args.find((a) => a.startsWith('--backend='))?.slice(10) ?? 'tfjs-wasm') as 'tfjs-wasm';
  const ex = await createExecutor(backend);
  const specs = configurations();
  console.log(`estimate vs measurement: ${specs.length} configurations, every applicable mode, measured on ${ex.info.name} (${ex.info.device}) by unique device buffers`);
  console.log(`${'configuration'.padEnd(44)} ${'mode'.padEnd(13)} ${'closed KiB'.padStart(10)} ${'traced KiB'.padStart(10)} ${'meas. KiB'.padStart(10)} ${'closed'.padStart(8)} ${'traced'.padStart(8)}`);
  const t0 = performance.now();
  const rows = await measureMatrix(ex, specs, (s) => console.log(s));
  const worst = Math.max(...rows.map((r) => Math.abs(r.closedErrPct)));
  const worstTraced = Math.max(...rows.map((r) => Math.abs(r.tracedErrPct)));
  const within5 = rows.filter((r) => Math.abs(r.closedErrPct) <= 5).length;
  const within10 = rows.filter((r) => Math.abs(r.closedErrPct) <= 10).length;
  const sortedErr = rows.map((r) => Math.abs(r.closedErrPct)).sort((a, b) => a - b);
  const median = sortedErr[sortedErr.length >> 1] ?? 0;
  const within15 = rows.filter((r) => Math.abs(r.closedErrPct) <= 15).length;
  const byMode = new Map<string, number>();
  for (const r of rows) byMode.set(r.mode.replace(/\(.*/, ''), Math.max(byMode.get(r.mode.replace(/\(.*/, '')) ?? 0, Math.abs(r.closedErrPct)));
  console.log(`\n${rows.length} (configuration, mode) pairs in ${((performance.now() - t0) / 1000).toFixed(1)} s; closed form within ±5%: ${within5}/${rows.length}, ±10%: ${within10}/${rows.length}, ±15%: ${within15}/${rows.length}, median ${median.toFixed(1)}%; traced liveness worst ${worstTraced.toFixed(2)}%`);
  console.log(`worst |closed − measured| by mode: ${[...byMode].map(([m, e]) => `${m} ${e.toFixed(1)}%`).join(', ')}`);
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, 'results/estimate.json'),
    JSON.stringify({ machine: `${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}`, executor: ex.info.name, method: 'unique-buffers', configurations: specs.length, rows, worstClosedPct: worst, medianClosedPct: median, worstTracedPct: worstTraced }, null, 2),
  );
  await ex.dispose();
  console.log(`estimate_max_abs_error_pct=${worst.toFixed(1)}`);
}

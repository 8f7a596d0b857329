// Peak memory and step time of one outer step per hypergradient mode, measured by the engine's
// memory tracker. Peak: the eager executor (tfjs-wasm, `unique-buffers`: the device buffers
// really held, in the graph's own schedule — the schedule the modes are designed for).
// Step time: onnxruntime (onnx-cpu), which runs the same graph compiled. Each cell runs in a
// fresh process. (ORT re-orders the graph itself: its process-RSS peak is also recorded, as
// `ortPeakBytes`, and does not show the schedule-dependent savings of mixflow; see
// docs/benchmarks.md.)
// Workload: a bilevel program on synthetic blobs (batch 512): an MLP 16 → W → W → 4 trained K
// inner SGD steps with a learned learning rate and weight decay (two hyperparameter scalars).
//   npm run bench -- modes [--quick] [--modes=a,b] [--k=1,5] [--widths=64,256]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));

function programText(width: number, k: number, mode: string): string {
  return `data train = blobs(n: 512, features: 16, classes: 4, batch: 512)
data valid = blobs(n: 512, features: 16, classes: 4, batch: 512)
model net = mlp(16 -> ${width} -> ${width} -> 4, act: tanh)
param loglr = log(0.05)
param logwd = log(1e-3)
level fit {
  params net
  loss mean(cross_entropy(net(train.x), train.y)) + exp(logwd) * sum(sq(net.weight))
  optimizer sgd(lr: exp(loglr))
  steps ${k}
}
level tune above fit {
  params loglr, logwd
  loss mean(cross_entropy(net(valid.x), valid.y))
  optimizer adam(lr: 0.01)
  hypergradient ${mode}
}
run { steps 10, seed 1 }
`;
}

interface Cell {
  mode: string;
  k: number;
  width: number;
  peakBytes?: number;
  ortPeakBytes?: number;
  stepMs?: number;
  compileMs?: number;
  nodes?: number;
  error?: string;
}

/** One cell, in this (fresh) process: prints one JSON line. */
async function cell(mode: string, k: number, width: number): Promise<void> {
  const { check } = await import('../server/src/model/check.js');
  const { lowerProgram, outerStepGraph } = await import('../server/src/graph/program/index.js');
  const { OnnxExecutor } = await import('../server/src/engine/onnx/executor.js');
  const { measurePeak } = await import('../server/src/engine/memory/tracker.js');
  const { DataFeeder, JobState, assembleInputs } = await import('../server/src/engine/runner/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'mlo-bench-'));
  const file = join(dir, 'bench.mlo');
  const text = programText(width, k, mode);
  writeFileSync(file, text);
  const lowered = lowerProgram(check(text, { path: file }));
  const built = outerStepGraph(lowered);
  const feeder = new DataFeeder(lowered, 1);
  const state = JobState.initial(lowered, 1);
  const inputs = () => assembleInputs(built, lowered, state, feeder.stepInputs(0).inputs);
  const { TfjsExecutor } = await import('../server/src/engine/tfjs/executor.js');
  const eager = await TfjsExecutor.create('tfjs-wasm');
  const ce = await eager.compile(built.graph);
  const { peakBytes } = await measurePeak(ce, inputs());
  ce.dispose();
  await eager.dispose();
  const ex = await OnnxExecutor.create({ arena: false });
  const t0 = performance.now();
  const c = await ex.compile(built.graph);
  const compileMs = performance.now() - t0;
  const { peakBytes: ortPeakBytes } = await measurePeak(c, inputs());
  const ts: number[] = [];
  const budget = performance.now();
  while (ts.length < 3 || (ts.length < 10 && performance.now() - budget < 2000)) {
    const x = inputs();
    const s = performance.now();
    await c.run(x);
    ts.push(performance.now() - s);
  }
  c.dispose();
  await ex.dispose();
  console.log(JSON.stringify({ mode, k, width, peakBytes, ortPeakBytes, stepMs: median(ts), compileMs, nodes: built.graph.nodes.length }));
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const cellArg = arg('cell');
  if (cellArg) {
    const [mode, k, width] = cellArg.split(':');
    return cell(mode!, Number(k), Number(width));
  }
  const quick = args.includes('--quick');
  const modes = arg('modes')?.split(',') ?? (quick ? ['unrolled', 'mixflow', 'forward'] : ['unrolled', 'mixflow', 'forward', 'cg', 'sama', 'first_order']);
  const ks = arg('k')?.split(',').map(Number) ?? (quick ? [1, 20] : [1, 5, 20, 50]);
  const widths = arg('widths')?.split(',').map(Number) ?? (quick ? [256] : [64, 256, 1024]);
  const cells: Cell[] = [];
  const started = performance.now();
  for (const width of widths)
    for (const k of ks)
      for (const mode of modes) {
        const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'main.ts'), 'modes', `--cell=${mode}:${k}:${width}`], {
          encoding: 'utf8',
          env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536', MLO_QUIET_BACKENDS: '1' },
          maxBuffer: 1 << 24,
        });
        const line = r.stdout.trim().split('\n').at(-1) ?? '';
        try {
          cells.push(JSON.parse(line) as Cell);
        } catch {
          cells.push({ mode, k, width, error: (r.stderr.trim().split('\n').find((l) => /Error/.test(l)) ?? r.stderr.slice(-200)).trim() });
        }
        const c = cells.at(-1)!;
        process.stderr.write(`  ${mode} K=${k} W=${width}: ${c.error ?? `${(c.peakBytes! / 2 ** 20).toFixed(1)} MiB, ${c.stepMs!.toFixed(1)} ms`}\n`);
      }
  const mib = (b?: number) => (b === undefined ? '—' : (b / 2 ** 20).toFixed(1));
  console.log('\npeak MiB (tfjs-wasm, unique buffers) / step ms (onnx-cpu) of one outer step (batch 512, MLP 16-W-W-4, 2 hyperparameters)\n');
  console.log(`| W | K | ${modes.join(' | ')} |`);
  console.log(`|---|---|${modes.map(() => '---').join('|')}|`);
  for (const width of widths)
    for (const k of ks) {
      const row = modes.map((m) => {
        const c = cells.find((x) => x.mode === m && x.k === k && x.width === width)!;
        return c.error ? 'error' : `${mib(c.peakBytes)} / ${c.stepMs!.toFixed(1)}`;
      });
      console.log(`| ${width} | ${k} | ${row.join(' | ')} |`);
    }
  // The headline ratio is taken at width 256 (or the width nearest it) and K = 20; every
  // width's ratio is printed too: it falls as W grows against the batch (P ∝ W² against
  // activations ∝ batch·W), since mixflow keeps 2P per step and unrolled P plus activations.
  const at = (m: string, w: number) => cells.find((c) => c.mode === m && c.k === 20 && c.width === w);
  const ratioAt = (w: number): number | undefined => {
    const u = at('unrolled', w);
    const x = at('mixflow', w);
    return u?.peakBytes && x?.peakBytes ? u.peakBytes / x.peakBytes : undefined;
  };
  for (const w of widths) if (ratioAt(w) !== undefined) console.log(`unrolled/mixflow peak at K=20, W=${w}: ${ratioAt(w)!.toFixed(2)}`);
  const wMax = [...widths].sort((a, b) => Math.abs(a - 256) - Math.abs(b - 256))[0]!;
  const ratio = ratioAt(wMax);
  const out = {
    benchmark: 'modes',
    machine: { cpus: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryBytes: totalmem(), node: process.version },
    workload: 'blobs 16 features, batch 512, MLP 16-W-W-4 (tanh), K inner SGD steps, learned lr and weight decay; peak: tfjs-wasm unique-buffers; time: onnx-cpu (arena off); fresh process per cell',
    seconds: (performance.now() - started) / 1000,
    cells,
    ...(ratio !== undefined ? { mixflowVsUnrolledPeakRatioK20: ratio, ratioWidth: wMax, ratiosByWidth: Object.fromEntries(widths.map((w) => [w, ratioAt(w)])) } : {}),
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'modes.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote bench/results/modes.json in ${out.seconds.toFixed(0)} s`);
  if (ratio !== undefined) console.log(`mixflow_vs_unrolled_peak_ratio_K20=${ratio.toFixed(2)}`);
}

// The engine against PyTorch on the workload that motivated it: an exact second-order MAML step
// (MLP 784-256-256-10, batch 64, K=5). Also matmul GFLOP/s (numpy as the BLAS ceiling), a plain
// training step and an HVP. Every executor that loads is timed; the headline ratio pairs the
// automatically selected executor with PyTorch, round by round, and takes the median.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, loadableExecutors, selectExecutor } from '../server/src/engine/executors/select.js';
import type { CompiledGraph, Executor } from '../server/src/engine/executors/types.js';
import { OnnxExecutor } from '../server/src/engine/onnx/executor.js';
import { PythonRef } from './python.js';
import { hvpWorkload, mamlWorkload, matmulWorkload, trainStepWorkload, type Workload } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median ms of `c` on `w`, at least `min` calls and at most `max`, stopping after `budgetMs`. */
async function timeIt(c: CompiledGraph, w: Workload, min = 3, max = 30, budgetMs = 3000): Promise<number> {
  await c.run(w.inputs); // warm
  const ts: number[] = [];
  const start = performance.now();
  while (ts.length < max && (ts.length < min || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await c.run(w.inputs);
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

interface Row {
  executor: string;
  device: string;
  matmulGflops?: number;
  trainMs?: number;
  hvpMs?: number;
  mamlMs?: number;
  compileMs?: number;
}

export async function main(args: string[]): Promise<void> {
  const threads = Number(args.find((a) => a.startsWith('--threads='))?.slice(10) ?? availableParallelism());
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);
  process.env.MLO_QUIET_BACKENDS = '1';
  const { executors, tried } = await loadableExecutors({ onnx: { intraOpThreads: threads } });
  const spinning = await OnnxExecutor.create({ intraOpThreads: threads, spinning: true });
  const variants: { label: string; ex: Executor }[] = [
    ...executors.map((ex) => ({ label: ex.info.name, ex })),
    { label: 'onnx-cpu +spin', ex: spinning },
  ];
  const mm = matmulWorkload(512);
  const work = { train: trainStepWorkload(), hvp: hvpWorkload(), maml: mamlWorkload() };
  console.log(`maml graph: ${work.maml.graph.nodes.length} IR nodes; backends: ${tried.map((t) => `${t.name}${t.ok ? '' : ' ✗'}`).join(', ')}`);

  const rows: Row[] = [];
  for (const { label, ex } of variants) {
    const row: Row = { executor: label, device: ex.info.device };
    const slow = ex.info.name === 'tfjs-cpu';
    const mmc = await ex.compile(mm.graph);
    row.matmulGflops = mm.flops! / (await timeIt(mmc, mm, 3, 20, 1500)) / 1e6;
    row.trainMs = await timeIt(await ex.compile(work.train.graph), work.train, 3, 30, slow ? 2000 : 2000);
    row.hvpMs = await timeIt(await ex.compile(work.hvp.graph), work.hvp, 3, 30, 2000);
    const t0 = performance.now();
    const mc = await ex.compile(work.maml.graph);
    row.compileMs = performance.now() - t0;
    row.mamlMs = await timeIt(mc, work.maml, slow ? 2 : 3, 30, slow ? 1000 : 3000);
    rows.push(row);
    console.log(`  ${label.padEnd(16)} done`);
  }

  let py: PythonRef | undefined;
  let torch: Row | undefined;
  let numpyGflops: number | undefined;
  let pyInfo: Record<string, unknown> | undefined;
  let pairs: { ours: number; theirs: number }[] = [];
  const sel = await selectExecutor({ onnx: { intraOpThreads: threads } });
  try {
    py = await PythonRef.start(join(here, 'torch_ref.py'), threads);
    const info = await py.ask('info');
    pyInfo = info;
    const t = async (cmd: string): Promise<number> => median((await py!.ask<{ times: number[] }>(cmd)).times) * 1000;
    numpyGflops = mm.flops! / (await t('matmul 512 20')) / 1e6;
    torch = {
      executor: 'pytorch',
      device: `cpu, ${threads} threads (torch ${String(info.torch)})`,
      matmulGflops: mm.flops! / (await t('torch_matmul 512 20')) / 1e6,
      trainMs: await t('train 20'),
      hvpMs: await t('hvp 20'),
      mamlMs: await t('maml 10'),
    };
    // Paired rounds: ours then theirs, back to back, so that load from elsewhere hits both.
    const ours = await sel.executor.compile(work.maml.graph);
    for (let r = 0; r < rounds; r++) pairs.push({ ours: await timeIt(ours, work.maml, 10, 10, 0), theirs: await t('maml 10') });
  } catch (e) {
    console.log(`PyTorch reference unavailable: ${(e as Error).message}`);
    pairs = [];
  } finally {
    py?.stop();
  }

  const fmt = (v: number | undefined, d = 2): string => (v === undefined ? '—' : v.toFixed(d));
  const all = torch ? [...rows, torch] : rows;
  const ref = torch?.mamlMs;
  console.log('\n| executor | device | matmul 512 GFLOP/s | train step ms | HVP ms | MAML step ms | MAML vs PyTorch | MAML compile ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of all)
    console.log(`| ${r.executor} | ${r.device} | ${fmt(r.matmulGflops, 1)} | ${fmt(r.trainMs)} | ${fmt(r.hvpMs)} | ${fmt(r.mamlMs)} | ${ref && r.mamlMs ? (r.mamlMs / ref).toFixed(2) : '—'} | ${fmt(r.compileMs, 0)} |`);
  if (numpyGflops) console.log(`| numpy (BLAS ceiling) | cpu, ${threads} threads | ${numpyGflops.toFixed(1)} | | | | | |`);

  const ratios = pairs.map((p) => p.ours / p.theirs);
  const ratio = ratios.length ? median(ratios) : undefined;
  // Best round against best round: less sensitive to load from other processes, which hurts
  // PyTorch's spinning OpenMP/OpenBLAS threads more than our non-spinning ones.
  const bestRatio = pairs.length ? Math.min(...pairs.map((p) => p.ours)) / Math.min(...pairs.map((p) => p.theirs)) : undefined;
  const result = {
    when: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    threads,
    selected: describe(sel.executor),
    python: pyInfo,
    backends: tried,
    rows: all,
    numpyMatmulGflops: numpyGflops,
    pairs,
    mamlStepRatioVsPytorch: ratio,
    mamlStepRatioBestRounds: bestRatio,
  };
  const out = join(here, 'results', 'maml.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`\npaired rounds (${describe(sel.executor)} / pytorch, ms): ${pairs.map((p) => `${p.ours.toFixed(1)}/${p.theirs.toFixed(1)}`).join('  ')}`);
  if (bestRatio !== undefined) console.log(`best round vs best round: ${bestRatio.toFixed(3)}`);
  console.log(`wrote ${out}`);
  for (const v of variants) await v.ex.dispose();
  await sel.executor.dispose();
  console.log(`maml_step_ratio_vs_pytorch=${ratio === undefined ? 'unavailable' : ratio.toFixed(3)}`);
}

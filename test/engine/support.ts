// Shared by the engine tests: every executor that loads here (once per process), host arrays
// from reference tensors, and a float32-tolerance comparison against the float64 reference.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Graph } from '../../server/src/graph/ir.js';
import { loadableExecutors } from '../../server/src/engine/executors/select.js';
import type { Executor, HostArray } from '../../server/src/engine/executors/types.js';
import { evaluate, tensor, type Tensor } from '../graph/reference-eval.js';

process.env.MLO_QUIET_BACKENDS = '1';

let all: Promise<Executor[]> | undefined;
export function executors(): Promise<Executor[]> {
  all ??= loadableExecutors({ onnx: { intraOpThreads: 1 } }).then((r) => r.executors);
  return all;
}

export function toHost(g: Graph, args: readonly Tensor[]): HostArray[] {
  return g.inputs.map((id, k) => {
    const d = g.nodes[id]!.dtype;
    const data = args[k]!.data;
    return d === 'float32' ? Float32Array.from(data) : d === 'int32' ? Int32Array.from(data) : Uint8Array.from(data);
  });
}

/** Runs `g` on the float64 reference and on `ex`; float outputs agree to `tol`·(1+max|ref|), others exactly. */
export async function assertMatchesReference(ex: Executor, g: Graph, args: readonly Tensor[], what: string, tol = 2e-5): Promise<void> {
  const ref = evaluate(g, args);
  const c = await ex.compile(g);
  const out = await c.run(toHost(g, args));
  c.dispose();
  assert.equal(out.length, ref.length, `${what}: output count`);
  out.forEach((o, k) => {
    const r = ref[k]!;
    const node = g.nodes[g.outputs[k]!]!;
    assert.equal(o.length, r.data.length, `${what} on ${ex.info.name}: output ${k} length`);
    const scale = 1 + r.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    for (let i = 0; i < o.length; i++) {
      const d = Math.abs(o[i]! - r.data[i]!);
      const ok = node.dtype === 'float32' ? d <= tol * scale : d === 0;
      if (!ok) assert.fail(`${what} on ${ex.info.name}: output ${k}[${i}] = ${o[i]} vs reference ${r.data[i]} (scale ${scale.toFixed(2)})`);
    }
  });
}

export { evaluate, tensor, type Tensor };

/** mulberry32 floats in [lo, hi). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}

/** A full garbage collection, so RSS reflects live memory rather than garbage not yet collected. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Memory after full GCs: `js` (the JS heap plus ArrayBuffer contents, e.g. the executors' output
 * arrays) is exact enough to catch a leak of a few hundred bytes a step; `rss` is the only view
 * of native memory but steps up once by up to ~25 MiB in the first thousands of ONNX Runtime
 * steps (malloc arenas of the threads that run sessions), so tests give it room for that step.
 * The turns of the event loop between the GCs let N-API run the finalizers that free ONNX
 * Runtime's output buffers (without them, those show as growth of a few MiB).
 */
export async function settledMemory(): Promise<{ rss: number; js: number }> {
  for (let k = 0; k < 3; k++) {
    collectGarbage();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, js: m.heapUsed + m.arrayBuffers };
}

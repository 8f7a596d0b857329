// Scaling laws the closed form must obey (and the traced graphs do, test/modes/memory.test.ts):
// unrolled linear in K, mixflow far below it, forward linear in the number of hyperparameter
// scalars and flat in K, the implicit modes and sama flat in K; compute likewise.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { estimateOuterStep } from '../../server/src/estimate/estimate.js';
import type { ModeSpec } from '../../server/src/graph/modes/problem.js';
import type { LevelWork } from '../../server/src/estimate/workload.js';
import { levelWork, type ProblemSpec } from './problems.js';

const base: ProblemSpec = { kind: 'hyper', sizes: [16, 256, 256, 2], innerBatch: 1024, outerBatch: 1024, steps: 5, opt: 'sgd', tuneLr: true };
/** The tree with its data inputs set aside (every mode holds the stacked batches of all K steps during the run). */
const noData = (l: LevelWork): LevelWork => ({ ...l, dataPerStep: 0, children: l.children.map(noData) });
function peakNoData(K: number, mode: ModeSpec, spec: ProblemSpec = base): number {
  return estimateOuterStep(noData(levelWork({ ...spec, steps: K }, mode))).peakBytes;
}
const flops = (K: number, mode: ModeSpec): number => estimateOuterStep(levelWork({ ...base, steps: K }, mode)).flops;

describe('scaling laws of the closed form', () => {
  it('unrolled grows linearly in K; mixflow far below it at K = 50', () => {
    const [a, b, c] = [10, 20, 40].map((K) => peakNoData(K, { mode: 'unrolled' }));
    const s1 = (b! - a!) / 10;
    const s2 = (c! - b!) / 20;
    assert.ok(s1 > 0 && Math.abs(s2 / s1 - 1) < 1e-9, `slopes ${s1} ${s2}`);
    const mf = peakNoData(50, { mode: 'mixflow' });
    const un = peakNoData(50, { mode: 'unrolled' });
    assert.ok(un > 5 * mf, `unrolled ${un} vs mixflow ${mf}`);
    // mixflow grows by its checkpoints only: θ_k and g_k (sgd with a learned lr: the update is a remat region)
    const P = (16 * 256 + 256 + 256 * 256 + 256 + 256 * 2 + 2) * 4;
    assert.equal(peakNoData(41, { mode: 'mixflow' }) - peakNoData(40, { mode: 'mixflow' }), 2 * P);
  });

  it('implicit modes, darts, sama, first_order and forward are flat in K', () => {
    for (const mode of [{ mode: 'cg' }, { mode: 'neumann' }, { mode: 'mrml' }, { mode: 'darts' }, { mode: 'sama' }, { mode: 'forward' }] as ModeSpec[]) {
      const [a, b] = [5, 50].map((K) => peakNoData(K, mode));
      assert.equal(a, b, `${mode.mode}: ${a} at K=5, ${b} at K=50`);
    }
  });

  it('forward grows linearly in the number of hyperparameter scalars', () => {
    const w = noData(levelWork(base, { mode: 'forward' }));
    const at = (q: number): number => estimateOuterStep({ ...w, children: [{ ...w.children[0]!, upperScalars: q }] }).peakBytes;
    const [a, b, c] = [2, 4, 8].map(at);
    assert.ok(b! > a! && Math.abs((c! - b!) / (b! - a!) - 2) < 1e-9, `${a} ${b} ${c}`);
    const f = (q: number): number => estimateOuterStep({ ...w, children: [{ ...w.children[0]!, upperScalars: q }] }).flops;
    assert.ok(Math.abs((f(8) - f(4)) / (f(4) - f(2)) - 2) < 1e-9);
  });

  it('compute: unrolled and mixflow linear in K, implicit modes K plus a constant, mixflow above unrolled', () => {
    for (const m of ['unrolled', 'mixflow', 'cg', 'sama'] as const) {
      const [a, b, c] = [5, 10, 20].map((K) => flops(K, { mode: m }));
      assert.ok(Math.abs((c! - b!) / (b! - a!) - 2) < 1e-9, `${m} not affine in K`);
    }
    assert.ok(flops(20, { mode: 'mixflow' }) > flops(20, { mode: 'unrolled' }));
    assert.ok(flops(20, { mode: 'cg' }) < flops(20, { mode: 'unrolled' }));
    // unrolled ≈ 3K + 1 plain steps
    const e = estimateOuterStep(levelWork({ ...base, steps: 20 }, { mode: 'unrolled' }));
    assert.ok(e.plainSteps > 60 && e.plainSteps < 62, `unrolled ${e.plainSteps}× plain`);
  });
});

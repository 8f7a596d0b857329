// Memory by construction: the liveness of the traced outer-step graphs, MLP 16-256-256-2,
// batch 4096, inner SGD with a learned learning rate and weight decay. Only tracing, no compute.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mlp } from '../../server/src/graph/nn/index.js';
import { peakLiveBytes } from '../../server/src/graph/modes/liveness.js';
import { buildOuterStep } from '../../server/src/graph/modes/outer-step.js';
import type { ModeSpec } from '../../server/src/graph/modes/problem.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import * as op from '../../server/src/graph/ops.js';
import { hyperProblem, table } from './helpers.js';

const KS = [5, 10, 20];
const MODES: ModeSpec[] = [{ mode: 'unrolled' }, { mode: 'mixflow' }, { mode: 'forward' }, { mode: 'mrml' }, { mode: 'cg' }, { mode: 'first_order' }, { mode: 'darts' }, { mode: 'sama' }];
const MiB = 2 ** 20;

describe('peak live memory of one outer step', () => {
  it('peakLiveBytes frees after last use and treats reshapes as views', () => {
    const g = traceGraph([{ name: 'x', shape: [256] }], (x) => {
      const a = op.exp(x); // 1 KiB
      const b = op.reshape(op.exp(a), [16, 16]); // a dies here; b is a view of exp(a)
      return op.add(op.sum(op.tanh(b)), op.sum(x)); // x stays live to the end
    });
    assert.equal(peakLiveBytes(g), 2 * 1024);
    assert.equal(peakLiveBytes(g, { includeInputs: true }), 3 * 1024);
  });

  it('mixflow ≥ 5× below unrolled at K = 20; first-order, implicit and forward modes flat in K; unrolled linear', () => {
    const peak = new Map<string, number[]>();
    for (const mode of MODES)
      peak.set(
        mode.mode,
        KS.map((K) => peakLiveBytes(buildOuterStep(hyperProblem({ model: mlp([16, 256, 256, 2]), opt: 'sgd', steps: K, mode, batch: 4096, classes: 2, tuneLr: true })).graph)),
      );
    const un = peak.get('unrolled')!;
    table(
      'peak live MiB (MLP 16-256-256-2, batch 4096, inner sgd, φ = log lr, log wd)',
      ['mode', ...KS.map((k) => `K=${k}`), 'unrolled / mode at K=20'],
      MODES.map((m) => [m.mode, ...peak.get(m.mode)!.map((b) => (b / MiB).toFixed(2)), (un[2]! / peak.get(m.mode)![2]!).toFixed(1)]),
    );
    const mf = peak.get('mixflow')!;
    assert.ok(un[2]! >= 5 * mf[2]!, `unrolled ${un[2]} vs mixflow ${mf[2]}`);
    for (const m of ['forward', 'mrml', 'cg', 'first_order', 'darts', 'sama']) {
      const p = peak.get(m)!;
      assert.ok(p[2]! <= p[0]! * 1.01, `${m} grows with K: ${p}`);
    }
    // unrolled: equal increments per added step
    const slope1 = (un[1]! - un[0]!) / (KS[1]! - KS[0]!);
    const slope2 = (un[2]! - un[1]!) / (KS[2]! - KS[1]!);
    assert.ok(slope1 > 0 && Math.abs(slope2 / slope1 - 1) < 0.05, `unrolled slopes ${slope1} ${slope2}`);
    // mixflow grows by the checkpoints only: about 2P per step (θ_k and g_k), far below unrolled's slope
    const P = (16 * 256 + 256 + 256 * 256 + 256 + 256 * 2 + 2) * 4;
    const mslope = (mf[2]! - mf[1]!) / (KS[2]! - KS[1]!);
    assert.ok(Math.abs(mslope / (2 * P) - 1) < 0.1, `mixflow per-step growth ${mslope} vs 2P = ${2 * P}`);
  });
});

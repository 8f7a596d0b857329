// darts and sama against their defining formulas, computed here independently from the final
// state (central differences of ∇_φ L_in in float64 JavaScript); first_order's zero.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { crossEntropy } from '../../server/src/graph/nn/index.js';
import { buildHypergradient, buildOuterStep } from '../../server/src/graph/modes/outer-step.js';
import type { ModeSpec } from '../../server/src/graph/modes/problem.js';
import { grad } from '../../server/src/graph/transforms.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import { evaluate, tensor, type Tensor } from '../graph/reference-eval.js';
import { hyperProblem, randomValues, relErr, run, smallMlp, type OptKind, type Values } from './helpers.js';

const K = 3;
const B = 4;
const model = smallMlp();
const names = model.params.map((p) => p.name);
const weights = names.filter((n) => n.endsWith('weight'));

/** Independently traced: ∇_θ of the outer CE, and ∇_θ, ∂_logwd of the inner loss. */
const specs = [...model.params.map((p) => ({ name: p.name, shape: p.shape })), { name: 'logwd', shape: [] }, { name: 'x', shape: [B, 3] }, { name: 'y', shape: [B], dtype: 'int32' as const }];
const inner = traceGraph(specs, (...vs) => {
  const p = Object.fromEntries(names.map((n, i) => [n, vs[i]!]));
  const [logwd, x, y] = vs.slice(names.length);
  const reg = weights.map((w) => fn.dot(p[w]!, p[w]!)).reduce((a, b) => op.add(a, b));
  return op.add(fn.mean(crossEntropy(model.apply(p, x!), y!)), op.mul(op.exp(logwd!), reg));
});
const outer = traceGraph(specs, (...vs) => {
  const p = Object.fromEntries(names.map((n, i) => [n, vs[i]!]));
  return op.add(fn.mean(crossEntropy(model.apply(p, vs[names.length + 1]!), vs[names.length + 2]!)), op.mul(vs[names.length]!, 0));
});
const gInTheta = grad(inner, { wrt: names.map((_, i) => i) });
const gInPhi = grad(inner, { wrt: [names.length] });
const gOutTheta = grad(outer, { wrt: names.map((_, i) => i) });

const rowOf = (t: Tensor, k: number): Tensor => {
  const row = t.data.length / t.shape[0]!;
  return tensor(t.shape.slice(1), t.data.slice(k * row, (k + 1) * row));
};
const vec = (ts: readonly Tensor[]): number[] => ts.flatMap((t) => [...t.data]);
const split = (flat: readonly number[]): Tensor[] => {
  let at = 0;
  return model.params.map((p) => {
    const n = p.shape.reduce((a, b) => a * b, 1);
    at += n;
    return tensor(p.shape, flat.slice(at - n, at));
  });
};

function check(opt: OptKind, mode: ModeSpec): { got: number; want: number } {
  const root = hyperProblem({ model, opt, steps: K, mode, batch: B, classes: 2 });
  const vals = randomValues(buildHypergradient(root), 21);
  const got = run(buildHypergradient(root), vals).get('hypergrad:tune.logwd')!.data[0]!;
  // θ_K, the final moments, and θ_{K-1} (a run of K−1 steps on the first K−1 batches).
  const after = run(buildOuterStep(root), vals);
  const thetaK = names.map((n) => after.get(`param:fit.${n}`)!);
  const shorter = hyperProblem({ model, opt, steps: K - 1, mode, batch: B, classes: 2 });
  const vals1: Values = new Map(vals);
  for (const f of ['x', 'y']) {
    const t = vals.get(`data:fit.${f}`)!;
    vals1.set(`data:fit.${f}`, tensor([K - 1, ...t.shape.slice(1)], t.data.slice(0, (t.data.length / K) * (K - 1))));
  }
  const thetaPrev = names.map((n) => run(buildOuterStep(shorter), vals1).get(`param:fit.${n}`)!);
  const logwd = vals.get('param:tune.logwd')!;
  const [xIn, yIn] = [rowOf(vals.get('data:fit.x')!, K - 1), rowOf(vals.get('data:fit.y')!, K - 1)];
  const [xOut, yOut] = [rowOf(vals.get('data:tune.x')!, 0), rowOf(vals.get('data:tune.y')!, 0)];
  const v = vec(evaluate(gOutTheta, [...thetaK, logwd, xOut, yOut]));
  let d: number[];
  if (opt === 'sgd') d = v.map(() => 0.1);
  else {
    // hypergradients.md: D = lr·[(1−β1)β2·v_{t−1} − β1(1−β2)·g_t·m_{t−1}] / (√v_t + ε)³
    const [lr, b1, b2, eps] = [0.05, 0.9, 0.999, 1e-8];
    const g = vec(evaluate(gInTheta, [...thetaPrev, logwd, xIn, yIn]));
    const m = vec(names.map((n) => after.get(`state:fit.m.${n}`)!));
    const vv = vec(names.map((n) => after.get(`state:fit.v.${n}`)!));
    d = g.map((gi, i) => {
      const mPrev = (m[i]! - (1 - b1) * gi) / b1;
      const vPrev = (vv[i]! - (1 - b2) * gi * gi) / b2;
      return (lr * ((1 - b1) * b2 * vPrev - b1 * (1 - b2) * gi * mPrev)) / (Math.sqrt(vv[i]!) + eps) ** 3;
    });
  }
  const dir = mode.mode === 'sama' ? v.map((x, i) => x * d[i]!) : v;
  const eps = (mode.mode === 'sama' ? (mode.radius ?? 1) : (mode.mode === 'darts' ? (mode.alpha ?? 0.01) : 0)) / Math.hypot(...dir);
  const thetaFlat = vec(thetaK);
  const gPhi = (s: number): number => evaluate(gInPhi, [...split(thetaFlat.map((t, i) => t + s * eps * dir[i]!)), logwd, xIn, yIn])[0]!.data[0]!;
  return { got, want: -(gPhi(1) - gPhi(-1)) / (2 * eps) };
}

describe('darts and sama follow their defining formulas', () => {
  for (const opt of ['sgd', 'adam'] as OptKind[]) {
    it(`darts (${opt} inner optimizer): −[∇_φ L_in(θ_K + εv) − ∇_φ L_in(θ_K − εv)]/2ε, ε = α/‖v‖`, () => {
      const { got, want } = check(opt, { mode: 'darts', alpha: 0.01 });
      assert.ok(want !== 0 && relErr([got], [want]) < 1e-9, `${got} vs ${want}`);
    });
    it(`sama (${opt} inner optimizer): the same along D·v with the optimizer-aware diagonal`, () => {
      const { got, want } = check(opt, { mode: 'sama', radius: 1.0 });
      assert.ok(want !== 0 && relErr([got], [want]) < 1e-9, `${got} vs ${want}`);
    });
  }
});

describe('first_order', () => {
  it('gives ∂_φ L_out (here zero) for a φ that only enters the inner loss, and says so', () => {
    const root = hyperProblem({ model, opt: 'sgd', steps: K, mode: { mode: 'first_order' }, batch: B, classes: 2 });
    const b = buildHypergradient(root);
    assert.equal(run(b, randomValues(b, 2)).get('hypergrad:tune.logwd')!.data[0], 0);
    assert.match(b.warnings.join('\n'), /first_order on tune: the dependence of fit on tune\.logwd/);
    const un = buildHypergradient(root, { mode: { mode: 'unrolled' } });
    assert.notEqual(run(un, randomValues(un, 2)).get('hypergrad:tune.logwd')!.data[0], 0);
    assert.deepEqual(un.warnings, []);
  });
});

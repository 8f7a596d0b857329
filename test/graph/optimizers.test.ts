// Functional optimisers: differentiable in params, grads, state and hyperparameters, and finite
// when differentiated at a zero gradient (Adam's √v at v = 0).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as op from '../../server/src/graph/ops.js';
import { grad, hvp } from '../../server/src/graph/transforms.js';
import { traceGraph, type Value } from '../../server/src/graph/trace.js';
import { adam, adamw, momentum, rmsprop, sgd, stateShapes, type Optimizer } from '../../server/src/graph/nn/index.js';
import { checkScalarGraph, randomTensor, rng } from './gradcheck.js';
import { evaluate, tensor, type Tensor } from './reference-eval.js';

const P = [2, 3];

/** Two steps from the zero state; the second gradient depends on the first step's result. */
function twoSteps(make: (lr: Value, h: Value) => Optimizer<unknown>) {
  return traceGraph(
    [{ name: 'p', shape: P }, { name: 'g', shape: P }, { name: 'lr', shape: [] }, { name: 'h', shape: [] }],
    (p, g, lr, h) => {
      const o = make(lr!, h!);
      let s = o.init([p!]);
      let r = o.step([p!], s, [g!]);
      s = r.state;
      r = o.step(r.params, s, [op.mul(op.tanh(r.params[0]!), g!)]);
      const w = p!.tracer.constant([0.3, -1.2, 0.8, 1.1, -0.4, 0.6], P);
      return op.add(op.sum(op.mul(r.params[0]!, w)), op.sum(op.mul(Object.values(r.state).flat().filter((v) => v.rank > 0)[0] ?? p!, w)));
    },
  );
}

const cases: [string, (lr: Value, h: Value) => Optimizer<unknown>, number][] = [
  ['sgd', (lr) => sgd({ lr }), 0.5],
  ['sgd + weight decay (decay as a graph value)', (lr, h) => sgd({ lr, weightDecay: h }), 0.1],
  ['sgd + nesterov momentum (momentum as a graph value)', (lr, h) => sgd({ lr, momentum: h, nesterov: true }), 0.9],
  ['momentum', (lr) => momentum({ lr }), 0.5],
  ['adam (beta1 as a graph value)', (lr, h) => adam({ lr, beta1: h }), 0.9],
  ['adamw (weight decay as a graph value)', (lr, h) => adamw({ lr, weightDecay: h }), 0.05],
  ['rmsprop (alpha as a graph value)', (lr, h) => rmsprop({ lr, alpha: h }), 0.9],
];

describe('optimisers: every input, hyperparameters included, against finite differences', () => {
  for (const [name, make, h] of cases)
    it(name, () => {
      const r = rng(name.length * 7919);
      const g = twoSteps(make);
      const args = [
        randomTensor({ name: 'p', shape: P }, r),
        randomTensor({ name: 'g', shape: P, lo: 0.3, hi: 1.5, awayFromZero: true }, r),
        tensor([], [0.1]),
        tensor([], [h]),
      ];
      checkScalarGraph(g, args, r);
    });
});

function finite(ts: readonly Tensor[]): boolean {
  return ts.every((t) => t.data.every(Number.isFinite));
}

describe('Adam differentiated at a zero gradient', () => {
  const graphWith = (o: Optimizer<unknown>) =>
    traceGraph([{ name: 'p', shape: P }, { name: 'g', shape: P }, { name: 'lr', shape: [] }], (p, g, lr) => {
      const r = o.step([p!], o.init([p!]), [g!], { lr } as never);
      return op.sum(op.mul(r.params[0]!, r.params[0]!));
    });
  const args = [tensor(P, [1, 2, 3, -1, -2, -3]), tensor(P, new Array(6).fill(0)), tensor([], [0.01])];

  for (const o of [adam(), adamw(), rmsprop()])
    it(`${o.kind}: gradient and HVP w.r.t. params, grads and lr are finite`, () => {
      const g = graphWith(o);
      const gr = evaluate(grad(g), args);
      assert.ok(finite(gr), 'gradient has a non-finite entry');
      const hv = evaluate(hvp(g), [...args, tensor(P, [1, 1, 1, 1, 1, 1]), tensor(P, [1, -1, 1, -1, 1, -1]), tensor([], [1])]);
      assert.ok(finite(hv), 'HVP has a non-finite entry');
      // zero gradient: p' = p (AdamW: p' = (1 − lr·wd)·p), so d(Σp'²)/dp = 2p·(1 − lr·wd)²
      const decay = o.kind === 'adamw' ? (1 - 0.01 * 0.01) ** 2 : 1;
      [2, 4, 6, -2, -4, -6].forEach((v, i) => assert.ok(Math.abs(gr[0]!.data[i]! - v * decay) < 1e-12, `${gr[0]!.data[i]} vs ${v * decay}`));
    });

  it('the same step with a plain sqrt gives NaN (the hazard safeSqrt removes)', () => {
    const g = traceGraph([{ name: 'p', shape: P }, { name: 'g', shape: P }], (p, gr) => {
      const v = op.mul(op.mul(gr!, gr!), 0.001);
      const upd = op.div(op.mul(gr!, 0.1), op.add(op.sqrt(v), 1e-8));
      return op.sum(op.sub(p!, upd));
    });
    const gr = evaluate(grad(g), args.slice(0, 2));
    assert.ok(!finite(gr));
  });
});

describe('optimiser state', () => {
  it('stateShapes lists each slot per parameter and the step counter', () => {
    assert.deepEqual(stateShapes(adam(), [[2, 3], [3]]), { m: [[2, 3], [3]], v: [[2, 3], [3]], step: [[]] });
    assert.deepEqual(stateShapes(sgd(), [[2]]), {});
    assert.deepEqual(stateShapes(momentum(), [[2]]), { buf: [[2]] });
  });
  it('adam takes the documented first step: p − lr·sign(g) (bias-corrected)', () => {
    const g = traceGraph([{ name: 'p', shape: [3] }, { name: 'g', shape: [3] }], (p, gr) => adam({ lr: 0.1, eps: 0 }).step([p!], adam().init([p!]), [gr!]).params[0]!);
    const [out] = evaluate(g, [tensor([3], [1, 1, 1]), tensor([3], [2, -0.5, 3])]);
    [0.9, 1.1, 0.9].forEach((v, i) => assert.ok(Math.abs(out!.data[i]! - v) < 1e-12));
  });
});

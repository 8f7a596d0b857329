// The case TensorFlow.js gets wrong: the exact meta-gradient through K = 3 inner SGD steps of a
// tanh MLP with log-softmax cross-entropy, in float64 against finite differences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradOf } from '../../server/src/graph/autodiff.js';
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { grad } from '../../server/src/graph/transforms.js';
import { traceGraph, type InputSpec, type Value } from '../../server/src/graph/trace.js';
import { crossEntropy, mlp, sgd } from '../../server/src/graph/nn/index.js';
import { checkScalarGraph, randomTensor, rng } from './gradcheck.js';
import { evaluate, tensor } from './reference-eval.js';

const model = mlp([2, 3, 2], { activation: 'tanh' });
const K = 3;

function metaGraph(firstOrder: boolean) {
  const specs: InputSpec[] = [
    ...model.params.map((p) => ({ name: p.name, shape: p.shape })),
    { name: 'lr', shape: [] },
    { name: 'xs', shape: [4, 2] },
    { name: 'ys', shape: [4], dtype: 'int32' },
    { name: 'xq', shape: [3, 2] },
    { name: 'yq', shape: [3], dtype: 'int32' },
  ];
  return traceGraph(specs, (...vs: Value[]) => {
    const n = model.params.length;
    const [lr, xs, ys, xq, yq] = vs.slice(n) as [Value, Value, Value, Value, Value];
    const loss = (theta: Value[], x: Value, y: Value): Value =>
      fn.mean(crossEntropy(model.apply(Object.fromEntries(model.params.map((s, i) => [s.name, theta[i]!])), x), y));
    const opt = sgd({ lr });
    let theta = vs.slice(0, n);
    for (let k = 0; k < K; k++) {
      const g = gradOf(loss(theta, xs, ys), theta).map((gi) => (firstOrder ? op.stopGradient(gi) : gi));
      theta = opt.step(theta, {}, g).params;
    }
    return loss(theta, xq, yq);
  });
}

function metaArgs(seed: number) {
  const r = rng(seed);
  const g = metaGraph(false);
  const args = g.inputs.map((id) => {
    const n = g.nodes[id]!;
    if (n.dtype === 'int32') return tensor(n.shape, Array.from({ length: n.shape[0]! }, () => Math.floor(r() * 2)));
    if (n.shape.length === 0) return tensor([], [0.7]);
    return randomTensor({ name: 'a', shape: n.shape, lo: -1.5, hi: 1.5 }, r);
  });
  return { g, args, r };
}

describe('MAML meta-gradient through 3 inner SGD steps', () => {
  it('exact meta-gradient (and its HVPs) w.r.t. the initialisation and the learning rate match finite differences', () => {
    const { g, args, r } = metaArgs(3);
    const wrt = [...model.params.keys(), model.params.length]; // θ₀ and lr
    checkScalarGraph(g, args, r, { wrt });
  });

  it('differs from the first-order approximation, so the second-order terms are really there', () => {
    const { g, args } = metaArgs(3);
    const wrt = [...model.params.keys()];
    const exact = evaluate(grad(g, { wrt }), args);
    const approx = evaluate(grad(metaGraph(true), { wrt }), args);
    let diff = 0;
    let norm = 0;
    exact.forEach((t, j) => t.data.forEach((v, i) => ((diff += (v - approx[j]!.data[i]!) ** 2), (norm += v * v))));
    assert.ok(Math.sqrt(diff / norm) > 1e-3, `relative difference ${Math.sqrt(diff / norm)}`);
  });
});

// Cross-mode identities and finite-difference checks on whole models: every activation, every
// loss, the conv net and the mixture; plus the initialiser's determinism.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fn from '../../server/src/graph/composites.js';
import { traceGraph, type InputSpec, type Value } from '../../server/src/graph/trace.js';
import { accuracy, convNet, crossEntropy, initParams, linear, mixture, mlp, mse, paramCount, type Activation, type Model } from '../../server/src/graph/nn/index.js';
import { checkScalarGraph, randomTensor, rng } from './gradcheck.js';
import { evaluate, tensor } from './reference-eval.js';

type LossKind = 'crossEntropy' | 'mse';

/** Graph (params..., x, y) → mean loss, and random arguments for it. */
export function lossGraph(model: Model, batch: number, loss: LossKind, seed: number) {
  const r = rng(seed);
  const classes = model.outputShape[0]!;
  const specs: InputSpec[] = [
    ...model.params.map((p) => ({ name: p.name, shape: p.shape })),
    { name: 'x', shape: [batch, ...model.inputShape] },
    loss === 'crossEntropy' ? { name: 'y', shape: [batch], dtype: 'int32' as const } : { name: 'y', shape: [batch, classes] },
  ];
  const g = traceGraph(specs, (...vs: Value[]) => {
    const p = Object.fromEntries(model.params.map((s, i) => [s.name, vs[i]!]));
    const [x, y] = vs.slice(model.params.length) as [Value, Value];
    const out = model.apply(p, x);
    return fn.mean(loss === 'crossEntropy' ? crossEntropy(out, y) : mse(out, y));
  });
  const args = specs.map((s) =>
    s.dtype === 'int32' ? tensor(s.shape, Array.from({ length: batch }, () => Math.floor(r() * classes))) : randomTensor({ ...s, lo: -1, hi: 1 }, r),
  );
  return { g, args, wrt: model.params.map((_, i) => i), r };
}

describe('models: all modes and orders against finite differences', () => {
  const activations: Activation[] = ['relu', 'tanh', 'sigmoid', 'softplus', 'elu'];
  for (const a of activations)
    for (const loss of ['crossEntropy', 'mse'] as const)
      it(`mlp 3-4-2 with ${a}, ${loss}`, () => {
        const { g, args, wrt, r } = lossGraph(mlp([3, 4, 2], { activation: a }), 3, loss, 17);
        checkScalarGraph(g, args, r, { wrt });
      });
  it('mlp with an output activation (sigmoid) and mse', () => {
    const { g, args, wrt, r } = lossGraph(mlp([2, 3, 2], { activation: 'tanh', outputActivation: 'sigmoid' }), 2, 'mse', 5);
    checkScalarGraph(g, args, r, { wrt });
  });
  for (const a of ['relu', 'tanh'] as const)
    it(`conv net 1×4×4 → conv(2) → ${a} → avgpool → linear(3), crossEntropy`, () => {
      const { g, args, wrt, r } = lossGraph(convNet({ input: [1, 4, 4], channels: 2, classes: 3, activation: a }), 2, 'crossEntropy', 23);
      checkScalarGraph(g, args, r, { wrt });
    });
  it('strided conv net without pooling', () => {
    const { g, args, wrt, r } = lossGraph(convNet({ input: [2, 5, 5], channels: 2, stride: 2, padding: 1, pool: 1, classes: 2, activation: 'softplus' }), 2, 'crossEntropy', 29);
    checkScalarGraph(g, args, r, { wrt });
  });
  it('mixture of a linear model and an mlp (alpha included)', () => {
    const m = mixture([linear(3, 2, 'a.'), mlp([3, 3, 2], { activation: 'tanh' }, 'b.')]);
    const { g, args, wrt, r } = lossGraph(m, 3, 'crossEntropy', 31);
    checkScalarGraph(g, args, r, { wrt });
    assert.ok(m.params.some((p) => p.name === 'alpha'));
  });
});

describe('metrics and initialisation', () => {
  it('accuracy counts arg-max hits', () => {
    const g = traceGraph([{ name: 'z', shape: [4, 3] }, { name: 'y', shape: [4], dtype: 'int32' }], (z, y) => accuracy(z!, y!));
    const z = tensor([4, 3], [0, 1, 0, 5, 1, 1, 0, 0, 2, 1, 3, 2]);
    const [acc] = evaluate(g, [z, tensor([4], [1, 0, 1, 1])]);
    assert.equal(acc!.data[0], 0.75);
  });
  it('initParams is deterministic per seed and differs across seeds and names', () => {
    const m = mlp([5, 7, 3]);
    const a = initParams(m.params, 42);
    const b = initParams(m.params, 42);
    const c = initParams(m.params, 43);
    assert.deepEqual([...a.get('l0.weight')!], [...b.get('l0.weight')!]);
    assert.notDeepEqual([...a.get('l0.weight')!], [...c.get('l0.weight')!]);
    assert.notDeepEqual([...a.get('l0.weight')!].slice(0, 3), [...a.get('l1.weight')!].slice(0, 3));
    assert.ok([...a.get('l0.bias')!].every((v) => v === 0));
    const bound = Math.sqrt(6 / (5 + 7));
    assert.ok([...a.get('l0.weight')!].every((v) => Math.abs(v) <= bound));
    assert.equal(paramCount(m.params), 5 * 7 + 7 + 7 * 3 + 3);
  });
});

// The exact modes: unrolled against float64 finite differences of the K-step outer objective,
// mixflow and forward against unrolled, on an MLP and a conv net with sgd, momentum and Adam.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradOf } from '../../server/src/graph/autodiff.js';
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { adam, crossEntropy, type Optimizer } from '../../server/src/graph/nn/index.js';
import { buildHypergradient } from '../../server/src/graph/modes/outer-step.js';
import type { LevelDef, ModeSpec } from '../../server/src/graph/modes/problem.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import { evaluate, tensor } from '../graph/reference-eval.js';
import { fdOuter, flat, hyperProblem, mamlProblem, randomValues, relErr, run, smallConv, smallMlp, table, type OptKind, type Values } from './helpers.js';

const hypergrad = (root: LevelDef, vals: Values, mode?: ModeSpec): number[] => {
  const b = buildHypergradient(root, mode ? { mode } : {});
  const out = run(b, vals);
  return flat(b.outputs.filter((s) => s.kind === 'hypergrad').map((s) => out.get(s.name)!));
};

describe('exact modes agree with each other and with finite differences', () => {
  const rows: (string | number)[][] = [];
  for (const [modelName, model] of [['mlp', smallMlp], ['conv', smallConv]] as const) {
    for (const opt of ['sgd', 'momentum', 'adam'] as OptKind[]) {
      it(`${modelName} + ${opt}: unrolled = finite differences, mixflow = forward = unrolled`, () => {
        const root = hyperProblem({ model: model(), opt, steps: 3, mode: { mode: 'unrolled' }, batch: 4, classes: 2, tuneLr: true });
        const vals = randomValues(buildHypergradient(root), 11);
        const un = hypergrad(root, vals);
        const fd = fdOuter(root, vals, ['param:tune.logwd', 'param:tune.loglr']);
        const mf = hypergrad(root, vals, { mode: 'mixflow' });
        const fw = hypergrad(root, vals, { mode: 'forward' });
        const tr = hypergrad(root, vals, { mode: 'truncated', steps: 3 });
        rows.push([modelName, opt, relErr(un, fd), relErr(mf, un), relErr(fw, un)]);
        assert.ok(un.every((x) => x !== 0 && Number.isFinite(x)), `non-trivial hypergradient ${un}`);
        assert.ok(relErr(un, fd) < 1e-6, `unrolled vs FD ${relErr(un, fd)}`);
        assert.ok(relErr(mf, un) < 1e-9, `mixflow vs unrolled ${relErr(mf, un)}`);
        assert.ok(relErr(fw, un) < 1e-9, `forward vs unrolled ${relErr(fw, un)}`);
        assert.ok(relErr(tr, un) < 1e-12, 'truncated(K) is unrolled');
        const tr1 = hypergrad(root, vals, { mode: 'truncated', steps: 1 });
        assert.ok(relErr(tr1, un) > 1e-6, 'truncated(1) drops the earlier steps');
      });
    }
  }
  it('prints the agreement table', () => table('exact modes (relative errors, float64 reference)', ['model', 'inner opt', 'unrolled vs FD', 'mixflow vs unrolled', 'forward vs unrolled'], rows));

  for (const opt of ['sgd', 'adam'] as OptKind[]) {
    it(`MAML (${opt} inner steps from the meta init): unrolled = FD, mixflow = unrolled`, () => {
      const root = mamlProblem(smallMlp(), opt, 2, { mode: 'unrolled' }, 4, 2);
      const vals = randomValues(buildHypergradient(root), 5);
      const un = hypergrad(root, vals);
      const names = buildHypergradient(root).inputs.filter((s) => s.kind === 'param').map((s) => s.name);
      const fd = fdOuter(root, vals, names);
      assert.ok(relErr(un, fd) < 1e-6, `unrolled vs FD ${relErr(un, fd)}`);
      assert.ok(relErr(hypergrad(root, vals, { mode: 'mixflow' }), un) < 1e-9);
    });
  }
});

describe('Adam inside an exact mode stays finite with zero gradients', () => {
  // `dead` never receives an inner gradient (relu of negative values), so Adam's second moment
  // stays exactly 0 on it and every derivative passes √0.
  const mk = (mode: ModeSpec): LevelDef => ({
    name: 'tune',
    params: [{ name: 'logwd', shape: [] }],
    optimizer: { optimizer: adam() as Optimizer<object> },
    hypergradient: mode,
    data: [{ name: 'x', shape: [3, 2] }],
    loss: (c) => op.add(fn.dot(c.param('fit', 'w'), c.param('fit', 'w')), op.sum(c.param('fit', 'dead'))),
    children: [
      {
        name: 'fit',
        params: [{ name: 'w', shape: [2] }, { name: 'dead', shape: [2] }],
        steps: 4,
        data: [{ name: 'x', shape: [3, 2] }],
        optimizer: { optimizer: adam({ lr: 0.1 }) as Optimizer<object> },
        loss: (c) => {
          const w = c.param('fit', 'w');
          const r = op.sub(op.sum(op.mul(c.batch['x']!, w), 1), 1);
          return op.add(op.add(fn.dot(r, r), op.mul(op.exp(c.param('tune', 'logwd')), fn.dot(w, w))), op.sum(op.relu(c.param('fit', 'dead'))));
        },
      },
    ],
  });
  it('unrolled, mixflow and forward are finite, equal, and match finite differences', () => {
    const b = buildHypergradient(mk({ mode: 'unrolled' }));
    const vals = randomValues(b, 3);
    vals.set('param:fit.dead', tensor([2], [-1, -2]));
    const un = hypergrad(mk({ mode: 'unrolled' }), vals);
    const mf = hypergrad(mk({ mode: 'mixflow' }), vals);
    const fw = hypergrad(mk({ mode: 'forward' }), vals);
    for (const g of [un, mf, fw]) assert.ok(g.every(Number.isFinite), `finite: ${g}`);
    assert.ok(relErr(mf, un) < 1e-9 && relErr(fw, un) < 1e-9);
    assert.ok(relErr(un, fdOuter(mk({ mode: 'unrolled' }), vals, ['param:tune.logwd'])) < 1e-6);
  });
});

describe('FOMAML', () => {
  it('first_order on a reset-from init gives ∇_θ L_meta at the adapted parameters', () => {
    const model = smallMlp();
    const root = mamlProblem(model, 'sgd', 2, { mode: 'first_order' }, 4, 2);
    const b = buildHypergradient(root);
    const vals = randomValues(b, 9);
    const got = hypergrad(root, vals);
    // Independently: two SGD steps (lr 0.1) on the support batches, then ∇ of the query loss.
    const names = model.params.map((p) => p.name);
    const g = traceGraph(
      [...model.params.map((p) => ({ name: p.name, shape: p.shape })), { name: 'xs', shape: [2, 4, 3] }, { name: 'ys', shape: [2, 4], dtype: 'int32' as const }, { name: 'xq', shape: [4, 3] }, { name: 'yq', shape: [4], dtype: 'int32' as const }],
      (...vs) => {
        const [xs, ys, xq, yq] = vs.slice(names.length);
        const ce = (th: typeof vs, x: typeof xq, y: typeof yq) => fn.mean(crossEntropy(model.apply(Object.fromEntries(names.map((n, i) => [n, th[i]!])), x!), y!));
        let th = vs.slice(0, names.length);
        for (let k = 0; k < 2; k++) {
          const x = op.reshape(op.slice(xs!, [k], [k + 1], [0]), [4, 3]);
          const y = op.reshape(op.slice(ys!, [k], [k + 1], [0]), [4]);
          const gr = gradOf(ce(th, x, y), th);
          th = th.map((t, i) => op.sub(t, op.mul(gr[i]!, 0.1)));
        }
        return gradOf(ce(th, xq, yq), th);
      },
    );
    const want = flat(evaluate(g, [...names.map((n) => vals.get(`param:meta.${n}`)!), vals.get('data:adapt.x')!, vals.get('data:adapt.y')!, vals.get('data:meta.x')!, vals.get('data:meta.y')!].map((t) => (t.shape.length === 3 && t.shape[0] === 1 ? tensor(t.shape.slice(1), t.data) : t.shape.length === 2 && t.shape[0] === 1 ? tensor(t.shape.slice(1), t.data) : t))));
    assert.ok(relErr(got, want) < 1e-12, `FOMAML ${relErr(got, want)}`);
    assert.ok(relErr(got, hypergrad(root, vals, { mode: 'unrolled' })) > 1e-4, 'and differs from second-order MAML');
  });
});

// Shape-only tracing, graph invariants, remat, simplification, and the special rules
// (stopGradient, safeSqrt at 0) whose derivatives deliberately differ from finite differences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradOf } from '../../server/src/graph/autodiff.js';
import * as fn from '../../server/src/graph/composites.js';
import type { Graph } from '../../server/src/graph/ir.js';
import { bytesPerElement, sizeOf } from '../../server/src/graph/ir.js';
import * as op from '../../server/src/graph/ops.js';
import { ShapeError } from '../../server/src/graph/shapes.js';
import { grad, hvp, jvp, opCounts, remat, simplify, vjp } from '../../server/src/graph/transforms.js';
import { inline, traceGraph, Tracer, type Value } from '../../server/src/graph/trace.js';
import { adam, crossEntropy, mlp, sgd } from '../../server/src/graph/nn/index.js';
import { evaluate, tensor } from './reference-eval.js';
import { assertClose, randomTensor, rng } from './gradcheck.js';

function assertWellFormed(g: Graph): void {
  g.nodes.forEach((n, i) => {
    assert.equal(n.id, i);
    for (const j of [...n.inputs, ...(n.after ?? [])]) assert.ok(j < i, `node ${i} uses ${j}`);
  });
  for (const id of g.inputs) assert.equal(g.nodes[id]!.op, 'Input');
}

/** Peak bytes when every value is freed right after its last use, nodes run in list order. */
function peakBytes(g: Graph): number {
  const last = new Int32Array(g.nodes.length).fill(-1);
  g.nodes.forEach((n) => n.inputs.forEach((j) => (last[j] = n.id)));
  for (const o of g.outputs) last[o] = g.nodes.length;
  let live = 0;
  let peak = 0;
  const bytes = (i: number): number => sizeOf(g.nodes[i]!.shape) * bytesPerElement(g.nodes[i]!.dtype);
  for (const n of g.nodes) {
    live += bytes(n.id);
    peak = Math.max(peak, live);
    for (const j of new Set(n.inputs)) if (last[j] === n.id) live -= bytes(j);
    if (last[n.id] === -1) live -= bytes(n.id);
  }
  return peak;
}

describe('shape-only tracing', () => {
  it('an MLP 784-256-10 SGD training step traces with no data: shapes, node count, no wasted matmul', () => {
    const model = mlp([784, 256, 10], { activation: 'relu' });
    const specs = [...model.params.map((p) => ({ name: p.name, shape: p.shape })), { name: 'x', shape: [64, 784] }, { name: 'y', shape: [64], dtype: 'int32' as const }];
    const g = traceGraph(specs, (...vs: Value[]) => {
      const theta = vs.slice(0, 4);
      const [x, y] = vs.slice(4) as [Value, Value];
      const loss = fn.mean(crossEntropy(model.apply(Object.fromEntries(model.params.map((s, i) => [s.name, theta[i]!])), x), y));
      return sgd({ lr: 0.1 }).step(theta, {}, gradOf(loss, theta)).params;
    });
    assertWellFormed(g);
    assert.deepEqual(g.outputs.map((o) => g.nodes[o]!.shape), model.params.map((p) => p.shape));
    const counts = opCounts(g);
    // forward 2, backward dW0 = xᵀδ0, dW1 = hᵀδ1, δh = δ1·W1ᵀ — and no gradient for the data x
    assert.equal(counts['MatMul'], 5);
    assert.equal(counts['Input'], 6);
    assert.ok(g.nodes.length < 60, `${g.nodes.length} nodes`);
    // every constant is small (shape-only: nothing of the data's size was materialised)
    for (const n of g.nodes) if (n.op === 'Constant') assert.ok((n.attrs as { value: number[] }).value.length <= 10);
  });

  it('the Adam version and the exact HVP graph of the loss also trace and keep parameter shapes', () => {
    const model = mlp([20, 16, 3], { activation: 'tanh' });
    const specs = [...model.params.map((p) => ({ name: p.name, shape: p.shape })), { name: 'x', shape: [8, 20] }, { name: 'y', shape: [8], dtype: 'int32' as const }];
    const lossG = traceGraph(specs, (...vs: Value[]) =>
      fn.mean(crossEntropy(model.apply(Object.fromEntries(model.params.map((s, i) => [s.name, vs[i]!])), vs[4]!), vs[5]!)),
    );
    const h = hvp(lossG, { wrt: [0, 1, 2, 3], mode: 'rev-rev' });
    assertWellFormed(h);
    assert.deepEqual(h.outputs.map((o) => h.nodes[o]!.shape), model.params.map((p) => p.shape));
    const t = new Tracer();
    const args = lossG.inputs.map((id) => t.input('a', lossG.nodes[id]!.shape, lossG.nodes[id]!.dtype));
    const [loss] = inline(t, lossG, args);
    const o = adam({ lr: 1e-3 });
    const step = o.step(args.slice(0, 4), o.init(args.slice(0, 4)), gradOf(loss!, args.slice(0, 4)));
    assert.deepEqual(step.state['m']!.map((m) => m.shape), model.params.map((p) => p.shape));
  });

  it('shape errors are reported at trace time', () => {
    assert.throws(() => traceGraph([{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [2, 3] }], (a, b) => op.matmul(a!, b!)), ShapeError);
    assert.throws(() => traceGraph([{ name: 'a', shape: [2, 3] }, { name: 'b', shape: [4] }], (a, b) => op.add(a!, b!)), ShapeError);
    assert.throws(() => traceGraph([{ name: 'a', shape: [2, 3] }], (a) => op.reshape(a!, [4])), ShapeError);
  });
});

describe('graph transformations: signatures and composition', () => {
  const f = traceGraph([{ name: 'x', shape: [3] }, { name: 'w', shape: [3] }], (x, w) => op.sum(op.mul(op.tanh(op.mul(x!, w!)), x!)));
  const args = [tensor([3], [0.5, -1, 2]), tensor([3], [1.5, 0.3, -0.7])];

  it('vjp / jvp / grad / hvp have the documented inputs and outputs', () => {
    const v = vjp(f);
    assert.equal(v.inputs.length, 3);
    assert.equal(v.outputs.length, 3);
    const j = jvp(f, { wrt: [1] });
    assert.equal(j.inputs.length, 3);
    assert.equal(j.outputs.length, 2);
    assert.equal(grad(f).outputs.length, 2);
    assert.equal(hvp(f, { wrt: [0] }).inputs.length, 3);
    for (const g of [v, j, grad(f), hvp(f)]) assertWellFormed(g);
  });

  it('grad of grad of grad: third derivative of tanh matches the closed form', () => {
    const g1 = traceGraph([{ name: 'x', shape: [] }], (x) => op.tanh(x!));
    const g3 = grad(grad(grad(g1)));
    const x = 0.37;
    const t = Math.tanh(x);
    const expected = -2 * (1 - t * t) * (1 - 3 * t * t); // d³/dx³ tanh
    assert.ok(Math.abs(evaluate(g3, [tensor([], [x])])[0]!.data[0]! - expected) < 1e-12);
  });

  it('simplify is idempotent and removes duplicates', () => {
    const dup: Graph = { ...f, nodes: [...f.nodes, { ...f.nodes[f.nodes.length - 1]!, id: f.nodes.length }], outputs: [f.outputs[0]!, f.nodes.length] };
    const s = simplify(dup);
    assert.equal(s.nodes.length, f.nodes.length);
    assert.deepEqual(simplify(s), s);
    assert.deepEqual(evaluate(s, args)[1]!.data, evaluate(f, args)[0]!.data);
  });

  it('zero derivatives stay symbolic: the gradient w.r.t. an unused input is a zero constant', () => {
    const g = traceGraph([{ name: 'x', shape: [2] }, { name: 'u', shape: [4] }], (x) => op.sum(op.exp(x!)));
    const gg = grad(g);
    assert.equal(gg.nodes[gg.outputs[1]!]!.op, 'Constant');
    assert.deepEqual([...evaluate(gg, [tensor([2], [0, 0]), tensor([4], [1, 2, 3, 4])])[1]!.data], [0, 0, 0, 0]);
  });
});

describe('remat', () => {
  // a chain of element-wise ops on a large tensor, reduced to a scalar
  const chain = (x: Value): Value => {
    let h = x;
    for (let i = 0; i < 6; i++) h = op.tanh(op.mul(h, 1.1));
    return h;
  };
  const build = (withRemat: boolean): Graph =>
    traceGraph([{ name: 'x', shape: [1000] }], (x) => {
      // three checkpointed segments: only their boundaries are kept, each segment is recomputed
      // when the backward pass reaches it
      let h = x!;
      for (let s = 0; s < 3; s++) {
        const inp = h;
        h = withRemat ? x!.tracer.remat(() => chain(inp)) : chain(inp);
      }
      return op.sum(op.mul(h, h));
    });

  it('recomputes the region in the backward pass: same gradient, lower peak memory', () => {
    const plain = grad(build(false));
    const rm = grad(build(true));
    assertWellFormed(rm);
    const recomputed = rm.nodes.filter((n) => n.recompute);
    assert.ok(recomputed.length > 0, 'no recomputed nodes');
    assert.ok(recomputed.some((n) => n.after && n.after.length > 0), 'recomputation is not ordered after the cotangent');
    const x = randomTensor({ name: 'x', shape: [1000] }, rng(9));
    assertClose(evaluate(rm, [x])[0]!, evaluate(plain, [x])[0]!, 'remat gradient', 1e-12);
    assert.ok(peakBytes(rm) < peakBytes(plain), `peak ${peakBytes(rm)} vs ${peakBytes(plain)}`);
  });

  it('remat(graph) inlined into a trace behaves the same way, and second order still works', () => {
    const inner = traceGraph([{ name: 'x', shape: [5] }], (x) => chain(x!));
    const outer = traceGraph([{ name: 'x', shape: [5] }], (x) => {
      const [h] = inline(x!.tracer, remat(inner), [x!]);
      return op.sum(op.mul(h!, h!));
    });
    const plain = traceGraph([{ name: 'x', shape: [5] }], (x) => {
      const [h] = inline(x!.tracer, inner, [x!]);
      return op.sum(op.mul(h!, h!));
    });
    const x = randomTensor({ name: 'x', shape: [5] }, rng(4));
    const v = randomTensor({ name: 'v', shape: [5] }, rng(5));
    assert.ok(grad(outer).nodes.some((n) => n.recompute));
    for (const mode of ['fwd-rev', 'rev-rev'] as const)
      assertClose(evaluate(hvp(outer, { mode }), [x, v])[0]!, evaluate(hvp(plain, { mode }), [x, v])[0]!, `remat hvp ${mode}`, 1e-12);
  });
});

describe('rules that differ from finite differences on purpose', () => {
  it('stopGradient: d/dx Σ stop(eˣ)·tanh(x) = eˣ·(1 − tanh²x), second order likewise', () => {
    const g = traceGraph([{ name: 'x', shape: [3] }], (x) => op.sum(op.mul(op.stopGradient(op.exp(x!)), op.tanh(x!))));
    const xs = [0.2, -0.5, 1.3];
    const [gr] = evaluate(grad(g), [tensor([3], xs)]);
    xs.forEach((x, i) => assert.ok(Math.abs(gr!.data[i]! - Math.exp(x) * (1 - Math.tanh(x) ** 2)) < 1e-12));
    const [hv] = evaluate(hvp(g), [tensor([3], xs), tensor([3], [1, 1, 1])]);
    xs.forEach((x, i) => assert.ok(Math.abs(hv!.data[i]! - Math.exp(x) * -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)) < 1e-12));
  });
  it('safeSqrt: value and derivatives at 0 are 0 (finite) in every order and mode; sqrt is not', () => {
    const safe = traceGraph([{ name: 'x', shape: [2] }], (x) => op.sum(fn.safeSqrt(x!)));
    const plain = traceGraph([{ name: 'x', shape: [2] }], (x) => op.sum(op.sqrt(x!)));
    const at = [tensor([2], [0, 4])];
    assert.deepEqual([...evaluate(grad(safe), at)[0]!.data], [0, 0.25]);
    for (const mode of ['fwd-rev', 'rev-rev', 'rev-fwd'] as const) {
      const [hv] = evaluate(hvp(safe, { mode }), [...at, tensor([2], [1, 1])]);
      assert.equal(hv!.data[0], 0);
      assert.ok(Math.abs(hv!.data[1]! - -0.25 / 8) < 1e-15);
    }
    assert.ok(!Number.isFinite(evaluate(grad(plain), at)[0]!.data[0]!));
  });
});

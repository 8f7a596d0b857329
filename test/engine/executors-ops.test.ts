// Every primitive of the IR on every executor that loads here, against the float64 reference.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Graph, Shape } from '../../server/src/graph/ir.js';
import * as op from '../../server/src/graph/ops.js';
import { traceGraph, type Value } from '../../server/src/graph/trace.js';
import { assertMatchesReference, executors, randoms, tensor, type Tensor } from './support.js';

interface Case {
  name: string;
  graph: Graph;
  args: Tensor[];
}

const size = (s: Shape): number => s.reduce((p, d) => p * d, 1);
const rand = (shape: Shape, seed: number, lo = -2, hi = 2): Tensor => tensor(shape, randoms(size(shape), seed, lo, hi));

function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, specs: { shape: Shape; dtype?: 'float32' | 'int32' | 'bool' }[], args: Tensor[], fn: (...xs: Value[]) => Value | Value[]): void => {
    out.push({ name, graph: traceGraph(specs.map((s, i) => ({ name: `x${i}`, ...s })), fn), args });
  };
  const x = rand([3, 4], 1);
  add('unary', [{ shape: [3, 4] }], [x], (a) => [
    op.neg(a), op.exp(a), op.tanh(a), op.sigmoid(a), op.relu(a), op.abs(a), op.sign(a), op.stopGradient(a),
    op.log(op.add(op.abs(a), 0.5)), op.sqrt(op.add(op.abs(a), 0.1)), op.softplus(op.mul(a, 20)),
  ]);
  add('binary with broadcasting', [{ shape: [3, 4] }, { shape: [4] }], [x, rand([4], 2, 0.5, 2)], (a, b) => [
    op.add(a, b), op.sub(b, a), op.mul(a, b), op.div(a, b), op.pow(b, a), op.pow(op.abs(a), 3),
    op.cast(op.greater(a, b), 'float32'), op.cast(op.lessEqual(a, b), 'float32'),
    op.where(op.greaterEqual(a, 0), a, op.mul(b, 2)), op.cast(op.equal(op.sign(a), 1), 'int32'),
    op.cast(op.less(a, 0), 'int32'), op.cast(op.mul(a, 3), 'int32'),
  ]);
  add('matmul', [{ shape: [2, 3, 4] }, { shape: [2, 4, 5] }, { shape: [4, 6] }], [rand([2, 3, 4], 3), rand([2, 4, 5], 4), rand([4, 6], 5)], (a, b, c) => [
    op.matmul(a, b), op.matmul(op.reshape(a, [6, 4]), c), op.matmul(op.transpose(op.reshape(a, [6, 4])), op.reshape(a, [6, 4])),
  ]);
  add('reductions', [{ shape: [2, 3, 4] }], [rand([2, 3, 4], 6)], (a) => [
    op.sum(a, [0, 2], true), op.sum(a, [1]), op.max(a, [1]), op.max(a, [0, 1, 2]), op.argMax(a, 1), op.argMax(a, 2, true),
    a.tracer.emit('ReduceSum', [a], { axes: [], keepdims: false }),
  ]);
  add('layout', [{ shape: [2, 3, 4] }, { shape: [3, 1] }], [rand([2, 3, 4], 7), rand([3, 1], 8)], (a, b) => [
    op.reshape(a, [4, 6]), op.transpose(a, [2, 0, 1]), op.broadcastTo(b, [2, 3, 5]), op.slice(a, [1, 2], [3, 4], [1, 2]),
    op.pad(a, [0, 1, 2, 1, 0, 0]), op.concat([a, op.mul(a, 2)], 1), op.concat([b, b, b], 1),
  ]);
  add('gather and scatter-add (duplicate indices)', [{ shape: [5, 3] }, { shape: [2, 3], dtype: 'int32' }], [rand([5, 3], 9), tensor([2, 3], [4, 0, 4, 1, 4, 0])], (a, i) => {
    const g = op.gather(a, i);
    return [g, op.scatterAdd(g, i, 5)];
  });
  add('constants', [{ shape: [2, 3] }], [rand([2, 3], 10)], (a) => {
    const t = a.tracer;
    return [op.add(a, t.constant([1, 2, 3, 4, 5, 6], [2, 3])), op.mul(a, t.constant(0.5, [2, 3])), op.cast(t.constant([1, 0, 1], [3], 'bool'), 'float32'), t.constant(7, [2, 2], 'int32')];
  });
  // Strides 2 with asymmetric pads where the floor division drops rows: the transposes must restore them.
  for (const [stride, pads] of [[1, [1, 1, 1, 1]], [2, [1, 0, 0, 2]], [2, [0, 0, 0, 0]]] as const) {
    const opts = { stride, padding: pads };
    const geo = op.convGeometry(opts);
    const xs: Shape = [2, 3, 7, 6];
    const ws: Shape = [4, 3, 3, 2];
    const tmp = traceGraph([{ name: 'x', shape: xs }, { name: 'w', shape: ws }], (a, w) => op.conv2d(a, w, opts));
    const ys = tmp.nodes[tmp.outputs[0]!]!.shape;
    add(`conv stride ${stride} pads ${pads.join(',')}`, [{ shape: xs }, { shape: ws }, { shape: ys }], [rand(xs, 11), rand(ws, 12), rand(ys, 13)], (a, w, dy) => [
      op.conv2d(a, w, opts), op.convBackpropInput(dy, w, geo, xs), op.convBackpropFilter(a, dy, geo, ws),
    ]);
  }
  return out;
}

test('every executor that loads here agrees with the float64 reference on every primitive', async () => {
  const exs = await executors();
  assert.ok(exs.some((e) => e.info.name === 'onnx-cpu'), 'onnx-cpu must load (its CPU binaries ship in the package)');
  assert.ok(exs.some((e) => e.info.name === 'tfjs-cpu'), 'tfjs-cpu must load');
  for (const c of cases()) for (const ex of exs) await assertMatchesReference(ex, c.graph, c.args, c.name);
});

test('the conv transposes are adjoint to conv on every executor (⟨dy, conv(x,w)⟩ = ⟨bpInput(dy,w), x⟩ = ⟨bpFilter(x,dy), w⟩)', async () => {
  const opts = { stride: 2, padding: [1, 0, 0, 2] as const };
  const geo = op.convGeometry(opts);
  const xs: Shape = [1, 2, 7, 6];
  const ws: Shape = [3, 2, 3, 2];
  const probe = traceGraph([{ name: 'x', shape: xs }, { name: 'w', shape: ws }], (a, w) => op.conv2d(a, w, opts));
  const ys = probe.nodes[probe.outputs[0]!]!.shape;
  const g = traceGraph([{ name: 'x', shape: xs }, { name: 'w', shape: ws }, { name: 'dy', shape: ys }], (a, w, dy) => [
    op.sum(op.mul(dy, op.conv2d(a, w, opts))),
    op.sum(op.mul(op.convBackpropInput(dy, w, geo, xs), a)),
    op.sum(op.mul(op.convBackpropFilter(a, dy, geo, ws), w)),
  ]);
  const host = [Float32Array.from(randoms(size(xs), 21)), Float32Array.from(randoms(size(ws), 22)), Float32Array.from(randoms(size(ys), 23))];
  for (const ex of await executors()) {
    const c = await ex.compile(g);
    const [a, b, d] = (await c.run(host)).map((o) => o[0]!);
    assert.ok(Math.abs(a! - b!) < 1e-4 * (1 + Math.abs(a!)), `${ex.info.name}: input adjoint ${a} vs ${b}`);
    assert.ok(Math.abs(a! - d!) < 1e-4 * (1 + Math.abs(a!)), `${ex.info.name}: filter adjoint ${a} vs ${d}`);
  }
});

test('inputs are checked: count, element count and array type', async () => {
  const g = traceGraph([{ name: 'a', shape: [2, 2] }], (a) => op.neg(a));
  for (const ex of await executors()) {
    const c = await ex.compile(g);
    await assert.rejects(c.run([]), /takes 1 inputs/);
    await assert.rejects(c.run([new Float32Array(3)]), /shape \[2,2\] needs 4/);
    await assert.rejects(c.run([new Int32Array(4)]), /must be a Float32Array/);
  }
});

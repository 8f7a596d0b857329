import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';
import { memoryFileSystem } from '../../server/src/model/file-system.js';
import { broadcast } from '../../server/src/model/shapes.js';

// 12 rows, 4 features, 3 classes.
const csv = ['f1,f2,f3,f4,label', ...Array.from({ length: 12 }, (_, i) => `${i},${i * 2},${i % 5},${i % 7},${i % 3}`)].join('\n') + '\n';
const fs = memoryFileSystem({ '/p/d.csv': csv });
const run = (text: string) => check(text, { path: '/p/t.mlo', fs });
const codes = (text: string) => run(text).diagnostics.map((d) => `${d.code} ${d.message}`);

test('broadcasting follows NumPy; unknown dimensions agree with anything', () => {
  assert.deepEqual(broadcast([30], [30, 2]), undefined);
  assert.deepEqual(broadcast([30, 1], [30, 2]), [30, 2]);
  assert.deepEqual(broadcast([], [4, 3]), [4, 3]);
  assert.deepEqual(broadcast([3], [4, 3]), [4, 3]);
  assert.deepEqual(broadcast([null, 3], [8, 1]), [8, 3]);
  assert.equal(broadcast([4], [8]), undefined);
});

test('mlp, linear, conv and mixture parameter counts match hand computation', () => {
  const r = run(`param alpha[2] = 0
model m = mlp(64 -> 128 -> 10, act: relu)
model l = linear(30 -> 2, bias: false)
model c = conv(image: [1, 8, 8], channels: 8 -> 16, kernel: 3, classes: 10)
model x = mixture(linear(64 -> 10), mlp(64 -> 32 -> 10, act: tanh), arch: alpha)`);
  assert.deepEqual(r.diagnostics, []);
  const n = r.model.nets;
  assert.equal(n.get('m')!.count, 64 * 128 + 128 + 128 * 10 + 10);
  assert.deepEqual(n.get('m')!.layers.map((l) => l.weight.shape), [[64, 128], [128, 10]]);
  assert.equal(n.get('l')!.count, 60);
  assert.equal(n.get('l')!.layers[0]!.bias, undefined);
  const c = n.get('c')!;
  // conv 1: 8·1·3·3 + 8; conv 2: 16·8·3·3 + 16; two 2×2 pools: 8×8 → 2×2; head 16·2·2 → 10.
  assert.deepEqual(c.layers.map((l) => l.weight.shape), [[8, 1, 3, 3], [16, 8, 3, 3], [64, 10]]);
  assert.equal(c.count, 72 + 8 + 1152 + 16 + 640 + 10);
  assert.equal(c.inWidth, 64);
  assert.equal(c.outWidth, 10);
  const x = n.get('x')!;
  assert.equal(x.count, 64 * 10 + 10 + 64 * 32 + 32 + 32 * 10 + 10);
  assert.deepEqual(x.layers.map((l) => l.index), [1, 2, 3]);
  assert.equal(x.arch, 'alpha');
  assert.equal(x.tensors[0]!.bytes, 640 * 4);
});

test('a model with IN = 1 takes [B] and, with OUT = 1, returns [B] (the weighting-net rule)', () => {
  const base = `data d = csv("d.csv", batch: 5)
model net = linear(4 -> 3)
model weight = mlp(1 -> 8 -> 1, out: sigmoid)
level fit { params net; let ce = cross_entropy(net(d.x), d.y)
  loss LOSS }
level tune above fit { params weight; loss mean(cross_entropy(net(d.x), d.y)); hypergradient sama }`;
  assert.deepEqual(codes(base.replace('LOSS', 'mean(weight(ce) * ce)')), []);
  // Without the reduction the loss is [5], not [5, 5]: the lifting kept the shape.
  assert.deepEqual(codes(base.replace('LOSS', 'weight(ce) * ce')), ['MLO041 the loss must be a scalar; got [5]: take mean(...) or sum(...)']);
});

test('gathers by index, reductions with axis, and mismatches with both shapes', () => {
  const base = `data d = csv("d.csv", rows: 0..10)
model net = linear(4 -> 3)
param w[d.n] = 0
param v[7] = 0
level fit { params net; loss LOSS }
level tune above fit { params w, v; loss mean(cross_entropy(net(d.x), d.y)) + sum(sq(v)); hypergradient sama }`;
  const ok = 'mean(sigmoid(w[d.index]) * cross_entropy(net(d.x), d.y)) + sum(sum(sq(net.weight), axis: 0) * 0.1)';
  assert.deepEqual(codes(base.replace('LOSS', ok)), []);
  assert.deepEqual(codes(base.replace('LOSS', `${ok} + mean(v * d.x)`)), ["MLO040 '*': shapes [7] and [10, 4] do not match"]);
  assert.deepEqual(codes(base.replace('LOSS', `${ok} + mean(v[d.index])`)), ["MLO040 positions 0..9 index a first dimension of 7: shapes [7] and [10] do not match"]);
  assert.deepEqual(codes(base.replace('LOSS', `${ok} + sum(d.x, axis: 2)`)), ['MLO044 axis 2 is out of range for shape [10, 4]']);
  assert.deepEqual(codes(base.replace('LOSS', `${ok} + mse(net(d.x), d.y)`)), ['MLO040 mse: shapes [10, 3] and [10] do not match']);
});

test('a model applied to data of the wrong width names both widths', () => {
  const r = codes(`data d = csv("d.csv")
model net = mlp(64 -> 10)
level fit { params net; loss mean(cross_entropy(net(d.x), d.y)) }`);
  assert.deepEqual(r, ["MLO042 'net' takes inputs [B, 64]; got [12, 4]"]);
});

test('level info carries owned tensors and batch shapes for the estimator', () => {
  const r = run(`data d = csv("d.csv", batch: 4)
model net = mlp(4 -> 6 -> 3)
param logwd = -3
level fit { params net; loss mean(cross_entropy(net(d.x), d.y)) + exp(logwd) * sum(sq(net.weight)); steps 3 }
level tune above fit { params logwd; loss mean(cross_entropy(net(d.x), d.y)); hypergradient cg }`);
  assert.deepEqual(r.diagnostics, []);
  const fit = r.model.levels.get('fit')!;
  assert.deepEqual(fit.owned.map((t) => [t.name, t.shape, t.count, t.bytes]), [
    ['net.layer(1).weight', [4, 6], 24, 96],
    ['net.layer(1).bias', [6], 6, 24],
    ['net.layer(2).weight', [6, 3], 18, 72],
    ['net.layer(2).bias', [3], 3, 12],
  ]);
  assert.equal(fit.ownedCount, 51);
  assert.deepEqual(fit.batches, [{ data: 'd', field: 'x', shape: [4, 4] }, { data: 'd', field: 'y', shape: [4] }]);
  const d = r.model.data.get('d')!;
  assert.equal(d.rows, 12);
  assert.equal(d.classes, 3);
  assert.equal(d.features, 4);
  assert.deepEqual(r.model.levels.get('tune')!.paths, [['tune', 'fit', 'tune']]);
});

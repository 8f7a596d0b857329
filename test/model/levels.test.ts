import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';
import { memoryFileSystem } from '../../server/src/model/file-system.js';
import { buildLevelGraph, formatPath, isAbove, type LevelNodeInput } from '../../server/src/model/levels.js';

const span = { start: 0, end: 1 };
const node = (name: string, o: Partial<Omit<LevelNodeInput, 'above'>> & { above?: string[] } = {}): LevelNodeInput => ({
  name,
  above: (o.above ?? []).map((n) => ({ name: n, range: span })),
  owned: o.owned ?? new Set(),
  lossRefs: o.lossRefs ?? new Set(),
  optRefs: o.optRefs ?? new Set(),
  ...(o.resetFrom ? { resetFrom: o.resetFrom } : {}),
});

test('bilevel: one path tune → fit → tune', () => {
  const g = buildLevelGraph([
    node('fit', { owned: new Set(['w']), lossRefs: new Set(['w', 'lam']) }),
    node('tune', { above: ['fit'], owned: new Set(['lam']), lossRefs: new Set(['w']) }),
  ]);
  assert.deepEqual(g.roots, ['tune']);
  assert.equal(g.depth.get('fit'), 1);
  assert.deepEqual(g.edges.map((e) => `${e.from}>${e.to}:${e.kind}`).sort(), ['fit>tune:lower-to-upper', 'tune>fit:upper-to-lower']);
  assert.deepEqual(g.paths.get('tune')!.map(formatPath), ['tune → fit → tune']);
  assert.deepEqual(g.paths.get('fit'), []);
  assert.equal(g.middle.size, 0);
});

test('an optimizer option and a reset make upper-to-lower edges too', () => {
  const g = buildLevelGraph([
    node('fit', { owned: new Set(['w']), lossRefs: new Set(['w']), optRefs: new Set(['loglr']) }),
    node('tune', { above: ['fit'], owned: new Set(['loglr']), lossRefs: new Set(['w']) }),
    node('adapt', { owned: new Set(['f']), lossRefs: new Set(['f']), resetFrom: 'meta' }),
    node('meta', { above: ['adapt'], owned: new Set(['init(f)']), lossRefs: new Set(['f']) }),
  ]);
  assert.deepEqual(g.paths.get('tune')!.map(formatPath), ['tune → fit → tune']);
  assert.deepEqual(g.paths.get('meta')!.map(formatPath), ['meta → adapt → meta']);
  assert.deepEqual(g.edges.find((e) => e.from === 'meta')!.via, ['reset from']);
});

test('three levels: paths through the middle level and skipping it', () => {
  // outer's param enters low's loss; low's params enter mid's loss; mid's enter outer's.
  const g = buildLevelGraph([
    node('low', { owned: new Set(['w']), lossRefs: new Set(['w', 'h', 'o']) }),
    node('mid', { above: ['low'], owned: new Set(['h']), lossRefs: new Set(['w']) }),
    node('outer', { above: ['mid'], owned: new Set(['o']), lossRefs: new Set(['w', 'h']) }),
  ]);
  assert.ok(isAbove(g, 'outer', 'low'));
  assert.deepEqual([...g.middle], ['mid']);
  assert.equal(g.depth.get('low'), 2);
  assert.deepEqual(g.paths.get('outer')!.map(formatPath).sort(), ['outer → low → mid → outer', 'outer → low → outer']);
  assert.deepEqual(g.paths.get('mid')!.map(formatPath), ['mid → low → mid']);
});

test('a level above several lowers has a path through each', () => {
  const g = buildLevelGraph([
    node('a', { owned: new Set(['wa']), lossRefs: new Set(['wa', 'p']) }),
    node('b', { owned: new Set(['wb']), lossRefs: new Set(['wb', 'p']) }),
    node('top', { above: ['a', 'b'], owned: new Set(['p']), lossRefs: new Set(['wa', 'wb']) }),
  ]);
  assert.deepEqual(g.lowers.get('top'), ['a', 'b']);
  assert.deepEqual(g.paths.get('top')!.map(formatPath), ['top → a → top', 'top → b → top']);
});

test('no path when the upper parameters never reach the lower level', () => {
  const g = buildLevelGraph([
    node('fit', { owned: new Set(['w']), lossRefs: new Set(['w']) }),
    node('tune', { above: ['fit'], owned: new Set(['lam']), lossRefs: new Set(['w', 'lam']) }),
  ]);
  assert.deepEqual(g.paths.get('tune'), []);
});

test('cycles are found once, with the range of each above on them', () => {
  const r = (s: number) => ({ start: s, end: s + 1 });
  const g = buildLevelGraph([
    { ...node('a'), above: [{ name: 'b', range: r(10) }] },
    { ...node('b'), above: [{ name: 'c', range: r(20) }] },
    { ...node('c'), above: [{ name: 'a', range: r(30) }] },
  ]);
  assert.equal(g.cycles.length, 1);
  assert.deepEqual(g.cycles[0]!.levels, ['a', 'b', 'c', 'a']);
  assert.deepEqual(g.cycles[0]!.ranges, [r(10), r(20), r(30)]);
});

test('check() reports a cycle with the other above as related information', () => {
  const text = 'param p = 1\nparam q = 1\nlevel a above b { params p; loss sq(p - q) }\nlevel b above a { params q; loss sq(q - p) }\n';
  const r = check(text, { path: '/x/t.mlo', fs: memoryFileSystem({}) });
  const cyc = r.diagnostics.filter((d) => d.code === 'MLO020');
  assert.equal(cyc.length, 1);
  assert.equal(text.slice(cyc[0]!.range.start, cyc[0]!.range.end), 'b');
  assert.equal(cyc[0]!.related!.length, 1);
  assert.equal(text.slice(cyc[0]!.related![0]!.range.start, cyc[0]!.related![0]!.range.end), 'a');
});

test('MAML from the language sketch: paths, task batching, reset', () => {
  const text = `data tasks = sinusoid(amplitude: 0.1..5.0, phase: 0..pi, support: 10, query: 15, tasks: 4)
model f = mlp(1 -> 40 -> 40 -> 1, act: relu)
level adapt {
  params f reset from meta
  loss mse(f(tasks.support.x), tasks.support.y)
  optimizer sgd(lr: 0.01)
  steps 5
}
level meta above adapt {
  params init(f)
  loss mse(f(tasks.query.x), tasks.query.y)
  optimizer adam(lr: 1e-3)
  hypergradient mixflow
}`;
  const r = check(text, { path: '/x/maml.mlo', fs: memoryFileSystem({}) });
  assert.deepEqual(r.diagnostics, []);
  const meta = r.model.levels.get('meta')!;
  const adapt = r.model.levels.get('adapt')!;
  assert.deepEqual(meta.paths.map(formatPath), ['meta → adapt → meta']);
  assert.equal(adapt.resetFrom, 'meta');
  assert.ok(adapt.taskBatched && meta.taskBatched);
  assert.deepEqual(meta.batches.map((b) => `${b.data}.${b.field}${JSON.stringify(b.shape)}`).sort(), ['tasks.query.x[15,1]', 'tasks.query.y[15,1]']);
  assert.deepEqual(meta.owned.map((t) => t.name), ['init(f).layer(1).weight', 'init(f).layer(1).bias', 'init(f).layer(2).weight', 'init(f).layer(2).bias', 'init(f).layer(3).weight', 'init(f).layer(3).bias']);
  assert.equal(meta.ownedCount, 40 + 40 + 1600 + 40 + 40 + 1);
  assert.equal(meta.ownedBytes, meta.ownedCount! * 4);
  assert.equal(adapt.steps, 5);
  assert.deepEqual(meta.mode, { name: 'mixflow', explicit: true, options: {} });
});

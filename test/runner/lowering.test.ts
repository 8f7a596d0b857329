// The lowering of checked programs to the modes' problem tree, shape only (no executor):
// every sample traces; task meta-batches are replicated; mode overrides; clear refusals.
import './helpers.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check } from '../../server/src/model/check.js';
import { LoweringError, lowerProgram, reportsGraph, traceOuterStep } from '../../server/src/graph/program/index.js';
import { peakLiveBytes } from '../../server/src/graph/modes/index.js';
import { root, sample } from './helpers.js';

const checked = (file: string) => check(readFileSync(file, 'utf8'), { path: resolve(file) });
const checkedText = (text: string) => check(text, { path: join(root, 'test/runner/programs/inline.mlo') });

test('every sample lowers and traces one outer step; every graph input has a parameter, state or feed', () => {
  const files = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.mlo'));
  assert.ok(files.length >= 9);
  for (const f of files) {
    const t = traceOuterStep(checked(sample(f)));
    const feeds = new Set(t.lowered.feeds.map((x) => `data:${x.level}.${x.field}`));
    const owned = new Set(t.lowered.levels.filter((l) => l.carried).flatMap((l) => l.tensors.map((p) => `param:${l.name}.${p}`)));
    for (const s of t.inputs) {
      if (s.kind === 'data') assert.ok(feeds.has(s.name), `${f}: ${s.name} has a feed`);
      if (s.kind === 'param') assert.ok(owned.has(s.name), `${f}: ${s.name} is owned by a carried level`);
    }
    assert.ok(t.outputs.some((s) => s.name === `loss:${t.lowered.levels[0]!.name}`));
    assert.ok(peakLiveBytes(t.graph) > 0, `${f}: liveness runs on the traced graph`);
    if (t.lowered.reports.length) assert.ok(reportsGraph(t.lowered)!.outputs.length === t.lowered.reports.length);
  }
});

test('MAML: the adapt level is repeated once per task, meta averages over them and resets each from init(f)', () => {
  const t = traceOuterStep(checked(sample('maml_sinusoid.mlo')));
  const l = t.lowered;
  assert.deepEqual(l.levels.map((x) => x.name), ['meta', 'adapt#1', 'adapt#2', 'adapt#3', 'adapt#4']);
  assert.ok(l.levels[0]!.perTask);
  assert.deepEqual(l.tasks, { levels: ['adapt'], count: 4, data: 'tasks' });
  const adapt = l.root.children![2]!;
  assert.equal(adapt.resetFrom!.level, 'meta');
  assert.equal(adapt.resetFrom!.map!['f.layer(1).weight'], 'init(f).layer(1).weight');
  assert.equal(adapt.steps, 5);
  // Each replica reads its own task; meta reads the query set of every task.
  const f = l.feeds.filter((x) => x.level === 'adapt#3');
  assert.deepEqual(f.map((x) => [x.field, x.steps, x.source.kind === 'data' && x.source.task]), [
    ['tasks.support.x#3', 5, 2],
    ['tasks.support.y#3', 5, 2],
  ]);
  assert.equal(l.feeds.filter((x) => x.level === 'meta').length, 8);
  // Only meta's parameters are carried between outer steps.
  assert.deepEqual(t.inputs.filter((s) => s.kind === 'param').map((s) => s.level), Array(6).fill('meta'));
});

test('a mode override replaces the top level mode; levels, data and the [B] lifting rule', () => {
  const r = checked(sample('reweight_digits.mlo'));
  const base = lowerProgram(r);
  assert.deepEqual(base.levels[0]!.mode, { mode: 'sama' });
  const mixflow = traceOuterStep(r, { mode: { mode: 'mixflow' } });
  assert.deepEqual(mixflow.lowered.mode, { mode: 'mixflow' });
  assert.notEqual(mixflow.graph.nodes.length, traceOuterStep(r).graph.nodes.length);
  // weight(ce): a [64] vector through a 1 -> 32 -> 1 model, back to [64] (else the loss would not be a scalar).
  assert.deepEqual(base.feeds.map((x) => [x.level, x.field, x.shape, x.dtype]), [
    ['reweight', 'clean.x', [100, 64], 'float32'],
    ['reweight', 'clean.y', [100], 'int32'],
    ['fit', 'noisy.x', [64, 64], 'float32'],
    ['fit', 'noisy.y', [64], 'int32'],
  ]);
});

test('hypergrad --level: a middle level lowers as the root of its subtree, the level above frozen as data', () => {
  const l = lowerProgram(checked(sample('three_level_digits.mlo')), { level: 'reweight' });
  assert.deepEqual(l.levels.map((x) => x.name), ['reweight', 'fit']);
  const frozen = l.feeds.filter((f) => f.source.kind === 'tensor');
  assert.deepEqual(frozen.map((f) => [f.level, f.field]), [['fit', 'frozen:logwd']]);
});

test('programs the engine cannot run are refused with a reason', () => {
  const two = `data d = blobs(n: 30)\nmodel m = linear(2 -> 3)\nmodel k = linear(2 -> 3)\nlevel a { params m; loss mean(cross_entropy(m(d.x), d.y)) }\nlevel b { params k; loss mean(cross_entropy(k(d.x), d.y)) }\n`;
  assert.throws(() => lowerProgram(checkedText(two)), (e: Error) => e instanceof LoweringError && /2 top levels/.test(e.message));
  assert.throws(() => lowerProgram(checkedText('level a { loss nope }')), (e: Error) => e instanceof LoweringError && /error/.test(e.message));
});

// The panel's model turns an event stream into aligned columns without losing or inventing a number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsStore } from '../../client/webview/store.js';
import type { JobEvent, StepEvent } from '../../server/src/engine/runner/events.js';
import { readStream } from './fixtures.js';

test('every step, eval, warning and checkpoint of the stream lands in its column', () => {
  const events = readStream('ridge-cg.jsonl');
  const store = new MetricsStore();
  for (const e of events) store.apply('j1', 'ridge', e);
  const job = store.jobs.get('j1')!;
  const steps = events.filter((e): e is StepEvent => e.type === 'step');
  assert.deepEqual(job.levels, ['fit', 'tune']);
  assert.deepEqual(job.steps, steps.map((e) => e.step));
  assert.deepEqual(job.loss.tune, steps.map((e) => e.levels.tune.loss));
  assert.deepEqual(job.gradNorm.tune, steps.map((e) => e.levels.tune.gradNorm));
  assert.deepEqual(job.gradNorm.fit, steps.map(() => null));
  assert.deepEqual(job.peakBytes, steps.map((e) => e.memory.peakBytes));
  assert.deepEqual(job.evalSteps, events.filter((e) => e.type === 'eval').map((e) => e.step));
  assert.equal(job.checkpoints.length, events.filter((e) => e.type === 'checkpoint').length);
  assert.equal(job.state, 'completed');
  assert.equal(job.events.length, events.length);
});

test('a level or metric that appears late is padded with nulls, and reported as a shape change', () => {
  const store = new MetricsStore();
  const step = (n: number, levels: Record<string, { loss: number }>): JobEvent =>
    ({ v: 1, type: 'step', step: n, time: '', levels, stepMs: 1, examplesPerSec: 1, memory: { liveBytes: 1, peakBytes: 1 } });
  assert.equal(store.apply('a', 'a', step(1, { fit: { loss: 1 } })), 'shape'); // new job
  assert.equal(store.apply('a', 'a', step(2, { fit: { loss: 0.5 } })), 'data');
  assert.equal(store.apply('a', 'a', step(3, { fit: { loss: 0.4 }, tune: { loss: 2 } })), 'shape');
  assert.deepEqual(store.jobs.get('a')!.loss.tune, [null, null, 2]);
  assert.deepEqual(store.jobs.get('a')!.loss.fit, [1, 0.5, 0.4]);
});

test('a resumed job replaces the steps it runs again; unknown event types are kept but not charted', () => {
  const store = new MetricsStore();
  const step = (n: number, loss: number): JobEvent =>
    ({ v: 1, type: 'step', step: n, time: '', levels: { fit: { loss } }, stepMs: 1, examplesPerSec: 1, memory: { liveBytes: 1, peakBytes: 1 } });
  for (let k = 1; k <= 5; k++) store.apply('a', 'a', step(k, k));
  store.apply('a', 'a', step(4, 40)); // resumed from the checkpoint of step 3
  assert.deepEqual(store.jobs.get('a')!.steps, [1, 2, 3, 4]);
  assert.deepEqual(store.jobs.get('a')!.loss.fit, [1, 2, 3, 40]);
  const future = { v: 1, type: 'profile', time: '', spans: [] } as unknown as JobEvent;
  assert.equal(store.apply('a', 'a', future), 'none');
  assert.equal(store.jobs.get('a')!.events.at(-1), future);
});

test('replace() rebuilds a job from a snapshot identical to feeding its events one by one', () => {
  const events = readStream('ridge-unroll.jsonl');
  const live = new MetricsStore();
  for (const e of events) live.apply('j2', 'u', e);
  const replayed = new MetricsStore();
  replayed.replace(live.snapshot());
  assert.deepEqual(replayed.jobs.get('j2'), live.jobs.get('j2'));
});

for (const name of ['recorded/ridge-cg.jsonl', 'recorded/ridge-unrolled.jsonl']) {
  test(`a real recording (${name}) lands whole: every level's loss and norm, memory, the end`, () => {
    const events = readStream(name);
    const store = new MetricsStore();
    for (const e of events) store.apply('r', 'r', e);
    const job = store.jobs.get('r')!;
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    assert.ok(steps.length > 0);
    assert.deepEqual(job.levels, (events[0] as { levels: { name: string }[] }).levels.map((l) => l.name));
    for (const level of job.levels) {
      assert.deepEqual(job.loss[level], steps.map((s) => s.levels[level]?.loss ?? null));
      assert.deepEqual(job.gradNorm[level], steps.map((s) => s.levels[level]?.gradNorm ?? null));
    }
    assert.deepEqual(job.liveBytes, steps.map((s) => s.memory.liveBytes));
    assert.equal(job.state, 'completed');
  });
}

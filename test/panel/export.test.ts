// Exported CSV and JSON hold exactly the numbers of the stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsStore } from '../../client/webview/store.js';
import { toCsv, toJson, exportName } from '../../client/webview/export.js';
import type { StepEvent, EvalEvent } from '../../server/src/engine/runner/events.js';
import { parseCsv, readStream } from './fixtures.js';

test('CSV: one row per job and step; losses, norms, memory and eval metrics as the stream gave them', () => {
  const a = readStream('ridge-cg.jsonl');
  const b = readStream('ridge-unroll.jsonl');
  const store = new MetricsStore();
  for (const e of a) store.apply('j1', 'cg', e);
  for (const e of b) store.apply('j2', 'unroll', e);
  const rows = parseCsv(toCsv(store.list()));
  for (const [jobId, events] of [['j1', a], ['j2', b]] as const) {
    const mine = rows.filter((r) => r.job === jobId);
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    assert.equal(mine.length, steps.length);
    for (const s of steps) {
      const row = mine.find((r) => Number(r.step) === s.step)!;
      assert.equal(Number(row['loss:fit']), s.levels.fit.loss);
      assert.equal(Number(row['loss:tune']), s.levels.tune.loss);
      assert.equal(Number(row['gradNorm:tune']), s.levels.tune.gradNorm);
      assert.equal(Number(row.examplesPerSec), s.examplesPerSec);
      assert.equal(Number(row.peakBytes), s.memory.peakBytes);
    }
    for (const ev of events.filter((e): e is EvalEvent => e.type === 'eval')) {
      const row = mine.find((r) => Number(r.step) === ev.step)!;
      assert.equal(Number(row['metric:valid_mse']), ev.metrics.valid_mse);
    }
    assert.ok(mine.filter((r) => r['metric:valid_mse'] === '').length > 0, 'steps without eval leave the metric empty');
  }
});

test('JSON: the events themselves, per job, in the stream format', () => {
  const events = readStream('ridge-cg.jsonl');
  const store = new MetricsStore();
  for (const e of events) store.apply('j1', 'cg', e);
  const out = JSON.parse(toJson(store.list()));
  assert.equal(out.format, 'mlo-metrics');
  assert.deepEqual(out.jobs[0].events, events);
  assert.equal(exportName(store.list(), 'csv'), 'ridge-metrics.csv');
});

test('CSV of two real recordings: every number of every step comes back', () => {
  const streams = { cg: readStream('recorded/ridge-cg.jsonl'), unrolled: readStream('recorded/ridge-unrolled.jsonl') };
  const store = new MetricsStore();
  for (const [id, events] of Object.entries(streams)) for (const e of events) store.apply(id, id, e);
  const rows = parseCsv(toCsv(store.list()));
  for (const [id, events] of Object.entries(streams)) {
    const steps = events.filter((e): e is StepEvent => e.type === 'step');
    const mine = rows.filter((r) => r.job === id);
    assert.deepEqual(mine.map((r) => Number(r.step)), steps.map((s) => s.step));
    for (const [i, s] of steps.entries()) {
      for (const [level, m] of Object.entries(s.levels)) {
        assert.equal(Number(mine[i][`loss:${level}`]), m.loss);
        if (m.gradNorm !== undefined) assert.equal(Number(mine[i][`gradNorm:${level}`]), m.gradNorm);
      }
      assert.equal(Number(mine[i].stepMs), s.stepMs);
      assert.equal(Number(mine[i].peakBytes), s.memory.peakBytes);
    }
  }
});

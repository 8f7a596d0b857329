// Which charts are drawn, from which numbers, aligned across jobs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { align, buildCharts } from '../../client/webview/chart-data.js';
import { MetricsStore } from '../../client/webview/store.js';
import { readStream } from './fixtures.js';

test('align puts series with different steps on the union of their steps', () => {
  assert.deepEqual(align([{ xs: [1, 3], ys: [10, 30] }, { xs: [2, 3], ys: [20, 31] }]), [[1, 2, 3], [10, null, 30], [null, 20, 31]]);
});

test('two jobs: every chart has both, the estimate line only for the job whose start carries one', () => {
  const store = new MetricsStore();
  for (const e of readStream('ridge-cg.jsonl')) store.apply('j1', 'cg', e);
  for (const e of readStream('ridge-unroll.jsonl')) store.apply('j2', 'unroll', e);
  const charts = buildCharts(store.list(), { logLoss: true });
  assert.deepEqual(charts.map((c) => c.id), ['loss', 'gradNorm', 'metrics', 'throughput', 'stepMs', 'memory']);
  const loss = charts[0];
  assert.deepEqual(loss.series.map((s) => s.label), ['cg · fit', 'cg · tune', 'unroll · fit', 'unroll · tune']);
  assert.equal(loss.logScale, true);
  assert.equal(loss.data.length, 5);
  assert.deepEqual(charts[1].series.map((s) => s.label), ['cg · ‖∇tune‖', 'unroll · ‖∇tune‖'], 'levels without a norm draw nothing');
  const memory = charts.find((c) => c.id === 'memory')!;
  const est = memory.series.filter((s) => s.estimate);
  assert.deepEqual(est.map((s) => s.label), ['cg · estimated peak']);
  const col = memory.data[1 + memory.series.indexOf(est[0])];
  assert.ok(col.every((v) => v === 180000));
});

test('log scale is refused when a loss is not positive', () => {
  const store = new MetricsStore();
  store.apply('a', 'a', { v: 1, type: 'step', step: 1, time: '', levels: { fit: { loss: -1 } }, stepMs: 1, examplesPerSec: 1, memory: { liveBytes: 1, peakBytes: 1 } });
  assert.equal(buildCharts(store.list(), { logLoss: true })[0].logScale, false);
  assert.equal(buildCharts([], { logLoss: false }).length, 0);
});

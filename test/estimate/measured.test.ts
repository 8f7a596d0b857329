// A reduced version of `npm run bench -- estimate`: a few configurations really run on an eager
// executor, whose memory tracker counts the distinct buffers it holds. The traced liveness must
// equal the measurement (same graph, same schedule, free after last use); the closed form stays
// within the tolerance docs/estimates.md states.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createExecutor } from '../../server/src/engine/executors/select.js';
import { measureMatrix } from '../../bench/estimate.js';
import type { ProblemSpec } from './problems.js';

process.env.MLO_QUIET_BACKENDS = '1';

it('measured peaks: traced liveness exact, closed form within ±10% per pair (median ±5%)', async () => {
  const ex = await createExecutor('tfjs-wasm');
  const specs: ProblemSpec[] = [
    { kind: 'hyper', sizes: [16, 64, 4], innerBatch: 64, outerBatch: 64, steps: 5, opt: 'momentum', tuneLr: true },
    { kind: 'maml', sizes: [1, 40, 40, 2], innerBatch: 32, outerBatch: 32, steps: 3, opt: 'sgd' },
    { kind: 'three', sizes: [16, 32, 10], innerBatch: 32, outerBatch: 32, steps: 2, opt: 'adam', midSteps: 2 },
  ];
  const rows = await measureMatrix(ex, specs, (s) => console.log(s));
  await ex.dispose();
  assert.ok(rows.length >= 15, `${rows.length} pairs`);
  for (const r of rows) {
    assert.ok(Math.abs(r.tracedErrPct) < 1, `${r.config} ${r.mode}: traced ${r.tracedBytes} vs measured ${r.measuredBytes}`);
    assert.ok(Math.abs(r.closedErrPct) <= 10, `${r.config} ${r.mode}: closed ${r.closedBytes} vs measured ${r.measuredBytes}`);
  }
  const sorted = rows.map((r) => Math.abs(r.closedErrPct)).sort((a, b) => a - b);
  assert.ok(sorted[sorted.length >> 1]! <= 5, `median ${sorted[sorted.length >> 1]}%`);
});

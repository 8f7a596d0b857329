// The event stream of `mlo run --json` as a reader sees it: every line is an event of the
// schema, start first, end last, steps in order, checkpoints that exist; and the exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvent, type JobEvent } from '../../server/src/engine/runner/index.js';
import { BACKEND, mlo, sample, tempDir } from './helpers.js';

test('mlo run --json: every line parses, start first, end last, step and eval events in order', () => {
  const out = tempDir();
  const r = mlo(['run', sample('weight_decay_breast_cancer.mlo'), '--steps', '6', '--json', '--backend', BACKEND, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const events = lines.map((l) => parseEvent(l));
  events.forEach((e, i) => assert.ok(e, `line ${i + 1} is an event: ${lines[i]}`));
  const ev = events as JobEvent[];
  assert.equal(ev[0]!.type, 'start');
  assert.equal(ev.at(-1)!.type, 'end');
  assert.equal(ev.filter((e) => e.type === 'start' || e.type === 'end').length, 2);
  const start = ev[0]!;
  assert.ok(start.type === 'start');
  assert.equal(start.backend.name, BACKEND);
  assert.ok(start.backend.note);
  assert.deepEqual(start.levels.map((l) => l.name).sort(), ['fit', 'tune']);
  assert.deepEqual(start.paths, [{ level: 'tune', path: ['tune', 'fit', 'tune'] }]);
  const stepNos = ev.filter((e) => e.type === 'step').map((e) => (e as { step: number }).step);
  assert.deepEqual(stepNos, [5, 6], 'log 5: steps 5 and the last');
  for (const e of ev) {
    if (e.type === 'step') {
      assert.ok(Number.isFinite(e.levels['tune']!.loss) && Number.isFinite(e.levels['tune']!.gradNorm!));
      assert.ok(e.stepMs > 0 && e.examplesPerSec > 0 && e.memory.liveBytes > 0 && e.memory.peakBytes >= 0);
    }
    if (e.type === 'checkpoint') assert.ok(existsSync(e.path));
  }
  const evals = ev.filter((e) => e.type === 'eval');
  assert.ok(evals.length >= 2 && evals.every((e) => e.type === 'eval' && e.metrics['valid_accuracy']! > 0.5));
  const end = ev.at(-1)!;
  assert.ok(end.type === 'end' && end.status === 'completed' && end.steps === 6 && existsSync(end.checkpoint!));
  // The job's peak so far covers unlogged steps too: never below a step's own peak, never
  // decreasing, and at the last step it is the end event's peak.
  const jobPeaks = ev.flatMap((e) => (e.type === 'step' ? [e.memory] : []));
  for (const m of jobPeaks) assert.ok(m.jobPeakBytes !== undefined && m.jobPeakBytes >= m.peakBytes);
  assert.ok(jobPeaks.every((m, i) => i === 0 || m.jobPeakBytes! >= jobPeaks[i - 1]!.jobPeakBytes!));
  assert.equal(jobPeaks.at(-1)!.jobPeakBytes, end.peakBytes);
});

test('exit codes: 1 for check errors (with an end event), 2 for usage errors; plain lines without --json', () => {
  const dir = tempDir();
  const bad = join(dir, 'bad.mlo');
  writeFileSync(bad, 'level fit { loss mean(nothing) }\n');
  const r1 = mlo(['run', bad, '--json']);
  assert.equal(r1.status, 1);
  const end = parseEvent(r1.stdout.trim().split('\n').at(-1)!);
  assert.ok(end?.type === 'end' && end.status === 'failed');
  assert.match(r1.stderr, /MLO012/);
  assert.equal(mlo(['run', sample('ridge.mlo'), '--backend', 'abacus']).status, 2);
  assert.equal(mlo(['run', sample('ridge.mlo'), '--steps', 'many']).status, 2);
  const r2 = mlo(['run', sample('ridge.mlo'), '--steps', '2', '--backend', BACKEND, '--out', dir]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stdout, /^mlo run .*ridge\.mlo: 2 steps, seed 2, backend onnx-cpu/m);
  assert.match(r2.stdout, /^step 2\/2 {2}tune /m);
  assert.match(r2.stdout, /^completed after 2 steps/m);
});

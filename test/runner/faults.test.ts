// Faults at the runner level: divergence stops with a message naming level, step and mode and
// keeps the last good checkpoint; SIGINT stops after the current step with a checkpoint;
// kill -9 at random moments (during checkpoint writes too) always leaves a loadable checkpoint;
// resume continues the step count and reproduces an uninterrupted run bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint } from '../../server/src/engine/runner/index.js';
import { BACKEND, job, mloLive, program, sample, steps, tempDir } from './helpers.js';

test('a diverging program stops with status diverged, names level, step and mode, and keeps a loadable last good checkpoint', async () => {
  const out = tempDir();
  const { result, events } = await job({ file: program('diverge.mlo'), out });
  assert.equal(result.status, 'diverged');
  assert.equal(result.exitCode, 3);
  const end = events.at(-1)!;
  assert.equal(end.type, 'end');
  assert.match(result.message!, /level (fit|tune)\b.* at step \d+ \(mode unrolled\)/);
  const step = Number(/at step (\d+)/.exec(result.message!)![1]);
  const { state, meta } = loadCheckpoint(join(out, 'last.safetensors'));
  assert.equal(meta.step, step - 1, 'the checkpoint is the state before the step that diverged');
  assert.equal(result.steps, step - 1);
  for (const [name, v] of state.tensors) assert.ok(v.every(Number.isFinite), `${name} is finite in the checkpoint`);
});

test('resume continues the step count and gives the same parameters as an uninterrupted run (same backend)', async () => {
  // reweight_digits: shuffled mini-batches of two sources, momentum and Adam state.
  const file = sample('reweight_digits.mlo');
  const full = await job({ file, steps: 6 });
  assert.equal(full.result.status, 'completed');
  const out = tempDir();
  const first = await job({ file, steps: 3, out });
  assert.equal(first.result.steps, 3);
  const second = await job({ file, steps: 6, out, resume: out });
  const start = second.events[0]!;
  assert.ok(start.type === 'start' && start.resumedFrom?.step === 3);
  assert.deepEqual(steps(second.events).map((e) => e.step), [4, 5, 6].filter((s) => s % 10 === 0 || s === 6));
  assert.equal(second.result.steps, 6);
  const a = full.result.state!;
  const b = second.result.state!;
  assert.deepEqual([...a.tensors.keys()].sort(), [...b.tensors.keys()].sort());
  for (const [k, v] of a.tensors) assert.deepEqual(b.tensors.get(k), v, `tensor ${k}`);
  for (const [k, v] of a.optimizer) assert.deepEqual(b.optimizer.get(k), v, `optimizer ${k}`);
  // And a run of 3 differs from a run of 6: the comparison above could fail.
  assert.notDeepEqual(first.result.state!.tensors.get('net.layer(1).weight'), a.tensors.get('net.layer(1).weight'));
});

test('SIGINT mid-run: the current step finishes, a checkpoint is saved, status stopped, exit 130', async () => {
  const out = tempDir();
  let sent = false;
  const r = await mloLive(['run', program('slow_wide.mlo'), '--json', '--backend', BACKEND, '--out', out], (e, child) => {
    if (e.type === 'step' && e.step >= 2 && !sent) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  assert.equal(r.status, 130, r.stderr);
  const end = r.events.at(-1)!;
  assert.ok(end.type === 'end' && end.status === 'stopped');
  assert.ok(end.steps >= 2);
  const { meta } = loadCheckpoint(join(out, 'last.safetensors'));
  assert.equal(meta.step, end.steps);
});

test('kill -9 at random moments while checkpoints are written leaves a loadable checkpoint, and the job resumes from it', async () => {
  const out = tempDir();
  const ckpt = join(out, 'last.safetensors');
  let lastStep = 0;
  for (let round = 0; round < 3; round++) {
    const delay = Math.random() * 40;
    let killed = false;
    const args = ['run', program('slow_wide.mlo'), '--json', '--backend', BACKEND, '--out', out, ...(existsSync(ckpt) ? ['--resume', out] : [])];
    const r = await mloLive(args, (e, child) => {
      if (e.type === 'start' && round > 0) assert.equal(e.resumedFrom?.step, lastStep);
      if (e.type === 'checkpoint' && !killed) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), delay); // lands in a later step or in the next checkpoint's write
      }
    });
    assert.equal(r.signal, 'SIGKILL');
    const { meta, state } = loadCheckpoint(ckpt);
    assert.ok(meta.step >= lastStep + 1, `round ${round}: checkpoint at step ${meta.step}, previous ${lastStep}`);
    assert.ok(state.tensors.size > 0);
    lastStep = meta.step;
  }
});

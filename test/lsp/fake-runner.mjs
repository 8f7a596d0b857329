#!/usr/bin/env node
// TEST DOUBLE for `mlo run FILE --json`: prints a valid event stream (docs/events.md) so the
// job manager can be tested before (and independently of) the real runner. Not the runner.
// Behaviour by environment: FAKE_RUNNER_MODE=crash (exit 3 after the start event),
// hang (ignore SIGTERM: only SIGKILL ends it), normal (default). FAKE_RUNNER_STEP_MS: delay per step.
const args = process.argv.slice(2);
const file = args[args.indexOf('run') + 1];
const stepsArg = args.indexOf('--steps');
const steps = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 5;
const mode = process.env.FAKE_RUNNER_MODE ?? 'normal';
const stepMs = Number(process.env.FAKE_RUNNER_STEP_MS ?? 20);
const now = () => new Date().toISOString();
const emit = (e) => process.stdout.write(`${JSON.stringify({ v: 1, time: now(), ...e })}\n`);
const t0 = Date.now();
let step = 0;
let stopping = false;

emit({
  type: 'start',
  job: { id: `fake-${process.pid}`, file, steps, seed: 0, precision: 'float32' },
  backend: { name: 'fake', device: `cuda:${process.env.CUDA_VISIBLE_DEVICES ?? 'none'}`, compiled: false },
  levels: [{ name: 'fit', above: [], params: 10, paramBytes: 40, optimizer: 'sgd', steps: 1 }],
  paths: [],
});
process.stderr.write('fake runner: started\n');
if (mode === 'crash') process.exit(3);

const end = (status) => {
  emit({ type: 'end', status, steps: step, seconds: (Date.now() - t0) / 1000, peakBytes: 1024 });
  process.exit(0);
};
process.on('SIGTERM', () => {
  if (mode === 'hang') return;
  stopping = true;
});
const timer = setInterval(() => {
  if (stopping) return end('stopped');
  step++;
  emit({ type: 'step', step, levels: { fit: { loss: 1 / step } }, stepMs: stepMs, examplesPerSec: 1000, memory: { liveBytes: 512, peakBytes: 1024 } });
  if (step >= steps && mode !== 'hang') {
    clearInterval(timer);
    end('completed');
  }
}, stepMs);

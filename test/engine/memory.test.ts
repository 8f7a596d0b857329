// The memory tracker measures what runs really hold; executors free everything they allocate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import * as op from '../../server/src/graph/ops.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import { measurePeak } from '../../server/src/engine/memory/tracker.js';
import { TfjsExecutor } from '../../server/src/engine/tfjs/executor.js';
import { trainStepWorkload } from '../../bench/workloads.js';
import { executors, settledMemory } from './support.js';

test('eager peak counts distinct buffers at the worst kernel call; views count once', async () => {
  // x (16 KiB) → a = x·2 (the 2 is a 4-byte constant) → r = reshape(a) (a view) → s = exp(r) → sum(s) + sum(a)
  // live sets: {x, 2, a} 32K+4 · {a, r≡a} 16K (handles 32K) · {a, r≡a, s} 32K (handles 48K) · ...
  const g = traceGraph([{ name: 'x', shape: [64, 64] }], (x) => {
    const a = op.mul(x, 2);
    const s = op.exp(op.reshape(a, [4096]));
    return op.add(op.sum(s), op.sum(a));
  });
  const eager = (await executors()).filter((e) => e.info.kind === 'eager');
  assert.ok(eager.length > 0);
  const x = new Float32Array(4096).fill(0.5);
  for (const ex of eager) {
    const r = await measurePeak(await ex.compile(g), [x]);
    assert.equal(r.method, 'unique-buffers');
    assert.equal(r.peakBytes, 32772, `${ex.info.name}: unique-buffer peak ${r.peakBytes} (handles ${r.peakHandleBytes})`);
    assert.equal(r.peakHandleBytes, 49152, `${ex.info.name}: per-handle peak double-counts the view`);
    assert.ok(Math.abs(r.outputs[0]![0]! / (4096 * (Math.E + 1)) - 1) < 1e-4, `${ex.info.name}: value ${r.outputs[0]![0]}`);
  }
});

test('compiled peak: the process high-water mark sees the big intermediate (fresh process, arena off)', () => {
  // x [1024²] is the caller's; x·x (4 MiB) is the one big buffer onnxruntime must hold.
  const script = `
    import * as op from './server/src/graph/ops.js';
    import { traceGraph } from './server/src/graph/trace.js';
    import { OnnxExecutor } from './server/src/engine/onnx/executor.js';
    import { measurePeak } from './server/src/engine/memory/tracker.js';
    const g = traceGraph([{ name: 'x', shape: [1024, 1024] }], (x) => op.sum(op.tanh(op.matmul(x, x))));
    const small = traceGraph([{ name: "x", shape: [1024, 1024] }], (x) => op.sum(x));
    const x = new Float32Array(1024 * 1024).fill(0.001);
    const ex = await OnnxExecutor.create({ arena: false, intraOpThreads: 1 });
    const big = [], little = [];
    const cb = await ex.compile(g), cs = await ex.compile(small);
    for (let i = 0; i < 3; i++) { big.push((await measurePeak(cb, [x])).peakBytes); little.push((await measurePeak(cs, [x])).peakBytes); }
    console.log(JSON.stringify({ big, little }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536', MLO_QUIET_BACKENDS: '1' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const { big, little } = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { big: number[]; little: number[] };
  const MiB = 2 ** 20;
  for (const b of big.slice(1)) assert.ok(b > 3.5 * MiB && b < 8 * MiB, `peak ${(b / MiB).toFixed(2)} MiB for a 4 MiB intermediate`);
  for (const s of little.slice(1)) assert.ok(s < 2 * MiB, `peak ${(s / MiB).toFixed(2)} MiB with no big intermediate`);
});

test('thousands of steps leave no live tensors behind and memory flat', async () => {
  const w = trainStepWorkload({ sizes: [20, 16, 3], batch: 8 });
  for (const ex of await executors()) {
    const c = await ex.compile(w.graph);
    let params = w.inputs.slice(0, 4) as Float32Array[];
    const rest = w.inputs.slice(4);
    const step = async (): Promise<number> => {
      const out = await c.run([...params, ...rest]);
      params = out.slice(1) as Float32Array[];
      return out[0]![0]!;
    };
    const first = await step();
    for (let i = 0; i < 200; i++) await step();
    const tensorsBefore = ex instanceof TfjsExecutor ? ex.liveTensors() : 0;
    const before = await settledMemory();
    for (let i = 0; i < 2000; i++) await step();
    const last = await step();
    assert.ok(last < first, `${ex.info.name}: training lowers the loss (${first} → ${last})`);
    if (ex instanceof TfjsExecutor) assert.equal(ex.liveTensors(), tensorsBefore, `${ex.info.name}: live tfjs tensors`);
    const after = await settledMemory();
    const MiB = 2 ** 20;
    assert.ok(after.js - before.js < 2 * MiB, `${ex.info.name}: JS heap grew ${((after.js - before.js) / MiB).toFixed(2)} MiB over 2000 steps`);
    assert.ok(after.rss - before.rss < 48 * MiB, `${ex.info.name}: RSS grew ${((after.rss - before.rss) / MiB).toFixed(1)} MiB over 2000 steps`);
  }
});

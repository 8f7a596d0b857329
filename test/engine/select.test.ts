// Backend selection: automatic picks the best that loads and reports every attempt; a name forces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as op from '../../server/src/graph/ops.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import { graphHash } from '../../server/src/engine/executors/hash.js';
import { selectExecutor } from '../../server/src/engine/executors/select.js';
import { BACKEND_ORDER } from '../../server/src/engine/executors/types.js';
import { OnnxExecutor } from '../../server/src/engine/onnx/executor.js';
import './support.js';

test('automatic selection reports each backend tried, in order, and returns the first that loads', async () => {
  const { executor, tried } = await selectExecutor();
  assert.deepEqual(tried.map((t) => t.name), BACKEND_ORDER.slice(0, tried.length));
  assert.ok(tried.at(-1)!.ok && tried.slice(0, -1).every((t) => !t.ok && t.reason));
  assert.equal(executor.info.name, tried.at(-1)!.name);
  assert.ok(executor.info.device.length > 0);
});

test('a backend named explicitly (argument or MLO_BACKEND) is forced; unknown names are rejected', async () => {
  const s = await selectExecutor({ backend: 'tfjs-cpu' });
  assert.equal(s.executor.info.name, 'tfjs-cpu');
  process.env.MLO_BACKEND = 'onnx-cpu';
  try {
    assert.equal((await selectExecutor()).executor.info.name, 'onnx-cpu');
  } finally {
    delete process.env.MLO_BACKEND;
  }
  await assert.rejects(selectExecutor({ backend: 'nope' as 'tfjs-cpu' }), /unknown backend 'nope'/);
});

test('onnx sessions are cached per graph (stable hash), not per call', async () => {
  const mk = (k: number) => traceGraph([{ name: `in${k}`, shape: [3] }], (x) => op.mul(op.exp(x), 2));
  assert.equal(graphHash(mk(1)), graphHash(mk(2)), 'input names do not change the hash');
  const other = traceGraph([{ name: 'x', shape: [4] }], (x) => op.mul(op.exp(x), 2));
  assert.notEqual(graphHash(mk(1)), graphHash(other), 'shapes do');
  const ex = await OnnxExecutor.create({ intraOpThreads: 1 });
  await ex.compile(mk(1));
  await ex.compile(mk(2));
  assert.equal(ex.cachedSessions, 1);
  await ex.compile(other);
  assert.equal(ex.cachedSessions, 2);
  await ex.dispose();
  assert.equal(ex.cachedSessions, 0);
});

test('onnx-cuda is either usable or refused with a reason (never a silent CPU fallback under its name)', async () => {
  try {
    const ex = await OnnxExecutor.create({ provider: 'cuda' });
    assert.equal(ex.info.name, 'onnx-cuda');
  } catch (e) {
    assert.match((e as Error).message, /CUDA provider/);
  }
  const auto = await OnnxExecutor.create({ provider: 'auto' });
  assert.ok(['onnx-cuda', 'onnx-cpu'].includes(auto.info.name));
});

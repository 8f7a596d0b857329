// Checkpoints: the safetensors encoding round-trips, another language reads it, and a process
// killed with SIGKILL in the middle of a write leaves the previous checkpoint loadable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { encodeSafetensors, decodeSafetensors } from '../../server/src/engine/checkpoint/safetensors.js';
import { writeFileAtomic } from '../../server/src/engine/checkpoint/atomic-write.js';

test('round trip of every dtype, with metadata and 8-byte aligned data', () => {
  const tensors = {
    'fit/net.layer1.weight': { dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, -2, 3.5, 4, 5e-8, -6]) },
    'fit/adam.step': { dtype: 'I64' as const, shape: [], data: new BigInt64Array([42n]) },
    'tune/logwd': { dtype: 'F64' as const, shape: [3], data: new Float64Array([Math.PI, -1e300, 0]) },
    'data/order': { dtype: 'I32' as const, shape: [4], data: new Int32Array([3, 1, 0, 2]) },
  };
  const bytes = encodeSafetensors(tensors, { step: '17', format: 'mlo-checkpoint-1' });
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal((8 + headerLength) % 8, 0);
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { step: '17', format: 'mlo-checkpoint-1' });
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(back.tensors[name].shape, t.shape);
    assert.equal(back.tensors[name].dtype, t.dtype);
    assert.deepEqual(Array.from(back.tensors[name].data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>));
  }
});

test('a truncated file is refused with a clear error', () => {
  const bytes = encodeSafetensors({ w: { dtype: 'F32', shape: [100], data: new Float32Array(100).fill(1) } });
  assert.throws(() => decodeSafetensors(bytes.subarray(0, bytes.length - 10)), /truncated/);
  assert.throws(() => decodeSafetensors(bytes.subarray(0, 4)), /not a safetensors file/);
});

test('python reads the file with nothing but the format description', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-st-'));
  const path = join(dir, 'c.safetensors');
  writeFileSync(path, encodeSafetensors({ a: { dtype: 'F32', shape: [2, 2], data: new Float32Array([1, 2, 3, 4.5]) } }, { step: '3' }));
  const py = `
import json, struct, sys
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8+n])
s, e = h['a']['data_offsets']
vals = struct.unpack('<4f', b[8+n+s:8+n+e])
print(h['__metadata__']['step'], h['a']['shape'], list(vals))
`;
  const r = spawnSync('python3', ['-c', py, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '3 [2, 2] [1.0, 2.0, 3.0, 4.5]');
});

test('SIGKILL during checkpoint writes always leaves a loadable checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-kill-'));
  const path = join(dir, 'last.safetensors');
  writeFileAtomic(path, encodeSafetensors({ w: { dtype: 'F32', shape: [1], data: new Float32Array([0]) } }, { step: '0' }));
  // A writer that saves 8 MB checkpoints in a loop, each stamped with its step.
  const writer = `
import { encodeSafetensors } from ${JSON.stringify(join(process.cwd(), 'server/src/engine/checkpoint/safetensors.ts'))};
import { writeFileAtomic } from ${JSON.stringify(join(process.cwd(), 'server/src/engine/checkpoint/atomic-write.ts'))};
for (let step = 1; ; step++) {
  const data = new Float32Array(2_000_000).fill(step);
  writeFileAtomic(${JSON.stringify(path)}, encodeSafetensors({ w: { dtype: 'F32', shape: [data.length], data } }, { step: String(step) }));
  process.stdout.write(step + '\\n');
}`;
  for (let round = 0; round < 5; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 20 + round * 37));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const back = decodeSafetensors(new Uint8Array(readFileSync(path)));
    const step = Number(back.metadata.step);
    assert.ok(step >= 1, 'at least one checkpoint was completed');
    const w = back.tensors.w.data as Float32Array;
    assert.ok(w.every((v) => v === step), `checkpoint of step ${step} is internally consistent`);
  }
  assert.ok(existsSync(path));
  assert.ok(readdirSync(dir).every((f) => f === 'last.safetensors' || f.endsWith('.tmp')));
});

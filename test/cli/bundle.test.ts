// The bundled command (`npm run build` → out/mlo.mjs, what bin/mlo.js runs) does what the
// sources do: checks, and runs a job on the executors it leaves outside the bundle. Skipped
// where the repository has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.cwd();
const bundle = join(root, 'out/mlo.mjs');
const skip = !existsSync(bundle) && 'not built (npm run build)';
const mlo = (...args: string[]) => spawnSync(process.execPath, [bundle, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, MLO_QUIET_BACKENDS: '1' } });

test('the bundle checks the samples clean and a broken file with coded diagnostics', { skip }, () => {
  const samples = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.mlo')).map((f) => join('samples', f));
  const ok = mlo('check', ...samples);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`${samples.length} files checked: 0 errors`));
  const bad = mlo('check', 'test/fixtures/diagnostics/names.mlo');
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /names\.mlo:\d+:\d+: error MLO012: unknown name 'nett'; did you mean 'net'\?/);
});

test('the bundle runs a short job on ONNX Runtime and on the wasm backend (both outside it)', { skip }, () => {
  const out = mkdtempSync(join(tmpdir(), 'mlo-bundle-'));
  try {
    for (const backend of ['onnx', 'wasm']) {
      const r = mlo('run', 'samples/ridge.mlo', '--steps', '2', '--backend', backend, '--json', '--out', join(out, backend));
      assert.equal(r.status, 0, r.stderr);
      const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      assert.equal(events.at(-1)?.type, 'end', `${backend}: ${r.stdout.slice(-300)}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

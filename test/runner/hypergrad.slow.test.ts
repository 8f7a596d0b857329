// `mlo hypergrad` (slow part: graphs of 200 inner steps): the exact modes (unrolled, mixflow, forward) give the same numbers on real
// programs, and on ridge regression the implicit modes agree with the closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKEND, relErr, sample } from './helpers.js';
import { computeHypergradient, parseModeSpec } from '../../server/src/engine/runner/index.js';

interface Printed {
  level: string;
  mode: string;
  loss: number;
  params: { name: string; shape: number[]; norm: number; values: number[] }[];
}

/** The same result in this process (each CLI process pays ~3 s of start-up). */
async function hypergrad(file: string, mode: string): Promise<Printed> {
  const r = await computeHypergradient({ file, mode: parseModeSpec(mode), backend: BACKEND });
  return { ...r, params: r.params.map((p) => ({ name: p.name, shape: [...p.shape], norm: p.norm, values: Array.from(p.values) })) };
}

const flat = (p: Printed): number[] => p.params.flatMap((x) => x.values);

{
  const [name, file] = ['ridge.mlo (200 inner steps)', sample('ridge.mlo')];
  test(`unrolled, mixflow and forward agree on ${name}`, async () => {
    const u = await hypergrad(file, 'unrolled');
    assert.ok(flat(u).some((x) => Math.abs(x) > 1e-6), 'the hypergradient is not trivially zero');
    assert.ok(flat(u).every(Number.isFinite));
    for (const m of ['mixflow', 'forward']) {
      const h = await hypergrad(file, m);
      assert.equal(h.mode, m);
      assert.deepEqual(h.params.map((p) => p.name), u.params.map((p) => p.name));
      const e = relErr(flat(h), flat(u));
      assert.ok(e < 1e-4, `${m} vs unrolled: relative error ${e}`);
      assert.ok(Math.abs(h.loss - u.loss) <= 1e-6 * Math.abs(u.loss));
    }
  });
}

test('a different mode really computes something different (neumann with few terms is approximate)', async () => {
  const u = await hypergrad(sample('ridge.mlo'), 'unrolled');
  const n = await hypergrad(sample('ridge.mlo'), 'neumann(iters: 2, alpha: 0.01)');
  assert.ok(relErr(flat(n), flat(u)) > 1e-2);
});


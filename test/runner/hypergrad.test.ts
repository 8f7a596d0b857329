// `mlo hypergrad`: the exact modes (unrolled, mixflow, forward) give the same numbers on real
// programs, and on ridge regression the implicit modes agree with the closed form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertExactModesAgree, BACKEND, flat, hypergrad, mlo, program, relErr, sample, type Printed } from './helpers.js';
import { computeHypergradient, DataFeeder, loadProgram, parseModeSpec } from '../../server/src/engine/runner/index.js';
import { ridgeSolution } from '../../server/src/engine/data/ridge.js';
import { hypergradCommand } from '../../server/src/cli/hypergrad-command.js';


function hypergradCli(file: string, mode: string): Printed {
  const r = mlo(['hypergrad', file, '--mode', mode, '--backend', BACKEND, '--json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Printed;
}



test('mlo hypergrad --json: unrolled, mixflow and forward print the same numbers (learned_lr_wine.mlo)', () => {
  const file = sample('learned_lr_wine.mlo');
  const u = hypergradCli(file, 'unrolled');
  assert.deepEqual(u.params.map((p) => p.name), ['loglr', 'logitmom']);
  for (const m of ['mixflow', 'forward']) {
    const h = hypergradCli(file, m);
    assert.equal(h.mode, m);
    assert.ok(relErr(flat(h), flat(u)) < 1e-4, `${m}: ${flat(h)} vs ${flat(u)}`);
  }
});

for (const [name, file] of [
  ['a small MAML with task meta-batches', program('maml_small.mlo')],
] as const) {
  test(`unrolled, mixflow and forward agree on ${name}`, () => assertExactModesAgree(file));
}

test('ridge: cg and mrml agree with the closed-form hypergradient', async () => {
  const file = sample('ridge.mlo');
  const { lowered } = loadProgram(file);
  const seed = lowered.run.seed;
  const prob = new DataFeeder(lowered, seed).sources.get('prob')!.ridge!;
  // mse + λ‖w‖² is twice the closed form's convention (1/2n‖·‖² + λ/2‖w‖²): same w*, twice the
  // validation loss, so twice its hypergradient.
  const truth = 2 * ridgeSolution(prob.train, prob.valid, Math.log(0.1)).hypergradient;
  for (const mode of ['cg(iters: 20)', 'mrml(iters: 20)']) {
    const r = await computeHypergradient({ file, mode: parseModeSpec(mode), backend: BACKEND });
    const g = r.params[0]!.values[0]!;
    assert.ok(Math.abs(g - truth) / Math.abs(truth) < 2e-3, `${mode}: ${g} vs closed form ${truth}`);
  }
});

test('hypergrad --level on a middle level, and usage errors (exit 2)', async () => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTTY: false };
  assert.equal(await hypergradCommand(sample('three_level_digits.mlo'), { level: 'reweight', backend: BACKEND }, io), 0, lines.join('\n'));
  assert.match(lines[0]!, /hypergradient of reweight by sama/);
  assert.ok(lines.some((l) => /weight\.layer\(1\)\.weight/.test(l)));
  assert.equal(await hypergradCommand(sample('ridge.mlo'), { mode: 'nonsense' }, io), 2);
  assert.equal(await hypergradCommand(sample('ridge.mlo'), { level: 'nowhere' }, io), 2);
  assert.equal(await hypergradCommand(sample('ridge.mlo'), { backend: 'abacus' }, io), 2);
});

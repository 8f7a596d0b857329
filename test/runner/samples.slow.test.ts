// Every sample runs end to end and improves its upper-level objective; learned reweighting
// beats plain training on noisy labels. Fixed seeds, the compiled executor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { job, program, sample, steps } from './helpers.js';

const RUNS: Record<string, number> = {
  'darts_digits.mlo': 100,
  'data_weighting_breast_cancer.mlo': 60,
  'imaml_sinusoid.mlo': 300,
  'learned_lr_wine.mlo': 40,
  'maml_sinusoid.mlo': 500,
  'reweight_digits.mlo': 100,
  'ridge.mlo': 30,
  'three_level_digits.mlo': 100,
  'weight_decay_breast_cancer.mlo': 50,
};

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const [name, n] of Object.entries(RUNS)) {
  test(`${name} runs ${n} steps and its top level's loss falls`, async () => {
    const { result, events } = await job({ file: sample(name), steps: n, log: 1 });
    assert.equal(result.status, 'completed', result.message);
    const start = events[0]!;
    assert.ok(start.type === 'start');
    const top = start.levels.find((l) => !start.levels.some((u) => u.above.includes(l.name)))!.name;
    const losses = steps(events).map((e) => e.levels[top]!.loss);
    assert.ok(losses.length >= 5, `${losses.length} logged steps`);
    assert.ok(losses.every(Number.isFinite));
    // Mean of the first and last fifth of all steps: one step's meta-batch is noisy.
    const k = Math.max(2, Math.floor(losses.length / 5));
    const first = mean(losses.slice(0, k));
    const last = mean(losses.slice(-k));
    assert.ok(last < first, `${top} loss: first ${k} logged ${first.toFixed(4)}, last ${k} ${last.toFixed(4)}`);
  });
}

test('reweight_digits.mlo beats plain training on the noisy labels (test accuracy, 300 steps)', async () => {
  const acc = async (file: string): Promise<number> => {
    const { result, events } = await job({ file, steps: 300 });
    assert.equal(result.status, 'completed', result.message);
    const e = events.filter((x) => x.type === 'eval').at(-1)!;
    assert.ok(e.type === 'eval');
    return e.metrics['test_accuracy']!;
  };
  const reweighted = await acc(sample('reweight_digits.mlo'));
  const plain = await acc(program('reweight_plain.mlo'));
  assert.ok(reweighted > plain + 0.02, `reweighted ${reweighted.toFixed(3)} vs plain ${plain.toFixed(3)}`);
});

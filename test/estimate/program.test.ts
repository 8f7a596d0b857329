// The estimate of real programs: every sample, one tree at a time as the editor asks, budgets respected, the
// recommendation's rules, the Markdown the hover shows, and `mlo estimate` as a user runs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check } from '../../server/src/model/check.js';
import { estimateMarkdown, estimateProgram, recommend, topLevelOf, workloadFromCheck, type ModeEstimate } from '../../server/src/estimate/index.js';
import { emptyBreakdown } from '../../server/src/estimate/memory.js';
import { parseSize } from '../../server/src/cli/estimate-command.js';
import { tsxImport } from '../support/tsx.js';

const root = process.cwd();
const samples = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.mlo')).map((f) => join(root, 'samples', f));
const checked = (f: string) => check(readFileSync(f, 'utf8'), { path: f });

describe('estimates of the samples', () => {
  it('every sample: one entry per upper level, its declared mode among the rows, a recommendation', () => {
    // (Its speed is measured by `npm run bench -- parse`, the estimates column, not here.)
    for (const f of samples) {
      const r = checked(f);
      const e = estimateProgram(r);
      const uppers = [...r.model.levels.values()].filter((l) => l.lowers.length > 0);
      assert.equal(e.levels.length, uppers.length, f);
      for (const l of e.levels) {
        const declared = r.model.levels.get(l.level)!.mode.name;
        assert.ok(l.modes.some((m) => m.declared && m.mode === declared), `${f}: ${l.level} lacks its declared ${declared}`);
        assert.ok(l.modes.every((m) => m.peakBytes > 0 && m.flops > 0 && Number.isFinite(m.plainSteps)), f);
        assert.ok(l.modes.some((m) => m.mode === l.recommendation.mode), f);
      }
    }
  });

  it("one level's tree alone gives the same estimates as the whole program (what hovers and lenses ask)", () => {
    let middle = 0;
    for (const f of samples) {
      const r = checked(f);
      const whole = new Map(estimateProgram(r).levels.map((l) => [l.level, l]));
      for (const name of whole.keys()) {
        const top = topLevelOf(r, name);
        if (top !== name) middle++;
        const alone = estimateProgram(r, {}, new Set([top])).levels;
        assert.ok(alone.every((l) => topLevelOf(r, l.level) === top), `${f}: only the tree of ${top}`);
        assert.deepEqual(alone.find((l) => l.level === name), whole.get(name), `${f}: ${name} estimated in the tree of ${top}`);
      }
    }
    assert.ok(middle > 0, 'a middle level (three_level_digits) is estimated within its top level');
  });

  it('reads the model: widths, batches and steps of weight_decay_breast_cancer', () => {
    const [tune] = workloadFromCheck(checked(join(root, 'samples/weight_decay_breast_cancer.mlo')));
    assert.equal(tune!.name, 'tune');
    const fit = tune!.children[0]!;
    assert.equal(fit.steps, 100);
    assert.equal(fit.paramCount, 30 * 2 + 2);
    assert.equal(fit.uses[0]!.batch, 400);
    assert.deepEqual(fit.uses[0]!.layers.map((l) => [l.inWidth, l.outWidth]), [[30, 2]]);
    assert.equal(fit.penalty, true);
    assert.equal(tune!.uses[0]!.batch, 169);
    assert.equal(fit.upperScalars, 30);
  });

  it('reads how each lower loss meets its upper level, and what each model application keeps', () => {
    const lower = (f: string) => workloadFromCheck(checked(join(root, `samples/${f}.mlo`)))[0]!.children[0]!;
    // the upper parameters meet a penalty (learned decay), the model's outputs (a weighting net,
    // a mixture's weights), or nothing but the reset (MAML) or the optimizer (a learned lr)
    assert.equal(lower('weight_decay_breast_cancer').upperRead, 'penalty');
    assert.equal(lower('ridge').upperRead, 'penalty');
    assert.equal(lower('reweight_digits').upperRead, 'model');
    assert.equal(lower('data_weighting_breast_cancer').upperRead, 'model');
    assert.equal(lower('darts_digits').upperRead, 'model');
    assert.equal(lower('maml_sinusoid').upperRead, 'none');
    assert.equal(lower('learned_lr_wine').upperRead, 'none');
    assert.equal(lower('imaml_sinusoid').upperRead, 'penalty');
    // a learned decay's coefficient is traced; iMAML's proximal coefficient is a constant
    assert.equal(lower('ridge').penaltyScale, 'learned');
    assert.equal(lower('imaml_sinusoid').penaltyScale, 'constant');
    // mse heads; the weighting net is the upper level's and reads a computed value, not data
    assert.ok(lower('maml_sinusoid').uses.every((u) => u.head === 'quadratic'));
    assert.ok(lower('weight_decay_breast_cancer').uses.every((u) => u.head === 'softmax'));
    const fit = lower('reweight_digits');
    assert.deepEqual(fit.uses.map((u) => [u.net, !!u.upper, u.dataInput]), [['weight', true, false], ['net', false, true]]);
    // a mixture: one application per candidate, each with its own activation, sharing the input
    const cell = lower('darts_digits').uses;
    assert.deepEqual(cell.map((u) => [u.layers.length, u.activation, !!u.sharedInput]), [[1, 'relu', false], [2, 'relu', true], [2, 'tanh', true]]);
    // MAML's upper loss applies the restarting level's model at its final iterate, once per task
    const meta = workloadFromCheck(checked(join(root, 'samples/maml_sinusoid.mlo')))[0]!;
    assert.equal(meta.uses.length, meta.children[0]!.replicas);
    assert.ok(meta.uses.every((u) => u.restarting && u.own === false));
  });

  it('the three-level sample: the middle level offers only darts and sama', () => {
    const e = estimateProgram(checked(join(root, 'samples/three_level_digits.mlo')));
    const mid = e.levels.find((l) => l.level === 'reweight')!;
    assert.deepEqual(mid.modes.map((m) => m.mode).sort(), ['darts', 'sama']);
    const top = e.levels.find((l) => l.level === 'regularize')!;
    assert.ok(!top.modes.some((m) => m.mode === 'mixflow'), 'mixflow cannot serve above a middle level');
  });

  it('a budget: fits? follows peak ≤ budget, float64 doubles, the hover Markdown names the choice', () => {
    const r = checked(join(root, 'samples/maml_sinusoid.mlo'));
    const free = estimateProgram(r).levels[0]!;
    const unrolled = free.modes.find((m) => m.mode === 'unrolled')!;
    const mixflow = free.modes.find((m) => m.mode === 'mixflow')!;
    assert.ok(mixflow.peakBytes < unrolled.peakBytes);
    const budget = Math.floor((mixflow.peakBytes + unrolled.peakBytes) / 2);
    const e = estimateProgram(r, { budget });
    const l = e.levels[0]!;
    for (const m of l.modes) assert.equal(m.fits, m.peakBytes <= budget);
    assert.equal(l.recommendation.mode, 'mixflow', l.recommendation.reason);
    assert.equal(estimateProgram(r, { precision: 'float64' }).levels[0]!.modes[0]!.peakBytes, 2 * free.modes[0]!.peakBytes);
    const md = estimateMarkdown(e);
    assert.match(md, /\| mode \| peak memory \| compute \| × plain step \| exact\? \| fits\? \|/);
    assert.match(md, /\*\*Recommended:\*\* `mixflow`/);
    assert.match(md, /Peak of `mixflow`: .*per-step checkpoints/);
  });
});

const est = (mode: ModeEstimate['mode'], peak: number, flops: number, exact: boolean): ModeEstimate => ({
  mode, label: mode, choice: { name: mode, options: {} }, peakBytes: peak, breakdown: { ...emptyBreakdown(), activations: peak }, flops, plainSteps: flops / 10, exact, declared: false,
});

describe('recommend', () => {
  const modes = [est('unrolled', 900, 100, true), est('mixflow', 300, 130, true), est('forward', 200, 500, true), est('cg', 100, 60, false), est('sama', 90, 40, false)];
  it('the cheapest exact mode in compute among those that fit', () => {
    assert.equal(recommend(modes).mode, 'unrolled');
    assert.equal(recommend(modes, 500).mode, 'mixflow');
    assert.equal(recommend(modes, 250).mode, 'forward');
  });
  it('else the best approximation, saying why; else the smallest, marked as not fitting', () => {
    const r = recommend(modes, 150);
    assert.equal(r.mode, 'cg');
    assert.match(r.reason, /no exact mode fits \(the smallest, forward, needs 200 B\)/);
    const none = recommend(modes, 50);
    assert.equal(none.mode, 'sama');
    assert.equal(none.fits, false);
  });
});

describe('mlo estimate', () => {
  const mlo = (args: string[]) => spawnSync(process.execPath, [...tsxImport, join(root, 'server/src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  it('prints a table per upper level, the breakdown and the recommendation', () => {
    const r = mlo(['estimate', 'samples/maml_sinusoid.mlo', '--budget', '300KiB']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^meta over adapt \(5 lower steps, float32, budget 300 KiB\)$/m);
    assert.match(r.stdout, /^mode +peak memory +compute +× plain step +exact\? +fits\?$/m);
    assert.match(r.stdout, /^unrolled .* yes +no$/m);
    assert.match(r.stdout, /^peak of /m);
    assert.match(r.stdout, /^recommended: /m);
  });
  it('--json lists every applicable mode with its peak bytes', () => {
    const r = mlo(['estimate', 'samples/learned_lr_wine.mlo', '--json', '--precision', 'float64']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { precision: string; levels: { level: string; modes: { mode: string; peakBytes: number }[] }[] };
    assert.equal(j.precision, 'float64');
    assert.deepEqual(j.levels[0]!.modes.map((m) => m.mode), ['unrolled', 'truncated', 'mixflow', 'forward', 'darts', 'sama', 'neumann', 'cg', 'mrml']);
    assert.ok(j.levels[0]!.modes.every((m) => Number.isInteger(m.peakBytes) && m.peakBytes > 0));
  });
  it('bad arguments and files with errors exit non-zero', () => {
    assert.equal(mlo(['estimate', 'samples/ridge.mlo', '--budget', 'lots']).status, 2);
    assert.equal(mlo(['estimate', 'samples/ridge.mlo', '--precision', 'float16']).status, 2);
    assert.equal(mlo(['estimate', 'no/such.mlo']).status, 1);
    assert.equal(parseSize('8GiB'), 8 * 2 ** 30);
    assert.equal(parseSize('1.5 MB'), 1.5e6);
    assert.equal(parseSize('512'), 512);
  });
});

// Three levels, top > middle > bottom, with quadratic losses whose best responses are reached in
// one SGD step of rate 1 (unit Hessians): the composed path products must equal the gradient of
// the nested objective, checked against its closed form and against finite differences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { adam, sgd, type Optimizer } from '../../server/src/graph/nn/index.js';
import { buildHypergradient, buildOuterStep } from '../../server/src/graph/modes/outer-step.js';
import { ProblemError, type LevelDef, type ModeSpec } from '../../server/src/graph/modes/problem.js';
import type { Value } from '../../server/src/graph/trace.js';
import { rng } from '../graph/gradcheck.js';
import { fdOuter, randomValues, relErr, run, table } from './helpers.js';

const r = rng(3);
const mat = (rows: number, cols: number): number[] => Array.from({ length: rows * cols }, () => r() * 2 - 1);
const [Bm, Pm, Qm] = [mat(3, 2), mat(3, 3), mat(3, 2)];
const [yv, zv] = [mat(3, 1), mat(3, 1)];
const mv = (M: number[], rows: number, cols: number, x: Value): Value => op.reshape(op.matmul(x.tracer.constant(M, [rows, cols]), op.reshape(x, [cols, 1])), [rows]);
const half = (x: Value): Value => op.mul(fn.dot(x, x), 0.5);

/**
 * bottom: L_C = ½‖θ_C − Bφ‖²;  middle: L_M = ½‖θ_M − Pθ_C − Qφ‖² (2 steps);
 * top: L_T = ½‖θ_M − y‖² + ½‖θ_C − z‖² + ¼‖φ‖². Paths of top: T→M→T, T→C→T, T→C→M→T.
 */
function threeLevel(top: ModeSpec, middle: ModeSpec): LevelDef {
  const one = { optimizer: sgd({ lr: 1 }) as Optimizer<object> };
  return {
    name: 'T',
    params: [{ name: 'phi', shape: [2] }],
    optimizer: { optimizer: adam({ lr: 0.01 }) as Optimizer<object> },
    hypergradient: top,
    loss: (c) =>
      op.add(
        op.add(half(op.sub(c.param('M', 'th'), c.tracer.constant(yv, [3]))), half(op.sub(c.param('C', 'th'), c.tracer.constant(zv, [3])))),
        op.mul(half(c.param('T', 'phi')), 0.5),
      ),
    children: [
      {
        name: 'M',
        params: [{ name: 'th', shape: [3] }],
        steps: 2,
        optimizer: one,
        hypergradient: middle,
        loss: (c) => half(op.sub(op.sub(c.param('M', 'th'), mv(Pm, 3, 3, c.param('C', 'th'))), mv(Qm, 3, 2, c.param('T', 'phi')))),
        children: [{ name: 'C', params: [{ name: 'th', shape: [3] }], steps: 1, optimizer: one, loss: (c) => half(op.sub(c.param('C', 'th'), mv(Bm, 3, 2, c.param('T', 'phi')))) }],
      },
    ],
  };
}

/** ∇F for F(φ) = ½‖(PB+Q)φ − y‖² + ½‖Bφ − z‖² + ¼‖φ‖². */
function closedForm(phi: readonly number[]): number[] {
  const at = (M: number[], i: number, j: number, cols: number): number => M[i * cols + j]!;
  const S = Array.from({ length: 3 }, (_, i) => Array.from({ length: 2 }, (_, j) => [0, 1, 2].reduce((s, k) => s + at(Pm, i, k, 3) * at(Bm, k, j, 2), 0) + at(Qm, i, j, 2)));
  const res1 = S.map((row, i) => row[0]! * phi[0]! + row[1]! * phi[1]! - yv[i]!);
  const res2 = [0, 1, 2].map((i) => at(Bm, i, 0, 2) * phi[0]! + at(Bm, i, 1, 2) * phi[1]! - zv[i]!);
  return [0, 1].map((j) => S.reduce((s, row, i) => s + row[j]! * res1[i]!, 0) + [0, 1, 2].reduce((s, i) => s + at(Bm, i, j, 2) * res2[i]!, 0) + 0.5 * phi[j]!);
}

describe('three levels: path products composed with each level’s mode', () => {
  it('equal the nested objective’s gradient (closed form and finite differences) for every top mode', () => {
    const rows: (string | number)[][] = [];
    const tops: ModeSpec[] = [{ mode: 'unrolled' }, { mode: 'forward' }, { mode: 'darts' }, { mode: 'sama' }, { mode: 'cg', iters: 3 }, { mode: 'neumann', iters: 3, alpha: 1 }, { mode: 'truncated', steps: 1 }];
    for (const middle of [{ mode: 'darts' }, { mode: 'sama' }] as ModeSpec[]) {
      for (const top of tops) {
        const root = threeLevel(top, middle);
        const b = buildHypergradient(root);
        const vals = randomValues(b, 17);
        const got = [...run(b, vals).get('hypergrad:T.phi')!.data];
        const want = closedForm([...vals.get('param:T.phi')!.data]);
        const fd = fdOuter(root, vals, ['param:T.phi']);
        rows.push([top.mode, middle.mode, relErr(got, want), relErr(fd, want)]);
        assert.ok(relErr(fd, want) < 1e-8, 'the nested objective is what the closed form says');
        assert.ok(relErr(got, want) < 1e-9, `${top.mode} over ${middle.mode}: ${got} vs ${want}`);
      }
    }
    table('three-level hypergradient vs closed form', ['top mode', 'middle mode', 'rel. error', 'FD vs closed form'], rows);
  });
  it('includes the three-edge path T→C→M→T; modes that cannot serve a middle level are refused', () => {
    const b = buildHypergradient(threeLevel({ mode: 'unrolled' }, { mode: 'darts' }));
    const vals = randomValues(b, 17);
    const phi = [...vals.get('param:T.phi')!.data];
    const full = [...run(b, vals).get('hypergrad:T.phi')!.data];
    // Only the two-edge paths: Qᵀ(θ_M − y) + Bᵀ(θ_C − z) + ½φ at the best responses.
    const thC = [0, 1, 2].map((i) => Bm[2 * i]! * phi[0]! + Bm[2 * i + 1]! * phi[1]!);
    const thM = [0, 1, 2].map((i) => [0, 1, 2].reduce((s, k) => s + Pm[3 * i + k]! * thC[k]!, 0) + Qm[2 * i]! * phi[0]! + Qm[2 * i + 1]! * phi[1]!);
    const two = [0, 1].map((j) => [0, 1, 2].reduce((s, i) => s + Qm[2 * i + j]! * (thM[i]! - yv[i]!) + Bm[2 * i + j]! * (thC[i]! - zv[i]!), 0) + 0.5 * phi[j]!);
    assert.ok(relErr(full, closedForm(phi)) < 1e-9);
    assert.ok(relErr(two, closedForm(phi)) > 1e-2, 'the three-edge path carries a real share of the gradient');
    assert.throws(() => buildHypergradient(threeLevel({ mode: 'unrolled' }, { mode: 'cg' })), ProblemError);
    assert.throws(() => buildHypergradient(threeLevel({ mode: 'mixflow' }, { mode: 'darts' })), /mixflow .* lowest level/);
  });
  it('one outer step updates every level and reports losses and norms', () => {
    const b = buildOuterStep(threeLevel({ mode: 'unrolled' }, { mode: 'sama' }));
    const names = b.outputs.map((s) => s.name);
    for (const n of ['param:T.phi', 'param:M.th', 'param:C.th', 'state:T.m.phi', 'loss:T', 'loss:M', 'loss:C', 'hypergrad_norm:T', 'hypergrad_norm:M']) assert.ok(names.includes(n), n);
    const vals = randomValues(b, 4);
    const out = run(b, vals);
    const phi = [...vals.get('param:T.phi')!.data];
    // C's best response after the step is Bφ (at the old φ), and the loss of C after it is 0
    const c = [...out.get('param:C.th')!.data];
    const want = [0, 1, 2].map((i) => Bm[2 * i]! * phi[0]! + Bm[2 * i + 1]! * phi[1]!);
    assert.ok(relErr(c, want) < 1e-12);
    assert.ok(out.get('loss:M')!.data[0]! >= 0 && out.get('hypergrad_norm:T')!.data[0]! > 0);
    // Adam's first step moves each coordinate of φ by ≈ lr against the sign of the hypergradient
    const g = closedForm(phi);
    const next = [...out.get('param:T.phi')!.data];
    next.forEach((x, i) => assert.ok(Math.abs(x - (phi[i]! - 0.01 * Math.sign(g[i]!))) < 1e-6));
  });
});

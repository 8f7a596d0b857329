// The implicit modes on ridge regression, whose best response and hypergradient have a closed
// form; and the CG solver against a direct solve.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { adam, sgd, type Optimizer } from '../../server/src/graph/nn/index.js';
import { buildHypergradient } from '../../server/src/graph/modes/outer-step.js';
import type { LevelDef, ModeSpec } from '../../server/src/graph/modes/problem.js';
import { conjugateGradient, neumannSeries } from '../../server/src/graph/modes/solvers.js';
import { traceGraph } from '../../server/src/graph/trace.js';
import { rng } from '../graph/gradcheck.js';
import { evaluate, tensor } from '../graph/reference-eval.js';
import { run, table, type Values } from './helpers.js';

const [n, m, d] = [20, 10, 4];
const LR = 1.0;

/**
 * L_in(θ) = (1/2n)‖Xθ − y‖² + (λ/2)‖θ‖², λ = exp(loglam); L_out(θ) = (1/2m)‖X_v θ − y_v‖².
 * θ*(λ) = A⁻¹Xᵀy/n with A = XᵀX/n + λI; dF/dloglam = −λ·θ*ᵀA⁻¹v, v = X_vᵀ(X_vθ* − y_v)/m.
 */
function ridge(steps: number, mode: ModeSpec): LevelDef {
  const sqLoss = (x: ReturnType<typeof op.matmul>, y: typeof x, rows: number) => {
    const r = op.sub(x, y);
    return op.mul(fn.dot(r, r), 1 / (2 * rows));
  };
  return {
    name: 'tune',
    params: [{ name: 'loglam', shape: [] }],
    optimizer: { optimizer: adam({ lr: 0.05 }) as Optimizer<object> },
    hypergradient: mode,
    data: [{ name: 'x', shape: [m, d] }, { name: 'y', shape: [m, 1] }],
    loss: (c) => sqLoss(op.matmul(c.batch['x']!, c.param('fit', 'w')), c.batch['y']!, m),
    children: [
      {
        name: 'fit',
        params: [{ name: 'w', shape: [d, 1] }],
        steps,
        data: [{ name: 'x', shape: [n, d] }, { name: 'y', shape: [n, 1] }],
        optimizer: { optimizer: sgd({ lr: LR }) as Optimizer<object> },
        loss: (c) => {
          const w = c.param('fit', 'w');
          return op.add(sqLoss(op.matmul(c.batch['x']!, w), c.batch['y']!, n), op.mul(op.exp(c.param('tune', 'loglam')), op.mul(fn.dot(w, w), 0.5)));
        },
      },
    ],
  };
}

/** Solve A·x = b by Gaussian elimination with partial pivoting (float64). */
function solve(A: number[][], b: number[]): number[] {
  const k = b.length;
  const M = A.map((r, i) => [...r, b[i]!]);
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let j = c; j <= k; j++) M[r]![j]! -= f * M[c]![j]!;
    }
  }
  return M.map((r, i) => r[k]! / r[i]!);
}

const r = rng(42);
const X = Array.from({ length: n }, () => Array.from({ length: d }, () => r() * 2 - 1));
const wTrue = Array.from({ length: d }, () => r() * 2 - 1);
const Y = X.map((row) => row.reduce((s, x, j) => s + x * wTrue[j]!, 0) + 0.1 * (r() - 0.5));
const Xv = Array.from({ length: m }, () => Array.from({ length: d }, () => r() * 2 - 1));
const Yv = Xv.map((row) => row.reduce((s, x, j) => s + x * wTrue[j]!, 0) + 0.1 * (r() - 0.5));
const LOGLAM = Math.log(0.1);

function closedForm(): number {
  const lam = Math.exp(LOGLAM);
  const A = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => X.reduce((s, row) => s + row[i]! * row[j]!, 0) / n + (i === j ? lam : 0)));
  const theta = solve(A, Array.from({ length: d }, (_, i) => X.reduce((s, row, q) => s + row[i]! * Y[q]!, 0) / n));
  const res = Xv.map((row, q) => row.reduce((s, x, j) => s + x * theta[j]!, 0) - Yv[q]!);
  const v = Array.from({ length: d }, (_, i) => Xv.reduce((s, row, q) => s + row[i]! * res[q]!, 0) / m);
  const Ainv_v = solve(A, v);
  return -lam * theta.reduce((s, t, i) => s + t * Ainv_v[i]!, 0);
}

function values(steps: number): Values {
  const rep = <T,>(a: T[], k: number): T[] => Array.from({ length: k }, () => a).flat();
  return new Map([
    ['param:tune.loglam', tensor([], [LOGLAM])],
    ['state:tune.m.loglam', tensor([], [0])],
    ['state:tune.v.loglam', tensor([], [0])],
    ['state:tune.step', tensor([], [0])],
    ['data:tune.x', tensor([1, m, d], Xv.flat())],
    ['data:tune.y', tensor([1, m, 1], Yv)],
    ['param:fit.w', tensor([d, 1], new Array(d).fill(0))],
    ['data:fit.x', tensor([steps, n, d], rep(X.flat(), steps))],
    ['data:fit.y', tensor([steps, n, 1], rep(Y, steps))],
  ]);
}

const hypergrad = (steps: number, mode: ModeSpec): number => run(buildHypergradient(ridge(steps, mode)), values(steps)).get('hypergrad:tune.loglam')!.data[0]!;

describe('implicit modes converge to the closed-form ridge hypergradient', () => {
  const exact = closedForm();
  const rel = (g: number): number => Math.abs(g - exact) / Math.abs(exact);
  const rows: (string | number)[][] = [];
  const err = new Map<string, number>();
  const cases: [string, ModeSpec][] = [];
  for (const J of [1, 2, 4]) cases.push([`cg J=${J}`, { mode: 'cg', iters: J }], [`mrml J=${J}`, { mode: 'mrml', iters: J }]);
  for (const J of [5, 20, 80]) cases.push([`neumann J=${J}`, { mode: 'neumann', iters: J, alpha: LR }]);
  cases.push(['unrolled', { mode: 'unrolled' }]);
  it('over K inner steps and J solver iterations', () => {
    for (const K of [5, 20, 80]) {
      for (const [name, mode] of cases) {
        const e = rel(hypergrad(K, mode));
        err.set(`${name} K=${K}`, e);
        rows.push([name.split(' ')[0]!, K, name.split(' ')[1] ?? '-', e]);
      }
    }
    table(`ridge hypergradient d/dlog λ (closed form ${exact.toExponential(6)}), relative error`, ['mode', 'K', 'J', 'rel. error'], rows);
    // cg solves the d = 4 system exactly in 4 iterations: what is left is θ_K's distance to θ*.
    assert.ok(err.get('cg J=4 K=80')! < 1e-8, `cg ${err.get('cg J=4 K=80')}`);
    assert.ok(err.get('mrml J=4 K=80')! < 1e-8);
    assert.ok(err.get('neumann J=80 K=80')! < 1e-4);
    assert.ok(err.get('unrolled K=80')! < 1e-4);
    // and errors shrink as iterations and steps grow
    assert.ok(err.get('cg J=4 K=80')! < err.get('cg J=2 K=80')! && err.get('cg J=2 K=80')! < err.get('cg J=1 K=80')!);
    assert.ok(err.get('neumann J=80 K=80')! < err.get('neumann J=20 K=80')! && err.get('neumann J=20 K=80')! < err.get('neumann J=5 K=80')!);
    assert.ok(err.get('cg J=4 K=80')! < err.get('cg J=4 K=20')! && err.get('cg J=4 K=20')! < err.get('cg J=4 K=5')!);
    assert.ok(err.get('unrolled K=80')! < err.get('unrolled K=20')! && err.get('unrolled K=20')! < err.get('unrolled K=5')!);
  });
});

describe('solvers', () => {
  const k = 5;
  const rr = rng(7);
  const B = Array.from({ length: k }, () => Array.from({ length: k }, () => rr() * 2 - 1));
  // SPD: BᵀB + I, with a spread of eigenvalues
  const A = Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => B.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 0.5 : 0)));
  const b = Array.from({ length: k }, () => rr() * 2 - 1);
  const graph = (J: number, damping: number, split: boolean) =>
    traceGraph([{ name: 'b', shape: [k] }], (bv) => {
      const Am = bv.tracer.constant(A.flat(), [k, k]);
      const mv = (x: typeof bv): typeof bv => op.reshape(op.matmul(Am, op.reshape(x, [k, 1])), [k]);
      if (!split) return conjugateGradient(bv.tracer, (p) => [mv(p[0]!)], [bv], J, damping);
      // the same system as two tensors, to exercise list arithmetic
      const parts = [op.slice(bv, [0], [2]), op.slice(bv, [2], [k])];
      const x = conjugateGradient(bv.tracer, (p) => { const y = mv(op.concat(p, 0)); return [op.slice(y, [0], [2]), op.slice(y, [2], [k])]; }, parts, J, damping);
      return op.concat(x, 0);
    });
  const cgSolve = (J: number, damping = 0, split = false): number[] => [...evaluate(graph(J, damping, split), [tensor([k], b)])[0]!.data];
  it('cg matches a direct solve of a small SPD system in k iterations, with and without damping', () => {
    const want = solve(A, b);
    const got = cgSolve(k);
    got.forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-9, `x[${i}] ${x} vs ${want[i]}`));
    cgSolve(k, 0, true).forEach((x, i) => assert.ok(Math.abs(x - want[i]!) < 1e-9, 'split into two tensors'));
    const wantD = solve(A.map((row, i) => row.map((a, j) => a + (i === j ? 0.3 : 0))), b);
    cgSolve(k, 0.3).forEach((x, i) => assert.ok(Math.abs(x - wantD[i]!) < 1e-9, `damped x[${i}]`));
    // fewer iterations: a strictly better residual each time (a wrong direction update stalls or diverges)
    const resid = (x: number[]): number => Math.hypot(...A.map((row, i) => row.reduce((s, a, j) => s + a * x[j]!, 0) - b[i]!));
    const rs = [1, 2, 3, 4].map((J) => resid(cgSolve(J)));
    for (let j = 1; j < rs.length; j++) assert.ok(rs[j]! < rs[j - 1]!, `residuals ${rs}`);
  });
  it('cg of a zero right-hand side is zero, not NaN', () => {
    const g = traceGraph([{ name: 'b', shape: [k] }], (bv) => conjugateGradient(bv.tracer, (p) => [op.mul(p[0]!, 2)], [bv], 3));
    assert.deepEqual([...evaluate(g, [tensor([k], new Array(k).fill(0))])[0]!.data], new Array(k).fill(0));
  });
  it('neumann approaches A⁻¹b for α < 2/λ_max', () => {
    const lmax = 12; // a bound: the entries of A are small
    const g = (J: number) => traceGraph([{ name: 'b', shape: [k] }], (bv) => {
      const Am = bv.tracer.constant(A.flat(), [k, k]);
      return neumannSeries((p) => [op.reshape(op.matmul(Am, op.reshape(p[0]!, [k, 1])), [k])], [bv], J, 1 / lmax);
    });
    const want = solve(A, b);
    const errs = [10, 100, 2000].map((J) => Math.hypot(...[...evaluate(g(J), [tensor([k], b)])[0]!.data].map((x, i) => x - want[i]!)));
    assert.ok(errs[2]! < 1e-6 && errs[1]! < errs[0]!, `neumann errors ${errs}`);
  });
});

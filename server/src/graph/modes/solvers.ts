// Linear solvers for the implicit modes, written on traced tensor lists so that each iteration
// is one operator application (one Hessian-vector product) in the graph.
import * as op from '../ops.js';
import type { Tracer, Value } from '../trace.js';
import { addV, axpyV, dotV, safeDiv, scaleV } from './lists.js';

/** x ↦ A·x on a list of tensors (A symmetric for cg). */
export type LinearOperator = (x: readonly Value[]) => Value[];

/**
 * Conjugate gradient for (A + δI)·x = b, x₀ = 0, `iters` iterations. The new search direction
 * is built from the NEW residual (p ← r_{j+1} + β·p with β = ‖r_{j+1}‖²/‖r_j‖²); building it
 * from the old residual is the classic bug, and the tests compare with a direct solve. Step
 * sizes are guarded: a zero residual or a non-positive curvature ⟨p, Ap⟩ stops the iteration
 * (α = 0) instead of producing NaN.
 */
export function conjugateGradient(t: Tracer, apply: LinearOperator, b: readonly Value[], iters: number, damping = 0): Value[] {
  const A = (p: readonly Value[]): Value[] => (damping === 0 ? apply(p) : axpyV(apply(p), damping, p));
  let x: Value[] = b.map((v) => t.constant(0, v.shape));
  let r: Value[] = [...b];
  let p: Value[] = [...b];
  let rr = dotV(t, r, r);
  for (let j = 0; j < iters; j++) {
    const ap = A(p);
    const alpha = safeDiv(rr, dotV(t, p, ap));
    x = axpyV(x, alpha, p);
    r = axpyV(r, op.neg(alpha), ap);
    const rrNew = dotV(t, r, r);
    const beta = safeDiv(rrNew, rr);
    p = axpyV(r, beta, p);
    rr = rrNew;
  }
  return x;
}

/** Neumann series: A⁻¹b ≈ α·Σ_{j=0..J} (I − αA)^j b (converges when 0 < α < 2/λ_max(A)). */
export function neumannSeries(apply: LinearOperator, b: readonly Value[], iters: number, alpha: number): Value[] {
  let p: Value[] = [...b];
  let acc: Value[] = [...b];
  for (let j = 0; j < iters; j++) {
    p = axpyV(p, -alpha, apply(p));
    acc = addV(acc, p) as Value[];
  }
  return scaleV(acc, alpha);
}

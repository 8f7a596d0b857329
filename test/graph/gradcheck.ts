// Derivative checks against float64 central finite differences, in every mode and order.
import assert from 'node:assert/strict';
import type { Graph } from '../../server/src/graph/ir.js';
import * as op from '../../server/src/graph/ops.js';
import { grad, hvp, jvp, vjp } from '../../server/src/graph/transforms.js';
import { traceGraph, type InputSpec, type Value } from '../../server/src/graph/trace.js';
import { mulberry32 } from '../../server/src/graph/nn/init.js';
import { evaluate, tensor, type Tensor } from './reference-eval.js';

/** The project's seeded PRNG, so that every case is reproducible from its seed. */
export const rng = mulberry32;

export interface DataSpec extends InputSpec {
  /** Float values are drawn uniformly from [lo, hi]; with `awayFromZero` their sign is random. */
  readonly lo?: number;
  readonly hi?: number;
  readonly awayFromZero?: boolean;
  /** Fixed data (ints, bools, or floats that must not be random). */
  readonly data?: readonly number[];
}

export function randomTensor(s: DataSpec, r: () => number): Tensor {
  const n = s.shape.reduce((p, d) => p * d, 1);
  if (s.data) return tensor(s.shape, s.data);
  const lo = s.lo ?? -2;
  const hi = s.hi ?? 2;
  return tensor(
    s.shape,
    Array.from({ length: n }, () => {
      const v = lo + (hi - lo) * r();
      return s.awayFromZero && r() < 0.5 ? -v : v;
    }),
  );
}

export const scalarOf = (t: Tensor): number => t.data[0]!;

const maxAbs = (t: Tensor): number => t.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** |a − b| ≤ tol·(1 + max|b|) element-wise. */
export function assertClose(a: Tensor, b: Tensor, what: string, tol = 1e-6): void {
  assert.deepEqual([...a.shape], [...b.shape], `${what}: shapes differ`);
  const scale = 1 + maxAbs(b);
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i]! - b.data[i]!);
    if (!(d <= tol * scale)) assert.fail(`${what}: element ${i}: ${a.data[i]} vs ${b.data[i]} (|Δ| = ${d.toExponential(2)}, scale ${scale.toFixed(3)})`);
  }
}

const axpy = (x: Tensor, v: Tensor, h: number): Tensor => tensor(x.shape, x.data.map((xi, i) => xi + h * v.data[i]!));
const scaleT = (x: Tensor, s: number): Tensor => tensor(x.shape, x.data.map((v) => v * s));
const dotT = (a: readonly Tensor[], b: readonly Tensor[]): number => a.reduce((s, t, k) => s + t.data.reduce((q, x, i) => q + x * b[k]!.data[i]!, 0), 0);

/** Central difference of `f` (returning tensors) along direction v on the wrt positions. */
export function fdDirectional(f: (args: Tensor[]) => Tensor[], args: readonly Tensor[], wrt: readonly number[], v: readonly Tensor[], h = 1e-5): Tensor[] {
  const at = (s: number): Tensor[] => {
    const a = [...args];
    wrt.forEach((k, j) => (a[k] = axpy(args[k]!, v[j]!, s)));
    return f(a);
  };
  const [p, m] = [at(h), at(-h)];
  return p.map((t, i) => tensor(t.shape, t.data.map((x, q) => (x - m[i]!.data[q]!) / (2 * h))));
}

export interface CheckOptions {
  readonly wrt?: readonly number[];
  readonly tol?: number;
  readonly h?: number;
  /** Skip the coordinate-wise gradient check (large inputs). */
  readonly coordinatewise?: boolean;
}

/**
 * Builds L(xs) = Σ W ⊙ fn(xs) with a random constant W and checks, against float64 finite
 * differences: reverse gradient (coordinate-wise), vjp, jvp; the HVP by forward-over-reverse,
 * reverse-over-reverse and reverse-over-forward; and forward-over-forward vᵀHv.
 */
export function checkAllOrders(specs: readonly DataSpec[], fn: (...xs: Value[]) => Value, seed: number, o: CheckOptions = {}): void {
  const r = rng(seed);
  const args = specs.map((s) => randomTensor(s, r));
  const g = traceGraph(specs, (...xs) => {
    const y = fn(...xs);
    const w = y.tracer.constant(Array.from({ length: y.size }, () => r() * 2 - 1), y.shape);
    return op.sum(op.mul(y, w));
  });
  checkScalarGraph(g, args, r, o);
}

/** The checks of checkAllOrders on an existing scalar-valued graph. */
export function checkScalarGraph(g: Graph, args: readonly Tensor[], r: () => number, o: CheckOptions = {}): void {
  const tol = o.tol ?? 1e-6;
  const h = o.h ?? 1e-5;
  const wrt = o.wrt ?? g.inputs.map((_, k) => k).filter((k) => g.nodes[g.inputs[k]!]!.dtype === 'float32');
  const v = wrt.map((k) => randomTensor({ name: 'v', shape: args[k]!.shape }, r));
  const f = (a: Tensor[]): Tensor[] => evaluate(g, a);

  // first order, reverse: coordinate-wise against finite differences
  const gg = grad(g, { wrt });
  const gr = evaluate(gg, [...args]);
  if (o.coordinatewise !== false) {
    wrt.forEach((k, j) => {
      const fd = new Float64Array(args[k]!.data.length);
      for (let i = 0; i < fd.length; i++) {
        const e = tensor(args[k]!.shape, new Float64Array(fd.length).fill(0));
        e.data[i] = 1;
        const a = [...args];
        a[k] = axpy(args[k]!, e, h);
        const p = scalarOf(f(a)[0]!);
        a[k] = axpy(args[k]!, e, -h);
        fd[i] = (p - scalarOf(f(a)[0]!)) / (2 * h);
      }
      assertClose(gr[j]!, tensor(args[k]!.shape, fd), `grad[${k}]`, tol);
    });
  }
  // first order, vjp with a non-unit cotangent and jvp along v
  const ctv = 1.75;
  const vj = evaluate(vjp(g, { wrt }), [...args, tensor([], [ctv])]);
  wrt.forEach((_, j) => assertClose(vj[1 + j]!, scaleT(gr[j]!, ctv), `vjp[${j}]`, tol));
  const jv = scalarOf(evaluate(jvp(g, { wrt }), [...args, ...v])[1]!);
  const fdv = scalarOf(fdDirectional(f, args, wrt, v, h)[0]!);
  assertClose(tensor([], [jv]), tensor([], [fdv]), 'jvp vs finite difference', tol);
  assertClose(tensor([], [jv]), tensor([], [dotT(gr, v)]), '⟨u, Jv⟩ = ⟨Jᵀu, v⟩', tol);

  // second order: H·v three ways against finite differences of the gradient
  const fdHv = fdDirectional((a) => evaluate(gg, a), args, wrt, v, h);
  for (const mode of ['fwd-rev', 'rev-rev', 'rev-fwd'] as const) {
    const hv = evaluate(hvp(g, { wrt, mode }), [...args, ...v]);
    hv.forEach((t, j) => assertClose(t, fdHv[j]!, `hvp ${mode}[${j}]`, tol));
  }
  // forward over forward: vᵀHv as the tangent of the tangent
  const jg = jvp(g, { wrt });
  const ff = evaluate(jvp(jg, { wrt }), [...args, ...v, ...v]);
  assertClose(ff[3]!, tensor([], [dotT(fdHv, v)]), 'fwd-fwd vᵀHv', tol);
}

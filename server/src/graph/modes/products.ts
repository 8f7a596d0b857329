// The best-response vector products, one per mode: given a cotangent v on a level's final
// parameters θ_K, return vᵀ·dθ_K/dw for the other levels' parameters w that its run read.
// `level.parent.mode` chooses how (the mode declared on the level's parent).
import { gradOf, jvpValues, vjpValues } from '../autodiff.js';
import * as fn from '../composites.js';
import type { OptState } from '../nn/optimizers.js';
import * as op from '../ops.js';
import type { Value } from '../trace.js';
import type { OuterStepBuilder, Read, RunRecord } from './builder.js';
import { flatState, stateEntries } from './builder.js';
import { addZ, alias, dense, dotV, normV, type Vec } from './lists.js';
import type { LevelNode } from './problem.js';
import { conjugateGradient, neumannSeries } from './solvers.js';

type Wanted = (key: string) => boolean;

// Arithmetic on options that may be plain numbers or traced values.
const nsub = (a: op.Operand, b: op.Operand): op.Operand => (typeof a === 'number' && typeof b === 'number' ? a - b : op.sub(a, b));
const nmul = (a: op.Operand, b: op.Operand): op.Operand => (typeof a === 'number' && typeof b === 'number' ? a * b : op.mul(a, b));

/**
 * vjpValues with constant wrt entries skipped (a zero initial state or a constant gradient is a
 * shared fill constant that other nodes use too; its cotangent is never needed).
 */
function vjpLeaves(outs: readonly Value[], cts: readonly (Value | null)[], wrt: readonly Value[]): (Value | null)[] {
  const keep = wrt.map((w) => w.node.op !== 'Constant');
  const res = vjpValues(outs, cts, wrt.filter((_, i) => keep[i]));
  let j = 0;
  return wrt.map((_, i) => (keep[i] ? res[j++]! : null));
}

function accumulate(out: Map<string, Value>, reads: readonly Read[], cts: readonly (Value | null)[]): void {
  reads.forEach((r, i) => {
    const c = cts[i];
    if (c) out.set(r.key, addZ(out.get(r.key) ?? null, c)!);
  });
}

export function crossProduct(b: OuterStepBuilder, level: LevelNode, rec: RunRecord, v: Vec, wanted: Wanted): Map<string, Value> {
  const mode = level.parent!.mode;
  const vd = dense(v, rec.theta);
  switch (mode.mode) {
    case 'unrolled':
    case 'truncated':
      return reverseThroughRun(rec, vd, wanted);
    case 'mixflow':
      return mixflowBackward(b, level, rec, vd, wanted);
    case 'forward':
      return fromTangents(b, rec, vd, wanted);
    case 'first_order':
      return firstOrder(level, rec, vd, wanted);
    case 'darts': {
      const eps = op.div(mode.alpha ?? 0.01, op.add(normV(b.t, vd), 1e-12));
      return centralMixed(b, level, rec, vd, eps, wanted);
    }
    case 'sama': {
      const dv = samaDiagonal(b, level, rec).map((d, i) => op.mul(d, vd[i]!));
      const eps = op.div(mode.radius ?? 1.0, op.add(normV(b.t, dv), 1e-12));
      return centralMixed(b, level, rec, dv, eps, wanted);
    }
    case 'neumann':
      return implicit(b, level, rec, vd, wanted, (apply, rhs) => neumannSeries(apply, rhs, mode.iters ?? 10, mode.alpha ?? 0.01));
    case 'cg':
    case 'mrml':
      return implicit(b, level, rec, vd, wanted, (apply, rhs) => conjugateGradient(b.t, apply, rhs, mode.iters ?? 10, mode.damping ?? 0));
  }
}

/** unrolled / truncated(T): reverse mode through the (last T) steps of the run, state adjoints included. */
function reverseThroughRun(rec: RunRecord, v: Value[], wanted: Wanted): Map<string, Value> {
  const reads = [...(rec.steps[0]?.excluded ? [] : rec.initReads), ...rec.steps.filter((s) => !s.excluded).flatMap((s) => s.reads)].filter((r) => wanted(r.key));
  const out = new Map<string, Value>();
  if (reads.length) accumulate(out, reads, vjpValues(rec.theta, v, reads.map((r) => r.alias)));
  return out;
}

/**
 * mixflow: the backward sweep over the run's checkpoints (θ_k, s_k, g_k), last step first.
 * Per step: pull (λ_θ, λ_s) back through the optimizer update (traced as a remat region in the
 * forward sweep, so the core recomputes it here instead of keeping it), which gives λ_g = (∂u/∂g)ᵀλ
 * among others; then recompute the inner gradient from a fresh leaf at θ_k and take ONE
 * forward-mode JVP of θ ↦ (∇_θ L, ∇_w L) along λ_g, which yields H·λ_g and M·λ_g together.
 */
function mixflowBackward(b: OuterStepBuilder, level: LevelNode, rec: RunRecord, v: Value[], wanted: Wanted): Map<string, Value> {
  const out = new Map<string, Value>();
  const n = rec.theta.length;
  let lamTheta: (Value | null)[] = [...v];
  let lamState: (Value | null)[] = stateEntries(level).map(() => null);
  for (let k = rec.steps.length - 1; k >= 0; k--) {
    const st = rec.steps[k]!;
    const next = k + 1 < rec.steps.length ? rec.steps[k + 1]! : undefined;
    const thetaNext = next ? next.theta : rec.theta;
    const stateNext = next ? next.state : rec.state;
    const sIn = flatState(level, st.state);
    const upd = st.reads.filter((r) => wanted(r.key));
    const cts = vjpLeaves([...thetaNext, ...flatState(level, stateNext)], [...lamTheta, ...lamState], [...st.theta, ...st.grad, ...sIn, ...upd.map((r) => r.alias)]);
    const aTheta = cts.slice(0, n);
    const aGrad = cts.slice(n, 2 * n);
    lamState = cts.slice(2 * n, 2 * n + sIn.length);
    accumulate(out, upd, cts.slice(2 * n + sIn.length));
    lamTheta = aTheta;
    if (aGrad.every((a) => a === null)) continue;
    // Recompute the inner gradient from the checkpoint (fresh leaves, fresh batch slice).
    const leaf = st.theta.map(alias);
    const reads: Read[] = [];
    const loss = b.loss(level, leaf, st.batchIndex, reads, true);
    const ws = reads.filter((r) => wanted(r.key));
    const grads = gradOf(loss, [...leaf, ...ws.map((r) => r.alias)]);
    const tans = jvpValues(grads, leaf, aGrad);
    lamTheta = lamTheta.map((l, i) => addZ(l, tans[i] ?? null));
    accumulate(out, ws, tans.slice(n));
  }
  rec.initReads.forEach((r, i) => {
    const l = lamTheta[i];
    if (l && wanted(r.key)) out.set(r.key, addZ(out.get(r.key) ?? null, l)!);
  });
  return out;
}

/** forward: g_w = vᵀ Z_K, one scalar per tangent direction, reassembled into w's shape. */
function fromTangents(b: OuterStepBuilder, rec: RunRecord, v: Value[], wanted: Wanted): Map<string, Value> {
  const byKey = new Map<string, Value[]>();
  for (const d of rec.tangents ?? []) {
    if (!wanted(d.key)) continue;
    const list = byKey.get(d.key) ?? [];
    list[d.index] = dotV(b.t, v, d.z);
    byKey.set(d.key, list);
  }
  const out = new Map<string, Value>();
  for (const [key, list] of byKey) {
    const shape = b.cur.get(key)!.shape;
    out.set(key, list.length === 1 && shape.length === 0 ? list[0]! : op.reshape(op.concat(list.map((s) => op.reshape(s, [1])), 0), [...shape]));
  }
  return out;
}

/** first_order: dθ_K/dθ₀ ≈ I for a level reset from an upper copy (FOMAML); every other dependency is dropped. */
function firstOrder(level: LevelNode, rec: RunRecord, v: Value[], wanted: Wanted): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!level.resetSource) return out;
  rec.initReads.forEach((r, i) => {
    if (wanted(r.key)) out.set(r.key, addZ(out.get(r.key) ?? null, v[i]!)!);
  });
  return out;
}

/** ∇_w of the level's loss at θ (last batch), for the wanted w; a fresh alias per read. */
function gradW(b: OuterStepBuilder, level: LevelNode, theta: readonly Value[], batchIndex: number, wanted: Wanted): Map<string, Value> {
  const reads: Read[] = [];
  const loss = b.loss(level, theta, batchIndex, reads);
  const ws = reads.filter((r) => wanted(r.key));
  const out = new Map<string, Value>();
  if (ws.length) accumulate(out, ws, gradOf(loss, ws.map((r) => r.alias)));
  return out;
}

/** −M·d by central differences: −[∇_w L(θ + εd) − ∇_w L(θ − εd)] / (2ε) (darts, sama). */
function centralMixed(b: OuterStepBuilder, level: LevelNode, rec: RunRecord, d: readonly Value[], eps: Value, wanted: Wanted): Map<string, Value> {
  const k = rec.steps[rec.steps.length - 1]!.batchIndex;
  const plus = gradW(b, level, rec.theta.map((x, i) => op.add(x, op.mul(d[i]!, eps))), k, wanted);
  const minus = gradW(b, level, rec.theta.map((x, i) => op.sub(x, op.mul(d[i]!, eps))), k, wanted);
  const out = new Map<string, Value>();
  const keys = new Set([...plus.keys(), ...minus.keys()]);
  for (const key of keys) {
    const p = plus.get(key);
    const m = minus.get(key);
    const diff = p && m ? op.sub(p, m) : p ? p : op.neg(m!);
    out.set(key, op.neg(op.div(diff, op.mul(eps, 2))));
  }
  return out;
}

/**
 * SAMA's optimizer-aware diagonal D = ∂u/∂g at the final step (u the update, g the gradient).
 * sgd / momentum: lr (nesterov: lr·(1+μ)). Adam / AdamW (bias correction ignored):
 * lr·[(1−β1)β2·v_{t−1} − β1(1−β2)·g_t·m_{t−1}] / (√v_t + ε)³ with m_{t−1}, v_{t−1} recovered from
 * the final moments and the last gradient g_t. RMSprop: lr·(v_t − (1−α)g_t²)/(√v_t + ε)³.
 */
export function samaDiagonal(b: OuterStepBuilder, level: LevelNode, rec: RunRecord): Value[] {
  const o = level.def.optimizer.optimizer;
  const h: Record<string, op.Operand | boolean> = { ...(o.defaults as Record<string, op.Operand | boolean>), ...b.hyper(level, rec.theta, []) };
  const num = (name: string): op.Operand => h[name] as op.Operand;
  const last = rec.steps[rec.steps.length - 1]!;
  const lr = num('lr');
  // The gradient the moments saw (Adam's and RMSprop's L2 decay is added to it).
  const wd = h['weightDecay'] as op.Operand | undefined;
  const gEff = (i: number): Value => {
    const g = last.grad[i]!;
    return (o.kind === 'adam' || o.kind === 'rmsprop') && wd !== undefined && wd !== 0 ? op.add(g, op.mul(last.theta[i]!, wd)) : g;
  };
  const like = (x: Value, s: op.Operand): Value => op.mul(op.onesLike(x), s);
  const cube = (x: Value): Value => op.mul(op.mul(x, x), x);
  const s: OptState = rec.state;
  switch (o.kind) {
    case 'sgd':
    case 'momentum': {
      const mu = num('momentum');
      const f: op.Operand = h['nesterov'] === true ? (typeof mu === 'number' ? 1 + mu : op.add(mu, 1)) : 1;
      return rec.theta.map((x) => like(x, nmul(lr, f)));
    }
    case 'adam':
    case 'adamw': {
      const [b1, b2, eps] = [num('beta1'), num('beta2'), num('eps')];
      return rec.theta.map((_, i) => {
        const g = gEff(i);
        const [m, v] = [s['m']![i]!, s['v']![i]!];
        const mPrev = op.div(op.sub(m, op.mul(g, nsub(1, b1))), b1);
        const vPrev = op.div(op.sub(v, op.mul(op.mul(g, g), nsub(1, b2))), b2);
        const numer = op.sub(op.mul(vPrev, nmul(nsub(1, b1), b2)), op.mul(op.mul(g, mPrev), nmul(b1, nsub(1, b2))));
        return op.mul(op.div(numer, cube(op.add(fn.safeSqrt(v), eps))), lr);
      });
    }
    case 'rmsprop': {
      const [alpha, eps] = [num('alpha'), num('eps')];
      return rec.theta.map((_, i) => {
        const g = gEff(i);
        const v = s['v']![i]!;
        return op.mul(op.div(op.sub(v, op.mul(op.mul(g, g), nsub(1, alpha))), cube(op.add(fn.safeSqrt(v), eps))), lr);
      });
    }
    default:
      throw new Error(`sama: no diagonal for optimizer ${o.kind}`);
  }
}

/**
 * neumann / cg / mrml: at the final iterate, x ≈ (H + δI)⁻¹ v by the solver (one HVP per
 * iteration, forward over reverse), then g_w = −M·x = −∇_w⟨∇_θ L, x⟩. With iMAML's proximal
 * term in the loss, H already contains λI and M = −λI, so this is iMAML's (I + H/λ)⁻¹ v.
 */
function implicit(
  b: OuterStepBuilder,
  level: LevelNode,
  rec: RunRecord,
  v: Value[],
  wanted: Wanted,
  solve: (apply: (p: readonly Value[]) => Value[], rhs: readonly Value[]) => Value[],
): Map<string, Value> {
  const leaf = rec.theta.map(alias);
  const reads: Read[] = [];
  const loss = b.loss(level, leaf, rec.steps[rec.steps.length - 1]!.batchIndex, reads);
  const g = gradOf(loss, leaf);
  const hvp = (p: readonly Value[]): Value[] => dense(jvpValues(g, leaf, p), leaf);
  const x = solve(hvp, v);
  const ws = reads.filter((r) => wanted(r.key));
  const out = new Map<string, Value>();
  if (ws.length) accumulate(out, ws, vjpValues(g, x, ws.map((r) => r.alias)).map((c) => (c ? op.neg(c) : null)));
  return out;
}


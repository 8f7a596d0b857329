// Functional optimisers: step(params, state, grads, hyper) → { params, state }, nothing in place,
// so an unrolled inner loop is one differentiable graph. Hyperparameters may be numbers or graph
// Values, and every step is differentiable in params, state, grads and hyperparameters (Adam's
// and RMSprop's square roots go through safeSqrt so a zero second moment never gives NaN).
import * as op from '../ops.js';
import * as fn from '../composites.js';
import type { Shape } from '../ir.js';
import type { Value } from '../trace.js';

export type Hyper = Value | number;

/** Per-parameter slots (e.g. m, v), each a list aligned with params; `step` holds a scalar count. */
export type OptState = Readonly<Record<string, readonly Value[]>>;

export interface StepResult {
  readonly params: Value[];
  readonly state: OptState;
}

export interface Optimizer<H> {
  readonly kind: string;
  /** Names of per-parameter slots (same shape as the parameter). */
  readonly slots: readonly string[];
  /** Whether the state carries a scalar step counter under `step`. */
  readonly counts: boolean;
  readonly defaults: H;
  /** Zero state for these parameters. */
  init(params: readonly Value[]): OptState;
  step(params: readonly Value[], state: OptState, grads: readonly Value[], hyper?: Partial<H>): StepResult;
}

/** Shapes of one optimizer's state (for estimators and executors' feeds). */
export function stateShapes(o: Optimizer<unknown>, paramShapes: readonly Shape[]): Record<string, Shape[]> {
  const out: Record<string, Shape[]> = {};
  for (const s of o.slots) out[s] = [...paramShapes];
  if (o.counts) out['step'] = [[]];
  return out;
}

const isZero = (h: Hyper): boolean => h === 0;

function zerosState(slots: readonly string[], counts: boolean, params: readonly Value[]): OptState {
  const st: Record<string, Value[]> = {};
  for (const s of slots) st[s] = params.map((p) => op.zerosLike(p));
  if (counts && params[0]) st['step'] = [params[0].tracer.constant(0)];
  return st;
}

function slot(state: OptState, name: string, n: number): readonly Value[] {
  const s = state[name];
  if (!s || s.length !== n) throw new Error(`optimizer state slot ${name} missing or misaligned`);
  return s;
}

function check(params: readonly Value[], grads: readonly Value[]): void {
  if (params.length !== grads.length) throw new Error('optimizer: one gradient per parameter');
}

/** Multiply by a hyperparameter, skipping ×1. */
const scale = (x: Value, h: Hyper): Value => op.mul(x, h);

/** L2 weight decay folded into the gradients (g + wd·p), as PyTorch's sgd, adam and rmsprop do. */
function decayed(params: readonly Value[], grads: readonly Value[], weightDecay: Hyper): Value[] {
  return params.map((p, i) => (isZero(weightDecay) ? grads[i]! : op.add(grads[i]!, scale(p, weightDecay))));
}

export interface SgdHyper {
  lr: Hyper;
  momentum: Hyper;
  nesterov: boolean;
  weightDecay: Hyper;
}

/**
 * SGD (PyTorch semantics): g ← g + wd·p; buf ← μ·buf + g; d = nesterov ? g + μ·buf : buf; p ← p − lr·d.
 * The momentum buffer exists when `momentum` is non-zero at construction (a Value counts as non-zero).
 */
export function sgd(defaults: Partial<SgdHyper> = {}): Optimizer<SgdHyper> {
  const d: SgdHyper = { lr: 0.01, momentum: 0, nesterov: false, weightDecay: 0, ...defaults };
  const slots = isZero(d.momentum) ? [] : ['buf'];
  return {
    kind: 'sgd',
    slots,
    counts: false,
    defaults: d,
    init: (params) => zerosState(slots, false, params),
    step(params, state, grads, hyper = {}): StepResult {
      check(params, grads);
      const h = { ...d, ...hyper };
      const g = decayed(params, grads, h.weightDecay);
      if (slots.length === 0) return { params: params.map((p, i) => op.sub(p, scale(g[i]!, h.lr))), state: {} };
      const buf = slot(state, 'buf', params.length).map((b, i) => op.add(scale(b, h.momentum), g[i]!));
      const dir = buf.map((b, i) => (h.nesterov ? op.add(g[i]!, scale(b, h.momentum)) : b));
      return { params: params.map((p, i) => op.sub(p, scale(dir[i]!, h.lr))), state: { buf } };
    },
  };
}

/** Heavy-ball momentum: SGD with momentum 0.9 by default. */
export const momentum = (defaults: Partial<SgdHyper> = {}): Optimizer<SgdHyper> => ({ ...sgd({ momentum: 0.9, ...defaults }), kind: 'momentum' });

export interface AdamHyper {
  lr: Hyper;
  beta1: Hyper;
  beta2: Hyper;
  eps: Hyper;
  weightDecay: Hyper;
}

function adamFamily(kind: 'adam' | 'adamw', defaults: Partial<AdamHyper>): Optimizer<AdamHyper> {
  const d: AdamHyper = { lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, ...defaults };
  const slots = ['m', 'v'];
  return {
    kind,
    slots,
    counts: true,
    defaults: d,
    init: (params) => zerosState(slots, true, params),
    step(params, state, grads, hyper = {}): StepResult {
      check(params, grads);
      const h = { ...d, ...hyper };
      const n = params.length;
      const [m0, v0] = [slot(state, 'm', n), slot(state, 'v', n)];
      const t = op.add(slot(state, 'step', 1)[0]!, 1);
      // Adam adds L2 to the gradient; AdamW decays the weights directly (decoupled).
      const g = kind === 'adam' ? decayed(params, grads, h.weightDecay) : [...grads]; // adamw decays the update instead
      const oneMinus = (b: Hyper): Hyper => (typeof b === 'number' ? 1 - b : op.sub(1, b));
      const pow = (b: Hyper): Value => (typeof b === 'number' ? op.pow(t.tracer.constant(b), t) : op.pow(b, t));
      const m = m0.map((mi, i) => op.add(scale(mi, h.beta1), scale(g[i]!, oneMinus(h.beta1))));
      const v = v0.map((vi, i) => op.add(scale(vi, h.beta2), scale(op.mul(g[i]!, g[i]!), oneMinus(h.beta2))));
      const c1 = op.sub(1, pow(h.beta1));
      const c2 = op.sub(1, pow(h.beta2));
      const next = params.map((p, i) => {
        let upd = op.div(op.div(m[i]!, c1), op.add(fn.safeSqrt(op.div(v[i]!, c2)), h.eps));
        if (kind === 'adamw' && !isZero(h.weightDecay)) upd = op.add(upd, scale(p, h.weightDecay));
        return op.sub(p, scale(upd, h.lr));
      });
      return { params: next, state: { m, v, step: [t] } };
    },
  };
}

/** Adam with bias correction; weightDecay adds L2 to the gradient. */
export const adam = (defaults: Partial<AdamHyper> = {}): Optimizer<AdamHyper> => adamFamily('adam', defaults);
/** AdamW: weight decay decoupled from the adaptive step (default 0.01). */
export const adamw = (defaults: Partial<AdamHyper> = {}): Optimizer<AdamHyper> => adamFamily('adamw', { weightDecay: 0.01, ...defaults });

export interface RmspropHyper {
  lr: Hyper;
  alpha: Hyper;
  eps: Hyper;
  weightDecay: Hyper;
}

/** RMSprop (PyTorch semantics, no momentum, not centred): v ← αv + (1−α)g²; p ← p − lr·g/(√v + ε). */
export function rmsprop(defaults: Partial<RmspropHyper> = {}): Optimizer<RmspropHyper> {
  const d: RmspropHyper = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, ...defaults };
  const slots = ['v'];
  return {
    kind: 'rmsprop',
    slots,
    counts: false,
    defaults: d,
    init: (params) => zerosState(slots, false, params),
    step(params, state, grads, hyper = {}): StepResult {
      check(params, grads);
      const h = { ...d, ...hyper };
      const g = decayed(params, grads, h.weightDecay);
      const oneMinus: Hyper = typeof h.alpha === 'number' ? 1 - h.alpha : op.sub(1, h.alpha);
      const v = slot(state, 'v', params.length).map((vi, i) => op.add(scale(vi, h.alpha), scale(op.mul(g[i]!, g[i]!), oneMinus)));
      const next = params.map((p, i) => op.sub(p, scale(op.div(g[i]!, op.add(fn.safeSqrt(v[i]!), h.eps)), h.lr)));
      return { params: next, state: { v } };
    },
  };
}

// Models as pure functions of their parameters: a Model lists its parameter specs and applies
// itself to a batch given a name → Value map, so any transformation can differentiate it with
// respect to any of those values (including parameters produced by earlier optimiser steps).
import * as op from '../ops.js';
import * as fn from '../composites.js';
import type { Shape } from '../ir.js';
import type { Value } from '../trace.js';
import type { ParamSpec } from './init.js';

export type Params = Readonly<Record<string, Value>>;

export interface Model {
  readonly kind: string;
  readonly params: readonly ParamSpec[];
  /** Shape of one example (no batch axis) and of one output row. */
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  apply(p: Params, x: Value): Value;
}

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'softplus' | 'elu' | 'identity';

export function activate(x: Value, a: Activation): Value {
  switch (a) {
    case 'relu':
      return op.relu(x);
    case 'tanh':
      return op.tanh(x);
    case 'sigmoid':
      return op.sigmoid(x);
    case 'softplus':
      return op.softplus(x);
    case 'elu':
      return fn.elu(x);
    case 'identity':
      return x;
  }
}

function param(p: Params, name: string): Value {
  const v = p[name];
  if (!v) throw new Error(`missing parameter ${name}`);
  return v;
}

/** x [N, in] → x·W + b, W [in, out] (Glorot), b [out] (zeros). */
export function linear(inFeatures: number, outFeatures: number, prefix = ''): Model {
  const w = `${prefix}weight`;
  const b = `${prefix}bias`;
  return {
    kind: 'linear',
    params: [
      { name: w, shape: [inFeatures, outFeatures], init: { kind: 'glorot' } },
      { name: b, shape: [outFeatures], init: { kind: 'zeros' } },
    ],
    inputShape: [inFeatures],
    outputShape: [outFeatures],
    apply: (p, x) => op.add(op.matmul(x, param(p, w)), param(p, b)),
  };
}

export interface MlpOptions {
  readonly activation?: Activation;
  readonly outputActivation?: Activation;
}

/** sizes = [in, hidden..., out]; layers named l0., l1., ... */
export function mlp(sizes: readonly number[], o: MlpOptions = {}, prefix = ''): Model {
  if (sizes.length < 2) throw new Error('mlp: needs at least input and output sizes');
  const layers = sizes.slice(1).map((out, i) => linear(sizes[i]!, out, `${prefix}l${i}.`));
  return {
    kind: 'mlp',
    params: layers.flatMap((l) => l.params),
    inputShape: [sizes[0]!],
    outputShape: [sizes[sizes.length - 1]!],
    apply: (p, x) =>
      layers.reduce((h, l, i) => {
        const y = l.apply(p, h);
        return activate(y, i < layers.length - 1 ? (o.activation ?? 'relu') : (o.outputActivation ?? 'identity'));
      }, x),
  };
}

export interface ConvNetOptions {
  /** One example's image [C, H, W]. */
  readonly input: readonly [number, number, number];
  readonly channels: number;
  readonly kernel?: number;
  readonly stride?: number;
  readonly padding?: number;
  /** Average-pool window after the activation (1 = none). */
  readonly pool?: number;
  readonly classes: number;
  readonly activation?: Activation;
}

/** NCHW images → conv → activation → avg-pool → flatten → linear. */
export function convNet(o: ConvNetOptions, prefix = ''): Model {
  const [c, h, w] = o.input;
  const k = o.kernel ?? 3;
  const stride = o.stride ?? 1;
  const padding = o.padding ?? 1;
  const pool = o.pool ?? 2;
  const ho = Math.floor((h + 2 * padding - k) / stride) + 1;
  const wo = Math.floor((w + 2 * padding - k) / stride) + 1;
  if (ho % pool !== 0 || wo % pool !== 0) throw new Error(`convNet: ${ho}×${wo} feature map not divisible by pool ${pool}`);
  const features = o.channels * (ho / pool) * (wo / pool);
  const head = linear(features, o.classes, `${prefix}fc.`);
  const cw = `${prefix}conv.weight`;
  const cb = `${prefix}conv.bias`;
  return {
    kind: 'conv',
    params: [
      { name: cw, shape: [o.channels, c, k, k], init: { kind: 'he' } },
      { name: cb, shape: [o.channels], init: { kind: 'zeros' } },
      ...head.params,
    ],
    inputShape: [c, h, w],
    outputShape: [o.classes],
    apply: (p, x) => {
      const y = op.add(op.conv2d(x, param(p, cw), { stride, padding }), op.reshape(param(p, cb), [1, o.channels, 1, 1]));
      const a = activate(y, o.activation ?? 'relu');
      const pooled = pool > 1 ? fn.avgPool2d(a, pool) : a;
      return head.apply(p, fn.flatten(pooled));
    },
  };
}

/** Σ_i softmax(alpha)_i · model_i(x): a differentiable choice between candidates (DARTS-style). */
export function mixture(models: readonly Model[], alphaName = 'alpha'): Model {
  if (models.length === 0) throw new Error('mixture: needs candidates');
  const out = models[0]!.outputShape;
  for (const m of models)
    if (m.outputShape.join() !== out.join() || m.inputShape.join() !== models[0]!.inputShape.join()) throw new Error('mixture: candidates differ in shape');
  const names = new Set<string>();
  for (const s of models.flatMap((m) => m.params)) {
    if (names.has(s.name)) throw new Error(`mixture: parameter ${s.name} appears twice (give candidates prefixes)`);
    names.add(s.name);
  }
  return {
    kind: 'mixture',
    params: [...models.flatMap((m) => m.params), { name: alphaName, shape: [models.length], init: { kind: 'zeros' } }],
    inputShape: models[0]!.inputShape,
    outputShape: out,
    apply: (p, x) => {
      const wts = fn.softmax(param(p, alphaName));
      return models
        .map((m, i) => op.mul(m.apply(p, x), op.reshape(op.slice(wts, [i], [i + 1]), [])))
        .reduce((a, b) => op.add(a, b));
    },
  };
}

// Hand-built problems for comparing the two estimate routes: each spec becomes both a `LevelDef`
// tree (traced by the mode builders, measured by liveness or by an executor) and the `LevelWork`
// tree the closed form reads. The losses are what `.mlo` programs write:
//   hyper:  fit { loss mean(cross_entropy(net(train.x), train.y)) + exp(logwd)·Σ‖W‖²;
//                 optimizer OPT(lr: exp(loglr)·lr₀) }   tune above fit { params logwd, loglr }
//   maml:   adapt { params net reset from meta; loss mean(cross_entropy(...)) }  meta above adapt
//   three:  fit (weighted by weight(ce)) < reweight (sama or darts) < regularize (logwd)
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { adam, crossEntropy, mlp, momentum, sgd, type Model, type Optimizer } from '../../server/src/graph/nn/index.js';
import type { LevelDef, ModeSpec } from '../../server/src/graph/modes/problem.js';
import type { Value } from '../../server/src/graph/trace.js';
import type { LayerShape, LevelWork, ModeChoice, NetUse } from '../../server/src/estimate/workload.js';

export type OptKind = 'sgd' | 'momentum' | 'adam';

export interface ProblemSpec {
  readonly kind: 'hyper' | 'maml' | 'three';
  /** MLP widths [in, hidden..., classes]. */
  readonly sizes: readonly number[];
  readonly act?: 'relu' | 'tanh';
  readonly innerBatch: number;
  readonly outerBatch: number;
  /** Inner steps K. */
  readonly steps: number;
  readonly opt: OptKind;
  /** hyper: also learn the inner learning rate (lr = exp(loglr)·lr₀). */
  readonly tuneLr?: boolean;
  /** three: steps of the middle level per top step, and the middle level's mode. */
  readonly midSteps?: number;
  readonly midMode?: 'darts' | 'sama';
}

const LR: Record<OptKind, number> = { sgd: 0.1, momentum: 0.1, adam: 0.01 };

function optimizer(kind: OptKind): Optimizer<object> {
  if (kind === 'sgd') return sgd({ lr: LR.sgd }) as Optimizer<object>;
  if (kind === 'momentum') return momentum({ lr: LR.momentum, momentum: 0.9 }) as Optimizer<object>;
  return adam({ lr: LR.adam }) as Optimizer<object>;
}

const SLOTS: Record<OptKind, number> = { sgd: 0, momentum: 1, adam: 2 };

type Ctx = { param(l: string, n: string): Value; batch: Readonly<Record<string, Value>> };
const paramsOf = (m: Model, c: Ctx, level: string): Record<string, Value> => Object.fromEntries(m.params.map((p) => [p.name, c.param(level, p.name)]));
const count = (m: Model): number => m.params.reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);

function layersOf(sizes: readonly number[]): LayerShape[] {
  return sizes.slice(1).map((out, i) => ({ kind: 'dense', inWidth: sizes[i]!, outWidth: out, macs: sizes[i]! * out }));
}

const use = (net: string, sizes: readonly number[], batch: number, activation = 'relu', o: Partial<NetUse> = {}): NetUse => ({ net, batch, layers: layersOf(sizes), activation, ...o });

function data(batch: number, inWidth: number) {
  return [
    { name: 'x', shape: [batch, inWidth] },
    { name: 'y', shape: [batch], dtype: 'int32' as const },
  ];
}

const ce = (m: Model, level: string, reader: string) => (c: Ctx): Value => fn.mean(crossEntropy(m.apply(paramsOf(m, c, reader), c.batch['x']!), c.batch['y']!));

const modeChoice = (m: ModeSpec): ModeChoice => {
  const { mode, ...options } = m as ModeSpec & Record<string, number>;
  return { name: mode, options: options as Record<string, number> };
};

export function netOf(spec: ProblemSpec): Model {
  return mlp(spec.sizes, { activation: spec.act ?? 'relu' });
}

/** The LevelDef tree the mode builders trace. */
export function levelDef(spec: ProblemSpec, mode: ModeSpec): LevelDef {
  const m = netOf(spec);
  const d = spec.sizes[0]!;
  if (spec.kind === 'maml') {
    const params = m.params.map((p) => ({ name: p.name, shape: p.shape }));
    return {
      name: 'meta',
      params,
      data: data(spec.outerBatch, d),
      optimizer: { optimizer: adam({ lr: 0.001 }) as Optimizer<object> },
      hypergradient: mode,
      loss: ce(m, 'meta', 'adapt'),
      children: [{ name: 'adapt', params, data: data(spec.innerBatch, d), steps: spec.steps, optimizer: { optimizer: optimizer(spec.opt) }, resetFrom: { level: 'meta' }, loss: ce(m, 'adapt', 'adapt') }],
    };
  }
  const weights = m.params.filter((p) => p.name.endsWith('weight')).map((p) => p.name);
  const decay = (c: Ctx, owner: string): Value => {
    const p = paramsOf(m, c, 'fit');
    return op.mul(op.exp(c.param(owner, 'logwd')), weights.map((w) => fn.dot(p[w]!, p[w]!)).reduce((a, b) => op.add(a, b)));
  };
  if (spec.kind === 'hyper') {
    const fit: LevelDef = {
      name: 'fit',
      params: m.params.map((p) => ({ name: p.name, shape: p.shape })),
      data: data(spec.innerBatch, d),
      steps: spec.steps,
      optimizer: { optimizer: optimizer(spec.opt), ...(spec.tuneLr ? { options: (c) => ({ lr: op.mul(op.exp(c.param('tune', 'loglr')), LR[spec.opt]) }) } : {}) },
      loss: (c) => op.add(ce(m, 'fit', 'fit')(c as Ctx), decay(c as Ctx, 'tune')),
    };
    return {
      name: 'tune',
      params: [{ name: 'logwd', shape: [] }, ...(spec.tuneLr ? [{ name: 'loglr', shape: [] }] : [])],
      data: data(spec.outerBatch, d),
      optimizer: { optimizer: adam({ lr: 0.01 }) as Optimizer<object> },
      hypergradient: mode,
      loss: ce(m, 'tune', 'fit'),
      children: [fit],
    };
  }
  // three levels: regularize (logwd) > reweight (a weighting net on per-example losses) > fit
  const w = mlp([1, 16, 1], { activation: 'relu', outputActivation: 'sigmoid' }, 'w.');
  const fit: LevelDef = {
    name: 'fit',
    params: m.params.map((p) => ({ name: p.name, shape: p.shape })),
    data: data(spec.innerBatch, d),
    steps: spec.steps,
    optimizer: { optimizer: optimizer(spec.opt) },
    loss: (c) => {
      const cc = c as Ctx;
      const l = crossEntropy(m.apply(paramsOf(m, cc, 'fit'), cc.batch['x']!), cc.batch['y']!);
      const wt = op.reshape(w.apply(paramsOf(w, cc, 'reweight'), op.reshape(l, [spec.innerBatch, 1])), [spec.innerBatch]);
      return op.add(fn.mean(op.mul(wt, l)), decay(cc, 'regularize'));
    },
  };
  const reweight: LevelDef = {
    name: 'reweight',
    params: w.params.map((p) => ({ name: p.name, shape: p.shape })),
    data: data(spec.outerBatch, d),
    steps: spec.midSteps ?? 1,
    optimizer: { optimizer: adam({ lr: 0.001 }) as Optimizer<object> },
    hypergradient: { mode: spec.midMode ?? 'sama' },
    loss: ce(m, 'reweight', 'fit'),
    children: [fit],
  };
  return {
    name: 'regularize',
    params: [{ name: 'logwd', shape: [] }],
    data: data(spec.outerBatch, d),
    optimizer: { optimizer: adam({ lr: 0.01 }) as Optimizer<object> },
    hypergradient: mode,
    loss: ce(m, 'regularize', 'fit'),
    children: [reweight],
  };
}

/** The same problem as the closed form reads it. */
export function levelWork(spec: ProblemSpec, mode: ModeSpec): LevelWork {
  const m = netOf(spec);
  const n = count(m);
  const d = spec.sizes[0]!;
  const perStep = (b: number): number => b * d + b;
  const act = spec.act ?? 'relu';
  const fitUses = [use('net', spec.sizes, spec.innerBatch, act)];
  if (spec.kind === 'maml') {
    const adapt: LevelWork = {
      name: 'adapt', paramCount: n, tensorCount: m.params.length, optimizer: spec.opt, stateSlots: SLOTS[spec.opt], steps: spec.steps,
      dataPerStep: perStep(spec.innerBatch), uses: fitUses, reset: true, mode: { name: 'unrolled', options: {} }, children: [], upperScalars: n, penalty: false, upperRead: 'none',
    };
    return {
      name: 'meta', paramCount: n, tensorCount: m.params.length, optimizer: 'adam', stateSlots: 2, steps: 1, dataPerStep: perStep(spec.outerBatch),
      uses: [use('net', spec.sizes, spec.outerBatch, act, { own: false, restarting: true })], reset: false, mode: modeChoice(mode), children: [adapt], upperScalars: 0, penalty: false,
    };
  }
  if (spec.kind === 'hyper') {
    const q = spec.tuneLr ? 2 : 1;
    const fit: LevelWork = {
      name: 'fit', paramCount: n, tensorCount: m.params.length, optimizer: spec.opt, stateSlots: SLOTS[spec.opt], steps: spec.steps,
      dataPerStep: perStep(spec.innerBatch), uses: fitUses, reset: false, mode: { name: 'unrolled', options: {} }, children: [], upperScalars: q, penalty: true, learnedOptions: spec.tuneLr ? ['lr'] : [], upperRead: 'penalty',
    };
    return {
      name: 'tune', paramCount: q, tensorCount: q, optimizer: 'adam', stateSlots: 2, steps: 1, dataPerStep: perStep(spec.outerBatch),
      uses: [use('net', spec.sizes, spec.outerBatch, act, { own: false })], reset: false, mode: modeChoice(mode), children: [fit], upperScalars: 0, penalty: false,
    };
  }
  const wSizes = [1, 16, 1];
  const wn = 16 + 16 + 16 + 1;
  const fit: LevelWork = {
    name: 'fit', paramCount: n, tensorCount: m.params.length, optimizer: spec.opt, stateSlots: SLOTS[spec.opt], steps: spec.steps,
    dataPerStep: perStep(spec.innerBatch), uses: [...fitUses, use('weight', wSizes, spec.innerBatch, 'relu', { upper: true, dataInput: false })], reset: false, mode: { name: 'unrolled', options: {} }, children: [], upperScalars: wn + 1, penalty: true, upperRead: 'model',
  };
  const reweight: LevelWork = {
    name: 'reweight', paramCount: wn, tensorCount: 4, optimizer: 'adam', stateSlots: 2, steps: spec.midSteps ?? 1, dataPerStep: perStep(spec.outerBatch),
    uses: [{ ...use('net', spec.sizes, spec.outerBatch, act), own: false }], reset: false, mode: { name: spec.midMode ?? 'sama', options: {} }, children: [fit], upperScalars: 0, penalty: false, upperRead: 'none',
  };
  return {
    name: 'regularize', paramCount: 1, tensorCount: 1, optimizer: 'adam', stateSlots: 2, steps: 1, dataPerStep: perStep(spec.outerBatch),
    uses: [use('net', spec.sizes, spec.outerBatch, act, { own: false })], reset: false, mode: modeChoice(mode), children: [reweight], upperScalars: 0, penalty: false,
  };
}

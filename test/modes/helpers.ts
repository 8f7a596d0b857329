// Shared fixtures for the mode tests: small level trees (an MLP and a conv net tuned through
// their weight decay and learning rate, MAML on an init), float64 evaluation of built graphs by
// slot name, and finite differences of the outer objective.
import * as fn from '../../server/src/graph/composites.js';
import * as op from '../../server/src/graph/ops.js';
import { adam, convNet, crossEntropy, mlp, momentum, sgd, type Model, type Optimizer } from '../../server/src/graph/nn/index.js';
import { buildOuterLoss, type BuiltGraph } from '../../server/src/graph/modes/outer-step.js';
import type { LevelDef, ModeSpec } from '../../server/src/graph/modes/problem.js';
import type { Value } from '../../server/src/graph/trace.js';
import { rng } from '../graph/gradcheck.js';
import { evaluate, tensor, type Tensor } from '../graph/reference-eval.js';

export type Values = Map<string, Tensor>;

/** Evaluate a built graph in float64 with arguments by slot name; results by slot name. */
export function run(b: BuiltGraph, values: Values): Values {
  const args = b.inputs.map((s) => {
    const v = values.get(s.name);
    if (!v) throw new Error(`no value for ${s.name}`);
    return v;
  });
  const out = evaluate(b.graph, args);
  return new Map(b.outputs.map((s, i) => [s.name, out[i]!]));
}

/** Random values for every input slot (labels: integers below `classes`; state: zeros; step counts 0). */
export function randomValues(b: BuiltGraph, seed: number, o: { classes?: number; scale?: number; fixed?: Values } = {}): Values {
  const r = rng(seed);
  const out: Values = new Map();
  for (const s of b.inputs) {
    const fixed = o.fixed?.get(s.name);
    if (fixed) {
      out.set(s.name, fixed);
      continue;
    }
    const n = s.shape.reduce((p, d) => p * d, 1);
    let data: number[];
    if (s.dtype === 'int32') data = Array.from({ length: n }, () => Math.floor(r() * (o.classes ?? 2)));
    else if (s.kind === 'state') data = new Array(n).fill(0);
    else data = Array.from({ length: n }, () => (r() * 2 - 1) * (o.scale ?? 1));
    out.set(s.name, tensor(s.shape, data));
  }
  return out;
}

export const flat = (ts: readonly Tensor[]): number[] => ts.flatMap((t) => [...t.data]);

export function relErr(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  let n = 0;
  a.forEach((x, i) => {
    d += (x - b[i]!) ** 2;
    n += b[i]! ** 2;
  });
  return Math.sqrt(d) / Math.max(Math.sqrt(n), 1e-300);
}

/** Central finite differences of the outer objective with respect to the named parameter inputs. */
export function fdOuter(root: LevelDef, values: Values, names: readonly string[], h = 1e-5): number[] {
  const g = buildOuterLoss(root);
  const f = (vals: Values): number => run(g, vals).get(`loss:${root.name}`)!.data[0]!;
  const out: number[] = [];
  for (const name of names) {
    const t = values.get(name)!;
    for (let i = 0; i < t.data.length; i++) {
      const at = (s: number): number => {
        const d = Float64Array.from(t.data);
        d[i] += s;
        return f(new Map([...values, [name, tensor(t.shape, d)]]));
      };
      out.push((at(h) - at(-h)) / (2 * h));
    }
  }
  return out;
}

export type OptKind = 'sgd' | 'momentum' | 'adam';

export function optimizerOf(kind: OptKind): Optimizer<object> {
  if (kind === 'sgd') return sgd({ lr: 0.1 }) as Optimizer<object>;
  if (kind === 'momentum') return momentum({ lr: 0.1, momentum: 0.8 }) as Optimizer<object>;
  return adam({ lr: 0.05 }) as Optimizer<object>;
}

const paramsOf = (m: Model, c: { param(l: string, n: string): Value }, level: string): Record<string, Value> =>
  Object.fromEntries(m.params.map((p) => [p.name, c.param(level, p.name)]));

export interface HyperProblemOptions {
  readonly model: Model;
  readonly opt: OptKind;
  readonly steps: number;
  readonly mode: ModeSpec;
  readonly batch: number;
  readonly classes: number;
  /** Learning rate as exp(loglr) (traced through the optimizer); else the optimizer's constant. */
  readonly tuneLr?: boolean;
}

/**
 * Hyperparameter tuning: `fit` trains the model on its batches with loss
 * mean CE + exp(logwd)·Σ‖weights‖²; `tune` owns logwd (and loglr) and minimises the CE of the
 * trained model on its own batch.
 */
export function hyperProblem(o: HyperProblemOptions): LevelDef {
  const m = o.model;
  const x = { name: 'x', shape: [o.batch, ...m.inputShape] };
  const y = { name: 'y', shape: [o.batch], dtype: 'int32' as const };
  const weights = m.params.filter((p) => p.name.endsWith('weight')).map((p) => p.name);
  const fit: LevelDef = {
    name: 'fit',
    params: m.params.map((p) => ({ name: p.name, shape: p.shape })),
    data: [x, y],
    steps: o.steps,
    optimizer: {
      optimizer: optimizerOf(o.opt),
      ...(o.tuneLr ? { options: (c) => ({ lr: op.mul(op.exp(c.param('tune', 'loglr')), o.opt === 'adam' ? 0.05 : 0.1) }) } : {}),
    },
    loss: (c) => {
      const p = paramsOf(m, c, 'fit');
      const ce = fn.mean(crossEntropy(m.apply(p, c.batch['x']!), c.batch['y']!));
      const reg = weights.map((w) => fn.dot(p[w]!, p[w]!)).reduce((a, b) => op.add(a, b));
      return op.add(ce, op.mul(op.exp(c.param('tune', 'logwd')), reg));
    },
  };
  return {
    name: 'tune',
    params: [{ name: 'logwd', shape: [] }, ...(o.tuneLr ? [{ name: 'loglr', shape: [] }] : [])],
    data: [x, y],
    optimizer: { optimizer: adam({ lr: 0.01 }) as Optimizer<object> },
    hypergradient: o.mode,
    loss: (c) => fn.mean(crossEntropy(m.apply(paramsOf(m, c, 'fit'), c.batch['x']!), c.batch['y']!)),
    children: [fit],
  };
}

/** MAML: `adapt` restarts from `meta`'s init at every outer step and takes K steps on its batches. */
export function mamlProblem(model: Model, opt: OptKind, steps: number, mode: ModeSpec, batch: number, classes: number, proximal?: number): LevelDef {
  const x = { name: 'x', shape: [batch, ...model.inputShape] };
  const y = { name: 'y', shape: [batch], dtype: 'int32' as const };
  const params = model.params.map((p) => ({ name: p.name, shape: p.shape }));
  const ce = (lv: string) => (c: { param(l: string, n: string): Value; batch: Readonly<Record<string, Value>> }) =>
    fn.mean(crossEntropy(model.apply(paramsOf(model, c, lv), c.batch['x']!), c.batch['y']!));
  return {
    name: 'meta',
    params,
    data: [x, y],
    optimizer: { optimizer: adam({ lr: 0.001 }) as Optimizer<object> },
    hypergradient: mode,
    loss: ce('adapt'),
    children: [{ name: 'adapt', params, data: [x, y], steps, optimizer: { optimizer: optimizerOf(opt) }, resetFrom: { level: 'meta' }, ...(proximal ? { proximal } : {}), loss: ce('adapt') }],
  };
}

export const smallMlp = (): Model => mlp([3, 4, 2], { activation: 'tanh' });
export const smallConv = (): Model => convNet({ input: [1, 4, 4], channels: 2, kernel: 3, padding: 1, pool: 2, classes: 2, activation: 'tanh' });

/** Print a table to the test output (node:test shows stdout of the test file). */
export function table(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Math.abs(c) < 1e-3 || Math.abs(c) >= 1e6 ? c.toExponential(2) : String(+c.toPrecision(4))) : c)))];
  const w = header.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  const line = (r: readonly (string | number)[]): string => r.map((c, j) => String(c).padEnd(w[j]!)).join('  ');
  console.log(`\n${title}\n${line(header)}\n${w.map((n) => '-'.repeat(n)).join('  ')}\n${cells.slice(1).map(line).join('\n')}`);
}

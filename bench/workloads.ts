// The graphs the benchmarks (and the engine's soak tests) run, built with the graph core's own
// transformations: an MLP training step, a Hessian-vector product and an exact second-order
// MAML meta-step (K inner SGD steps differentiated through).
import type { Graph } from '../server/src/graph/ir.js';
import * as op from '../server/src/graph/ops.js';
import * as fn from '../server/src/graph/composites.js';
import { gradOf, hvpOf } from '../server/src/graph/autodiff.js';
import { initParams, type ParamSpec } from '../server/src/graph/nn/init.js';
import { mlp, type Params } from '../server/src/graph/nn/models.js';
import { crossEntropy } from '../server/src/graph/nn/losses.js';
import { Tracer, type Value } from '../server/src/graph/trace.js';
import type { HostArray } from '../server/src/engine/executors/types.js';
import { Rng } from '../server/src/engine/data/random.js';

export interface Workload {
  readonly name: string;
  readonly graph: Graph;
  /** Deterministic inputs in graph.inputs order. */
  readonly inputs: HostArray[];
  /** Floating-point operations of one call (multiply-adds counted as 2), where known. */
  readonly flops?: number;
}

export interface MlpShape {
  readonly sizes: readonly number[];
  readonly batch: number;
}

export const MAML_SHAPE: MlpShape = { sizes: [784, 256, 256, 10], batch: 64 };

function paramInputs(t: Tracer, specs: readonly ParamSpec[]): Params {
  return Object.fromEntries(specs.map((s) => [s.name, t.input(s.name, s.shape)]));
}

function data(n: number, features: number, classes: number, seed: number): { x: Float32Array; y: Int32Array } {
  const r = new Rng(seed);
  return { x: Float32Array.from({ length: n * features }, () => r.normal()), y: Int32Array.from({ length: n }, () => r.int(classes)) };
}

function paramArrays(specs: readonly ParamSpec[], seed: number): Float32Array[] {
  const m = initParams(specs, seed);
  return specs.map((s) => m.get(s.name)!);
}

const sgd = (p: Params, g: readonly Value[], names: readonly string[], lr: number): Params =>
  Object.fromEntries(names.map((n, i) => [n, op.sub(p[n]!, op.mul(g[i]!, lr))]));

export function matmulWorkload(n: number): Workload {
  const t = new Tracer();
  const a = t.input('a', [n, n]);
  const b = t.input('b', [n, n]);
  const r = new Rng(1);
  const arr = (): Float32Array => Float32Array.from({ length: n * n }, () => r.normal());
  return { name: `matmul ${n}`, graph: t.build([op.matmul(a, b)]), inputs: [arr(), arr()], flops: 2 * n ** 3 };
}

/** The traced mean cross-entropy of an MLP on one batch: inputs are its parameters, then x and y. */
function batchLoss(s: MlpShape) {
  const model = mlp(s.sizes);
  const names = model.params.map((q) => q.name);
  const t = new Tracer();
  const p = paramInputs(t, model.params);
  const x = t.input('x', [s.batch, s.sizes[0]!]);
  const y = t.input('y', [s.batch], 'int32');
  return { model, names, t, p, loss: fn.mean(crossEntropy(model.apply(p, x), y)) };
}

/** One SGD step of an MLP on a batch: outputs [loss, ...new params]. */
export function trainStepWorkload(s: MlpShape = MAML_SHAPE, lr = 0.1): Workload {
  const { model, names, t, p, loss } = batchLoss(s);
  const g = gradOf(loss, names.map((n) => p[n]!));
  const next = sgd(p, g, names, lr);
  const d = data(s.batch, s.sizes[0]!, s.sizes.at(-1)!, 2);
  return { name: 'train step', graph: t.build([loss, ...names.map((n) => next[n]!)]), inputs: [...paramArrays(model.params, 1), d.x, d.y] };
}

/** H·v of the MLP's batch loss w.r.t. all parameters (forward over reverse). */
export function hvpWorkload(s: MlpShape = MAML_SHAPE): Workload {
  const { model, names, t, p, loss } = batchLoss(s);
  const vs = model.params.map((q) => t.input(`v:${q.name}`, q.shape));
  const hv = hvpOf(loss, names.map((n) => p[n]!), vs, 'fwd-rev');
  const d = data(s.batch, s.sizes[0]!, s.sizes.at(-1)!, 3);
  return { name: 'hvp', graph: t.build(hv), inputs: [...paramArrays(model.params, 1), d.x, d.y, ...paramArrays(model.params, 7)] };
}

/**
 * Exact second-order MAML: K inner SGD steps on the support batch from φ, the query loss at θ_K,
 * its gradient w.r.t. φ through all K steps, and one outer SGD step. Outputs [query loss, ...new φ].
 */
export function mamlWorkload(s: MlpShape = MAML_SHAPE, K = 5, innerLr = 0.1, outerLr = 0.01): Workload {
  const model = mlp(s.sizes);
  const names = model.params.map((p) => p.name);
  const t = new Tracer();
  const phi = paramInputs(t, model.params);
  const xs = t.input('support_x', [s.batch, s.sizes[0]!]);
  const ys = t.input('support_y', [s.batch], 'int32');
  const xq = t.input('query_x', [s.batch, s.sizes[0]!]);
  const yq = t.input('query_y', [s.batch], 'int32');
  let theta = phi;
  for (let k = 0; k < K; k++) {
    const inner = fn.mean(crossEntropy(model.apply(theta, xs), ys));
    theta = sgd(theta, gradOf(inner, names.map((n) => theta[n]!)), names, innerLr);
  }
  const outer = fn.mean(crossEntropy(model.apply(theta, xq), yq));
  const meta = gradOf(outer, names.map((n) => phi[n]!));
  const next = sgd(phi, meta, names, outerLr);
  const sup = data(s.batch, s.sizes[0]!, s.sizes.at(-1)!, 4);
  const qry = data(s.batch, s.sizes[0]!, s.sizes.at(-1)!, 5);
  return {
    name: `maml K=${K}`,
    graph: t.build([outer, ...names.map((n) => next[n]!)]),
    inputs: [...paramArrays(model.params, 1), sup.x, sup.y, qry.x, qry.y],
  };
}

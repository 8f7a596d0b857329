// Few-shot sinusoid regression (Finn et al. 2017): each task is y = A·sin(x − φ) with its own
// amplitude A and phase φ; a meta-step sees `tasksPerStep` tasks, each with support and query points.
import { Rng, deriveSeed } from './random.js';

export interface SinusoidOptions {
  readonly amplitude?: readonly [number, number]; // default [0.1, 5]
  readonly phase?: readonly [number, number]; // default [0, π]
  readonly x?: readonly [number, number]; // default [-5, 5]
  readonly support: number;
  readonly query: number;
  readonly tasksPerStep: number;
  readonly seed: number;
}

export interface SinusoidBatch {
  /** tasks × support × 1 (row-major), and targets of the same shape. */
  readonly supportX: Float32Array;
  readonly supportY: Float32Array;
  /** tasks × query × 1. */
  readonly queryX: Float32Array;
  readonly queryY: Float32Array;
  readonly amplitude: Float32Array;
  readonly phase: Float32Array;
}

/** The meta-batch of step `step`: a pure function of (options, step), so any step can be replayed. */
export function sinusoidBatch(o: SinusoidOptions, step: number): SinusoidBatch {
  const [alo, ahi] = o.amplitude ?? [0.1, 5];
  const [plo, phi] = o.phase ?? [0, Math.PI];
  const [xlo, xhi] = o.x ?? [-5, 5];
  const T = o.tasksPerStep;
  const out = {
    supportX: new Float32Array(T * o.support),
    supportY: new Float32Array(T * o.support),
    queryX: new Float32Array(T * o.query),
    queryY: new Float32Array(T * o.query),
    amplitude: new Float32Array(T),
    phase: new Float32Array(T),
  };
  for (let t = 0; t < T; t++) {
    const rng = new Rng(deriveSeed(o.seed, step, t));
    const a = rng.between(alo, ahi);
    const p = rng.between(plo, phi);
    out.amplitude[t] = a;
    out.phase[t] = p;
    const fill = (xs: Float32Array, ys: Float32Array, n: number): void => {
      for (let i = 0; i < n; i++) {
        const x = rng.between(xlo, xhi);
        xs[t * n + i] = x;
        ys[t * n + i] = a * Math.sin(x - p);
      }
    };
    fill(out.supportX, out.supportY, o.support);
    fill(out.queryX, out.queryY, o.query);
  }
  return out;
}

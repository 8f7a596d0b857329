// A ridge regression problem with a known answer, for checking hypergradients end to end.
//
// Conventions (the graphs that use this must build the same losses):
//   L_train(w, λ) = 1/(2·n_tr)·‖X_tr w − y_tr‖² + (λ/2)·‖w‖²,   λ = exp(logLambda)
//   L_valid(w)    = 1/(2·n_va)·‖X_va w − y_va‖²
// Stationary point: A w* = b with A = X_trᵀX_tr/n_tr + λI, b = X_trᵀy_tr/n_tr.
// Hypergradient of F(logλ) = L_valid(w*(logλ)): from A dw + λ w* d(logλ) = 0,
//   dF/dlogλ = −λ · vᵀ A⁻¹ w*,   v = ∇_w L_valid(w*) = X_vaᵀ(X_va w* − y_va)/n_va.
import type { Dataset } from './dataset.js';
import { Rng } from './random.js';

export interface RidgeOptions {
  readonly nTrain: number;
  readonly nValid: number;
  readonly features: number;
  /** Standard deviation of the label noise. */
  readonly noise: number;
  readonly seed: number;
}

export interface RidgeProblem {
  readonly train: Dataset;
  readonly valid: Dataset;
  /** The weights both splits were generated with (no bias term). */
  readonly wTrue: Float64Array;
}

export function ridgeProblem(o: RidgeOptions): RidgeProblem {
  const rng = new Rng(o.seed);
  const f = o.features;
  const wTrue = Float64Array.from({ length: f }, () => rng.normal());
  const split = (n: number): Dataset => {
    const x = new Float32Array(n * f);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < f; j++) {
        const v = rng.normal();
        x[i * f + j] = v;
        s += v * wTrue[j]!;
      }
      y[i] = s + o.noise * rng.normal();
    }
    return { x, y, n, features: f, featureNames: Array.from({ length: f }, (_, j) => `x${j}`) };
  };
  return { train: split(o.nTrain), valid: split(o.nValid), wTrue };
}

export interface RidgeSolution {
  /** w* for the given λ (float64). */
  readonly w: Float64Array;
  readonly trainLoss: number;
  readonly validLoss: number;
  /** dL_valid(w*(λ))/d(log λ). */
  readonly hypergradient: number;
}

/** Closed-form w*, both losses and the exact hypergradient w.r.t. log λ (float64, Cholesky). */
export function ridgeSolution(train: Dataset, valid: Dataset, logLambda: number): RidgeSolution {
  const f = train.features;
  const lambda = Math.exp(logLambda);
  const A = new Float64Array(f * f);
  const b = new Float64Array(f);
  for (let i = 0; i < train.n; i++)
    for (let j = 0; j < f; j++) {
      const xij = train.x[i * f + j]!;
      b[j]! += (xij * train.y[i]!) / train.n;
      for (let k = 0; k < f; k++) A[j * f + k]! += (xij * train.x[i * f + k]!) / train.n;
    }
  for (let j = 0; j < f; j++) A[j * f + j]! += lambda;
  const L = cholesky(A, f);
  const w = cholSolve(L, f, b);
  const v = new Float64Array(f);
  for (let i = 0; i < valid.n; i++) {
    let r = -valid.y[i]!;
    for (let j = 0; j < f; j++) r += valid.x[i * f + j]! * w[j]!;
    for (let j = 0; j < f; j++) v[j]! += (r * valid.x[i * f + j]!) / valid.n;
  }
  const aInvW = cholSolve(L, f, w);
  let hyper = 0;
  for (let j = 0; j < f; j++) hyper -= lambda * v[j]! * aInvW[j]!;
  let wSq = 0;
  for (let j = 0; j < f; j++) wSq += w[j]! * w[j]!;
  return { w, trainLoss: halfMse(train, w) + (lambda / 2) * wSq, validLoss: halfMse(valid, w), hypergradient: hyper };
}

/** 1/(2n)·‖Xw − y‖². */
export function halfMse(ds: Dataset, w: ArrayLike<number>): number {
  const f = ds.features;
  let s = 0;
  for (let i = 0; i < ds.n; i++) {
    let r = -ds.y[i]!;
    for (let j = 0; j < f; j++) r += ds.x[i * f + j]! * w[j]!;
    s += r * r;
  }
  return s / (2 * ds.n);
}

function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      if (i === j) {
        if (s <= 0) throw new Error('ridge: matrix is not positive definite');
        L[i * n + i] = Math.sqrt(s);
      } else L[i * n + j] = s / L[j * n + j]!;
    }
  return L;
}

function cholSolve(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

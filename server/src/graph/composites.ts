// Composite operations: written in primitives, so their derivatives of every order come from
// the primitives' rules and need no rules of their own.
import * as op from './ops.js';
import type { Value } from './trace.js';

export const square = (x: Value): Value => op.mul(x, x);

export function mean(x: Value, axes?: number | readonly number[], keepdims = false): Value {
  const ax = op.normAxes(axes, x.rank);
  const n = ax.reduce((p, a) => p * x.shape[a]!, 1);
  return op.mul(op.sum(x, ax, keepdims), 1 / n);
}

export const min = (x: Value, axes?: number | readonly number[], keepdims = false): Value => op.neg(op.max(op.neg(x), axes, keepdims));

/** Element-wise maximum; at ties the gradient goes to `a`. */
export const maximum = (a: Value, b: op.Operand): Value => op.where(op.greaterEqual(a, b), a, b);
export const minimum = (a: Value, b: op.Operand): Value => op.where(op.lessEqual(a, b), a, b);

/**
 * log Σ exp(x) over `axis`, stable: the max is subtracted and treated as a constant, which is
 * exact because the result does not depend on the shift.
 */
export function logSumExp(x: Value, axis = -1, keepdims = false): Value {
  const m = op.stopGradient(op.max(x, axis, true));
  const s = op.log(op.sum(op.exp(op.sub(x, m)), axis, true));
  const r = op.add(s, m);
  return keepdims ? r : op.reshape(r, op.reducedShape(x.shape, op.normAxes(axis, x.rank), false));
}

export const logSoftmax = (x: Value, axis = -1): Value => op.sub(x, logSumExp(x, axis, true));

export const softmax = (x: Value, axis = -1): Value => op.exp(logSoftmax(x, axis));

/** float32 one-hot of int32 labels along a new last axis. */
export function oneHot(labels: Value, depth: number): Value {
  const classes = labels.tracer.constant([...Array(depth).keys()], [depth], 'int32');
  const col = op.reshape(labels, [...labels.shape, 1]);
  return op.cast(op.equal(col, classes), 'float32');
}

/** x > 0 ? x : α(exp(x) − 1); exp only sees the non-positive part so it cannot overflow. */
export function elu(x: Value, alpha = 1): Value {
  const pos = op.greater(x, 0);
  const neg = op.mul(op.sub(op.exp(op.where(pos, 0, x)), 1), alpha);
  return op.where(pos, x, neg);
}

/**
 * sqrt whose derivatives are finite at 0 (they are 0 there). The inner `where` keeps sqrt away
 * from 0 on the masked lanes, so no inf·0 appears in any derivative order (Adam's √v at v = 0).
 */
export function safeSqrt(x: Value): Value {
  const pos = op.greater(x, 0);
  return op.where(pos, op.sqrt(op.where(pos, x, 1)), 0);
}

/** Σ a·b over everything: a scalar. */
export const dot = (a: Value, b: Value): Value => op.sum(op.mul(a, b));

/** [N, ...] → [N, prod(...)]. */
export const flatten = (x: Value): Value => op.reshape(x, [x.shape[0]!, -1]);

/** Average pooling with a k×k window and stride k (H and W divisible by k), NCHW. */
export function avgPool2d(x: Value, k: number): Value {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h % k !== 0 || w % k !== 0) throw new Error(`avgPool2d: ${h}×${w} not divisible by ${k}`);
  return mean(op.reshape(x, [n, c, h / k, k, w / k, k]), [3, 5]);
}

/** Max pooling with a k×k window and stride k (H and W divisible by k), NCHW. */
export function maxPool2d(x: Value, k: number): Value {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  if (h % k !== 0 || w % k !== 0) throw new Error(`maxPool2d: ${h}×${w} not divisible by ${k}`);
  return op.max(op.reshape(x, [n, c, h / k, k, w / k, k]), [3, 5]);
}

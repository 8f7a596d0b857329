// Losses and metrics as graph builders. Per-example losses return [N]; reduce with fn.mean.
import * as op from '../ops.js';
import * as fn from '../composites.js';
import type { Value } from '../trace.js';

/** −log softmax(logits)[label] per example: logits [N, K] float, labels [N] int32 → [N]. */
export function crossEntropy(logits: Value, labels: Value): Value {
  if (labels.dtype !== 'int32') throw new Error('crossEntropy: labels must be int32');
  const k = logits.shape[logits.rank - 1]!;
  return op.neg(op.sum(op.mul(fn.oneHot(labels, k), fn.logSoftmax(logits)), -1));
}

/** Mean squared error per example over the non-batch axes: [N, ...] → [N]. */
export function mse(pred: Value, target: Value): Value {
  const d = op.sub(pred, target);
  const sq = op.mul(d, d);
  return sq.rank > 1 ? fn.mean(sq, [...Array(sq.rank).keys()].slice(1)) : sq;
}

/** Fraction of rows whose arg-max equals the label (a float32 scalar; no gradient). */
export function accuracy(logits: Value, labels: Value): Value {
  return fn.mean(op.cast(op.equal(op.argMax(logits, -1), labels), 'float32'));
}

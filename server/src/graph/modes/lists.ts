// Arithmetic on lists of tensors (one entry per parameter tensor of a level), where null is a
// symbolic zero. The modes treat a level's parameters as one vector through these helpers.
import * as fn from '../composites.js';
import * as op from '../ops.js';
import type { Tracer, Value } from '../trace.js';

export type Vec = readonly (Value | null)[];

/** A fresh identity of x that no derivative crosses: a leaf for jvp/vjp that never hash-conses. */
export const alias = (x: Value): Value => x.tracer.emit('StopGradient', [x], {}, { fresh: true });

export const addZ = (a: Value | null, b: Value | null): Value | null => (!a ? b : !b ? a : op.add(a, b));

export const zerosOf = (like: readonly Value[]): Value[] => like.map((v) => op.zerosLike(v));

/** Null entries become zeros shaped like `like`. */
export const dense = (v: Vec, like: readonly Value[]): Value[] => like.map((l, i) => v[i] ?? op.zerosLike(l));

export const addV = (a: Vec, b: Vec): (Value | null)[] => a.map((x, i) => addZ(x, b[i] ?? null));

export const subV = (a: readonly Value[], b: readonly Value[]): Value[] => a.map((x, i) => op.sub(x, b[i]!));

export const scaleV = (a: readonly Value[], s: op.Operand): Value[] => a.map((x) => op.mul(x, s));

/** a + s·b. */
export const axpyV = (a: readonly Value[], s: op.Operand, b: readonly Value[]): Value[] => a.map((x, i) => op.add(x, op.mul(b[i]!, s)));

/** Σ_i ⟨a_i, b_i⟩, a scalar (zero for empty or all-null lists). */
export function dotV(t: Tracer, a: Vec, b: Vec): Value {
  let s: Value | null = null;
  a.forEach((x, i) => {
    const y = b[i];
    if (x && y) s = addZ(s, fn.dot(x, y));
  });
  return s ?? t.constant(0);
}

/** Euclidean norm over all entries; its derivatives are finite at 0. */
export const normV = (t: Tracer, a: Vec): Value => fn.safeSqrt(dotV(t, a, a));

/** a / b where b > 0, else 0: a guarded division for solver step sizes. */
export function safeDiv(a: Value, b: Value): Value {
  const pos = op.greater(b, 0);
  return op.where(pos, op.div(a, op.where(pos, b, 1)), 0);
}

export const isZeroVec = (v: Vec): boolean => v.every((x) => x === null);

// The primitive operations as functions of trace-time Values (numbers are lifted to scalar
// constants). Each emits exactly one primitive, except where a trivial identity (x+0, x*1,
// a fold of two fill-constants) lets it emit nothing: the transformations lean on that to
// keep derivative graphs small.
import type { DType, OpAttrs, OpName, Shape } from './ir.js';
import { broadcastShapes, shapeEq } from './shapes.js';
import { Tracer, Value } from './trace.js';

export type Operand = Value | number;

/** The fill value of a constant that fills its shape with one number, else undefined. */
export function fillValue(v: Value): number | undefined {
  const n = v.node;
  if (n.op !== 'Constant') return undefined;
  const value = (n.attrs as OpAttrs['Constant']).value;
  return value.length === 1 ? value[0] : undefined;
}

function tracerOf(...xs: Operand[]): Tracer {
  for (const x of xs) if (x instanceof Value) return x.tracer;
  throw new Error('at least one operand must be a traced Value');
}

function lift(x: Operand, t: Tracer, dtype: DType): Value {
  return x instanceof Value ? x : t.constant(x, [], dtype);
}

function normAxis(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw new Error(`axis ${axis} out of range for rank ${rank}`);
  return a;
}

export function normAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  const list = axes === undefined ? [...Array(rank).keys()] : typeof axes === 'number' ? [axes] : [...axes];
  return [...new Set(list.map((a) => normAxis(a, rank)))].sort((p, q) => p - q);
}

const UNARY_FOLD: Partial<Record<OpName, (x: number) => number>> = {
  Neg: (x) => -x,
  Exp: Math.exp,
  Log: Math.log,
  Tanh: Math.tanh,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Relu: (x) => Math.max(x, 0),
  Sqrt: Math.sqrt,
  Abs: Math.abs,
  Sign: Math.sign,
};

function unary(op: OpName, x: Value): Value {
  const c = fillValue(x);
  const f = UNARY_FOLD[op];
  if (c !== undefined && f && x.dtype === 'float32') return x.tracer.constant(f(c), x.shape, x.dtype);
  return x.tracer.emit(op, [x], {} as never);
}

export const neg = (x: Value): Value => unary('Neg', x);
export const exp = (x: Value): Value => unary('Exp', x);
export const log = (x: Value): Value => unary('Log', x);
export const tanh = (x: Value): Value => unary('Tanh', x);
export const sigmoid = (x: Value): Value => unary('Sigmoid', x);
export const relu = (x: Value): Value => unary('Relu', x);
export const softplus = (x: Value): Value => unary('Softplus', x);
export const sqrt = (x: Value): Value => unary('Sqrt', x);
export const abs = (x: Value): Value => unary('Abs', x);
export const sign = (x: Value): Value => unary('Sign', x);
/** Identity whose derivative is zero (in every mode and order). */
export const stopGradient = (x: Value): Value => (x.node.op === 'Constant' ? x : x.tracer.emit('StopGradient', [x], {}));

const BINARY_FOLD: Partial<Record<OpName, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
};

function binary(op: OpName, a0: Operand, b0: Operand): Value {
  const t = tracerOf(a0, b0);
  const dtype = a0 instanceof Value ? a0.dtype : (b0 as Value).dtype;
  const a = lift(a0, t, dtype);
  const b = lift(b0, t, dtype);
  const shape = broadcastShapes(op, a.shape, b.shape);
  const ca = fillValue(a);
  const cb = fillValue(b);
  const f = BINARY_FOLD[op];
  if (f && ca !== undefined && cb !== undefined && dtype === 'float32') return t.constant(f(ca, cb), shape, dtype);
  // Identities that keep shape and dtype: x+0, 0+x, x-0, x*1, 1*x, x/1, x**1.
  const keepsA = shapeEq(shape, a.shape);
  const keepsB = shapeEq(shape, b.shape);
  if (keepsA && cb === 0 && (op === 'Add' || op === 'Sub')) return a;
  if (keepsB && ca === 0 && op === 'Add') return b;
  if (keepsA && cb === 1 && (op === 'Mul' || op === 'Div' || op === 'Pow')) return a;
  if (keepsB && ca === 1 && op === 'Mul') return b;
  return t.emit(op, [a, b], {} as never);
}

export const add = (a: Operand, b: Operand): Value => binary('Add', a, b);
export const sub = (a: Operand, b: Operand): Value => binary('Sub', a, b);
export const mul = (a: Operand, b: Operand): Value => binary('Mul', a, b);
export const div = (a: Operand, b: Operand): Value => binary('Div', a, b);
/** a ** b: a tensor or a number exponent. */
export const pow = (a: Operand, b: Operand): Value => binary('Pow', a, b);
export const equal = (a: Operand, b: Operand): Value => binary('Equal', a, b);
export const greater = (a: Operand, b: Operand): Value => binary('Greater', a, b);
export const greaterEqual = (a: Operand, b: Operand): Value => binary('GreaterOrEqual', a, b);
export const less = (a: Operand, b: Operand): Value => binary('Less', a, b);
export const lessEqual = (a: Operand, b: Operand): Value => binary('LessOrEqual', a, b);

/** cond ? a : b, element-wise with broadcasting. */
export function where(cond: Value, a0: Operand, b0: Operand): Value {
  const t = cond.tracer;
  const dtype = a0 instanceof Value ? a0.dtype : b0 instanceof Value ? b0.dtype : 'float32';
  const a = lift(a0, t, dtype);
  const b = lift(b0, t, dtype);
  const shape = broadcastShapes('Where', cond.shape, a.shape, b.shape);
  if (a.id === b.id && shapeEq(shape, a.shape)) return a;
  const c = fillValue(cond);
  if (c !== undefined) {
    const pick = c ? a : b;
    return shapeEq(pick.shape, shape) ? pick : broadcastTo(pick, shape);
  }
  return t.emit('Where', [cond, a, b], {});
}

export function cast(x: Value, to: DType): Value {
  if (x.dtype === to) return x;
  const c = fillValue(x);
  if (c !== undefined) return x.tracer.constant(to === 'bool' ? (c ? 1 : 0) : to === 'int32' ? Math.trunc(c) : c, x.shape, to);
  return x.tracer.emit('Cast', [x], { to });
}

/** numpy matmul (rank ≥ 2 operands, batch dims broadcast). */
export const matmul = (a: Value, b: Value): Value => a.tracer.emit('MatMul', [a, b], {});

/** Sum over `axes` (default all; negative axes allowed). */
export function sum(x: Value, axes?: number | readonly number[], keepdims = false): Value {
  const ax = normAxes(axes, x.rank);
  if (ax.length === 0) return x;
  const c = fillValue(x);
  if (c !== undefined && x.dtype === 'float32') {
    const n = ax.reduce((p, a) => p * x.shape[a]!, 1);
    return x.tracer.constant(c * n, reducedShape(x.shape, ax, keepdims), x.dtype);
  }
  return x.tracer.emit('ReduceSum', [x], { axes: ax, keepdims });
}

/** Maximum over `axes` (default all). */
export function max(x: Value, axes?: number | readonly number[], keepdims = false): Value {
  const ax = normAxes(axes, x.rank);
  if (ax.length === 0) return x;
  return x.tracer.emit('ReduceMax', [x], { axes: ax, keepdims });
}

export function argMax(x: Value, axis: number, keepdims = false): Value {
  return x.tracer.emit('ArgMax', [x], { axis: normAxis(axis, x.rank), keepdims });
}

export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** Reshape; one -1 entry is inferred. */
export function reshape(x: Value, shape: readonly number[]): Value {
  const known = shape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const target = shape.map((d) => (d === -1 ? x.size / known : d));
  if (shapeEq(target, x.shape)) return x;
  const c = fillValue(x);
  if (c !== undefined) return x.tracer.constant(c, target, x.dtype);
  const inner = x.node.op === 'Reshape' ? x.tracer.value(x.node.inputs[0]!) : x;
  if (inner !== x && shapeEq(target, inner.shape)) return inner;
  return x.tracer.emit('Reshape', [inner], { shape: target });
}

/** Transpose; default reverses the axes. */
export function transpose(x: Value, perm?: readonly number[]): Value {
  const p = perm ? perm.map((a) => normAxis(a, x.rank)) : [...Array(x.rank).keys()].reverse();
  if (p.every((a, i) => a === i)) return x;
  return x.tracer.emit('Transpose', [x], { perm: p });
}

/** Swap the last two axes. */
export function transposeLast2(x: Value): Value {
  const p = [...Array(x.rank).keys()];
  [p[x.rank - 2], p[x.rank - 1]] = [p[x.rank - 1]!, p[x.rank - 2]!];
  return transpose(x, p);
}

export function broadcastTo(x: Value, shape: readonly number[]): Value {
  if (shapeEq(x.shape, shape)) return x;
  const c = fillValue(x);
  if (c !== undefined) return x.tracer.constant(c, shape, x.dtype);
  return x.tracer.emit('Expand', [x], { shape: [...shape] });
}

/** The adjoint of broadcasting x to its shape: sum `x` down to `shape`. */
export function unbroadcast(x: Value, shape: Shape): Value {
  if (shapeEq(x.shape, shape)) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  return reshape(sum(x, axes, true), shape);
}

/** x[starts:ends] on `axes` (default 0..n-1); negative and out-of-range bounds are clamped as in numpy. */
export function slice(x: Value, starts: readonly number[], ends: readonly number[], axes?: readonly number[]): Value {
  const ax = axes ? axes.map((a) => normAxis(a, x.rank)) : starts.map((_, i) => i);
  const clamp = (v: number, d: number): number => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const s = ax.map((a, i) => clamp(starts[i]!, x.shape[a]!));
  const e = ax.map((a, i) => Math.max(clamp(ends[i]!, x.shape[a]!), s[i]!));
  if (ax.every((a, i) => s[i] === 0 && e[i] === x.shape[a])) return x;
  return x.tracer.emit('Slice', [x], { starts: s, ends: e, axes: ax });
}

/** Zero padding, ONNX layout [b_0, ..., b_{r-1}, e_0, ..., e_{r-1}]. */
export function pad(x: Value, pads: readonly number[]): Value {
  if (pads.every((p) => p === 0)) return x;
  return x.tracer.emit('Pad', [x], { pads: [...pads] });
}

export function concat(xs: readonly Value[], axis: number): Value {
  if (xs.length === 1) return xs[0]!;
  return xs[0]!.tracer.emit('Concat', xs, { axis: normAxis(axis, xs[0]!.rank) });
}

/** Rows of x (axis 0) picked by int32 indices. */
export const gather = (x: Value, indices: Value): Value => x.tracer.emit('Gather', [x, indices], { axis: 0 });

/** Zeros of shape [size, ...] with updates[i] added at row indices[i]; the transpose of gather. */
export const scatterAdd = (updates: Value, indices: Value, size: number): Value =>
  updates.tracer.emit('ScatterAdd', [updates, indices], { size });

export interface Conv2dOptions {
  /** Both strides, or [sh, sw]. Default 1. */
  stride?: number | readonly [number, number];
  /** Same padding on every side, or [top, left, bottom, right]. Default 0. */
  padding?: number | readonly [number, number, number, number];
}

export function convGeometry(o: Conv2dOptions = {}): OpAttrs['Conv'] {
  const s = o.stride ?? 1;
  const p = o.padding ?? 0;
  return {
    strides: typeof s === 'number' ? [s, s] : [s[0], s[1]],
    pads: typeof p === 'number' ? [p, p, p, p] : [p[0], p[1], p[2], p[3]],
  };
}

/** 2-D convolution, x [N,C,H,W], w [O,C,kh,kw]. */
export const conv2d = (x: Value, w: Value, o: Conv2dOptions = {}): Value => x.tracer.emit('Conv', [x, w], convGeometry(o));

export function convBackpropInput(dy: Value, w: Value, g: OpAttrs['Conv'], inputShape: readonly number[]): Value {
  const [n, c, h, wd] = inputShape as [number, number, number, number];
  return dy.tracer.emit('ConvBackpropInput', [dy, w], { strides: g.strides, pads: g.pads, inputShape: [n, c, h, wd] });
}

export function convBackpropFilter(x: Value, dy: Value, g: OpAttrs['Conv'], filterShape: readonly number[]): Value {
  const [o, c, kh, kw] = filterShape as [number, number, number, number];
  return x.tracer.emit('ConvBackpropFilter', [x, dy], { strides: g.strides, pads: g.pads, filterShape: [o, c, kh, kw] });
}

export const zeros = (t: Tracer, shape: Shape, dtype: DType = 'float32'): Value => t.constant(0, shape, dtype);
export const zerosLike = (x: Value): Value => x.tracer.constant(0, x.shape, x.dtype);
export const onesLike = (x: Value): Value => x.tracer.constant(1, x.shape, x.dtype);

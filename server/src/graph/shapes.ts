// Shape and dtype inference for every op: the only place that knows output types, so that a
// graph can be traced (and its memory estimated) without data.
import type { DType, OpAttrs, OpName, Shape, TensorType } from './ir.js';

export class ShapeError extends Error {}

function fail(op: string, msg: string): never {
  throw new ShapeError(`${op}: ${msg}`);
}

export function shapeEq(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** numpy broadcasting of several shapes; throws on mismatch. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = new Array(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i]!;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) fail(op, `cannot broadcast [${shapes.map((x) => x.join(',')).join('] and [')}]`);
    }
  }
  return out;
}

const FLOAT_UNARY = new Set<OpName>(['Neg', 'Exp', 'Log', 'Tanh', 'Sigmoid', 'Relu', 'Softplus', 'Sqrt', 'Abs', 'Sign', 'StopGradient']);
const ARITH = new Set<OpName>(['Add', 'Sub', 'Mul', 'Div', 'Pow']);
const COMPARE = new Set<OpName>(['Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual']);

function checkAxes(op: string, axes: readonly number[], rank: number): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= rank) fail(op, `axis ${a} out of range for rank ${rank}`);
    if (i > 0 && a <= axes[i - 1]!) fail(op, 'axes must be sorted and unique');
  }
}

function reduced(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(d);
  });
  return out;
}

export function convOutputHW(op: string, h: number, w: number, kh: number, kw: number, g: OpAttrs['Conv']): [number, number] {
  const [sh, sw] = g.strides;
  const [pt, pl, pb, pr] = g.pads;
  if (sh < 1 || sw < 1) fail(op, 'strides must be ≥ 1');
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  if (ho < 1 || wo < 1) fail(op, 'kernel larger than padded input');
  return [ho, wo];
}

/** The output type of `op` applied to inputs of the given types. Throws ShapeError on misuse. */
export function inferType<O extends OpName>(op: O, ins: readonly TensorType[], attrs: OpAttrs[O]): TensorType {
  const a = attrs as never as Record<string, unknown>;
  const arity = (n: number): void => {
    if (ins.length !== n) fail(op, `expects ${n} inputs, got ${ins.length}`);
  };
  const float = (t: TensorType, what = 'input'): void => {
    if (t.dtype !== 'float32') fail(op, `${what} must be float32, got ${t.dtype}`);
  };
  if (op === 'Input' || op === 'Constant') fail(op, 'has no inputs to infer from');
  if (FLOAT_UNARY.has(op)) {
    arity(1);
    if (op !== 'StopGradient' && op !== 'Neg' && op !== 'Abs' && op !== 'Sign') float(ins[0]!);
    return { shape: ins[0]!.shape, dtype: ins[0]!.dtype };
  }
  if (ARITH.has(op) || COMPARE.has(op)) {
    arity(2);
    if (ins[0]!.dtype !== ins[1]!.dtype) fail(op, `dtype mismatch ${ins[0]!.dtype} vs ${ins[1]!.dtype}`);
    if (op === 'Pow') float(ins[0]!);
    if (ARITH.has(op) && ins[0]!.dtype === 'bool') fail(op, 'arithmetic on bool');
    return { shape: broadcastShapes(op, ins[0]!.shape, ins[1]!.shape), dtype: COMPARE.has(op) ? 'bool' : ins[0]!.dtype };
  }
  switch (op) {
    case 'Where': {
      arity(3);
      if (ins[0]!.dtype !== 'bool') fail(op, 'condition must be bool');
      if (ins[1]!.dtype !== ins[2]!.dtype) fail(op, 'branch dtypes differ');
      return { shape: broadcastShapes(op, ins[0]!.shape, ins[1]!.shape, ins[2]!.shape), dtype: ins[1]!.dtype };
    }
    case 'Cast':
      arity(1);
      return { shape: ins[0]!.shape, dtype: a['to'] as DType };
    case 'MatMul': {
      arity(2);
      const [x, y] = [ins[0]!, ins[1]!];
      float(x);
      float(y);
      if (x.shape.length < 2 || y.shape.length < 2) fail(op, 'operands must have rank ≥ 2');
      const m = x.shape[x.shape.length - 2]!;
      const k = x.shape[x.shape.length - 1]!;
      const k2 = y.shape[y.shape.length - 2]!;
      const n = y.shape[y.shape.length - 1]!;
      if (k !== k2) fail(op, `inner dimensions differ: [${x.shape.join(',')}] x [${y.shape.join(',')}]`);
      const batch = broadcastShapes(op, x.shape.slice(0, -2), y.shape.slice(0, -2));
      return { shape: [...batch, m, n], dtype: 'float32' };
    }
    case 'ReduceSum':
    case 'ReduceMax': {
      arity(1);
      const { axes, keepdims } = attrs as OpAttrs['ReduceSum'];
      checkAxes(op, axes, ins[0]!.shape.length);
      if (ins[0]!.dtype === 'bool') fail(op, 'cannot reduce bool');
      return { shape: reduced(ins[0]!.shape, axes, keepdims), dtype: ins[0]!.dtype };
    }
    case 'ArgMax': {
      arity(1);
      const { axis, keepdims } = attrs as OpAttrs['ArgMax'];
      checkAxes(op, [axis], ins[0]!.shape.length);
      return { shape: reduced(ins[0]!.shape, [axis], keepdims), dtype: 'int32' };
    }
    case 'Reshape': {
      arity(1);
      const shape = (attrs as OpAttrs['Reshape']).shape;
      if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(op, `bad target shape [${shape.join(',')}]`);
      if (shape.reduce((p, d) => p * d, 1) !== ins[0]!.shape.reduce((p, d) => p * d, 1))
        fail(op, `cannot reshape [${ins[0]!.shape.join(',')}] to [${shape.join(',')}]`);
      return { shape: [...shape], dtype: ins[0]!.dtype };
    }
    case 'Transpose': {
      arity(1);
      const perm = (attrs as OpAttrs['Transpose']).perm;
      const r = ins[0]!.shape.length;
      if (perm.length !== r || [...perm].sort((p, q) => p - q).some((p, i) => p !== i)) fail(op, `bad perm [${perm.join(',')}]`);
      return { shape: perm.map((p) => ins[0]!.shape[p]!), dtype: ins[0]!.dtype };
    }
    case 'Expand': {
      arity(1);
      const shape = (attrs as OpAttrs['Expand']).shape;
      const out = broadcastShapes(op, ins[0]!.shape, shape);
      if (!shapeEq(out, shape)) fail(op, `cannot expand [${ins[0]!.shape.join(',')}] to [${shape.join(',')}]`);
      return { shape: [...shape], dtype: ins[0]!.dtype };
    }
    case 'Slice': {
      arity(1);
      const { starts, ends, axes } = attrs as OpAttrs['Slice'];
      const out = [...ins[0]!.shape];
      if (starts.length !== axes.length || ends.length !== axes.length) fail(op, 'starts/ends/axes lengths differ');
      axes.forEach((ax, i) => {
        if (ax < 0 || ax >= out.length) fail(op, `axis ${ax} out of range`);
        const s = starts[i]!;
        const e = ends[i]!;
        if (s < 0 || e > ins[0]!.shape[ax]! || s > e) fail(op, `bad range ${s}:${e} on axis ${ax}`);
        out[ax] = e - s;
      });
      return { shape: out, dtype: ins[0]!.dtype };
    }
    case 'Pad': {
      arity(1);
      const pads = (attrs as OpAttrs['Pad']).pads;
      const r = ins[0]!.shape.length;
      if (pads.length !== 2 * r || pads.some((p) => p < 0)) fail(op, 'pads must be 2·rank non-negative numbers');
      return { shape: ins[0]!.shape.map((d, i) => d + pads[i]! + pads[i + r]!), dtype: ins[0]!.dtype };
    }
    case 'Concat': {
      if (ins.length < 1) fail(op, 'needs at least one input');
      const axis = (attrs as OpAttrs['Concat']).axis;
      const first = ins[0]!;
      checkAxes(op, [axis], first.shape.length);
      let total = 0;
      for (const t of ins) {
        if (t.dtype !== first.dtype) fail(op, 'dtypes differ');
        if (t.shape.length !== first.shape.length || t.shape.some((d, i) => i !== axis && d !== first.shape[i]))
          fail(op, 'shapes differ off the concat axis');
        total += t.shape[axis]!;
      }
      const out = [...first.shape];
      out[axis] = total;
      return { shape: out, dtype: first.dtype };
    }
    case 'Gather': {
      arity(2);
      if (ins[1]!.dtype !== 'int32') fail(op, 'indices must be int32');
      if (ins[0]!.shape.length < 1) fail(op, 'data must have rank ≥ 1');
      return { shape: [...ins[1]!.shape, ...ins[0]!.shape.slice(1)], dtype: ins[0]!.dtype };
    }
    case 'ScatterAdd': {
      arity(2);
      const [u, idx] = [ins[0]!, ins[1]!];
      if (idx.dtype !== 'int32') fail(op, 'indices must be int32');
      if (!shapeEq(u.shape.slice(0, idx.shape.length), idx.shape)) fail(op, 'updates must start with the indices shape');
      return { shape: [(attrs as OpAttrs['ScatterAdd']).size, ...u.shape.slice(idx.shape.length)], dtype: u.dtype };
    }
    case 'Conv': {
      arity(2);
      const [x, w] = [ins[0]!, ins[1]!];
      float(x);
      float(w);
      if (x.shape.length !== 4 || w.shape.length !== 4) fail(op, 'x and w must be rank 4 (NCHW, OIHW)');
      if (x.shape[1] !== w.shape[1]) fail(op, `channels differ: x has ${x.shape[1]}, w expects ${w.shape[1]}`);
      const [ho, wo] = convOutputHW(op, x.shape[2]!, x.shape[3]!, w.shape[2]!, w.shape[3]!, attrs as OpAttrs['Conv']);
      return { shape: [x.shape[0]!, w.shape[0]!, ho, wo], dtype: 'float32' };
    }
    case 'ConvBackpropInput': {
      arity(2);
      const g = attrs as OpAttrs['ConvBackpropInput'];
      const [dy, w] = [ins[0]!, ins[1]!];
      const xs = g.inputShape;
      const [ho, wo] = convOutputHW(op, xs[2], xs[3], w.shape[2]!, w.shape[3]!, g);
      if (!shapeEq(dy.shape, [xs[0], w.shape[0]!, ho, wo]) || w.shape[1] !== xs[1]) fail(op, 'dy / w / inputShape disagree');
      return { shape: [...xs], dtype: 'float32' };
    }
    case 'ConvBackpropFilter': {
      arity(2);
      const g = attrs as OpAttrs['ConvBackpropFilter'];
      const [x, dy] = [ins[0]!, ins[1]!];
      const fs = g.filterShape;
      if (x.shape.length !== 4) fail(op, 'x must be rank 4');
      const [ho, wo] = convOutputHW(op, x.shape[2]!, x.shape[3]!, fs[2], fs[3], g);
      if (!shapeEq(dy.shape, [x.shape[0]!, fs[0], ho, wo]) || x.shape[1] !== fs[1]) fail(op, 'x / dy / filterShape disagree');
      return { shape: [...fs], dtype: 'float32' };
    }
    default:
      return fail(op, 'unknown op');
  }
}

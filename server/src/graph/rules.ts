// The differentiation rules of every primitive, written in the same primitives (ops.ts), so that
// the derivative graphs they emit can themselves be differentiated, in either mode, to any order.
// A missing tangent or cotangent is `null` (a symbolic zero) and is never materialised.
import type { Node, OpAttrs, OpName } from './ir.js';
import * as op from './ops.js';
import type { Value } from './trace.js';

export interface RuleContext {
  readonly node: Node;
  /** The primal inputs and output (possibly recomputed copies inside a remat region). */
  readonly inputs: readonly Value[];
  readonly out: Value;
}

export interface Rule {
  /** The output tangent from input tangents (null = zero); null if the result is zero. */
  jvp(c: RuleContext, tangents: readonly (Value | null)[]): Value | null;
  /** Input cotangents from the output cotangent; entries with needs[i] false may be null. */
  vjp(c: RuleContext, ct: Value, needs: readonly boolean[]): (Value | null)[];
}

/** a + b where null is zero. */
export function addZ(a: Value | null, b: Value | null): Value | null {
  if (!a) return b;
  if (!b) return a;
  return op.add(a, b);
}

/** Broadcast a (possibly null) tangent to the output's shape. */
function bc(t: Value | null, out: Value): Value | null {
  return t ? op.broadcastTo(t, out.shape) : null;
}

function attrs<O extends OpName>(c: RuleContext): OpAttrs[O] {
  return c.node.attrs as OpAttrs[O];
}

/** A rule for y = f(x) with dy = f'(x)·dx, f' given in primitives. */
function elementwise(deriv: (x: Value, y: Value) => Value): Rule {
  return {
    jvp: (c, [t]) => (t ? op.mul(t, deriv(c.inputs[0]!, c.out)) : null),
    vjp: (c, ct) => [op.mul(ct, deriv(c.inputs[0]!, c.out))],
  };
}

function bilinear(f: (a: Value, b: Value) => Value, adjA: (c: RuleContext, ct: Value) => Value, adjB: (c: RuleContext, ct: Value) => Value): Rule {
  return {
    jvp: (c, [ta, tb]) => addZ(ta ? f(ta, c.inputs[1]!) : null, tb ? f(c.inputs[0]!, tb) : null),
    vjp: (c, ct, needs) => [needs[0] ? adjA(c, ct) : null, needs[1] ? adjB(c, ct) : null],
  };
}

/** Reshape a keepdims=false reduction result back to keepdims=true. */
function keepDims(v: Value, c: RuleContext): Value {
  const x = c.inputs[0]!;
  const { axes } = attrs<'ReduceSum'>(c);
  return op.reshape(v, op.reducedShape(x.shape, axes, true));
}

const RULES: Partial<Record<OpName, Rule>> = {
  Neg: { jvp: (_c, [t]) => (t ? op.neg(t) : null), vjp: (_c, ct) => [op.neg(ct)] },
  Exp: elementwise((_x, y) => y),
  Log: { jvp: (c, [t]) => (t ? op.div(t, c.inputs[0]!) : null), vjp: (c, ct) => [op.div(ct, c.inputs[0]!)] },
  Tanh: elementwise((_x, y) => op.sub(1, op.mul(y, y))),
  Sigmoid: elementwise((_x, y) => op.mul(y, op.sub(1, y))),
  Relu: {
    jvp: (c, [t]) => (t ? op.where(op.greater(c.inputs[0]!, 0), t, 0) : null),
    vjp: (c, ct) => [op.where(op.greater(c.inputs[0]!, 0), ct, 0)],
  },
  Softplus: elementwise((x) => op.sigmoid(x)),
  Sqrt: { jvp: (c, [t]) => (t ? op.div(t, op.mul(c.out, 2)) : null), vjp: (c, ct) => [op.div(ct, op.mul(c.out, 2))] },
  Abs: elementwise((x) => op.sign(x)),

  Add: {
    jvp: (c, [ta, tb]) => addZ(bc(ta, c.out), bc(tb, c.out)),
    vjp: (c, ct, n) => [n[0] ? op.unbroadcast(ct, c.inputs[0]!.shape) : null, n[1] ? op.unbroadcast(ct, c.inputs[1]!.shape) : null],
  },
  Sub: {
    jvp: (c, [ta, tb]) => addZ(bc(ta, c.out), tb ? op.neg(bc(tb, c.out)!) : null),
    vjp: (c, ct, n) => [n[0] ? op.unbroadcast(ct, c.inputs[0]!.shape) : null, n[1] ? op.unbroadcast(op.neg(ct), c.inputs[1]!.shape) : null],
  },
  Mul: {
    jvp: (c, [ta, tb]) => addZ(ta ? bc(op.mul(ta, c.inputs[1]!), c.out) : null, tb ? bc(op.mul(c.inputs[0]!, tb), c.out) : null),
    vjp: (c, ct, n) => [
      n[0] ? op.unbroadcast(op.mul(ct, c.inputs[1]!), c.inputs[0]!.shape) : null,
      n[1] ? op.unbroadcast(op.mul(ct, c.inputs[0]!), c.inputs[1]!.shape) : null,
    ],
  },
  Div: {
    // y = a / b: dy = da / b − db · y / b
    jvp: (c, [ta, tb]) =>
      addZ(ta ? bc(op.div(ta, c.inputs[1]!), c.out) : null, tb ? op.neg(bc(op.mul(tb, op.div(c.out, c.inputs[1]!)), c.out)!) : null),
    vjp: (c, ct, n) => [
      n[0] ? op.unbroadcast(op.div(ct, c.inputs[1]!), c.inputs[0]!.shape) : null,
      n[1] ? op.unbroadcast(op.neg(op.mul(ct, op.div(c.out, c.inputs[1]!))), c.inputs[1]!.shape) : null,
    ],
  },
  Pow: {
    // y = a^b: ∂a = b·a^(b−1), ∂b = y·log a (only built when b varies, so constant exponents never see log a).
    jvp: (c, [ta, tb]) => {
      const [a, b] = c.inputs as [Value, Value];
      return addZ(ta ? bc(op.mul(ta, op.mul(b, op.pow(a, op.sub(b, 1)))), c.out) : null, tb ? bc(op.mul(tb, op.mul(c.out, op.log(a))), c.out) : null);
    },
    vjp: (c, ct, n) => {
      const [a, b] = c.inputs as [Value, Value];
      return [
        n[0] ? op.unbroadcast(op.mul(ct, op.mul(b, op.pow(a, op.sub(b, 1)))), a.shape) : null,
        n[1] ? op.unbroadcast(op.mul(ct, op.mul(c.out, op.log(a))), b.shape) : null,
      ];
    },
  },
  Where: {
    jvp: (c, [, ta, tb]) => (ta || tb ? op.where(c.inputs[0]!, ta ?? 0, tb ?? 0) : null),
    vjp: (c, ct, n) => {
      const [cond, a, b] = c.inputs as [Value, Value, Value];
      return [
        null,
        n[1] ? op.unbroadcast(op.where(cond, ct, 0), a.shape) : null,
        n[2] ? op.unbroadcast(op.where(cond, 0, ct), b.shape) : null,
      ];
    },
  },

  MatMul: bilinear(
    op.matmul,
    (c, ct) => op.unbroadcast(op.matmul(ct, op.transposeLast2(c.inputs[1]!)), c.inputs[0]!.shape),
    (c, ct) => op.unbroadcast(op.matmul(op.transposeLast2(c.inputs[0]!), ct), c.inputs[1]!.shape),
  ),

  ReduceSum: {
    jvp: (c, [t]) => (t ? op.sum(t, attrs<'ReduceSum'>(c).axes, attrs<'ReduceSum'>(c).keepdims) : null),
    vjp: (c, ct) => [op.broadcastTo(keepDims(ct, c), c.inputs[0]!.shape)],
  },
  ReduceMax: (() => {
    // The derivative is split evenly between tied maxima (as in JAX); the mask is a constant.
    const weights = (c: RuleContext): Value => {
      const x = c.inputs[0]!;
      const mask = op.cast(op.equal(x, op.broadcastTo(keepDims(c.out, c), x.shape)), 'float32');
      return op.div(mask, op.sum(mask, attrs<'ReduceMax'>(c).axes, true));
    };
    return {
      jvp: (c, [t]) => (t ? op.sum(op.mul(t, weights(c)), attrs<'ReduceMax'>(c).axes, attrs<'ReduceMax'>(c).keepdims) : null),
      vjp: (c, ct) => [op.mul(op.broadcastTo(keepDims(ct, c), c.inputs[0]!.shape), weights(c))],
    };
  })(),

  Reshape: {
    jvp: (c, [t]) => (t ? op.reshape(t, c.out.shape) : null),
    vjp: (c, ct) => [op.reshape(ct, c.inputs[0]!.shape)],
  },
  Transpose: {
    jvp: (c, [t]) => (t ? op.transpose(t, attrs<'Transpose'>(c).perm) : null),
    vjp: (c, ct) => {
      const perm = attrs<'Transpose'>(c).perm;
      const inv = new Array<number>(perm.length);
      perm.forEach((p, i) => (inv[p] = i));
      return [op.transpose(ct, inv)];
    },
  },
  Expand: {
    jvp: (c, [t]) => (t ? op.broadcastTo(t, c.out.shape) : null),
    vjp: (c, ct) => [op.unbroadcast(ct, c.inputs[0]!.shape)],
  },
  Slice: {
    jvp: (c, [t]) => (t ? op.slice(t, attrs<'Slice'>(c).starts, attrs<'Slice'>(c).ends, attrs<'Slice'>(c).axes) : null),
    vjp: (c, ct) => {
      const { starts, ends, axes } = attrs<'Slice'>(c);
      const shape = c.inputs[0]!.shape;
      const pads = new Array<number>(2 * shape.length).fill(0);
      axes.forEach((a, i) => {
        pads[a] = starts[i]!;
        pads[a + shape.length] = shape[a]! - ends[i]!;
      });
      return [op.pad(ct, pads)];
    },
  },
  Pad: {
    jvp: (c, [t]) => (t ? op.pad(t, attrs<'Pad'>(c).pads) : null),
    vjp: (c, ct) => {
      const { pads } = attrs<'Pad'>(c);
      const shape = c.inputs[0]!.shape;
      const starts = shape.map((_, i) => pads[i]!);
      return [op.slice(ct, starts, shape.map((d, i) => starts[i]! + d), shape.map((_, i) => i))];
    },
  },
  Concat: {
    jvp: (c, ts) => (ts.some((t) => t) ? op.concat(ts.map((t, i) => t ?? op.zerosLike(c.inputs[i]!)), attrs<'Concat'>(c).axis) : null),
    vjp: (c, ct, needs) => {
      const axis = attrs<'Concat'>(c).axis;
      let at = 0;
      return c.inputs.map((x, i) => {
        const start = at;
        at += x.shape[axis]!;
        return needs[i] ? op.slice(ct, [start], [at], [axis]) : null;
      });
    },
  },
  Gather: {
    jvp: (c, [t]) => (t ? op.gather(t, c.inputs[1]!) : null),
    vjp: (c, ct) => [op.scatterAdd(ct, c.inputs[1]!, c.inputs[0]!.shape[0]!), null],
  },
  ScatterAdd: {
    jvp: (c, [t]) => (t ? op.scatterAdd(t, c.inputs[1]!, attrs<'ScatterAdd'>(c).size) : null),
    vjp: (c, ct) => [op.gather(ct, c.inputs[1]!), null],
  },
};

function conv(c: RuleContext, x: Value, w: Value): Value {
  return x.tracer.emit('Conv', [x, w], { strides: attrs<'Conv'>(c).strides, pads: attrs<'Conv'>(c).pads });
}
function bpInput(c: RuleContext, dy: Value, w: Value, inputShape: readonly number[]): Value {
  return op.convBackpropInput(dy, w, attrs<'Conv'>(c), inputShape);
}
function bpFilter(c: RuleContext, x: Value, dy: Value, filterShape: readonly number[]): Value {
  return op.convBackpropFilter(x, dy, attrs<'Conv'>(c), filterShape);
}

// Conv, its input-transpose and its filter-transpose are one bilinear family closed under
// transposition: each one's adjoints are the other two, so every order stays in the family.
RULES.Conv = {
  jvp: (c, [tx, tw]) => addZ(tx ? conv(c, tx, c.inputs[1]!) : null, tw ? conv(c, c.inputs[0]!, tw) : null),
  vjp: (c, ct, n) => [n[0] ? bpInput(c, ct, c.inputs[1]!, c.inputs[0]!.shape) : null, n[1] ? bpFilter(c, c.inputs[0]!, ct, c.inputs[1]!.shape) : null],
};
RULES.ConvBackpropInput = {
  // y = BI(dy, w), bilinear
  jvp: (c, [tdy, tw]) => addZ(tdy ? bpInput(c, tdy, c.inputs[1]!, c.out.shape) : null, tw ? bpInput(c, c.inputs[0]!, tw, c.out.shape) : null),
  vjp: (c, ct, n) => [n[0] ? conv(c, ct, c.inputs[1]!) : null, n[1] ? bpFilter(c, ct, c.inputs[0]!, c.inputs[1]!.shape) : null],
};
RULES.ConvBackpropFilter = {
  // y = BF(x, dy), bilinear
  jvp: (c, [tx, tdy]) => addZ(tx ? bpFilter(c, tx, c.inputs[1]!, c.out.shape) : null, tdy ? bpFilter(c, c.inputs[0]!, tdy, c.out.shape) : null),
  vjp: (c, ct, n) => [n[0] ? bpInput(c, c.inputs[1]!, ct, c.inputs[0]!.shape) : null, n[1] ? conv(c, c.inputs[0]!, ct) : null],
};

/**
 * The rule of a primitive, or undefined for primitives whose output carries no derivative
 * (Input, Constant, StopGradient, Sign, comparisons, Cast, ArgMax).
 */
export function ruleOf(opName: OpName): Rule | undefined {
  return RULES[opName];
}

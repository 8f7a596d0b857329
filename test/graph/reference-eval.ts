// A float64 reference executor for the graph IR: plain loops, no cleverness, so that it can be
// trusted as the ground truth of the gradient checks. Every dtype is held in a Float64Array.
import type { Graph, Node, OpAttrs, Shape } from '../../server/src/graph/ir.js';

export interface Tensor {
  readonly shape: Shape;
  readonly data: Float64Array;
}

export const tensor = (shape: Shape, data: ArrayLike<number>): Tensor => {
  const size = shape.reduce((p, d) => p * d, 1);
  if (data.length !== size) throw new Error(`tensor: ${data.length} values for [${shape.join(',')}]`);
  return { shape: [...shape], data: Float64Array.from(data) };
};

const size = (s: Shape): number => s.reduce((p, d) => p * d, 1);

function strides(s: Shape): number[] {
  const st = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= s[i]!;
  }
  return st;
}

/** For each flat index of `out`, the flat index into a tensor of shape `inp` broadcast to it. */
function broadcastIndex(inp: Shape, out: Shape): Int32Array {
  const n = size(out);
  const map = new Int32Array(n);
  const ost = strides(out);
  const ist = strides(inp);
  const lead = out.length - inp.length;
  for (let i = 0; i < n; i++) {
    let rem = i;
    let j = 0;
    for (let a = 0; a < out.length; a++) {
      const idx = Math.floor(rem / ost[a]!);
      rem -= idx * ost[a]!;
      const b = a - lead;
      if (b >= 0 && inp[b] !== 1) j += idx * ist[b]!;
    }
    map[i] = j;
  }
  return map;
}

function unravel(i: number, st: readonly number[]): number[] {
  const idx = new Array<number>(st.length);
  let rem = i;
  for (let a = 0; a < st.length; a++) {
    idx[a] = Math.floor(rem / st[a]!);
    rem -= idx[a]! * st[a]!;
  }
  return idx;
}

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

const UNARY: Record<string, (x: number) => number> = {
  Neg: (x) => -x,
  Exp: Math.exp,
  Log: Math.log,
  Tanh: Math.tanh,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Relu: (x) => (x > 0 ? x : 0),
  Softplus: softplus,
  Sqrt: Math.sqrt,
  Abs: Math.abs,
  Sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  StopGradient: (x) => x,
};

const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Pow: (a, b) => a ** b,
  Equal: (a, b) => (a === b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
  GreaterOrEqual: (a, b) => (a >= b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  LessOrEqual: (a, b) => (a <= b ? 1 : 0),
};

function run(n: Node, ins: Tensor[]): Float64Array {
  const out = new Float64Array(size(n.shape));
  const u = UNARY[n.op];
  if (u) {
    const x = ins[0]!.data;
    for (let i = 0; i < out.length; i++) out[i] = u(x[i]!);
    return out;
  }
  const b = BINARY[n.op];
  if (b) {
    const [ma, mb] = [broadcastIndex(ins[0]!.shape, n.shape), broadcastIndex(ins[1]!.shape, n.shape)];
    const [x, y] = [ins[0]!.data, ins[1]!.data];
    for (let i = 0; i < out.length; i++) {
      let r = b(x[ma[i]!]!, y[mb[i]!]!);
      if (n.op === 'Div' && n.dtype === 'int32') r = Math.trunc(r);
      out[i] = r;
    }
    return out;
  }
  switch (n.op) {
    case 'Where': {
      const ms = ins.map((t) => broadcastIndex(t.shape, n.shape));
      for (let i = 0; i < out.length; i++) out[i] = ins[0]!.data[ms[0]![i]!] ? ins[1]!.data[ms[1]![i]!]! : ins[2]!.data[ms[2]![i]!]!;
      return out;
    }
    case 'Cast': {
      const to = (n.attrs as OpAttrs['Cast']).to;
      const x = ins[0]!.data;
      for (let i = 0; i < out.length; i++) out[i] = to === 'bool' ? (x[i] !== 0 ? 1 : 0) : to === 'int32' ? Math.trunc(x[i]!) : x[i]!;
      return out;
    }
    case 'MatMul': {
      const [x, y] = ins as [Tensor, Tensor];
      const r = n.shape.length;
      const [m, k, nn] = [x.shape[x.shape.length - 2]!, x.shape[x.shape.length - 1]!, y.shape[y.shape.length - 1]!];
      const batch = n.shape.slice(0, r - 2);
      const bx = broadcastIndex(x.shape.slice(0, -2), batch);
      const by = broadcastIndex(y.shape.slice(0, -2), batch);
      for (let bi = 0; bi < size(batch); bi++) {
        const xo = bx[bi]! * m * k;
        const yo = by[bi]! * k * nn;
        for (let i = 0; i < m; i++)
          for (let j = 0; j < nn; j++) {
            let s = 0;
            for (let q = 0; q < k; q++) s += x.data[xo + i * k + q]! * y.data[yo + q * nn + j]!;
            out[bi * m * nn + i * nn + j] = s;
          }
      }
      return out;
    }
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ArgMax': {
      const x = ins[0]!;
      const axes = n.op === 'ArgMax' ? [(n.attrs as OpAttrs['ArgMax']).axis] : (n.attrs as OpAttrs['ReduceSum']).axes;
      const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
      const kst = strides(keptShape);
      const xst = strides(x.shape);
      const best = new Float64Array(out.length).fill(n.op === 'ReduceSum' ? 0 : -Infinity);
      for (let i = 0; i < x.data.length; i++) {
        const idx = unravel(i, xst);
        let o = 0;
        idx.forEach((v, ax) => (o += axes.includes(ax) ? 0 : v * kst[ax]!));
        const v = x.data[i]!;
        if (n.op === 'ReduceSum') best[o]! += v;
        else if (v > best[o]!) {
          best[o] = v;
          if (n.op === 'ArgMax') out[o] = idx[axes[0]!]!;
        }
      }
      if (n.op !== 'ArgMax') out.set(best);
      return out;
    }
    case 'Reshape':
    case 'StopGradient':
      out.set(ins[0]!.data);
      return out;
    case 'Transpose': {
      const perm = (n.attrs as OpAttrs['Transpose']).perm;
      const x = ins[0]!;
      const xst = strides(x.shape);
      const ost = strides(n.shape);
      for (let i = 0; i < out.length; i++) {
        const idx = unravel(i, ost);
        let j = 0;
        idx.forEach((v, ax) => (j += v * xst[perm[ax]!]!));
        out[i] = x.data[j]!;
      }
      return out;
    }
    case 'Expand': {
      const m = broadcastIndex(ins[0]!.shape, n.shape);
      for (let i = 0; i < out.length; i++) out[i] = ins[0]!.data[m[i]!]!;
      return out;
    }
    case 'Slice': {
      const { starts, axes } = n.attrs as OpAttrs['Slice'];
      const x = ins[0]!;
      const xst = strides(x.shape);
      const ost = strides(n.shape);
      for (let i = 0; i < out.length; i++) {
        const idx = unravel(i, ost);
        axes.forEach((ax, k) => (idx[ax] = idx[ax]! + starts[k]!));
        out[i] = x.data[idx.reduce((s, v, ax) => s + v * xst[ax]!, 0)]!;
      }
      return out;
    }
    case 'Pad': {
      const pads = (n.attrs as OpAttrs['Pad']).pads;
      const x = ins[0]!;
      const xst = strides(x.shape);
      const ost = strides(n.shape);
      for (let i = 0; i < x.data.length; i++) {
        const idx = unravel(i, xst);
        out[idx.reduce((s, v, ax) => s + (v + pads[ax]!) * ost[ax]!, 0)] = x.data[i]!;
      }
      return out;
    }
    case 'Concat': {
      const axis = (n.attrs as OpAttrs['Concat']).axis;
      const ost = strides(n.shape);
      let at = 0;
      for (const x of ins) {
        const xst = strides(x.shape);
        for (let i = 0; i < x.data.length; i++) {
          const idx = unravel(i, xst);
          idx[axis] = idx[axis]! + at;
          out[idx.reduce((s, v, ax) => s + v * ost[ax]!, 0)] = x.data[i]!;
        }
        at += x.shape[axis]!;
      }
      return out;
    }
    case 'Gather': {
      const [x, idx] = ins as [Tensor, Tensor];
      const row = size(x.shape.slice(1));
      idx.data.forEach((r, i) => {
        if (r < 0 || r >= x.shape[0]!) throw new Error(`Gather: index ${r} out of range`);
        out.set(x.data.subarray(r * row, r * row + row), i * row);
      });
      return out;
    }
    case 'ScatterAdd': {
      const [upd, idx] = ins as [Tensor, Tensor];
      const row = size(n.shape.slice(1));
      idx.data.forEach((r, i) => {
        for (let q = 0; q < row; q++) out[r * row + q]! += upd.data[i * row + q]!;
      });
      return out;
    }
    case 'Conv':
    case 'ConvBackpropInput':
    case 'ConvBackpropFilter': {
      const g = n.attrs as OpAttrs['Conv'];
      const [xs, ws, ys] =
        n.op === 'Conv'
          ? [ins[0]!.shape, ins[1]!.shape, n.shape]
          : n.op === 'ConvBackpropInput'
            ? [n.shape, ins[1]!.shape, ins[0]!.shape]
            : [ins[0]!.shape, n.shape, ins[1]!.shape];
      const [N, C, H, W] = xs as [number, number, number, number];
      const [O, , KH, KW] = ws as [number, number, number, number];
      const [, , HO, WO] = ys as [number, number, number, number];
      const xi = (nn: number, c: number, h: number, w: number): number => ((nn * C + c) * H + h) * W + w;
      const wi = (o: number, c: number, h: number, w: number): number => ((o * C + c) * KH + h) * KW + w;
      const yi = (nn: number, o: number, h: number, w: number): number => ((nn * O + o) * HO + h) * WO + w;
      for (let nn = 0; nn < N; nn++)
        for (let o = 0; o < O; o++)
          for (let oh = 0; oh < HO; oh++)
            for (let ow = 0; ow < WO; ow++)
              for (let c = 0; c < C; c++)
                for (let kh = 0; kh < KH; kh++)
                  for (let kw = 0; kw < KW; kw++) {
                    const ih = oh * g.strides[0] - g.pads[0] + kh;
                    const iw = ow * g.strides[1] - g.pads[1] + kw;
                    if (ih < 0 || iw < 0 || ih >= H || iw >= W) continue;
                    if (n.op === 'Conv') out[yi(nn, o, oh, ow)]! += ins[0]!.data[xi(nn, c, ih, iw)]! * ins[1]!.data[wi(o, c, kh, kw)]!;
                    else if (n.op === 'ConvBackpropInput')
                      out[xi(nn, c, ih, iw)]! += ins[0]!.data[yi(nn, o, oh, ow)]! * ins[1]!.data[wi(o, c, kh, kw)]!;
                    else out[wi(o, c, kh, kw)]! += ins[0]!.data[xi(nn, c, ih, iw)]! * ins[1]!.data[yi(nn, o, oh, ow)]!;
                  }
      return out;
    }
    default:
      throw new Error(`reference: no kernel for ${n.op}`);
  }
}

/** Run a graph in float64. Arguments are checked against the input nodes' shapes. */
export function evaluate(g: Graph, args: readonly Tensor[]): Tensor[] {
  if (args.length !== g.inputs.length) throw new Error(`evaluate: ${g.inputs.length} arguments expected, got ${args.length}`);
  const env: Tensor[] = new Array(g.nodes.length);
  g.inputs.forEach((id, k) => {
    const n = g.nodes[id]!;
    const t = args[k]!;
    if (t.shape.length !== n.shape.length || t.shape.some((d, i) => d !== n.shape[i]))
      throw new Error(`evaluate: argument ${k} has shape [${t.shape.join(',')}], expected [${n.shape.join(',')}]`);
    env[id] = t;
  });
  for (const n of g.nodes) {
    if (n.op === 'Input') continue;
    if (n.op === 'Constant') {
      const v = (n.attrs as OpAttrs['Constant']).value;
      const data = new Float64Array(size(n.shape));
      if (v.length === 1) data.fill(v[0]!);
      else data.set(v);
      env[n.id] = { shape: n.shape, data };
      continue;
    }
    const data = run(
      n,
      n.inputs.map((j) => env[j]!),
    );
    env[n.id] = { shape: n.shape, data };
  }
  return g.outputs.map((id) => env[id]!);
}

// One TensorFlow.js kernel call (or a small composite) per IR node. No tape: tfjs only computes.
// Layout: the IR is NCHW/OIHW (as ONNX); tfjs convolutions are NHWC/HWIO, so conv nodes transpose.
// wasm: XNNPACK serves matMul only without transpose flags, so none are ever passed (the IR
// carries explicit Transpose nodes); kernels missing on a backend get composite fallbacks.
import type { Tensor } from '@tensorflow/tfjs';
import type { Graph, Node, OpAttrs, OpName } from '../../graph/ir.js';
import type { Tf } from './backends.js';

/** A node's kernel. It may return one of its inputs unchanged (an alias: no copy, no new buffer). */
export type Kernel = (ins: readonly Tensor[]) => Tensor;

export function buildKernel(tf: Tf, node: Node, graph: Graph, backend: string): Kernel {
  const has = (kernel: string): boolean => tf.getKernel(kernel, backend) !== undefined;
  const a = node.attrs as OpAttrs[OpName];
  const shapeOf = (id: number): readonly number[] => graph.nodes[id]!.shape;
  const [i0, i1] = node.inputs;
  switch (node.op) {
    case 'Neg': return ([x]) => tf.neg(x!);
    case 'Exp': return ([x]) => tf.exp(x!);
    case 'Log': return ([x]) => tf.log(x!);
    case 'Tanh': return ([x]) => tf.tanh(x!);
    case 'Sigmoid': return ([x]) => tf.sigmoid(x!);
    case 'Relu': return ([x]) => tf.relu(x!);
    case 'Softplus':
      if (has('Softplus')) return ([x]) => tf.softplus(x!);
      return ([x]) => tf.tidy(() => tf.add(tf.relu(x!), tf.log1p(tf.exp(tf.neg(tf.abs(x!))))));
    case 'Sqrt': return ([x]) => tf.sqrt(x!);
    case 'Abs': return ([x]) => tf.abs(x!);
    case 'Sign': return ([x]) => tf.sign(x!);
    case 'StopGradient': return ([x]) => x!;
    case 'Add': return ([x, y]) => tf.add(x!, y!);
    case 'Sub': return ([x, y]) => tf.sub(x!, y!);
    case 'Mul': return ([x, y]) => tf.mul(x!, y!);
    case 'Div': return ([x, y]) => tf.div(x!, y!);
    case 'Pow': return ([x, y]) => tf.pow(x!, y!);
    case 'Equal': return ([x, y]) => tf.equal(x!, y!);
    case 'Greater': return ([x, y]) => tf.greater(x!, y!);
    case 'GreaterOrEqual': return ([x, y]) => tf.greaterEqual(x!, y!);
    case 'Less': return ([x, y]) => tf.less(x!, y!);
    case 'LessOrEqual': return ([x, y]) => tf.lessEqual(x!, y!);
    case 'Where': {
      const shape = [...node.shape];
      return ([c, x, y]) =>
        tf.tidy(() => tf.where(tf.broadcastTo(c!, shape), tf.broadcastTo(x!, shape), tf.broadcastTo(y!, shape)));
    }
    case 'Cast': {
      const to = (a as OpAttrs['Cast']).to;
      return ([x]) => (x!.dtype === to ? x! : tf.cast(x!, to));
    }
    case 'MatMul': return ([x, y]) => tf.matMul(x!, y!);
    case 'ReduceSum':
    case 'ReduceMax': {
      const { axes, keepdims } = a as OpAttrs['ReduceSum'];
      if (axes.length === 0) return ([x]) => x!;
      return node.op === 'ReduceSum' ? ([x]) => tf.sum(x!, [...axes], keepdims) : ([x]) => tf.max(x!, [...axes], keepdims);
    }
    case 'ArgMax': {
      const { axis } = a as OpAttrs['ArgMax'];
      const shape = [...node.shape];
      return ([x]) => tf.tidy(() => tf.reshape(tf.argMax(x!, axis), shape));
    }
    case 'Reshape': {
      const shape = [...(a as OpAttrs['Reshape']).shape];
      return ([x]) => tf.reshape(x!, shape);
    }
    case 'Transpose': {
      const perm = [...(a as OpAttrs['Transpose']).perm];
      return ([x]) => tf.transpose(x!, perm);
    }
    case 'Expand': {
      const shape = [...(a as OpAttrs['Expand']).shape];
      return ([x]) => tf.broadcastTo(x!, shape);
    }
    case 'Slice': {
      const s = a as OpAttrs['Slice'];
      const rank = shapeOf(i0!).length;
      const begin = new Array<number>(rank).fill(0);
      const size = new Array<number>(rank).fill(-1);
      s.axes.forEach((ax, k) => {
        begin[ax] = s.starts[k]!;
        size[ax] = s.ends[k]! - s.starts[k]!;
      });
      return ([x]) => tf.slice(x!, begin, size);
    }
    case 'Pad': {
      const pads = (a as OpAttrs['Pad']).pads;
      const rank = pads.length / 2;
      const paddings = Array.from({ length: rank }, (_, d) => [pads[d]!, pads[d + rank]!] as [number, number]);
      return ([x]) => tf.pad(x!, paddings);
    }
    case 'Concat': {
      const axis = (a as OpAttrs['Concat']).axis;
      return (xs) => tf.concat(xs as Tensor[], axis);
    }
    case 'Gather': return ([x, idx]) => tf.gather(x!, idx!, 0);
    case 'ScatterAdd': {
      const size = (a as OpAttrs['ScatterAdd']).size;
      const shape = [...node.shape];
      const idxShape = shapeOf(i1!);
      if (has('ScatterNd')) return ([u, idx]) => tf.tidy(() => tf.scatterND(tf.expandDims(idx!, -1), u!, shape));
      // One-hot transpose-matmul: out = onehot(idx)ᵀ · updates; duplicates add up by construction.
      const n = idxShape.reduce((p, d) => p * d, 1);
      const inner = shape.slice(1).reduce((p, d) => p * d, 1);
      return ([u, idx]) =>
        tf.tidy(() => {
          const oh = tf.transpose(tf.oneHot(tf.reshape(idx!, [n]), size, 1, 0, 'float32'));
          return tf.reshape(tf.matMul(oh, tf.reshape(u!, [n, inner])), shape);
        });
    }
    case 'Conv': {
      const g = a as OpAttrs['Conv'];
      const [pt, pl, pb, pr] = g.pads;
      return ([x, w]) =>
        tf.tidy(() => {
          const xn = tf.pad(tf.transpose(x!, [0, 2, 3, 1]), [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
          const y = tf.conv2d(xn as TfTensor4D, tf.transpose(w!, [2, 3, 1, 0]) as TfTensor4D, [...g.strides] as [number, number], 'valid');
          return tf.transpose(y, [0, 3, 1, 2]);
        });
    }
    case 'ConvBackpropInput': {
      const g = a as OpAttrs['ConvBackpropInput'];
      const [n, c, h, w] = g.inputShape;
      const dy = shapeOf(i0!);
      const f = shapeOf(i1!);
      const [pt, pl] = g.pads;
      const hf = (dy[2]! - 1) * g.strides[0] + f[2]!;
      const wf = (dy[3]! - 1) * g.strides[1] + f[3]!;
      return ([d, wt]) =>
        tf.tidy(() => {
          // The transposed conv over the whole padded extent, then the window the input occupied.
          const full = tf.conv2dTranspose(
            tf.transpose(d!, [0, 2, 3, 1]) as TfTensor4D,
            tf.transpose(wt!, [2, 3, 1, 0]) as TfTensor4D,
            [n, hf, wf, c],
            [...g.strides] as [number, number],
            'valid',
          );
          return tf.transpose(window(tf, full, pt, pl, h, w), [0, 3, 1, 2]);
        });
    }
    case 'ConvBackpropFilter': {
      // dw[o,c,i,j] = Σ_{n,p,q} dy[n,o,p,q]·xpad[n,c,p·sh+i,q·sw+j]: a stride-1 conv of x (batch as
      // channels) with dy as filter, dilated by the strides (Conv2DBackpropFilter is not on wasm).
      const g = a as OpAttrs['ConvBackpropFilter'];
      const [pt, pl, pb, pr] = g.pads;
      const [, , kh, kw] = g.filterShape;
      return ([x, d]) =>
        tf.tidy(() => {
          const xt = tf.pad(tf.transpose(x!, [1, 2, 3, 0]), [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
          const ft = tf.transpose(d!, [2, 3, 0, 1]);
          const y = tf.conv2d(xt as TfTensor4D, ft as TfTensor4D, 1, 'valid', 'NHWC', [...g.strides] as [number, number]);
          return tf.transpose(tf.slice(y, [0, 0, 0, 0], [-1, kh, kw, -1]), [3, 0, 1, 2]);
        });
    }
    case 'Input':
    case 'Constant':
      throw new Error(`${node.op} has no kernel`);
  }
}

type TfTensor4D = import('@tensorflow/tfjs').Tensor4D;

/** full[:, top:top+h, left:left+w, :] with zeros where the window runs past full's edge. */
function window(tf: Tf, full: Tensor, top: number, left: number, h: number, w: number): Tensor {
  const [, hf, wf] = full.shape as number[];
  const hEnd = Math.min(hf!, top + h);
  const wEnd = Math.min(wf!, left + w);
  const cut = tf.slice(full, [0, top, left, 0], [-1, hEnd - top, wEnd - left, -1]);
  if (hEnd - top === h && wEnd - left === w) return cut;
  return tf.pad(cut, [[0, 0], [0, h - (hEnd - top)], [0, w - (wEnd - left)], [0, 0]]);
}

// Lowering: the graph IR → an ONNX ModelProto (opset 17). One IR node becomes one ONNX node
// except where ONNX wants tensors for what the IR keeps as attributes (shapes, axes, pads)
// and for the three transposes the IR names (ScatterAdd, ConvBackpropInput/Filter).
import type { DType, Graph, Node, OpAttrs, OpName } from '../../graph/ir.js';
import { ATTR_TYPE, ONNX_DTYPE, encodeModel } from './schema.js';

export const OPSET = 17;
const IR_VERSION = 8; // the IR version that goes with opset 17

type Attr = Record<string, unknown>;
interface OnnxNode {
  input: string[];
  output: string[];
  op_type: string;
  name: string;
  attribute: Attr[];
}

const ints = (name: string, v: readonly number[]): Attr => ({ name, type: ATTR_TYPE.INTS, ints: [...v] });
const int = (name: string, v: number): Attr => ({ name, type: ATTR_TYPE.INT, i: v });
const str = (name: string, v: string): Attr => ({ name, type: 3, s: new TextEncoder().encode(v) });

const UNARY: Partial<Record<OpName, string>> = {
  Neg: 'Neg', Exp: 'Exp', Log: 'Log', Tanh: 'Tanh', Sigmoid: 'Sigmoid', Relu: 'Relu', Softplus: 'Softplus',
  Sqrt: 'Sqrt', Abs: 'Abs', Sign: 'Sign', StopGradient: 'Identity',
};
const NARY: Partial<Record<OpName, string>> = {
  Add: 'Add', Sub: 'Sub', Mul: 'Mul', Div: 'Div', Pow: 'Pow', Equal: 'Equal', Greater: 'Greater',
  GreaterOrEqual: 'GreaterOrEqual', Less: 'Less', LessOrEqual: 'LessOrEqual', Where: 'Where', MatMul: 'MatMul',
};

/** Little-endian bytes of `values` in the ONNX element type of `dtype`. */
function rawBytes(dtype: DType | 'int64', values: ArrayLike<number>, count: number): Uint8Array {
  const width = dtype === 'bool' ? 1 : dtype === 'int64' ? 8 : 4;
  const buf = new Uint8Array(count * width);
  const dv = new DataView(buf.buffer);
  const fill = values.length === 1 && count !== 1;
  for (let i = 0; i < count; i++) {
    const x = fill ? values[0]! : values[i]!;
    if (dtype === 'float32') dv.setFloat32(i * 4, x, true);
    else if (dtype === 'int32') dv.setInt32(i * 4, x, true);
    else if (dtype === 'int64') dv.setBigInt64(i * 8, BigInt(x), true);
    else dv.setUint8(i, x ? 1 : 0);
  }
  return buf;
}

const valueName = (id: number): string => `v${id}`;

export interface LoweredModel {
  bytes: Uint8Array;
  /** ONNX input names, in graph.inputs order. */
  inputNames: string[];
  /** ONNX output names, in graph.outputs order. */
  outputNames: string[];
  /** Number of ONNX nodes emitted (for reports). */
  nodeCount: number;
}

export function lowerToOnnx(graph: Graph): LoweredModel {
  const nodes: OnnxNode[] = [];
  const initializers: Record<string, unknown>[] = [];
  let fresh = 0;
  const tmp = (): string => `t${fresh++}`;
  const emit = (op_type: string, input: string[], output: string[], attribute: Attr[] = []): void => {
    nodes.push({ op_type, input, output, attribute, name: `n${nodes.length}` });
  };
  const initializer = (dtype: DType | 'int64', dims: readonly number[], values: ArrayLike<number>): string => {
    const name = tmp();
    const count = dims.reduce((p, d) => p * d, 1);
    initializers.push({ name, dims: [...dims], data_type: ONNX_DTYPE[dtype], raw_data: rawBytes(dtype, values, count) });
    return name;
  };
  const int64s = (v: readonly number[]): string => initializer('int64', [v.length], v);
  /** A tensor of `shape` filled with `value` (ConstantOfShape, folded by ORT at load). */
  const filled = (shape: readonly number[], dtype: DType, value: number, out: string): void => {
    if (shape.length === 0) {
      emit('Identity', [initializer(dtype, [], [value])], [out]);
      return;
    }
    const t = { dims: [1], data_type: ONNX_DTYPE[dtype], raw_data: rawBytes(dtype, [value], 1) };
    emit('ConstantOfShape', [int64s(shape)], [out], [{ name: 'value', type: ATTR_TYPE.TENSOR, t }]);
  };

  const inputNames = graph.inputs.map((_, k) => `in${k}`);
  graph.inputs.forEach((id, k) => emit('Identity', [inputNames[k]!], [valueName(id)]));

  for (const node of graph.nodes) lowerNode(node);

  const outputNames = graph.outputs.map((id, k) => {
    const name = `out${k}`;
    emit('Identity', [valueName(id)], [name]);
    return name;
  });

  function lowerNode(n: Node): void {
    const out = valueName(n.id);
    const ins = n.inputs.map(valueName);
    const a = n.attrs as OpAttrs[OpName];
    if (n.op === 'Input') return;
    if (n.op === 'Constant') {
      const { value } = a as OpAttrs['Constant'];
      if (value.length === 1) filled(n.shape, n.dtype, value[0]!, out);
      else emit('Identity', [initializer(n.dtype, n.shape, value)], [out]);
      return;
    }
    const unary = UNARY[n.op];
    if (unary) return emit(unary, ins, [out]);
    const nary = NARY[n.op];
    if (nary) return emit(nary, ins, [out]);
    switch (n.op) {
      case 'Cast':
        return emit('Cast', ins, [out], [int('to', ONNX_DTYPE[(a as OpAttrs['Cast']).to])]);
      case 'ReduceSum':
      case 'ReduceMax': {
        const { axes, keepdims } = a as OpAttrs['ReduceSum'];
        // The IR's [] reduces nothing; ONNX's empty axes would reduce everything.
        if (axes.length === 0) return emit('Identity', ins, [out]);
        if (n.op === 'ReduceSum') return emit('ReduceSum', [ins[0]!, int64s(axes)], [out], [int('keepdims', keepdims ? 1 : 0)]);
        return emit('ReduceMax', ins, [out], [ints('axes', axes), int('keepdims', keepdims ? 1 : 0)]);
      }
      case 'ArgMax': {
        const { axis, keepdims } = a as OpAttrs['ArgMax'];
        const t = tmp();
        emit('ArgMax', ins, [t], [int('axis', axis), int('keepdims', keepdims ? 1 : 0), int('select_last_index', 0)]);
        return emit('Cast', [t], [out], [int('to', ONNX_DTYPE.int32)]);
      }
      case 'Reshape':
        return emit('Reshape', [ins[0]!, int64s((a as OpAttrs['Reshape']).shape)], [out]);
      case 'Transpose':
        return emit('Transpose', ins, [out], [ints('perm', (a as OpAttrs['Transpose']).perm)]);
      case 'Expand':
        return emit('Expand', [ins[0]!, int64s((a as OpAttrs['Expand']).shape)], [out]);
      case 'Slice': {
        const s = a as OpAttrs['Slice'];
        return emit('Slice', [ins[0]!, int64s(s.starts), int64s(s.ends), int64s(s.axes)], [out]);
      }
      case 'Pad':
        return emit('Pad', [ins[0]!, int64s((a as OpAttrs['Pad']).pads)], [out], [str('mode', 'constant')]);
      case 'Concat':
        return emit('Concat', ins, [out], [int('axis', (a as OpAttrs['Concat']).axis)]);
      case 'Gather':
        return emit('Gather', ins, [out], [int('axis', 0)]);
      case 'ScatterAdd': {
        // ScatterND(reduction=add) onto zeros, with indices as int64 [..., 1].
        const zeros = tmp();
        filled(n.shape, n.dtype, 0, zeros);
        const i64 = tmp();
        emit('Cast', [ins[1]!], [i64], [int('to', ONNX_DTYPE.int64)]);
        const idx = tmp();
        emit('Unsqueeze', [i64, int64s([-1])], [idx]);
        return emit('ScatterND', [zeros, idx, ins[0]!], [out], [str('reduction', 'add')]);
      }
      case 'Conv': {
        const g = a as OpAttrs['Conv'];
        const w = graph.nodes[n.inputs[1]!]!.shape;
        return emit('Conv', ins, [out], [ints('kernel_shape', [w[2]!, w[3]!]), ints('strides', g.strides), ints('pads', g.pads)]);
      }
      case 'ConvBackpropInput': {
        const g = a as OpAttrs['ConvBackpropInput'];
        const dy = graph.nodes[n.inputs[0]!]!.shape;
        const w = graph.nodes[n.inputs[1]!]!.shape;
        const [pt, pl, pb, pr] = g.pads;
        // output_padding restores the rows/cols that Conv's floor division dropped (always < stride).
        const oph = g.inputShape[2] - (g.strides[0] * (dy[2]! - 1) + w[2]! - pt - pb);
        const opw = g.inputShape[3] - (g.strides[1] * (dy[3]! - 1) + w[3]! - pl - pr);
        return emit('ConvTranspose', ins, [out], [
          ints('kernel_shape', [w[2]!, w[3]!]),
          ints('strides', g.strides),
          ints('pads', g.pads),
          ints('output_padding', [oph, opw]),
        ]);
      }
      case 'ConvBackpropFilter': {
        // dw[o,c,i,j] = Σ_{n,p,q} dy[n,o,p,q] · xpad[n,c,p·sh+i,q·sw+j]: a stride-1 Conv of x (batch as
        // channels) with dy as the filter, dilated by the forward strides; crop to the filter size.
        const g = a as OpAttrs['ConvBackpropFilter'];
        const dy = graph.nodes[n.inputs[1]!]!.shape;
        const xT = tmp();
        const dyT = tmp();
        emit('Transpose', [ins[0]!], [xT], [ints('perm', [1, 0, 2, 3])]);
        emit('Transpose', [ins[1]!], [dyT], [ints('perm', [1, 0, 2, 3])]);
        const conv = tmp();
        emit('Conv', [xT, dyT], [conv], [
          ints('kernel_shape', [dy[2]!, dy[3]!]),
          ints('strides', [1, 1]),
          ints('dilations', g.strides),
          ints('pads', g.pads),
        ]);
        const [, , kh, kw] = g.filterShape;
        const cropped = tmp();
        emit('Slice', [conv, int64s([0, 0]), int64s([kh, kw]), int64s([2, 3])], [cropped]);
        return emit('Transpose', [cropped], [out], [ints('perm', [1, 0, 2, 3])]);
      }
      default:
        throw new Error(`ONNX lowering: no rule for op ${n.op}`);
    }
  }

  const valueInfo = (name: string, id: number): Record<string, unknown> => {
    const n = graph.nodes[id]!;
    return {
      name,
      type: { tensor_type: { elem_type: ONNX_DTYPE[n.dtype], shape: { dim: n.shape.map((d) => ({ dim_value: d })) } } },
    };
  };
  const model = {
    ir_version: IR_VERSION,
    producer_name: 'mlo',
    opset_import: [{ domain: '', version: OPSET }],
    graph: {
      name: 'mlo',
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((id, k) => valueInfo(inputNames[k]!, id)),
      output: graph.outputs.map((id, k) => valueInfo(outputNames[k]!, id)),
    },
  };
  return { bytes: encodeModel(model), inputNames, outputNames, nodeCount: nodes.length };
}

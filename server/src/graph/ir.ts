/**
 * The graph IR: what the differentiation core produces and what executors consume.
 *
 * A {@link Graph} is a flat list of {@link Node}s in a valid execution order. Every node
 * computes exactly ONE value, named by the node's id; `nodes[i].id === i` always holds and
 * every input (and every `after` entry) of node i has an id smaller than i. There is no
 * control flow: loops (inner optimisation steps) are unrolled when the graph is traced.
 *
 * How an executor walks a graph:
 *   1. Bind `graph.inputs[k]` (ids of `Input` nodes, in argument order) to the k-th argument.
 *      Check it against the node's `shape` and `dtype`.
 *   2. For i = 0 .. nodes.length-1, skip `Input` nodes, materialise `Constant` nodes from
 *      `attrs.value` (length 1 = fill the whole shape, otherwise row-major data), and run
 *      every other node's kernel on the values of `node.inputs` (in order) with `node.attrs`.
 *      The result must have exactly `node.shape` / `node.dtype` (shape inference happened at
 *      trace time; executors never infer shapes).
 *   3. A value may be freed after its last use (by a later node or by `graph.outputs`).
 *      The order of `nodes` is the intended schedule: rematerialised nodes (see `remat`) are
 *      placed late on purpose so that liveness-based freeing saves memory. An executor that
 *      reorders nodes must keep each node after its `inputs` AND after its `after` entries.
 *   4. Return the values of `graph.outputs` (ids may repeat and may name inputs).
 *
 * Semantics follow ONNX (opset 17+) where one exists, so lowering is direct. Departures:
 * attributes that ONNX passes as tensors (Reshape/Expand shape, Slice starts/ends, Pad pads)
 * are static attributes here; `ScatterAdd`, `ConvBackpropInput` and `ConvBackpropFilter` are
 * the transposes that the rules need (see each op below); `StopGradient` is Identity at run
 * time; `Softplus` is log(1+exp(x)) computed stably. All shapes are static.
 */

/** Element types. Floats are computed in float32 by executors (float64 by the test reference). */
export type DType = 'float32' | 'int32' | 'bool';

/** A static shape; [] is a scalar. */
export type Shape = readonly number[];

/** The static type of a value. */
export interface TensorType {
  readonly shape: Shape;
  readonly dtype: DType;
}

/** Conv geometry (2-D, NCHW/OIHW, no dilation, one group). pads = [top, left, bottom, right] as in ONNX. */
export interface ConvGeometry {
  readonly strides: readonly [number, number];
  readonly pads: readonly [number, number, number, number];
}

/**
 * Every op and its attributes. Inputs are listed as (name: type). "bcast" = numpy broadcasting.
 */
export interface OpAttrs {
  /** Graph argument. `name` is for humans and for executors' feeds. */
  Input: { readonly name: string };
  /** value.length === 1: the whole shape is filled with value[0]; else row-major data. bool as 0/1. */
  Constant: { readonly value: readonly number[] };

  // ---- element-wise unary (float) ----
  Neg: Record<string, never>;
  Exp: Record<string, never>;
  Log: Record<string, never>;
  Tanh: Record<string, never>;
  Sigmoid: Record<string, never>;
  Relu: Record<string, never>;
  /** log(1 + exp(x)), computed stably (max(x,0) + log1p(exp(-|x|))). */
  Softplus: Record<string, never>;
  Sqrt: Record<string, never>;
  Abs: Record<string, never>;
  /** -1, 0, 1. */
  Sign: Record<string, never>;
  /** Identity at run time; transformations treat its derivative as zero. */
  StopGradient: Record<string, never>;

  // ---- element-wise binary, bcast (a, b same dtype) ----
  Add: Record<string, never>;
  Sub: Record<string, never>;
  Mul: Record<string, never>;
  Div: Record<string, never>;
  /** a ** b (float). */
  Pow: Record<string, never>;
  /** Comparisons, bcast, result bool. */
  Equal: Record<string, never>;
  Greater: Record<string, never>;
  GreaterOrEqual: Record<string, never>;
  Less: Record<string, never>;
  LessOrEqual: Record<string, never>;
  /** (cond: bool, a, b) bcast over all three; result dtype of a. */
  Where: Record<string, never>;
  /** Element-wise conversion; bool→number gives 0/1, number→bool is x != 0, float→int truncates. */
  Cast: { readonly to: DType };

  // ---- linear algebra ----
  /** numpy matmul for rank ≥ 2 operands: [..., m, k] x [..., k, n] → [..., m, n], batch dims bcast. */
  MatMul: Record<string, never>;

  // ---- reductions (axes non-negative, sorted, unique; [] is NOT "all" — it reduces nothing) ----
  ReduceSum: { readonly axes: readonly number[]; readonly keepdims: boolean };
  ReduceMax: { readonly axes: readonly number[]; readonly keepdims: boolean };
  /** Index of the first maximum along `axis`, int32. */
  ArgMax: { readonly axis: number; readonly keepdims: boolean };

  // ---- layout ----
  /** Target shape fully specified (no -1, no 0-copy). */
  Reshape: { readonly shape: readonly number[] };
  Transpose: { readonly perm: readonly number[] };
  /** Broadcast to exactly `shape` (numpy rules; rank may grow on the left). ONNX Expand. */
  Expand: { readonly shape: readonly number[] };
  /** Step 1. One entry per sliced axis; starts/ends non-negative, already clamped, start ≤ end. */
  Slice: { readonly starts: readonly number[]; readonly ends: readonly number[]; readonly axes: readonly number[] };
  /** Constant zero padding, ONNX layout [b_0, b_1, ..., e_0, e_1, ...], all ≥ 0. The transpose of Slice. */
  Pad: { readonly pads: readonly number[] };
  Concat: { readonly axis: number };

  // ---- indexing ----
  /** (data, indices: int32) → data[indices] along axis 0: shape indices.shape ++ data.shape[1:]. ONNX Gather axis=0. */
  Gather: { readonly axis: 0 };
  /**
   * (updates, indices: int32) → out of shape [size] ++ updates.shape[indices.rank:], zero-initialised,
   * out[indices[i]] += updates[i] (duplicates add up). The transpose of Gather; ONNX ScatterND
   * (reduction="add") onto zeros, with indices unsqueezed on the last axis.
   */
  ScatterAdd: { readonly size: number };

  // ---- convolution (NCHW input, OIHW filter, no bias, no dilation, group 1) ----
  /** (x [N,C,H,W], w [O,C,kh,kw]) → [N,O,Ho,Wo], Ho = floor((H + top + bottom - kh) / sh) + 1. ONNX Conv. */
  Conv: ConvGeometry;
  /**
   * (dy [N,O,Ho,Wo], w [O,C,kh,kw]) → dx of shape `inputShape` = the transpose of Conv in x:
   * ⟨ConvBackpropInput(dy, w), x⟩ = ⟨dy, Conv(x, w)⟩. ONNX ConvTranspose with output_shape.
   */
  ConvBackpropInput: ConvGeometry & { readonly inputShape: readonly [number, number, number, number] };
  /**
   * (x [N,C,H,W], dy [N,O,Ho,Wo]) → dw of shape `filterShape` = the transpose of Conv in w:
   * ⟨ConvBackpropFilter(x, dy), w⟩ = ⟨dy, Conv(x, w)⟩.
   */
  ConvBackpropFilter: ConvGeometry & { readonly filterShape: readonly [number, number, number, number] };
}

export type OpName = keyof OpAttrs;

/** One value-producing application of a primitive. */
export interface Node<O extends OpName = OpName> {
  /** Equal to the node's index in `Graph.nodes`; also the id of the value it computes. */
  readonly id: number;
  readonly op: O;
  /** Value ids, all < id. */
  readonly inputs: readonly number[];
  readonly attrs: OpAttrs[O];
  /** Inferred at trace time. */
  readonly shape: Shape;
  readonly dtype: DType;
  /**
   * Control-only dependencies (ids < id): run this node after those values exist. Set on
   * rematerialised nodes so that no scheduler hoists their recomputation into the forward pass.
   */
  readonly after?: readonly number[];
  /**
   * Checkpointing region: nodes traced inside one `remat(...)` call share this id. Reverse-mode
   * transformations do not keep these values for the backward pass; they recompute them.
   * Executors ignore it.
   */
  readonly region?: number;
  /** True on the backward-pass copies that recompute a `region` (for estimators and debugging). */
  readonly recompute?: boolean;
}

export interface Graph {
  /** Topologically ordered; nodes[i].id === i. */
  readonly nodes: readonly Node[];
  /** Ids of the `Input` nodes, in argument order. */
  readonly inputs: readonly number[];
  /** Result ids, in result order. */
  readonly outputs: readonly number[];
}

/** Type guard for a node of a given op (narrows attrs). */
export function isOp<O extends OpName>(node: Node, op: O): node is Node<O> {
  return node.op === op;
}

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Bytes per element, for memory estimates. bool as one byte. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

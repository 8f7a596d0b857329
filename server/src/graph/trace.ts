// The tracer: records primitive applications into a graph from shapes only (no data).
// Identical applications are shared (hash-consing), which is CSE for free and keeps the
// graphs that transformations emit small.
import type { DType, Graph, Node, OpAttrs, OpName, Shape, TensorType } from './ir.js';
import { inferType } from './shapes.js';

/** A trace-time handle on one value of a Tracer's graph. */
export class Value implements TensorType {
  constructor(
    readonly tracer: Tracer,
    readonly id: number,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}
  get rank(): number {
    return this.shape.length;
  }
  get size(): number {
    return this.shape.reduce((p, d) => p * d, 1);
  }
  get node(): Node {
    return this.tracer.nodes[this.id]!;
  }
}

export interface InputSpec {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype?: DType;
}

interface MutableNode {
  id: number;
  op: OpName;
  inputs: number[];
  attrs: OpAttrs[OpName];
  shape: Shape;
  dtype: DType;
  after?: number[];
  region?: number;
  recompute?: boolean;
}

export interface EmitOptions {
  after?: readonly Value[];
  recompute?: boolean;
  /** Skip hash-consing (recomputed copies must stay distinct). */
  fresh?: boolean;
}

export class Tracer {
  readonly nodes: Node[] = [];
  readonly inputs: Value[] = [];
  private readonly memo = new Map<string, number>();
  private region: number | undefined;
  private nextRegion = 0;

  value(id: number): Value {
    const n = this.nodes[id];
    if (!n) throw new Error(`no value ${id}`);
    return new Value(this, id, n.shape, n.dtype);
  }

  input(name: string, shape: Shape, dtype: DType = 'float32'): Value {
    const v = this.push({ op: 'Input', inputs: [], attrs: { name }, shape: [...shape], dtype });
    this.inputs.push(v);
    return v;
  }

  /** A constant: a number fills `shape` (default scalar); an array is row-major data. */
  constant(value: number | readonly number[], shape: Shape = [], dtype: DType = 'float32'): Value {
    const data = typeof value === 'number' ? [value] : [...value];
    const size = shape.reduce((p, d) => p * d, 1);
    if (data.length !== 1 && data.length !== size) throw new Error(`constant: ${data.length} values for shape [${shape.join(',')}]`);
    if (dtype === 'int32' && data.some((x) => !Number.isInteger(x))) throw new Error('constant: int32 data must be integers');
    if (dtype === 'bool') for (let i = 0; i < data.length; i++) data[i] = data[i] ? 1 : 0;
    const all = data.length === size && size > 1 && data.every((x) => x === data[0]) ? [data[0]!] : data;
    return this.memoised({ op: 'Constant', inputs: [], attrs: { value: all }, shape: [...shape], dtype });
  }

  /** Apply a primitive: infers the output type, shares identical applications. */
  emit<O extends OpName>(op: O, inputs: readonly Value[], attrs: OpAttrs[O], opts: EmitOptions = {}): Value {
    for (const v of inputs) if (v.tracer !== this) throw new Error(`${op}: value from another tracer`);
    const t = inferType(op, inputs, attrs);
    const node = {
      op,
      inputs: inputs.map((v) => v.id),
      attrs,
      shape: t.shape,
      dtype: t.dtype,
      ...(opts.after && opts.after.length ? { after: opts.after.map((v) => v.id) } : {}),
      ...(opts.recompute ? { recompute: true } : {}),
    };
    return opts.fresh ? this.push(node) : this.memoised(node);
  }

  /**
   * Trace `fn` as a checkpointing region: reverse-mode transformations recompute the values
   * computed inside instead of keeping them alive until the backward pass.
   */
  remat<T>(fn: () => T): T {
    const outer = this.region;
    this.region = this.nextRegion++;
    try {
      return fn();
    } finally {
      this.region = outer;
    }
  }

  /** A fresh region id (used when inlining a graph that has regions). */
  newRegion(): number {
    return this.nextRegion++;
  }

  /** Run `fn` with nodes it creates tagged with `region` (undefined = untagged). */
  inRegion<T>(region: number | undefined, fn: () => T): T {
    const outer = this.region;
    this.region = region;
    try {
      return fn();
    } finally {
      this.region = outer;
    }
  }

  /** The graph computing `outputs` from `inputs` (default: all inputs, in creation order), dead code removed. */
  build(outputs: readonly Value[], inputs: readonly Value[] = this.inputs): Graph {
    for (const v of [...outputs, ...inputs]) if (v.tracer !== this) throw new Error('build: value from another tracer');
    for (const v of inputs) if (v.node.op !== 'Input') throw new Error(`build: value ${v.id} is not an Input`);
    return compact(this.nodes, inputs.map((v) => v.id), outputs.map((v) => v.id));
  }

  private memoised(n: Omit<MutableNode, 'id'>): Value {
    const key = `${n.op}|${n.inputs.join(',')}|${JSON.stringify(n.attrs)}|${n.dtype}|${n.shape.join(',')}|${n.after?.join(',') ?? ''}|${n.recompute ? 'r' : ''}|${this.region ?? ''}`;
    const hit = this.memo.get(key);
    if (hit !== undefined) return this.value(hit);
    const v = this.push(n);
    this.memo.set(key, v.id);
    return v;
  }

  private push(n: Omit<MutableNode, 'id'>): Value {
    const id = this.nodes.length;
    const node: MutableNode = { id, ...n };
    if (this.region !== undefined && n.op !== 'Input' && n.op !== 'Constant') node.region = this.region;
    this.nodes.push(node as Node);
    return new Value(this, id, node.shape, node.dtype);
  }
}

/** Keep the nodes that outputs (or kept nodes' `after`) need, plus the inputs; renumber densely. */
export function compact(nodes: readonly Node[], inputs: readonly number[], outputs: readonly number[]): Graph {
  const live = new Uint8Array(nodes.length);
  for (const id of [...outputs, ...inputs]) live[id] = 1;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!live[i]) continue;
    const n = nodes[i]!;
    for (const j of n.inputs) live[j] = 1;
    for (const j of n.after ?? []) live[j] = 1;
  }
  const map = new Int32Array(nodes.length).fill(-1);
  const out: Node[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (!live[i]) continue;
    const n = nodes[i]!;
    if (n.op === 'Input' && !inputs.includes(i)) throw new Error(`graph needs input ${i} (${(n.attrs as { name: string }).name}) that is not an argument`);
    map[i] = out.length;
    const copy: Node = {
      ...n,
      id: out.length,
      inputs: n.inputs.map((j) => map[j]!),
      ...(n.after ? { after: n.after.map((j) => map[j]!) } : {}),
    };
    out.push(copy);
  }
  return { nodes: out, inputs: inputs.map((j) => map[j]!), outputs: outputs.map((j) => map[j]!) };
}

/** Trace a function of fresh inputs into a graph. */
export function traceGraph(specs: readonly InputSpec[], fn: (...xs: Value[]) => Value | readonly Value[]): Graph {
  const t = new Tracer();
  const xs = specs.map((s) => t.input(s.name, s.shape, s.dtype ?? 'float32'));
  const r = fn(...xs);
  return t.build(r instanceof Value ? [r] : r, xs);
}

/** Replay `g` inside tracer `t` on `args`; returns the values of g's outputs. */
export function inline(t: Tracer, g: Graph, args: readonly Value[]): Value[] {
  if (args.length !== g.inputs.length) throw new Error(`inline: graph takes ${g.inputs.length} arguments, got ${args.length}`);
  const env: Value[] = new Array(g.nodes.length);
  g.inputs.forEach((id, k) => {
    const n = g.nodes[id]!;
    const a = args[k]!;
    if (a.dtype !== n.dtype || a.shape.length !== n.shape.length || a.shape.some((d, i) => d !== n.shape[i]))
      throw new Error(`inline: argument ${k} has type ${a.dtype}[${a.shape.join(',')}], expected ${n.dtype}[${n.shape.join(',')}]`);
    env[id] = a;
  });
  const regions = new Map<number, number>();
  for (const n of g.nodes) {
    if (n.op === 'Input') {
      if (!env[n.id]) throw new Error(`inline: input node ${n.id} is not an argument`);
      continue;
    }
    if (n.op === 'Constant') {
      env[n.id] = t.constant((n.attrs as OpAttrs['Constant']).value, n.shape, n.dtype);
      continue;
    }
    let region: number | undefined;
    if (n.region !== undefined) {
      if (!regions.has(n.region)) regions.set(n.region, t.newRegion());
      region = regions.get(n.region);
    }
    const opts: EmitOptions = {
      ...(n.after ? { after: n.after.map((j) => env[j]!) } : {}),
      ...(n.recompute ? { recompute: true, fresh: true } : {}),
    };
    const emit = (): Value => t.emit(n.op, n.inputs.map((j) => env[j]!), n.attrs, opts);
    env[n.id] = region === undefined ? emit() : t.inRegion(region, emit);
  }
  return g.outputs.map((id) => env[id]!);
}

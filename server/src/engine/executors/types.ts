// The contract every executor keeps: compile a traced Graph (static shapes) once, then call it
// many times with host typed arrays. Executors own their device memory; callers own the arrays.
import type { DType, Graph } from '../../graph/ir.js';

/** Host data of one tensor: float32 → Float32Array, int32 → Int32Array, bool → Uint8Array (0/1). */
export type HostArray = Float32Array | Int32Array | Uint8Array;

/** Every backend the engine knows, best first in automatic selection (see docs/engine.md). */
export const BACKEND_ORDER = ['onnx-cuda', 'tfjs-node-gpu', 'onnx-cpu', 'tfjs-node', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** What is running, for logs and the panel. */
export interface BackendInfo {
  readonly name: BackendName;
  /** Human words for the device, e.g. "cpu, 2 intra-op threads" or "cuda:0". */
  readonly device: string;
  /** 'compiled' = one graph handed to a runtime; 'eager' = one kernel call per node. */
  readonly kind: 'compiled' | 'eager';
}

/** A graph ready to run on one executor. */
export interface CompiledGraph {
  /** One array per graph input, in `graph.inputs` order; returns one array per `graph.outputs` entry (fresh copies). */
  run(inputs: readonly HostArray[]): Promise<HostArray[]>;
  /** Releases what `compile` made that is not shared (sessions are cached by the executor and freed with it). */
  dispose(): void;
}

export interface Executor {
  readonly info: BackendInfo;
  compile(graph: Graph): Promise<CompiledGraph>;
  /** Frees every cached session / tensor of this executor. */
  dispose(): Promise<void>;
}

export function hostArrayFor(dtype: DType, size: number): HostArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Throws unless `inputs` match the graph's Input nodes in count, length and array type. */
export function checkInputs(graph: Graph, inputs: readonly HostArray[]): void {
  if (inputs.length !== graph.inputs.length) throw new Error(`graph takes ${graph.inputs.length} inputs, got ${inputs.length}`);
  graph.inputs.forEach((id, k) => {
    const n = graph.nodes[id]!;
    const size = n.shape.reduce((p, d) => p * d, 1);
    const a = inputs[k]!;
    const want = n.dtype === 'float32' ? Float32Array : n.dtype === 'int32' ? Int32Array : Uint8Array;
    if (!(a instanceof want)) throw new Error(`input ${k} (${inputName(graph, id)}) must be a ${want.name}`);
    if (a.length !== size) throw new Error(`input ${k} (${inputName(graph, id)}) has ${a.length} elements, shape [${n.shape.join(',')}] needs ${size}`);
  });
}

export function inputName(graph: Graph, id: number): string {
  const n = graph.nodes[id]!;
  return n.op === 'Input' ? (n.attrs as { name: string }).name : `#${id}`;
}

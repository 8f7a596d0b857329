// Peak memory of a graph by construction: walk the nodes in their order (the intended
// schedule), allocate each value when its node runs, free it after its last use. This is what a
// liveness-freeing executor needs at its worst moment, without running anything.
import { bytesPerElement, sizeOf, type Graph } from '../ir.js';

/** Ops whose result shares its input's buffer (ONNX Identity / Reshape). */
const VIEWS = new Set(['StopGradient', 'Reshape']);

export interface LivenessOptions {
  /**
   * Count graph inputs (parameters, states, data batches) as live from the start until their last
   * use. Default false: they are owned by the caller whatever the mode, and the data batches of
   * all K steps would otherwise make every mode grow with K.
   */
  readonly includeInputs?: boolean;
}

export interface Liveness {
  readonly peakBytes: number;
  /** Index of the node at which the peak is reached. */
  readonly peakAt: number;
}

export function liveness(g: Graph, o: LivenessOptions = {}): Liveness {
  const n = g.nodes.length;
  // Storage roots: a view is backed by its input's root.
  const root = new Int32Array(n);
  for (const node of g.nodes) root[node.id] = VIEWS.has(node.op) ? root[node.inputs[0]!]! : node.id;
  const last = new Int32Array(n).fill(-1);
  for (const node of g.nodes) {
    last[root[node.id]!] = Math.max(last[root[node.id]!]!, node.id);
    for (const j of node.inputs) last[root[j]!] = Math.max(last[root[j]!]!, node.id);
  }
  for (const id of g.outputs) last[root[id]!] = n;
  const freeAt: number[][] = Array.from({ length: n }, () => []);
  let live = 0;
  let peak = 0;
  let peakAt = 0;
  const bytes = (id: number): number => sizeOf(g.nodes[id]!.shape) * bytesPerElement(g.nodes[id]!.dtype);
  if (o.includeInputs) for (const id of g.inputs) live += bytes(id);
  for (const node of g.nodes) {
    const id = node.id;
    if (root[id] === id && node.op !== 'Input') live += bytes(id);
    if (live > peak) {
      peak = live;
      peakAt = id;
    }
    if (root[id] === id && last[id]! < n && (node.op !== 'Input' || o.includeInputs)) freeAt[Math.max(last[id]!, id)]!.push(id);
    for (const f of freeAt[id]!) live -= bytes(f);
  }
  return { peakBytes: peak, peakAt };
}

/** Peak bytes of intermediate values (see LivenessOptions) under in-order execution with freeing after last use. */
export const peakLiveBytes = (g: Graph, o: LivenessOptions = {}): number => liveness(g, o).peakBytes;

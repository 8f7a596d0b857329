// A stable identity for a graph: the same nodes, attributes, shapes and outputs give the same
// hash in every process, so compiled sessions can be cached per graph and shape set.
import { createHash } from 'node:crypto';
import type { Graph } from '../../graph/ir.js';

export function graphHash(graph: Graph): string {
  const h = createHash('sha256');
  for (const n of graph.nodes) {
    // Input names are labels, not semantics: two graphs differing only in names share a session.
    const attrs = n.op === 'Input' ? '' : JSON.stringify(n.attrs);
    h.update(`${n.op}(${n.inputs.join(',')})${attrs}:${n.dtype}[${n.shape.join(',')}]<${(n.after ?? []).join(',')}>;`);
  }
  h.update(`in:${graph.inputs.join(',')};out:${graph.outputs.join(',')}`);
  return h.digest('hex');
}

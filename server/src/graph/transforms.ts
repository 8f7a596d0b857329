// Graph → graph transformations. Each one replays its argument into a fresh tracer and
// differentiates there, so its result is an ordinary graph that any transformation (itself
// included) accepts again: grad(grad(g)), jvp(vjp(g)), hvp(...) compose freely.
import type { Graph, Node, OpAttrs } from './ir.js';
import { gradOf, hvpOf, jvpOf, vjpOf, type HvpMode } from './autodiff.js';
import { inline, Tracer, type Value } from './trace.js';

export interface WrtOptions {
  /** Positions in `g.inputs` to differentiate with respect to; default: every float32 input. */
  readonly wrt?: readonly number[];
}

export interface ScalarOptions extends WrtOptions {
  /** Position in `g.outputs` of the scalar to differentiate; default 0. */
  readonly output?: number;
}

function inputNode(g: Graph, k: number): Node {
  return g.nodes[g.inputs[k]!]!;
}

function nameOf(n: Node): string {
  return (n.attrs as OpAttrs['Input']).name;
}

/** Replay g's inputs and body into a fresh tracer. */
function replay(g: Graph): { t: Tracer; args: Value[]; outs: Value[] } {
  const t = new Tracer();
  const args = g.inputs.map((id) => {
    const n = g.nodes[id]!;
    return t.input(nameOf(n), n.shape, n.dtype);
  });
  return { t, args, outs: inline(t, g, args) };
}

function wrtPositions(g: Graph, o: WrtOptions): readonly number[] {
  const ks = o.wrt ?? g.inputs.map((_, k) => k).filter((k) => inputNode(g, k).dtype === 'float32');
  for (const k of ks) {
    if (k < 0 || k >= g.inputs.length) throw new Error(`wrt position ${k} out of range`);
    if (inputNode(g, k).dtype !== 'float32') throw new Error(`input ${k} (${nameOf(inputNode(g, k))}) is not float32`);
  }
  return ks;
}

function scalarOutput(g: Graph, outs: readonly Value[], o: ScalarOptions): Value {
  const k = o.output ?? 0;
  const v = outs[k];
  if (!v) throw new Error(`output ${k} out of range`);
  if (v.shape.length !== 0 || v.dtype !== 'float32') throw new Error(`output ${k} is not a float32 scalar`);
  return v;
}

/**
 * Reverse mode. Inputs: g's inputs, then one cotangent per output (`ct:k`).
 * Outputs: g's outputs, then one gradient per wrt position (zeros where independent).
 * Cotangents of non-float outputs are accepted and ignored.
 */
export function vjp(g: Graph, o: WrtOptions = {}): Graph {
  const { t, args, outs } = replay(g);
  const cts = outs.map((v, k) => t.input(`ct:${k}`, v.shape, v.dtype));
  const ks = wrtPositions(g, o);
  const grads = vjpOf(outs, cts.map((c) => (c.dtype === 'float32' ? c : null)), ks.map((k) => args[k]!));
  return t.build([...outs, ...grads], [...args, ...cts]);
}

/**
 * Forward mode. Inputs: g's inputs, then one tangent per wrt position (`tan:name`).
 * Outputs: g's outputs, then one tangent per output (zeros for independent or non-float outputs).
 */
export function jvp(g: Graph, o: WrtOptions = {}): Graph {
  const { t, args, outs } = replay(g);
  const ks = wrtPositions(g, o);
  const tans = ks.map((k) => t.input(`tan:${nameOf(inputNode(g, k))}`, args[k]!.shape, 'float32'));
  const touts = jvpOf(outs, ks.map((k) => args[k]!), tans);
  return t.build([...outs, ...touts], [...args, ...tans]);
}

/** Gradient of a scalar output. Inputs: g's inputs. Outputs: one gradient per wrt position. */
export function grad(g: Graph, o: ScalarOptions = {}): Graph {
  const { t, args, outs } = replay(g);
  const ks = wrtPositions(g, o);
  return t.build(gradOf(scalarOutput(g, outs, o), ks.map((k) => args[k]!)), args);
}

/** Like grad, with the scalar itself first. Outputs: [value, ...gradients]. */
export function valueAndGrad(g: Graph, o: ScalarOptions = {}): Graph {
  const { t, args, outs } = replay(g);
  const ks = wrtPositions(g, o);
  const loss = scalarOutput(g, outs, o);
  return t.build([loss, ...gradOf(loss, ks.map((k) => args[k]!))], args);
}

export interface HvpOptions extends ScalarOptions {
  /** How the second derivative is composed; default 'fwd-rev' (forward over reverse). */
  readonly mode?: HvpMode;
}

/**
 * Hessian-vector product of a scalar output. Inputs: g's inputs, then one vector per wrt
 * position (`v:name`). Outputs: (H·v) restricted to each wrt position.
 */
export function hvp(g: Graph, o: HvpOptions = {}): Graph {
  const { t, args, outs } = replay(g);
  const ks = wrtPositions(g, o);
  const vs = ks.map((k) => t.input(`v:${nameOf(inputNode(g, k))}`, args[k]!.shape, 'float32'));
  const hv = hvpOf(scalarOutput(g, outs, o), ks.map((k) => args[k]!), vs, o.mode ?? 'fwd-rev');
  return t.build(hv, [...args, ...vs]);
}

/** Re-trace a graph: shares identical nodes (CSE) and drops dead ones (DCE). */
export function simplify(g: Graph): Graph {
  const { t, args, outs } = replay(g);
  return t.build(outs, args);
}

/** Count of nodes per op (Input and Constant included), for tests, estimates and reports. */
export function opCounts(g: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of g.nodes) counts[n.op] = (counts[n.op] ?? 0) + 1;
  return counts;
}

/** One line per node, for debugging. */
export function formatGraph(g: Graph): string {
  return g.nodes
    .map((n) => {
      const attrs = n.op === 'Constant' && (n.attrs as OpAttrs['Constant']).value.length > 8 ? '{…}' : JSON.stringify(n.attrs);
      const flags = `${n.region !== undefined ? ` region=${n.region}` : ''}${n.recompute ? ' recompute' : ''}${n.after ? ` after=${n.after.join(',')}` : ''}`;
      return `%${n.id} = ${n.op}(${n.inputs.map((i) => `%${i}`).join(', ')}) ${attrs} : ${n.dtype}[${n.shape.join(',')}]${flags}`;
    })
    .concat(`return ${g.outputs.map((i) => `%${i}`).join(', ')}`)
    .join('\n');
}

/**
 * The whole graph as one checkpointing region: when it is inlined and differentiated in
 * reverse mode, its intermediates are recomputed in the backward pass instead of kept.
 * (Inside a trace, `tracer.remat(() => ...)` marks a region directly.)
 */
export function remat(g: Graph): Graph {
  return { ...g, nodes: g.nodes.map((n) => (n.op === 'Input' || n.op === 'Constant' ? n : { ...n, region: 0 })) };
}

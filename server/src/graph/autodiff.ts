// Forward (JVP) and reverse (VJP) mode inside one tracer: both walk the nodes already recorded
// and emit their derivative computation as new nodes of the same tracer, so the result can be
// differentiated again in either mode.
//
// Every `wrt` value is treated as an independent variable (a leaf): derivatives do not flow
// through a wrt value into whatever computed it. That is what makes `wrt` work on intermediate
// values such as the parameters after an inner optimisation step.
import type { Node } from './ir.js';
import * as op from './ops.js';
import { addZ, ruleOf, type RuleContext } from './rules.js';
import type { Tracer, Value } from './trace.js';

function differentiable(n: Node): boolean {
  return n.dtype === 'float32' && ruleOf(n.op) !== undefined;
}

function checkSame(t: Tracer, vs: readonly Value[]): void {
  for (const v of vs) if (v.tracer !== t) throw new Error('autodiff: values from different tracers');
}

/** Nodes (ids < limit) that depend differentiably on a wrt value. */
function activeSet(t: Tracer, wrt: readonly Value[], limit: number): Uint8Array {
  const active = new Uint8Array(limit);
  let lo = limit;
  for (const w of wrt) {
    if (w.dtype !== 'float32') throw new Error(`autodiff: cannot differentiate with respect to a ${w.dtype} value`);
    active[w.id] = 1;
    lo = Math.min(lo, w.id);
  }
  for (let i = lo + 1; i < limit; i++) {
    if (active[i]) continue;
    const n = t.nodes[i]!;
    if (differentiable(n) && n.inputs.some((j) => active[j])) active[i] = 1;
  }
  return active;
}

/**
 * Reverse mode: Σ_k cotangents[k]ᵀ · ∂outputs[k]/∂wrt for each wrt; null means zero.
 * Nodes traced in a `remat` region are recomputed (as fresh copies scheduled after the
 * cotangent that first needs them) instead of being referenced by the backward pass.
 */
export function vjpValues(outputs: readonly Value[], cotangents: readonly (Value | null)[], wrt: readonly Value[]): (Value | null)[] {
  if (wrt.length === 0) return [];
  const t = wrt[0]!.tracer;
  checkSame(t, [...outputs, ...wrt, ...cotangents.filter((c): c is Value => c !== null)]);
  if (outputs.length !== cotangents.length) throw new Error('vjp: one cotangent per output');
  const limit = t.nodes.length;
  const active = activeSet(t, wrt, limit);
  const isWrt = new Set(wrt.map((w) => w.id));
  const ct = new Map<number, Value>();
  const accumulate = (id: number, v: Value | null): void => {
    if (!v || !active[id]) return;
    const n = t.nodes[id]!;
    if (v.shape.length !== n.shape.length || v.shape.some((d, i) => d !== n.shape[i]))
      throw new Error(`vjp: cotangent of [${v.shape.join(',')}] for a value of [${n.shape.join(',')}] (${n.op})`);
    const prev = ct.get(id);
    ct.set(id, prev ? op.add(prev, v) : v);
  };
  outputs.forEach((o, k) => accumulate(o.id, cotangents[k] ?? null));

  const copies = new Map<number, Value>();
  const recomputed = new Set<number>();
  const primal = (id: number): Value => copies.get(id) ?? t.value(id);
  const lo = Math.min(...wrt.map((w) => w.id));
  for (let i = Math.max(...outputs.map((o) => o.id), -1); i > lo; i--) {
    const g = ct.get(i);
    if (!g || isWrt.has(i)) continue;
    const n = t.nodes[i]!;
    const rule = ruleOf(n.op);
    if (!rule) continue;
    const needs = n.inputs.map((j) => active[j] === 1);
    if (!needs.some(Boolean)) continue;
    if (n.region !== undefined && !recomputed.has(n.region)) {
      recomputed.add(n.region);
      recompute(t, n.region, i, g, copies);
    }
    const c: RuleContext = { node: n, inputs: n.inputs.map(primal), out: primal(i) };
    const cts = t.inRegion(undefined, () => rule.vjp(c, g, needs));
    n.inputs.forEach((j, k) => {
      if (needs[k]) accumulate(j, cts[k] ?? null);
    });
  }
  return wrt.map((w) => ct.get(w.id) ?? null);
}

/** Emit fresh copies of the region's nodes (ids ≤ upto), ordered after `after`. */
function recompute(t: Tracer, region: number, upto: number, after: Value, copies: Map<number, Value>): void {
  t.inRegion(undefined, () => {
    for (let j = 0; j <= upto; j++) {
      const n = t.nodes[j]!;
      if (n.region !== region) continue;
      const inside = n.inputs.some((k) => copies.has(k));
      const ins = n.inputs.map((k) => copies.get(k) ?? t.value(k));
      copies.set(j, t.emit(n.op, ins, n.attrs, { recompute: true, fresh: true, ...(inside ? {} : { after: [after] }) }));
    }
  });
}

/** Forward mode: ∂outputs[k]/∂wrt · tangents for each output; null means zero. */
export function jvpValues(outputs: readonly Value[], wrt: readonly Value[], tangents: readonly (Value | null)[]): (Value | null)[] {
  if (wrt.length === 0) return outputs.map(() => null);
  const t = wrt[0]!.tracer;
  checkSame(t, [...outputs, ...wrt, ...tangents.filter((c): c is Value => c !== null)]);
  if (wrt.length !== tangents.length) throw new Error('jvp: one tangent per wrt value');
  const tan = new Map<number, Value>();
  wrt.forEach((w, k) => {
    const v = tangents[k];
    if (w.dtype !== 'float32') throw new Error(`jvp: cannot differentiate with respect to a ${w.dtype} value`);
    if (!v) return;
    if (v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i])) throw new Error('jvp: tangent shape differs from its value');
    tan.set(w.id, v);
  });
  const isWrt = new Set(wrt.map((w) => w.id));
  const lo = Math.min(...wrt.map((w) => w.id));
  const hi = Math.max(...outputs.map((o) => o.id), -1);
  for (let i = lo + 1; i <= hi; i++) {
    if (isWrt.has(i)) continue;
    const n = t.nodes[i]!;
    if (!differentiable(n)) continue;
    const ts = n.inputs.map((j) => tan.get(j) ?? null);
    if (!ts.some((x) => x)) continue;
    const c: RuleContext = { node: n, inputs: n.inputs.map((j) => t.value(j)), out: t.value(i) };
    const r = t.inRegion(undefined, () => ruleOf(n.op)!.jvp(c, ts));
    if (r) tan.set(i, r);
  }
  return outputs.map((o) => tan.get(o.id) ?? null);
}

const materialise = (v: Value | null, like: Value): Value => v ?? op.zerosLike(like);

/** vjpValues with zeros materialised. */
export function vjpOf(outputs: readonly Value[], cotangents: readonly (Value | null)[], wrt: readonly Value[]): Value[] {
  return vjpValues(outputs, cotangents, wrt).map((v, k) => materialise(v, wrt[k]!));
}

/** jvpValues with zeros materialised. */
export function jvpOf(outputs: readonly Value[], wrt: readonly Value[], tangents: readonly (Value | null)[]): Value[] {
  return jvpValues(outputs, wrt, tangents).map((v, k) => materialise(v, outputs[k]!));
}

/** ∇ of a scalar float value with respect to each wrt value. */
export function gradOf(loss: Value, wrt: readonly Value[]): Value[] {
  if (loss.shape.length !== 0 || loss.dtype !== 'float32') throw new Error(`grad: loss must be a float32 scalar, got ${loss.dtype}[${loss.shape.join(',')}]`);
  return vjpOf([loss], [loss.tracer.constant(1)], wrt);
}

/** Hessian-vector products H·v of a scalar loss, by the chosen composition of modes. */
export function hvpOf(loss: Value, wrt: readonly Value[], vs: readonly Value[], mode: HvpMode = 'fwd-rev'): Value[] {
  if (mode === 'rev-fwd') {
    const [d] = jvpOf([loss], wrt, vs);
    return gradOf(d!, wrt);
  }
  const g = gradOf(loss, wrt);
  if (mode === 'fwd-rev') return jvpOf(g, wrt, vs);
  let s: Value | null = null;
  g.forEach((gi, k) => (s = addZ(s, op.sum(op.mul(gi, vs[k]!)))));
  return gradOf(s ?? loss.tracer.constant(0), wrt);
}

/** fwd-rev: forward over reverse; rev-rev: reverse over reverse; rev-fwd: reverse over forward. */
export type HvpMode = 'fwd-rev' | 'rev-rev' | 'rev-fwd';

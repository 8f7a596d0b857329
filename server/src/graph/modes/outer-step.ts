// The public builders: the graph of ONE outer step of the top level (traced once, replayed by
// the runner every step), the hypergradient at a given state (`mlo hypergrad`), and the outer
// objective after the lower levels' steps (for evaluation and finite-difference checks).
import type { DType, Graph, Shape } from '../ir.js';
import type { OptState } from '../nn/optimizers.js';
import type { Value } from '../trace.js';
import { OuterStepBuilder } from './builder.js';
import { resolveProblem, varKey, type LevelDef, type LevelNode, type ModeSpec, type ProblemTree } from './problem.js';

/** One argument or result of a built graph, in order. */
export interface Slot {
  readonly name: string;
  readonly kind: 'param' | 'state' | 'data' | 'loss' | 'norm' | 'hypergrad';
  readonly level: string;
  readonly shape: Shape;
  readonly dtype: DType;
}

export interface BuiltGraph {
  readonly graph: Graph;
  /** graph.inputs[i] is inputs[i]. */
  readonly inputs: readonly Slot[];
  /** graph.outputs[i] is outputs[i]. */
  readonly outputs: readonly Slot[];
  readonly tree: ProblemTree;
  /** Things the caller should tell the user (e.g. first_order dropping a dependency). */
  readonly warnings: readonly string[];
}

export interface BuildOptions {
  /** Replace the top level's hypergradient mode (`mlo hypergrad FILE --mode M`). */
  readonly mode?: ModeSpec;
}

/** Whether a level's parameters and optimizer state are carried between outer steps. */
const carried = (l: LevelNode): boolean => !l.resetSource;

interface Prepared {
  b: OuterStepBuilder;
  inputs: Value[];
  slots: Slot[];
  stateKeys: Map<string, { slot: string; index: number; name: string }[]>;
}

/**
 * Graph inputs, in this order, per level in pre-order (parents first):
 *   `param:L.p`            each parameter of L (levels without `reset from`)
 *   `state:L.slot.p`       each optimizer slot of each parameter (slot-major), then `state:L.step`
 *                          (a float32 scalar step count) for optimizers that count
 *   `data:L.field`         [N_L, ...field shape]: the batches of all N_L steps L takes in one
 *                          outer step (N_L = product of `steps` from the top; the top's N is 1)
 */
function prepare(tree: ProblemTree): Prepared {
  const b = new OuterStepBuilder(tree);
  const inputs: Value[] = [];
  const slots: Slot[] = [];
  const stateKeys = new Map<string, { slot: string; index: number; name: string }[]>();
  const add = (name: string, kind: Slot['kind'], level: string, shape: Shape, dtype: DType = 'float32'): Value => {
    const v = b.t.input(name, shape, dtype);
    inputs.push(v);
    slots.push({ name, kind, level, shape: [...shape], dtype });
    return v;
  };
  for (const l of tree.levels) {
    if (carried(l)) {
      for (const p of l.def.params) b.cur.set(varKey(l.name, p.name), add(`param:${l.name}.${p.name}`, 'param', l.name, p.shape));
      const o = l.def.optimizer.optimizer;
      const st: Record<string, Value[]> = {};
      const keys: { slot: string; index: number; name: string }[] = [];
      for (const slot of o.slots)
        st[slot] = l.def.params.map((p, index) => {
          const name = `state:${l.name}.${slot}.${p.name}`;
          keys.push({ slot, index, name });
          return add(name, 'state', l.name, p.shape);
        });
      if (o.counts) {
        st['step'] = [add(`state:${l.name}.step`, 'state', l.name, [])];
        keys.push({ slot: 'step', index: 0, name: `state:${l.name}.step` });
      }
      b.state.set(l.name, st);
      stateKeys.set(l.name, keys);
    }
    const fields = new Map<string, Value>();
    for (const f of l.def.data ?? []) fields.set(f.name, add(`data:${l.name}.${f.name}`, 'data', l.name, [l.totalSteps, ...f.shape], f.dtype ?? 'float32'));
    b.data.set(l.name, fields);
  }
  return { b, inputs, slots, stateKeys };
}

function warningsOf(tree: ProblemTree, b: OuterStepBuilder): string[] {
  const out: string[] = [];
  for (const l of tree.levels) {
    if (l.mode.mode !== 'first_order') continue;
    for (const c of l.children) {
      const rec = b.runs.get(c.name);
      const other = new Set((rec?.steps ?? []).flatMap((s) => s.reads.map((r) => r.key)).filter((k) => k.startsWith(`${l.name}.`)));
      if (other.size)
        out.push(`first_order on ${l.name}: the dependence of ${c.name} on ${[...other].join(', ')} through its loss or optimizer is dropped (only ∂L/∂φ and reset-from paths remain)`);
    }
  }
  return out;
}

/** Trace the top level's step: its lower levels' steps, its hypergradient, its update. */
function traceTop(p: Prepared): { loss: Value; grad: Value[]; theta: Value[]; state: OptState } {
  const root = p.b.tree.root;
  const out = p.b.step(root, p.b.params(root), p.b.state.get(root.name)!, p.b.nextBatchIndex(root));
  return { loss: out.loss, grad: out.grad, theta: out.theta, state: out.state };
}

/**
 * ONE outer step. Inputs: see `prepare`. Outputs, in order:
 *   `param:L.p` and `state:...` for every carried level, in the input order (new values: the top
 *   level after its update, lower levels after their last step in this outer step);
 *   `loss:L` for every level (its loss at its last step in this outer step; the top's is the
 *   outer objective at the lower levels' final iterates);
 *   `hypergrad_norm:L` for every level with children (‖total gradient‖ at its last step).
 */
export function buildOuterStep(root: LevelDef, o: BuildOptions = {}): BuiltGraph {
  const tree = resolveProblem(root, o.mode);
  const p = prepare(tree);
  const top = traceTop(p);
  const b = p.b;
  b.setParams(tree.root, top.theta);
  b.state.set(tree.root.name, top.state);
  const outs: Value[] = [];
  const slots: Slot[] = [];
  const push = (v: Value, s: Omit<Slot, 'shape' | 'dtype'>): void => {
    outs.push(v);
    slots.push({ ...s, shape: [...v.shape], dtype: v.dtype });
  };
  for (const l of tree.levels) {
    if (!carried(l)) continue;
    for (const prm of l.def.params) push(b.cur.get(varKey(l.name, prm.name))!, { name: `param:${l.name}.${prm.name}`, kind: 'param', level: l.name });
    const st = b.state.get(l.name)!;
    for (const k of p.stateKeys.get(l.name) ?? []) push(st[k.slot]![k.index]!, { name: k.name, kind: 'state', level: l.name });
  }
  for (const l of tree.levels) push(b.lastLoss.get(l.name)!, { name: `loss:${l.name}`, kind: 'loss', level: l.name });
  for (const l of tree.levels) if (l.children.length) push(b.norm(b.lastGrad.get(l.name)!), { name: `hypergrad_norm:${l.name}`, kind: 'norm', level: l.name });
  return { graph: b.build(outs, p.inputs), inputs: p.slots, outputs: slots, tree, warnings: warningsOf(tree, b) };
}

/**
 * The top level's total gradient (own partial + every path product) at the given state, after
 * its lower levels' steps, without updating anything. Inputs as for buildOuterStep. Outputs:
 * `hypergrad:T.p` for each top-level parameter, then `loss:T`.
 */
export function buildHypergradient(root: LevelDef, o: BuildOptions = {}): BuiltGraph {
  const tree = resolveProblem(root, o.mode);
  const p = prepare(tree);
  const top = traceTop(p);
  const outs = [...top.grad, top.loss];
  const slots: Slot[] = [
    ...tree.root.def.params.map((prm, i) => ({ name: `hypergrad:${tree.root.name}.${prm.name}`, kind: 'hypergrad' as const, level: tree.root.name, shape: [...top.grad[i]!.shape], dtype: 'float32' as DType })),
    { name: `loss:${tree.root.name}`, kind: 'loss', level: tree.root.name, shape: [], dtype: 'float32' },
  ];
  return { graph: p.b.build(outs, p.inputs), inputs: p.slots, outputs: slots, tree, warnings: warningsOf(tree, p.b) };
}

/** The outer objective F = L_top after the lower levels' steps. Inputs as for buildOuterStep; output `loss:T`. */
export function buildOuterLoss(root: LevelDef): BuiltGraph {
  const tree = resolveProblem(root, { mode: 'first_order' });
  const p = prepare(tree);
  const top = traceTop(p);
  return {
    graph: p.b.build([top.loss], p.inputs),
    inputs: p.slots,
    outputs: [{ name: `loss:${tree.root.name}`, kind: 'loss', level: tree.root.name, shape: [], dtype: 'float32' }],
    tree,
    warnings: [],
  };
}

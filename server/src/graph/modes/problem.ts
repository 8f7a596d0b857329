// The abstract problem that the hypergradient modes are built for: a tree of levels, each with
// its own parameters, loss, optimizer and step count. A later lowering of `.mlo` programs
// targets exactly these types; the graph builders (outer-step.ts) consume nothing else.
import type { DType, Shape } from '../ir.js';
import type { Optimizer } from '../nn/optimizers.js';
import type { Operand } from '../ops.js';
import type { Tracer, Value } from '../trace.js';

/** One parameter tensor owned by a level. */
export interface ParamDef {
  readonly name: string;
  readonly shape: Shape;
}

/** One field of the data batch a level reads at each of its steps (shape without the step axis). */
export interface DataField {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype?: DType;
}

/** What a loss or an optimizer-option function sees. */
export interface ReadContext {
  readonly tracer: Tracer;
  /**
   * The current value of any level's parameter. For the level being evaluated this is its own
   * (differentiable) iterate; for every other level a fresh alias of that level's current value,
   * so that each cross-level dependency is differentiated only along the dependency paths.
   */
  param(level: string, name: string): Value;
}

export interface LossContext extends ReadContext {
  /** This step's batch of the level's data fields. */
  readonly batch: Readonly<Record<string, Value>>;
}

/** How a level optimises its parameters: a functional optimizer from `nn/`, and its options. */
export interface OptimizerDef {
  /** The optimizer (its construction-time defaults hold the constant options). */
  readonly optimizer: Optimizer<object>;
  /**
   * Options that are traced functions of (upper-level) parameters, e.g. lr = exp(loglr):
   * `(c) => ({ lr: op.exp(c.param('tune', 'loglr')) })`. Evaluated at every step.
   */
  readonly options?: (c: ReadContext) => Readonly<Record<string, Operand | boolean>>;
}

/** How an upper level differentiates through the best responses of the levels directly below it. */
export type ModeSpec =
  | { readonly mode: 'unrolled' }
  | { readonly mode: 'truncated'; readonly steps: number }
  | { readonly mode: 'first_order' }
  | { readonly mode: 'darts'; readonly alpha?: number }
  | { readonly mode: 'neumann'; readonly iters?: number; readonly alpha?: number }
  | { readonly mode: 'cg'; readonly iters?: number; readonly damping?: number }
  | { readonly mode: 'sama'; readonly radius?: number }
  | { readonly mode: 'mixflow' }
  | { readonly mode: 'forward'; readonly maxScalars?: number }
  | { readonly mode: 'mrml'; readonly iters?: number; readonly damping?: number };

export type ModeName = ModeSpec['mode'];

export const MODE_NAMES: readonly ModeName[] = ['unrolled', 'truncated', 'first_order', 'darts', 'neumann', 'cg', 'sama', 'mixflow', 'forward', 'mrml'];

/** Modes that can serve a middle level (one with both a parent and children). */
export const MIDDLE_MODES: readonly ModeName[] = ['darts', 'sama'];

/** One level of the tree. The root is the top level: it takes exactly one step per outer step. */
export interface LevelDef {
  readonly name: string;
  readonly params: readonly ParamDef[];
  /** The level's objective, a float32 scalar. */
  readonly loss: (c: LossContext) => Value;
  readonly data?: readonly DataField[];
  readonly optimizer: OptimizerDef;
  /** Steps per step of the parent level (default 1; ignored on the root). */
  readonly steps?: number;
  /**
   * MAML-style restart: at every step of the parent, this level's parameters start from
   * `level`'s parameters (`map`: own name → source name, default same names) and its optimizer
   * state from zeros. `level` must be an ancestor.
   */
  readonly resetFrom?: { readonly level: string; readonly map?: Readonly<Record<string, string>> };
  /** iMAML: adds (λ/2)·Σ‖θ − θ_reset‖² to the loss (needs resetFrom). */
  readonly proximal?: number;
  /** For levels with children: how their best-response products are computed (default unrolled). */
  readonly hypergradient?: ModeSpec;
  readonly children?: readonly LevelDef[];
}

export class ProblemError extends Error {}

/** A level with its place in the tree resolved. */
export interface LevelNode {
  readonly def: LevelDef;
  readonly name: string;
  readonly parent: LevelNode | undefined;
  readonly children: LevelNode[];
  readonly depth: number;
  /** Steps per step of the parent (1 for the root). */
  readonly steps: number;
  /** Number of steps this level takes in one outer step (the product of steps up to the root). */
  readonly totalSteps: number;
  readonly mode: ModeSpec;
  readonly resetSource: LevelNode | undefined;
  /** Own parameter name → the reset source's parameter name. */
  readonly resetMap: ReadonlyMap<string, string>;
}

export interface ProblemTree {
  readonly root: LevelNode;
  /** Pre-order (parents before children). */
  readonly levels: readonly LevelNode[];
  readonly byName: ReadonlyMap<string, LevelNode>;
}

/** Key of a parameter in maps: `level.param`. */
export const varKey = (level: string, param: string): string => `${level}.${param}`;

/** Resolve and check the tree: names, reset sources, modes that cannot serve where they are used. */
export function resolveProblem(root: LevelDef, overrideRootMode?: ModeSpec): ProblemTree {
  const levels: LevelNode[] = [];
  const byName = new Map<string, LevelNode>();
  const visit = (def: LevelDef, parent: LevelNode | undefined): LevelNode => {
    if (byName.has(def.name)) throw new ProblemError(`level ${def.name} declared twice`);
    const names = new Set<string>();
    for (const p of def.params) {
      if (names.has(p.name)) throw new ProblemError(`level ${def.name}: parameter ${p.name} declared twice`);
      names.add(p.name);
    }
    const steps = parent ? (def.steps ?? 1) : 1;
    if (!Number.isInteger(steps) || steps < 1) throw new ProblemError(`level ${def.name}: steps must be a positive integer`);
    const mode = (!parent && overrideRootMode) || def.hypergradient || { mode: 'unrolled' as const };
    const node: LevelNode = {
      def,
      name: def.name,
      parent,
      children: [],
      depth: parent ? parent.depth + 1 : 0,
      steps,
      totalSteps: (parent?.totalSteps ?? 1) * steps,
      mode,
      resetSource: undefined,
      resetMap: new Map(),
    };
    byName.set(def.name, node);
    levels.push(node);
    for (const c of def.children ?? []) node.children.push(visit(c, node));
    return node;
  };
  const rootNode = visit(root, undefined);
  for (const n of levels) {
    const r = n.def.resetFrom;
    if (r) {
      let a = n.parent;
      while (a && a.name !== r.level) a = a.parent;
      if (!a) throw new ProblemError(`level ${n.name}: reset from ${r.level}, which is not above it`);
      const map = new Map<string, string>();
      for (const p of n.def.params) {
        const src = r.map?.[p.name] ?? p.name;
        const sp = a.def.params.find((q) => q.name === src);
        if (!sp) throw new ProblemError(`level ${n.name}: reset source ${r.level}.${src} does not exist`);
        if (sp.shape.join() !== p.shape.join()) throw new ProblemError(`level ${n.name}: ${p.name} [${p.shape}] resets from ${r.level}.${src} [${sp.shape}]`);
        map.set(p.name, src);
      }
      Object.assign(n, { resetSource: a, resetMap: map });
    }
    if (n.def.proximal !== undefined && !r) throw new ProblemError(`level ${n.name}: proximal needs reset from`);
    if (n.children.length === 0) continue;
    const m = n.mode;
    if (n.parent && !MIDDLE_MODES.includes(m.mode))
      throw new ProblemError(`level ${n.name} is a middle level: only ${MIDDLE_MODES.join(' and ')} can serve there, not ${m.mode}`);
    for (const c of n.children) {
      if (m.mode === 'truncated' && (!Number.isInteger(m.steps) || m.steps < 1 || m.steps > c.steps))
        throw new ProblemError(`level ${n.name}: truncated(${m.steps}) must be within 1..${c.steps} (the steps of ${c.name})`);
      if (m.mode === 'mixflow' && c.children.length > 0)
        throw new ProblemError(`level ${n.name}: mixflow recomputes inner gradients and needs ${c.name} to be a lowest level`);
    }
  }
  return { root: rootNode, levels, byName };
}

/** True if `a` is a strict ancestor of `b`. */
export function isAncestor(a: LevelNode, b: LevelNode): boolean {
  for (let p = b.parent; p; p = p.parent) if (p === a) return true;
  return false;
}

/** All levels strictly below `n`, closest first (breadth by depth). */
export function descendants(n: LevelNode): LevelNode[] {
  const out: LevelNode[] = [];
  const walk = (x: LevelNode): void => {
    for (const c of x.children) {
      out.push(c);
      walk(c);
    }
  };
  walk(n);
  return out.sort((a, b) => a.depth - b.depth);
}

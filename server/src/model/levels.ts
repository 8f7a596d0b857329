// The level graph: the hierarchy from `above` (cycles, roots, depth, direct lowers), the
// dependency edges inferred from what each level owns and reads, and the hypergradient paths
// of every upper level — start with one upper-to-lower edge, continue along lower-to-upper
// edges back to it (as in Betty). Pure data in, pure data out: no diagnostics here.

import type { Span } from '../syntax/ast.js';

export interface LevelNodeInput {
  name: string;
  /** The levels named in `above`, with the range of each name (only declared levels). */
  above: { name: string; range: Span }[];
  /** Keys of the parameter tensors it owns. */
  owned: ReadonlySet<string>;
  /** Tensors its loss reads (through lets too). */
  lossRefs: ReadonlySet<string>;
  /** Tensors its optimizer options read. */
  optRefs: ReadonlySet<string>;
  /** `reset from LEVEL`. */
  resetFrom?: string;
}

export type EdgeKind = 'upper-to-lower' | 'lower-to-upper';

export interface DependencyEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Why: the tensors that carry it, and/or `reset from`. */
  via: string[];
}

export interface HierarchyCycle {
  /** The levels, first repeated at the end: ['a', 'b', 'a']. */
  levels: string[];
  /** The range of each `above` name along the cycle. */
  ranges: Span[];
}

export interface LevelGraph {
  names: string[];
  /** Direct lowers (named in `above`) and direct uppers. */
  lowers: Map<string, string[]>;
  uppers: Map<string, string[]>;
  /** Levels with no level above them. */
  roots: string[];
  /** 0 for roots; 1 + the deepest upper's depth. */
  depth: Map<string, number>;
  /** All levels strictly below each level. */
  below: Map<string, Set<string>>;
  cycles: HierarchyCycle[];
  edges: DependencyEdge[];
  /** Hypergradient paths of each upper level; empty for levels with none. */
  paths: Map<string, string[][]>;
  /** Levels with both a level above and a level below. */
  middle: Set<string>;
}

/** Paths beyond this many per level are not enumerated (programs are small; this bounds the worst case). */
const MAX_PATHS = 256;

export function formatPath(path: readonly string[]): string {
  return path.join(' → ');
}

export function isAbove(g: LevelGraph, upper: string, lower: string): boolean {
  return g.below.get(upper)?.has(lower) ?? false;
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const x of a) if (b.has(x)) out.push(x);
  return out;
}

export function buildLevelGraph(nodes: readonly LevelNodeInput[]): LevelGraph {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const names = nodes.map((n) => n.name);
  const lowers = new Map<string, string[]>(names.map((n) => [n, [] as string[]]));
  const uppers = new Map<string, string[]>(names.map((n) => [n, [] as string[]]));
  for (const n of nodes) {
    for (const a of n.above) {
      if (!byName.has(a.name) || lowers.get(n.name)!.includes(a.name)) continue;
      lowers.get(n.name)!.push(a.name);
      uppers.get(a.name)!.push(n.name);
    }
  }

  // Cycles: depth-first search over upper → lower; a back edge closes a cycle.
  const cycles: HierarchyCycle[] = [];
  const seenCycles = new Set<string>();
  const state = new Map<string, 0 | 1 | 2>();
  const stack: string[] = [];
  const visit = (u: string) => {
    state.set(u, 1);
    stack.push(u);
    for (const l of lowers.get(u)!) {
      const s = state.get(l) ?? 0;
      if (s === 0) visit(l);
      else if (s === 1) {
        const levels = [...stack.slice(stack.indexOf(l)), l];
        const key = [...levels.slice(0, -1)].sort().join(',');
        if (!seenCycles.has(key)) {
          seenCycles.add(key);
          const ranges = levels.slice(0, -1).map((x, i) => byName.get(x)!.above.find((a) => a.name === levels[i + 1])!.range);
          cycles.push({ levels, ranges });
        }
      }
    }
    stack.pop();
    state.set(u, 2);
  };
  for (const n of names) if (!state.get(n)) visit(n);

  const below = new Map<string, Set<string>>();
  for (const n of names) {
    const seen = new Set<string>();
    const todo = [...lowers.get(n)!];
    // Breadth first, so levels (and so edges and paths) come in declaration order, nearest first.
    for (let i = 0; i < todo.length; i++) {
      const x = todo[i]!;
      if (seen.has(x)) continue;
      seen.add(x);
      todo.push(...lowers.get(x)!);
    }
    below.set(n, seen);
  }

  const depth = new Map<string, number>();
  const depthOf = (n: string, guard: Set<string>): number => {
    const known = depth.get(n);
    if (known !== undefined) return known;
    if (guard.has(n)) return 0;
    guard.add(n);
    const ups = uppers.get(n)!;
    const d = ups.length ? 1 + Math.max(...ups.map((u) => depthOf(u, guard))) : 0;
    guard.delete(n);
    depth.set(n, d);
    return d;
  };
  for (const n of names) depthOf(n, new Set());

  // Dependency edges, between levels in strict ancestor relation (not on a cycle).
  const edges: DependencyEdge[] = [];
  for (const u of nodes) {
    for (const lName of below.get(u.name)!) {
      if (lName === u.name || below.get(lName)!.has(u.name)) continue;
      const l = byName.get(lName)!;
      // (Membership in either set, without building their union per pair.)
      const down: string[] = [];
      for (const x of u.owned) if (l.lossRefs.has(x) || l.optRefs.has(x)) down.push(x);
      if (l.resetFrom === u.name) down.push('reset from');
      if (down.length) edges.push({ from: u.name, to: l.name, kind: 'upper-to-lower', via: down });
      const up = intersects(l.owned, u.lossRefs);
      if (up.length) edges.push({ from: l.name, to: u.name, kind: 'lower-to-upper', via: up });
    }
  }

  const upFrom = new Map<string, DependencyEdge[]>();
  const downFrom = new Map<string, DependencyEdge[]>();
  for (const e of edges) {
    const m = e.kind === 'lower-to-upper' ? upFrom : downFrom;
    const list = m.get(e.from);
    if (list) list.push(e);
    else m.set(e.from, [e]);
  }
  const paths = new Map<string, string[][]>();
  for (const u of names) {
    const found: string[][] = [];
    const walk = (at: string, path: string[]) => {
      if (found.length >= MAX_PATHS) return;
      for (const e of upFrom.get(at) ?? []) {
        if (e.to === u) found.push([...path, u]);
        else if (below.get(u)!.has(e.to) && !path.includes(e.to)) walk(e.to, [...path, e.to]);
      }
    };
    for (const e of downFrom.get(u) ?? []) walk(e.to, [u, e.to]);
    paths.set(u, found);
  }

  const middle = new Set(names.filter((n) => lowers.get(n)!.length > 0 && uppers.get(n)!.length > 0));
  const roots = names.filter((n) => uppers.get(n)!.length === 0);
  return { names, lowers, uppers, roots, depth, below, cycles, edges, paths, middle };
}

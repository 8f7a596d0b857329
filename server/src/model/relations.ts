// Checks between levels, on the level graph: ownership (twice, never), cycles, upper levels
// no gradient reaches, reads across unrelated levels, `reset from` and `proximal`.

import type { Ident } from '../syntax/ast.js';
import type { CheckContext } from './context.js';
import type { CheckedLevel, OwnedItem } from './level-body.js';
import { isAbove, type LevelGraph } from './levels.js';

export interface Ownership {
  /** Tensor key → the level that owns it and the item that says so (the first, when owned twice). */
  owner: Map<string, { level: string; item: OwnedItem }>;
}

export function checkOwnership(ctx: CheckContext, levels: CheckedLevel[]): Ownership {
  const owner = new Map<string, { level: string; item: OwnedItem }>();
  for (const l of levels) {
    for (const item of l.items) {
      let clash: { level: string; item: OwnedItem } | undefined;
      const clashing: string[] = [];
      for (const t of item.tensors) {
        const prev = owner.get(t.name);
        if (prev) {
          clash ??= prev;
          clashing.push(t.name);
        } else owner.set(t.name, { level: l.name, item });
      }
      if (clash) {
        const what = clashing.length === item.tensors.length ? `'${item.text}'` : `'${clashing[0]}'${clashing.length > 1 ? ` (and ${clashing.length - 1} more)` : ''}`;
        ctx.report('MLO030', item.range, { param: what, first: clash.level, second: l.name }, { related: [{ range: clash.item.range, message: `owned by '${clash.level}' here` }] });
      }
    }
  }
  return { owner };
}

/** MLO031: models and params read somewhere but (partly) owned by no level. */
export function checkNeverOwned(ctx: CheckContext, own: Ownership, used: Map<string, Ident>): void {
  for (const [name, firstUse] of used) {
    const net = ctx.nets.get(name);
    const tensors = net ? net.tensors.map((t) => t.name) : ctx.params.has(name) ? [name] : [];
    const free = tensors.filter((t) => !own.owner.has(t));
    if (free.length === 0) continue;
    const sym = ctx.symbols.globals.get(name);
    if (!sym?.nameRange) continue;
    const what = free.length === tensors.length ? `'${name}'` : `'${free[0]}'${free.length > 1 ? ` (and ${free.length - 1} more)` : ''}`;
    ctx.report('MLO031', sym.nameRange, { param: what }, { related: [{ range: firstUse.range, message: 'read here' }] });
  }
}

export function checkGraph(ctx: CheckContext, levels: CheckedLevel[], graph: LevelGraph, own: Ownership, owned: ReadonlyMap<CheckedLevel, ReadonlySet<string>>): void {
  const byName = new Map(levels.map((l) => [l.name, l]));
  for (const c of graph.cycles) {
    const [first, ...rest] = c.ranges;
    ctx.report('MLO020', first!, { cycle: c.levels.map((l) => `'${l}'`).join(' above ') }, { related: rest.map((r) => ({ range: r, message: 'on the cycle' })) });
  }
  const cyclic = new Set(graph.cycles.flatMap((c) => c.levels));

  for (const l of levels) {
    if (l.items.length === 0) ctx.report('MLO025', l.nameRange, { name: l.name });
    const lowers = graph.lowers.get(l.name) ?? [];
    const ownedKeys = owned.get(l)!;
    // A bottom level is trained by its own loss only.
    if (lowers.length === 0 && l.loss && !l.incomplete && ownedKeys.size > 0 && ![...ownedKeys].some((k) => l.loss!.env.refs.has(k))) {
      ctx.report('MLO026', l.nameRange, { level: l.name });
    }
    const belowIncomplete = [...(graph.below.get(l.name) ?? [])].some((n) => byName.get(n)?.incomplete);
    if (lowers.length > 0 && !cyclic.has(l.name) && !l.incomplete && !belowIncomplete && ownedKeys.size > 0 && (graph.paths.get(l.name) ?? []).length === 0) {
      ctx.report('MLO032', l.nameRange, { level: l.name });
    }
    // Reads of parameters owned by a level that is neither above nor below.
    const reported = new Set<string>();
    const reads = [...(l.loss?.env.refs ?? []), ...l.optRefs];
    for (const key of reads) {
      const o = own.owner.get(key);
      if (!o || o.level === l.name || ownedKeys.has(key) || reported.has(o.level)) continue;
      if (isAbove(graph, o.level, l.name) || isAbove(graph, l.name, o.level)) continue;
      if (!byName.has(o.level)) continue;
      reported.add(o.level);
      const use = l.used.get(o.item.declaredBy);
      ctx.report('MLO027', use?.range ?? l.nameRange, { level: l.name, param: `'${o.item.declaredBy}'`, owner: o.level });
    }
  }

  // reset from / proximal / init(MODEL)
  const resetSources = new Map<string, Set<string>>(); // upper → models reset from it
  for (const l of levels) {
    if (l.proximal && !l.resetFrom) ctx.report('MLO036', l.proximal.range, { level: l.name });
    if (!l.resetFrom) continue;
    const upper = l.resetFrom.name;
    if (!isAbove(graph, upper, l.name)) {
      ctx.report('MLO034', l.resetFrom.range, { upper, level: l.name });
      continue;
    }
    const missing: string[] = [];
    for (const item of l.items) {
      const model = item.declaredBy;
      const initKeys = item.tensors.map((t) => `init(${model})${t.name.slice(model.length)}`);
      const owned = initKeys.every((k) => own.owner.get(k)?.level === upper);
      if (!owned && !missing.includes(`init(${model})`)) missing.push(`init(${model})`);
      let set = resetSources.get(upper);
      if (!set) resetSources.set(upper, (set = new Set()));
      set.add(model);
    }
    if (missing.length) ctx.report('MLO035', l.resetFrom.range, { upper, missing: missing.join(' and ') });
  }
  for (const l of levels) {
    for (const item of l.items) {
      if (!item.init) continue;
      if (!resetSources.get(l.name)?.has(item.declaredBy)) ctx.report('MLO037', item.range, { model: item.declaredBy, level: l.name });
    }
  }
}

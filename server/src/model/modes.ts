// Whether each level's hypergradient mode can serve where it is used: no lower level, middle
// levels (only darts and sama), first_order on parameters that act only through a lower loss,
// truncation length, forward mode with many scalars, and the hints on exact modes (square
// roots of adaptive optimizers, memory that grows with the steps).

import type { CheckContext } from './context.js';
import type { CheckedLevel } from './level-body.js';
import type { LevelGraph } from './levels.js';
import { FORWARD_SCALAR_LIMIT, GROWING_STEPS_HINT, findKind, middleModes, modes, sqrtOptimizers } from './specs.js';

export function checkModes(ctx: CheckContext, levels: CheckedLevel[], graph: LevelGraph): void {
  const byName = new Map(levels.map((l) => [l.name, l]));
  const cyclic = new Set(graph.cycles.flatMap((c) => c.levels));
  for (const u of levels) {
    const mode = u.mode.name;
    const at = u.modeNode?.range ?? u.nameRange;
    const lowers = (graph.lowers.get(u.name) ?? []).map((n) => byName.get(n)).filter((l): l is CheckedLevel => !!l);
    if (lowers.length === 0) {
      if (u.mode.explicit) ctx.report('MLO033', at, { level: u.name });
      continue;
    }
    if (cyclic.has(u.name)) continue;

    if (graph.middle.has(u.name) && !middleModes.has(mode)) {
      ctx.report('MLO081', at, { mode: u.mode.explicit ? mode : `the default ${mode}`, level: u.name }, { data: { modes: [...middleModes] } });
    }

    if (mode === 'truncated') {
      const t = u.mode.options['steps'];
      if (t !== undefined) {
        for (const l of lowers) {
          if (l.stepsValid && t > l.steps) ctx.report('MLO056', u.modeOptionRanges.get('steps') ?? at, { t, k: l.steps, lower: l.name });
        }
      }
    }

    if (mode === 'first_order' && !u.incomplete) {
      const lossRefs = u.loss?.env.refs ?? new Set<string>();
      for (const item of u.items) {
        if (item.init) continue; // FOMAML: the initial values get dθ/dφ ≈ I
        const keys = item.tensors.map((t) => t.name);
        const through = [...(graph.below.get(u.name) ?? [])].filter((n) => {
          const l = byName.get(n);
          return l && keys.some((k) => l.loss?.env.refs.has(k) || l.optRefs.has(k));
        });
        if (through.length === 0) continue;
        const direct = keys.some((k) => lossRefs.has(k));
        ctx.report('MLO080', item.range, {
          param: `'${item.text}'`,
          lowers: through.map((n) => `'${n}'`).join(', '),
          result: direct ? `only the direct term of the loss of '${u.name}'` : 'identically zero',
        }, { data: { modes: ['darts', 'sama', 'cg', 'mixflow'] } });
      }
    }

    if (mode === 'forward') {
      const count = u.items.reduce((s, i) => s + i.tensors.reduce((a, t) => a + (t.count ?? 0), 0), 0);
      if (count > FORWARD_SCALAR_LIMIT) ctx.report('MLO082', at, { level: u.name, count, limit: FORWARD_SCALAR_LIMIT });
    }

    if (findKind(modes, mode)?.exact || mode === 'truncated') {
      for (const l of lowers) {
        if (sqrtOptimizers.has(l.optimizer.name)) ctx.report('MLO083', at, { mode, optimizer: l.optimizer.name, lower: l.name });
      }
    }

    if (mode === 'unrolled' || mode === 'truncated') {
      for (const l of lowers) {
        const steps = mode === 'truncated' ? Math.min(u.mode.options['steps'] ?? l.steps, l.steps) : l.steps;
        if (l.stepsValid && steps >= GROWING_STEPS_HINT) ctx.report('MLO084', at, { mode, steps, lower: l.name }, { data: { mode: 'mixflow' } });
      }
    }
  }
}

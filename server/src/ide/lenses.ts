// Code lenses (above each level: Run, Estimate, and the chosen mode's peak memory once the
// estimator is registered; above `run`: Run file) and inlay hints (parameter counts after
// models, shapes after lets and data, what each level owns or needs in memory). The memory lens
// is left for the client to resolve (`costLensTitle`): it then costs only the levels on screen.
import type { Span } from '../syntax/ast.js';
import { formatShape } from '../model/info.js';
import type { Analysis } from './analysis.js';
import { formatBytes, plural } from './describe.js';
import { chosenCost, levelEstimate } from './estimates.js';
import { describeVType, levelTypes } from './types.js';

export type LensCommand = { kind: 'runLevel'; level: string } | { kind: 'runFile' } | { kind: 'estimate'; level?: string };

export interface Lens {
  range: Span;
  /** Absent on a memory lens: `costLensTitle` gives it when the client resolves the lens. */
  title?: string;
  command: LensCommand;
}

/** The memory lens's title for a level, or undefined without an estimate. */
export function costLensTitle(a: Analysis, level: string): string | undefined {
  const e = levelEstimate(a, level);
  const cost = e ? chosenCost(e) : undefined;
  if (!e || !cost) return undefined;
  const over = e.budget !== undefined && cost.peakBytes !== null && cost.peakBytes > e.budget;
  return `${e.chosen}: peak ${formatBytes(cost.peakBytes)}${over ? ` — over the ${formatBytes(e.budget)} budget` : ''}`;
}

/** The lenses of a file; every level above another gets a memory lens without a title (to resolve). */
export function codeLenses(a: Analysis): Lens[] {
  const out: Lens[] = [];
  for (const d of a.result.program.decls) {
    if (d.kind === 'Run') {
      out.push({ range: d.keyword, title: '▶ Run file', command: { kind: 'runFile' } });
      continue;
    }
    if (d.kind !== 'Level' || !d.name.name) continue;
    const l = a.result.model.levels.get(d.name.name);
    if (!l) continue;
    const range = d.name.range;
    out.push({ range, title: '▶ Run', command: { kind: 'runLevel', level: l.name } });
    out.push({ range, title: 'Estimate', command: { kind: 'estimate', level: l.name } });
    if (l.lowers.length > 0) out.push({ range, command: { kind: 'estimate', level: l.name } });
  }
  return out;
}

export interface InlayHint {
  /** Where the hint is shown (before the character at this offset). */
  offset: number;
  label: string;
  kind: 'type' | 'parameter';
  tooltip?: string;
}

export function inlayHints(a: Analysis, range?: Span): InlayHint[] {
  const out: InlayHint[] = [];
  const m = a.result.model;
  const inRange = (o: number) => !range || (range.start <= o && o <= range.end);
  for (const d of a.result.program.decls) {
    if (d.range.end < (range?.start ?? 0) || d.range.start > (range?.end ?? Infinity)) continue;
    if (d.kind === 'Model') {
      const n = m.nets.get(d.name.name);
      if (n && inRange(d.range.end)) out.push({ offset: d.range.end, label: ` ${plural(n.count, 'param')}`, kind: 'type', tooltip: `${formatBytes(n.count * 4)} as float32` });
    } else if (d.kind === 'Param') {
      const p = m.params.get(d.name.name);
      const fromData = d.shape.some((e) => e.kind === 'Member');
      if (p && fromData && inRange(d.name.range.end)) out.push({ offset: d.name.range.end, label: `: ${formatShape(p.shape)}`, kind: 'type' });
    } else if (d.kind === 'Data') {
      const info = m.data.get(d.name.name);
      const x = info?.fields['x'];
      if (x && x.kind === 'tensor' && inRange(d.name.range.end)) out.push({ offset: d.name.range.end, label: `: x ${formatShape(x.shape)}`, kind: 'type' });
    } else if (d.kind === 'Level') {
      const l = m.levels.get(d.name.name);
      if (l && inRange(d.name.range.end)) {
        const e = levelEstimate(a, l.name);
        const cost = e ? chosenCost(e) : undefined;
        out.push({ offset: d.name.range.end, label: cost ? `: ${formatBytes(cost.peakBytes)} peak` : `: ${plural(l.ownedCount, 'param')}`, kind: 'type', tooltip: `owns ${formatBytes(l.ownedBytes)} of parameters` });
      }
      const types = levelTypes(a, d);
      for (const st of d.body) {
        if (st.kind !== 'Let' || !inRange(st.name.range.end)) continue;
        const t = types.lets.get(st.name.range.start);
        const shown = t ? describeVType(t) : undefined;
        if (shown) out.push({ offset: st.name.range.end, label: `: ${shown}`, kind: 'type' });
      }
    }
  }
  return out.sort((x, y) => x.offset - y.offset);
}

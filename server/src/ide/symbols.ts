// The outline of a document (data, models, params, levels with their statements, run) and the
// flat symbol list workspace symbol search runs over.
import type { Decl, LevelStmt, RunStmt, Span } from '../syntax/ast.js';
import { formatShape } from '../model/info.js';
import type { Analysis } from './analysis.js';
import { formatCount, plural } from './describe.js';

export type OutlineKind = 'data' | 'model' | 'param' | 'level' | 'run' | 'let' | 'statement' | 'setting';

export interface OutlineSymbol {
  name: string;
  detail?: string;
  kind: OutlineKind;
  range: Span;
  selectionRange: Span;
  children?: OutlineSymbol[];
}

export function documentSymbols(a: Analysis): OutlineSymbol[] {
  return a.result.program.decls.map((d) => declSymbol(a, d)).filter((s): s is OutlineSymbol => !!s);
}

function declSymbol(a: Analysis, d: Decl): OutlineSymbol | undefined {
  const m = a.result.model;
  const text = (r: Span) => a.text.slice(r.start, r.end);
  switch (d.kind) {
    case 'Data': {
      if (!d.name.name) return undefined;
      const info = m.data.get(d.name.name);
      return { name: d.name.name, kind: 'data', detail: info ? `${info.source}${info.rows != null ? ` · ${formatCount(info.rows)} rows` : ''}` : text(d.source.range).slice(0, 40), range: d.range, selectionRange: d.name.range };
    }
    case 'Model': {
      if (!d.name.name) return undefined;
      const n = m.nets.get(d.name.name);
      return { name: d.name.name, kind: 'model', detail: n ? `${n.kind} · ${plural(n.count, 'param')}` : text(d.spec.range).slice(0, 40), range: d.range, selectionRange: d.name.range };
    }
    case 'Param': {
      if (!d.name.name) return undefined;
      const p = m.params.get(d.name.name);
      return { name: d.name.name, kind: 'param', detail: p ? formatShape(p.shape) : '', range: d.range, selectionRange: d.name.range };
    }
    case 'Level': {
      if (!d.name.name) return undefined;
      const l = m.levels.get(d.name.name);
      return {
        name: d.name.name, kind: 'level',
        detail: l ? `${l.lowers.length ? `above ${l.lowers.join(', ')} · ` : ''}${l.lowers.length ? l.mode.name : `steps ${l.steps}`}` : '',
        range: d.range, selectionRange: d.name.range,
        children: d.body.map((s) => stmtSymbol(a, s)),
      };
    }
    case 'Run':
      return { name: 'run', kind: 'run', range: d.range, selectionRange: d.keyword, children: d.body.map((s) => stmtSymbol(a, s)) };
  }
}

function stmtSymbol(a: Analysis, s: LevelStmt | RunStmt): OutlineSymbol {
  const text = (r: Span) => a.text.slice(r.start, r.end).replace(/\s+/g, ' ');
  const short = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);
  switch (s.kind) {
    case 'Let': return { name: s.name.name || 'let', kind: 'let', detail: short(text(s.value.range)), range: s.range, selectionRange: s.name.range };
    case 'Setting': return { name: s.key.name, kind: 'setting', detail: short(text(s.value.range)), range: s.range, selectionRange: s.key.range };
    case 'Report': return { name: s.name ? `report ${s.name.name}` : 'report', kind: 'statement', detail: short(text(s.value.range)), range: s.range, selectionRange: s.name?.range ?? keywordRange(s.range, 6) };
    case 'Params': return { name: 'params', kind: 'statement', detail: short(s.items.map((i) => text(i.range)).join(', ')), range: s.range, selectionRange: keywordRange(s.range, 6) };
    case 'Loss': return { name: 'loss', kind: 'statement', detail: short(text(s.value.range)), range: s.range, selectionRange: keywordRange(s.range, 4) };
    case 'Optimizer': return { name: 'optimizer', kind: 'statement', detail: short(text(s.spec.range)), range: s.range, selectionRange: keywordRange(s.range, 9) };
    case 'Hypergradient': return { name: 'hypergradient', kind: 'statement', detail: short(text(s.spec.range)), range: s.range, selectionRange: keywordRange(s.range, 13) };
  }
}

function keywordRange(r: Span, length: number): Span {
  return { start: r.start, end: Math.min(r.end, r.start + length) };
}

export interface WorkspaceSymbol {
  name: string;
  kind: OutlineKind;
  detail?: string;
  range: Span;
  /** The level a let or statement belongs to. */
  container?: string;
}

/** Declarations and lets of one document, flat, filtered by a fuzzy query (subsequence, case-insensitive). */
export function workspaceSymbols(a: Analysis, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const s of documentSymbols(a)) {
    if (s.kind !== 'run') out.push({ name: s.name, kind: s.kind, ...(s.detail ? { detail: s.detail } : {}), range: s.selectionRange });
    if (s.kind === 'level') for (const c of s.children ?? []) if (c.kind === 'let') out.push({ name: c.name, kind: 'let', range: c.selectionRange, container: s.name });
  }
  return out.filter((s) => fuzzy(query, s.name));
}

export function fuzzy(query: string, name: string): boolean {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (const ch of n) if (ch === q[i]) i++;
  return i === q.length;
}

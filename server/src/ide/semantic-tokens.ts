// Semantic tokens: what each name IS, which a TextMate grammar cannot know — a data source, a
// model, a param, a level, a let, a function or kind, an option name — plus units after
// numbers. The legend is fixed; the lsp layer encodes these as the protocol's integers.
import type { Span } from '../syntax/ast.js';
import type { SymbolKind } from '../model/symbols.js';
import type { Analysis } from './analysis.js';
import { tokensOf } from './tokens.js';
import { callCategory } from './kinds.js';
import { children } from './walk.js';
import type { Node } from '../syntax/ast.js';

export const tokenTypes = ['data', 'model', 'param', 'level', 'let', 'function', 'option', 'unit'] as const;
export const tokenModifiers = ['declaration', 'defaultLibrary'] as const;
export type TokenType = (typeof tokenTypes)[number];
export type TokenModifier = (typeof tokenModifiers)[number];

export interface SemanticToken {
  range: Span;
  type: TokenType;
  modifiers: TokenModifier[];
}

const symbolType: Record<SymbolKind, TokenType> = {
  data: 'data', model: 'model', param: 'param', level: 'level', let: 'let', function: 'function', constant: 'function',
};

/** Semantic tokens of the whole text, or of those overlapping `range`; sorted, never overlapping. */
export function semanticTokens(a: Analysis, range?: Span): SemanticToken[] {
  const out: SemanticToken[] = [];
  const inRange = (r: Span) => !range || (r.end > range.start && r.start < range.end);
  const t = a.result.symbols;
  for (const s of t.declared) if (s.nameRange && inRange(s.nameRange)) out.push({ range: s.nameRange, type: symbolType[s.kind], modifiers: ['declaration'] });
  for (const r of t.references) {
    if (!inRange(r.range)) continue;
    out.push({ range: r.range, type: symbolType[r.symbol.kind], modifiers: r.symbol.nameRange ? [] : ['defaultLibrary'] });
  }
  const visit = (node: Node, path: Node[]) => {
    if (!inRange(node.range) && node.kind !== 'Program') return;
    path.push(node);
    // Option names of calls; kind names (csv, mlp, adam, cg).
    if (node.kind === 'Arg' && node.name) out.push({ range: node.name.range, type: 'option', modifiers: [] });
    if (node.kind === 'Call' && node.callee.kind === 'Ident' && callCategory(path, node)) out.push({ range: node.callee.range, type: 'function', modifiers: ['defaultLibrary'] });
    for (const c of children(node)) visit(c, path);
    path.pop();
  };
  visit(a.result.program, []);
  // Units written after numbers: `4GiB`, `80%`.
  for (const tok of tokensOf(a.text).tokens) {
    if (tok.cls !== 'number') continue;
    const m = /[A-Za-z%_][A-Za-z0-9_]*$|%$/.exec(tok.text);
    if (!m) continue;
    const r = { start: tok.start + m.index, end: tok.end };
    if (/e[+-]?\d/i.test(m[0])) continue;
    if (inRange(r)) out.push({ range: r, type: 'unit', modifiers: [] });
  }
  out.sort((x, y) => x.range.start - y.range.start || y.range.end - x.range.end);
  const clean: SemanticToken[] = [];
  for (const tok of out) {
    const last = clean[clean.length - 1];
    if (last && tok.range.start < last.range.end) continue; // first (outermost) wins
    if (tok.range.end > tok.range.start) clean.push(tok);
  }
  return clean;
}

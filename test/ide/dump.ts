// Renders every ide feature of one fixture as text, for golden comparison: per cursor marker
// (`$0`, `$1`, ... removed from the text before analysis) the hover, completion labels,
// signature help, definition, references, highlights and rename check; per file the outline,
// folding, semantic tokens, lenses, inlay hints, quick fixes and the formatted text.
import { analyze, type Analysis } from '../../server/src/ide/analysis.js';
import { codeActions } from '../../server/src/ide/actions.js';
import { complete } from '../../server/src/ide/completion.js';
import { formatText } from '../../server/src/ide/format.js';
import { hover } from '../../server/src/ide/hover.js';
import { codeLenses, costLensTitle, inlayHints } from '../../server/src/ide/lenses.js';
import { definition, highlights, prepareRename, references } from '../../server/src/ide/navigation.js';
import { semanticTokens } from '../../server/src/ide/semantic-tokens.js';
import { signatureHelp } from '../../server/src/ide/signature.js';
import { foldingRanges } from '../../server/src/ide/structure.js';
import { documentSymbols, type OutlineSymbol } from '../../server/src/ide/symbols.js';
import { nodeFileSystem } from '../../server/src/model/file-system.js';
import type { Span } from '../../server/src/syntax/ast.js';

/** The text without markers, and each marker's offset in it. */
export function markers(source: string): { text: string; cursors: { name: string; offset: number }[] } {
  const cursors: { name: string; offset: number }[] = [];
  let text = '';
  let last = 0;
  for (const m of source.matchAll(/\$(\d+)/g)) {
    text += source.slice(last, m.index);
    cursors.push({ name: m[0], offset: text.length });
    last = m.index! + m[0].length;
  }
  text += source.slice(last);
  return { text, cursors };
}

export function analyzeFixture(path: string, source: string): { a: Analysis; cursors: { name: string; offset: number }[] } {
  const { text, cursors } = markers(source);
  return { a: analyze(path, text, 1, nodeFileSystem), cursors };
}

export function dumpFixture(path: string, source: string): string {
  const { a, cursors } = analyzeFixture(path, source);
  const out: string[] = [];
  const pos = (o: number) => {
    const p = a.lines.positionAt(o);
    return `${p.line + 1}:${p.character + 1}`;
  };
  const span = (s: Span) => `${pos(s.start)}-${pos(s.end)} ${JSON.stringify(a.text.slice(s.start, s.end))}`;
  for (const c of cursors) {
    out.push(`== ${c.name} at ${pos(c.offset)}`);
    const h = hover(a, c.offset);
    out.push(h ? `hover ${span(h.range)}:\n${indent(h.contents)}` : 'hover: none');
    const comp = complete(a, c.offset);
    out.push(`completion [${span(comp.range)}]: ${comp.items.slice(0, 30).map((i) => i.label).join(' ')}${comp.items.length > 30 ? ` … (${comp.items.length})` : ''}`);
    const sig = signatureHelp(a, c.offset);
    out.push(sig ? `signature: ${sig.label} [${sig.parameters[sig.activeParameter]?.label ?? '-'}]` : 'signature: none');
    const def = definition(a, c.offset);
    if (def.length) out.push(`definition: ${def.map(span).join(', ')}`);
    const refs = references(a, c.offset);
    if (refs.length) out.push(`references: ${refs.map((r) => pos(r.start)).join(' ')}`);
    const hl = highlights(a, c.offset);
    if (hl.length) out.push(`highlights: ${hl.map((x) => `${pos(x.range.start)}${x.kind === 'write' ? 'w' : 'r'}`).join(' ')}`);
    const pr = prepareRename(a, c.offset);
    out.push(`rename: ${pr.ok ? `ok ${span(pr.range)}` : pr.message}`);
  }
  out.push('== outline');
  const outline = (s: OutlineSymbol, depth: number): void => {
    out.push(`${'  '.repeat(depth)}${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ''}`);
    for (const ch of s.children ?? []) outline(ch, depth + 1);
  };
  for (const s of documentSymbols(a)) outline(s, 0);
  out.push(`== folding: ${foldingRanges(a).map((f) => `${f.startLine + 1}-${f.endLine + 1}${f.kind === 'comment' ? 'c' : ''}`).join(' ')}`);
  out.push(`== semantic tokens: ${semanticTokens(a).map((t) => `${a.text.slice(t.range.start, t.range.end)}:${t.type}${t.modifiers.length ? `+${t.modifiers.join('+')}` : ''}`).join(' ')}`);
  out.push(`== lenses: ${codeLenses(a).flatMap((l) => {
    const title = l.title ?? (l.command.kind === 'estimate' && l.command.level ? costLensTitle(a, l.command.level) : undefined);
    return title ? [`${pos(l.range.start)} ${title}`] : [];
  }).join(' | ')}`);
  out.push(`== inlay hints: ${inlayHints(a).map((h) => `${pos(h.offset)}${h.label}`).join(' | ')}`);
  out.push('== quick fixes');
  for (const d of a.result.diagnostics) {
    for (const x of codeActions(a, d.range).filter((f) => f.diagnostic === d)) {
      out.push(`${d.code} ${span(d.range)}: ${x.title} → ${x.edits.map((e) => `${span(e.range)}=${JSON.stringify(e.newText)}`).join(', ')}`);
    }
  }
  for (const l of levelActions(a)) out.push(`action: ${l}`);
  const formatted = formatText(a);
  out.push(`== format${formatted === a.text ? ': unchanged' : ''}`);
  if (formatted !== a.text) out.push(formatted);
  return `${out.join('\n')}\n`;
}

function indent(s: string): string {
  return s.split('\n').map((l) => `  | ${l}`).join('\n');
}

/** Code actions offered over a whole level (budget actions have no diagnostic). */
export function levelActions(a: Analysis): string[] {
  return a.result.program.decls.filter((d) => d.kind === 'Level').flatMap((d) => codeActions(a, d.range).filter((x) => !x.diagnostic).map((x) => `${x.title} → ${x.edits.map((e) => JSON.stringify(e.newText)).join(', ')}`));
}

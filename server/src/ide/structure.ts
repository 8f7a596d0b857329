// Folding ranges (blocks, calls and lists over several lines, runs of comment lines) and
// selection ranges (the nesting of the tree around the cursor, innermost first).
import type { Span } from '../syntax/ast.js';
import type { Analysis } from './analysis.js';
import { pathAt, walk } from './walk.js';

export interface Fold {
  /** 0-based lines; the end line stays visible when it holds the closing bracket. */
  startLine: number;
  endLine: number;
  kind: 'region' | 'comment';
}

export function foldingRanges(a: Analysis): Fold[] {
  const out: Fold[] = [];
  const line = (o: number) => a.lines.positionAt(o).line;
  const add = (r: Span, closes: boolean) => {
    const s = line(r.start);
    let e = line(r.end);
    if (closes && e > s) e--; // keep `}` / `)` visible on its own line
    if (e > s) out.push({ startLine: s, endLine: e, kind: 'region' });
  };
  for (const { node } of walk(a.result.program)) {
    if (node.kind === 'Program') continue;
    if (node.kind === 'Level' || node.kind === 'Run') add(node.range, a.text[node.range.end - 1] === '}' && lineStartsWithCloser(a, node.range.end - 1));
    else if (node.kind === 'Call' && node.parens) add(node.parens, a.text[node.parens.end - 1] === ')' && lineStartsWithCloser(a, node.parens.end - 1));
    else if (node.kind === 'List') add(node.range, lineStartsWithCloser(a, node.range.end - 1));
    else if (node.kind === 'Data' || node.kind === 'Model' || node.kind === 'Param') add(node.range, false);
  }
  // Runs of two or more comment lines, each comment alone on its line.
  let run: { start: number; end: number } | undefined;
  for (const c of a.result.program.comments) {
    const l = line(c.range.start);
    const alone = lineStartsWithCloser(a, c.range.start, '#');
    if (!alone) continue;
    if (run && l === run.end + 1) run.end = l;
    else {
      if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: 'comment' });
      run = { start: l, end: l };
    }
  }
  if (run && run.end > run.start) out.push({ startLine: run.start, endLine: run.end, kind: 'comment' });
  // One fold per start line: the outermost.
  const byStart = new Map<number, Fold>();
  for (const f of out) {
    const prev = byStart.get(f.startLine);
    if (!prev || f.endLine > prev.endLine) byStart.set(f.startLine, f);
  }
  return [...byStart.values()].sort((x, y) => x.startLine - y.startLine);
}

/** Only whitespace between the line's start and `offset` (whose character is `ch` when given). */
function lineStartsWithCloser(a: Analysis, offset: number, ch?: string): boolean {
  if (ch && a.text[offset] !== ch) return false;
  for (let i = offset - 1; i >= 0; i--) {
    const c = a.text[i]!;
    if (c === '\n' || c === '\r') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

/** For each offset, the ranges from the innermost node out to the whole document; each contains the previous. */
export function selectionRanges(a: Analysis, offsets: readonly number[]): Span[][] {
  return offsets.map((offset) => {
    const path = pathAt(a.result.program, offset);
    const out: Span[] = [];
    for (let i = path.length - 1; i >= 0; i--) {
      const r = path[i]!.kind === 'Program' ? { start: 0, end: a.text.length } : path[i]!.range;
      const last = out[out.length - 1];
      if (last && last.start === r.start && last.end === r.end) continue;
      if (last && !(r.start <= last.start && last.end <= r.end)) continue; // keep the chain nested
      out.push(r);
    }
    if (out.length === 0) out.push({ start: 0, end: a.text.length });
    return out;
  });
}

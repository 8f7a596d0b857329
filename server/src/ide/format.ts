// The formatter: one canonical layout, computed on the tokens so that it can only ever change
// whitespace — never a token, never a comment, never the tree. The tree only says where
// declarations and statements start. The style is documented in docs/language-server.md:
//
// - declarations start at column 0; at most one blank line is kept between things;
// - a `level`/`run` block written over several lines has one statement per line, indented by
//   2, and `}` on its own line; a block written on one line stays on one line: `{ a, b }`;
// - a line break the author put inside a statement is kept, indented 2 per open bracket
//   (at least 2) past the statement; a closing bracket that starts a line goes back one step;
// - one space around `=`, `->`, `+`, `-`, `*`, `/` and after `,`, `;`, `:`; none around `.`,
//   `..` and `^`, inside brackets, before `(` of a call or `[` of a shape or index, after a unary `-`;
// - a comment after code is separated by two spaces; trailing whitespace is removed; the file
//   ends with one newline.
// Text with syntax errors is not formatted (a guess could move a comment into the wrong place).
import type { Decl, Span } from '../syntax/ast.js';
import type { Analysis } from './analysis.js';
import type { TextEdit } from './navigation.js';
import { tokensOf, type Tok } from './tokens.js';

interface Item {
  text: string;
  start: number;
  end: number;
  comment: boolean;
  cls?: Tok['cls'];
}

interface Block {
  open: number;
  close: number;
  multiLine: boolean;
}

const SYNTAX_CODES = /^MLO00[1-7]$/;

export function canFormat(a: Analysis): boolean {
  return !a.result.diagnostics.some((d) => SYNTAX_CODES.test(d.code)) && tokensOf(a.text).problems === 0;
}

/** Edits that turn the text into its canonical layout; `range` limits them to the gaps it touches. */
export function formatEdits(a: Analysis, range?: Span): TextEdit[] {
  if (!canFormat(a)) return [];
  const gaps = layout(a);
  return gaps.filter((g) => g.newText !== a.text.slice(g.range.start, g.range.end) && (!range || (g.range.end >= range.start && g.range.start <= range.end)));
}

/** The formatted text (or the text unchanged when it cannot be formatted). */
export function formatText(a: Analysis): string {
  const edits = formatEdits(a);
  let out = '';
  let at = 0;
  for (const e of edits) {
    out += a.text.slice(at, e.range.start) + e.newText;
    at = e.range.end;
  }
  return out + a.text.slice(at);
}

/** The whitespace every gap between two items (tokens and comments) should hold. */
function layout(a: Analysis): TextEdit[] {
  const { tokens, comments } = tokensOf(a.text);
  const items: Item[] = [
    ...tokens.map((t) => ({ text: t.text, start: t.start, end: t.end, comment: false, cls: t.cls })),
    ...comments.map((c) => ({ text: a.text.slice(c.start, c.end), start: c.start, end: c.end, comment: true })),
  ].sort((x, y) => x.start - y.start);
  const eol = a.text.includes('\r\n') ? '\r\n' : '\n';
  const program = a.result.program;

  const declStarts = new Set<number>();
  const stmtStarts = new Set<number>(); // statements of multi-line blocks
  const keywordStarts = new Set<number>(); // every declaration and statement keyword
  const blocks: Block[] = [];
  const byOffset = new Map(items.map((it, i) => [it.start, i]));
  for (const d of program.decls) {
    declStarts.add(d.range.start);
    keywordStarts.add(d.range.start);
    const block = blockOf(a.text, d, items, byOffset);
    if (!block) continue;
    blocks.push(block);
    const body = d.kind === 'Level' || d.kind === 'Run' ? d.body : [];
    for (const s of body) {
      keywordStarts.add(s.range.start);
      if (block.multiLine) stmtStarts.add(s.range.start);
    }
  }
  const blockAt = (offset: number) => blocks.find((b) => b.open < offset && offset <= b.close);
  const closers = new Map(blocks.filter((b) => b.multiLine).map((b) => [b.close, b]));
  const openers = new Set(blocks.map((b) => b.open));
  const oneLineOpeners = new Set(blocks.filter((b) => !b.multiLine).map((b) => b.open));
  const oneLineClosers = new Set(blocks.filter((b) => !b.multiLine).map((b) => b.close));

  const edits: TextEdit[] = [];
  let depth = 0; // brackets open in the current statement
  let prevUnaryMinus = false;
  for (let i = 0; i < items.length; i++) {
    const t = items[i]!;
    const p = items[i - 1];
    const gapStart = p ? p.end : 0;
    const original = a.text.slice(gapStart, t.start);
    const newlines = countNewlines(original);
    const startsStatement = declStarts.has(t.start) || stmtStarts.has(t.start) || closers.has(t.start);
    if (declStarts.has(t.start) || stmtStarts.has(t.start)) depth = 0;
    const block = blockAt(t.start);
    const base = block && !closers.has(t.start) && !(block.close === t.start) ? 2 : 0;

    let gap: string;
    if (!p) gap = '';
    else if (p.comment || startsStatement || (newlines > 0 && !openers.has(t.start))) {
      const blank = newlines >= 2 && !openers.has(p.start) && !closers.has(t.start) ? eol : '';
      let indent: number;
      if (declStarts.has(t.start) || closers.has(t.start)) indent = 0;
      else if (stmtStarts.has(t.start)) indent = 2;
      else if (depth === 0 && (t.comment || nextIsStatementStart(items, i, declStarts, stmtStarts, closers))) indent = base;
      else {
        // Continuation: 2 per open bracket (at least 2); a closing bracket goes back one step.
        const closing = !t.comment && (t.text === ')' || t.text === ']');
        indent = base + (closing ? 2 * Math.max(0, depth - 1) : 2 * Math.max(1, depth));
      }
      gap = eol + blank + ' '.repeat(indent);
    } else if (t.comment) gap = '  ';
    else gap = space(p, t, keywordStarts, prevUnaryMinus, oneLineOpeners, oneLineClosers);

    edits.push({ range: { start: gapStart, end: t.start }, newText: gap });

    if (!t.comment) {
      if (t.text === '(' || t.text === '[') depth++;
      else if ((t.text === ')' || t.text === ']') && depth > 0) depth--;
      prevUnaryMinus = t.text === '-' && isUnary(p, keywordStarts);
    }
  }
  const last = items[items.length - 1];
  const tailStart = last ? last.end : 0;
  edits.push({ range: { start: tailStart, end: a.text.length }, newText: last ? eol : '' });
  return edits;
}

function nextIsStatementStart(items: Item[], i: number, declStarts: Set<number>, stmtStarts: Set<number>, closers: Map<number, Block>): boolean {
  // A comment on its own line belongs to what follows it: indent it like that.
  for (let k = i; k < items.length; k++) {
    const it = items[k]!;
    if (it.comment) continue;
    return declStarts.has(it.start) || stmtStarts.has(it.start) || closers.has(it.start);
  }
  return true;
}

function blockOf(text: string, d: Decl, items: Item[], byOffset: Map<number, number>): Block | undefined {
  if (d.kind !== 'Level' && d.kind !== 'Run') return undefined;
  const first = byOffset.get(d.range.start);
  if (first === undefined) return undefined;
  let open: Item | undefined;
  for (let k = first; k < items.length && items[k]!.start < d.range.end; k++) {
    if (!items[k]!.comment && items[k]!.text === '{') {
      open = items[k];
      break;
    }
  }
  const lastIdx = byOffset.get(d.range.end - 1);
  const close = lastIdx !== undefined && items[lastIdx]!.text === '}' ? items[lastIdx] : undefined;
  if (!open || !close || close.start <= open.start) return undefined;
  const inner = items.slice(items.indexOf(open), items.indexOf(close) + 1);
  // Multi-line when the author broke a line inside it (or a comment forces it).
  let multiLine = inner.some((it) => it.comment);
  for (let k = 1; k < inner.length && !multiLine; k++) if (/[\r\n]/.test(text.slice(inner[k - 1]!.end, inner[k]!.start))) multiLine = true;
  return { open: open.start, close: close.start, multiLine };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

const operandEnd = (t: Item) => t.cls === 'name' || t.cls === 'number' || t.cls === 'string' || t.text === ')' || t.text === ']';

function isUnary(p: Item | undefined, keywordStarts: Set<number>): boolean {
  return !p || p.comment || !operandEnd(p) || keywordStarts.has(p.start);
}

function space(p: Item, t: Item, keywordStarts: Set<number>, prevUnaryMinus: boolean, oneLineOpeners: Set<number>, oneLineClosers: Set<number>): string {
  if (oneLineOpeners.has(p.start)) return t.text === '}' ? '' : ' ';
  if (oneLineClosers.has(t.start)) return ' ';
  if (t.text === '{') return ' ';
  if (p.text === '(' || p.text === '[') return '';
  if ([')', ']', ',', ';', ':'].includes(t.text)) return '';
  if (t.text === '.' || p.text === '.' || t.text === '..' || p.text === '..') return '';
  if (t.text === '^' || p.text === '^') return '';
  if (prevUnaryMinus) return '';
  if (t.text === '(' || t.text === '[') return operandEnd(p) && !keywordStarts.has(p.start) ? '' : ' ';
  return ' ';
}

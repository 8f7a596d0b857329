// Incremental parsing for the editor: after an edit, re-parse only the top-level items it can
// have changed and keep the others, so a keystroke in a long file costs one declaration's parse.
//
// A declaration's parse reads its own tokens and at most a few after them (TopItem.seenTo), and
// does not depend on anything before its keyword. So, for an edit that turned old[p, p + m) into
// text[p, newEnd):
//   - items whose `seenTo` is at most p cannot see it: they are kept as they are;
//   - the parser restarts at the first declaration after them, lexing from there (a token start,
//     so the lexer needs no context) to a line start a little past the edit (no token spans a
//     line break);
//   - it stops at the first declaration at or past newEnd that also started an item of the old
//     parse, with enough lexed tokens after it for the lookahead of the items before: from there
//     on the tokens are the old ones, shifted, and so are the items.
// The result is exactly what parsing the whole text gives; the tests hold the two together on
// random edits.
import type { Comment, Decl, SyntaxProblem, TopItem } from './ast.js';
import { scan, type Scan } from './scanner.js';
import { mergeProblems, parseText, type ParsedText } from './parse.js';
import { LOOKAHEAD_REACH, parser } from './parser.js';
import { TokenStream } from './token-stream.js';

/**
 * `text` parsed, re-using what it can of `previous` (the parse of an earlier version of the same
 * document). `window`: how many characters past the edit to lex first (tests make it small).
 */
export function reparse(previous: ParsedText, text: string, window = WINDOW): ParsedText {
  const old = previous.text;
  if (text === old) return previous;
  const items = previous.items;
  if (!previous.reusable || items.length === 0) return parseText(text);

  // The edit: old[p, oldEnd) became text[p, newEnd).
  const { start: p, newEnd } = changedSpan(old, text);
  const delta = text.length - old.length;

  // Restart at the last declaration before which no item could see the edit.
  let k = lastStartingBefore(items, p);
  while (k > 0 && (items[k]!.decl === undefined || items[k - 1]!.seenTo > p)) k--;
  if (k <= 0) return parseText(text);
  const from = items[k]!.start;

  // Old declarations the new parse may stop at: past the edit, where the old text is unchanged.
  const oldDeclAt = new Map<number, number>();
  for (let j = k + 1; j < items.length; j++) {
    if (items[j]!.decl !== undefined && items[j]!.start + delta >= newEnd) oldDeclAt.set(items[j]!.start, j);
  }
  // Lex a window past the edit, not the whole rest: the parse stops at the first kept
  // declaration it meets, if enough tokens follow it in the window for the lookahead of the items
  // before it. Otherwise (an edit that swallows what follows) lex the whole rest.
  let to = lineStartFrom(text, Math.min(text.length, newEnd + window));
  for (;;) {
    let lexed: Scan;
    try {
      lexed = scan(text, from, to);
    } catch {
      return parseText(text);
    }
    const whole = to === text.length;
    const n = lexed.count;
    const ts = new TokenStream(text, lexed);
    const run = parser.parseProgram(ts, ts.chevrotainTokens(false), [], text.length, (at, token) => at >= newEnd && oldDeclAt.has(at - delta) && (whole || token + LOOKAHEAD_REACH < n));
    if (!run.reusable) return parseText(text);
    if (run.stoppedAt === undefined && !whole) {
      to = text.length;
      continue;
    }
    return assemble(previous, text, k, run.items, run.stoppedAt, oldDeclAt, delta, lexed);
  }
}

/**
 * The edit that turns `before` into `after`, as the longest common prefix and suffix leave it:
 * `before[start, oldEnd)` became `after[start, newEnd)`.
 */
export function changedSpan(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  let p = 0;
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  return { start: p, oldEnd: before.length - s, newEnd: after.length - s };
}

/** Characters lexed past the end of an edit before the parse may stop (a few declarations). */
const WINDOW = 2048;

/** The first line start at or after `offset` (or the end of the text). */
function lineStartFrom(text: string, offset: number): number {
  if (offset === 0 || offset >= text.length) return offset;
  const nl = text.indexOf('\n', offset - 1);
  return nl < 0 ? text.length : nl + 1;
}

/**
 * The new parse: the previous items before the restart, the re-parsed ones, and the previous
 * ones from the declaration where the parse stopped, moved by `delta`; comments and lexer
 * problems likewise (those of the re-lexed window up to the stop).
 */
function assemble(
  previous: ParsedText,
  text: string,
  k: number,
  parsedItems: readonly TopItem[],
  stoppedAt: number | undefined,
  oldDeclAt: ReadonlyMap<number, number>,
  delta: number,
  lexed: { comments: Comment[]; problems: SyntaxProblem[] },
): ParsedText {
  const items = previous.items;
  const from = items[k]!.start;
  const resume = stoppedAt === undefined ? items.length : oldDeclAt.get(stoppedAt - delta)!;
  const nextItems: TopItem[] = items.slice(0, k);
  for (const item of parsedItems) nextItems.push(item);
  // seenTo is cumulative (the reach of an item and of every one before it): keep it so.
  let reach = nextItems.length > 0 ? nextItems[nextItems.length - 1]!.seenTo : 0;
  for (let j = resume; j < items.length; j++) {
    const item = shiftItem(items[j]!, delta, reach);
    reach = item.seenTo;
    nextItems.push(item);
  }

  const comments = spliced(previous.result.program.comments, lexed.comments, from, stoppedAt, delta);
  const lexProblems = spliced(previous.lexProblems, lexed.problems, from, stoppedAt, delta);

  const decls: Decl[] = [];
  const parserProblems: SyntaxProblem[] = [];
  for (const item of nextItems) {
    if (item.decl) decls.push(item.decl);
    for (const q of item.problems) parserProblems.push(q);
  }
  return {
    text,
    result: {
      program: { kind: 'Program', decls, comments, range: { start: 0, end: text.length } },
      problems: mergeProblems(lexProblems, parserProblems),
    },
    items: nextItems,
    lexProblems,
    reusable: true,
  };
}

/** Index of the last item starting at or before `offset` (0 when none does). */
function lastStartingBefore(items: readonly TopItem[], offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (items[mid]!.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * A text-ordered list (comments, lexer problems) of the new parse: the old elements before the
 * restart at `from`, the re-lexed ones up to where the parse stopped, and the old ones from there
 * on, moved by `delta`.
 */
function spliced<T extends { range: { start: number } }>(old: readonly T[], fresh: readonly T[], from: number, stoppedAt: number | undefined, delta: number): T[] {
  const out = old.slice(0, firstFrom(old, from));
  const until = stoppedAt ?? Infinity;
  for (const x of fresh) if (x.range.start < until) out.push(x);
  if (stoppedAt !== undefined) for (const x of old.slice(firstFrom(old, stoppedAt - delta))) out.push(shifted(x, delta));
  return out;
}

/** Index of the first element starting at or after `offset` (binary search). */
function firstFrom(xs: readonly { range: { start: number } }[], offset: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]!.range.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An item of the kept tail, moved by `delta`, its reach at least `reach`. */
function shiftItem(item: TopItem, delta: number, reach: number): TopItem {
  const seenTo = Math.max(reach, item.seenTo + delta);
  if (delta === 0) return seenTo === item.seenTo ? item : { ...item, seenTo };
  const shiftedItem: TopItem = { start: item.start + delta, seenTo, problems: shifted(item.problems, delta) };
  if (item.decl) shiftedItem.decl = shifted(item.decl, delta);
  return shiftedItem;
}

/** Keys of the tree whose values are spans (offsets into the text). */
const spanKeys = new Set(['range', 'parens', 'keyword']);

/** A deep copy of a tree (or problem, or comment) with every span moved by `delta`; itself when `delta` is 0. */
function shifted<T>(value: T, delta: number): T {
  if (delta === 0) return value;
  if (Array.isArray(value)) return value.map((v) => shifted(v, delta)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key];
    if (spanKeys.has(key)) {
      const span = v as { start: number; end: number };
      out[key] = { start: span.start + delta, end: span.end + delta };
    } else {
      out[key] = shifted(v, delta);
    }
  }
  return out as T;
}

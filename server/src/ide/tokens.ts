// The tokens of an analysed text, classified by their text (not by the lexer's token type
// names, which are the syntax layer's business): completion, signature help, semantic tokens
// and the formatter read tokens because they must work on text the parser cannot make sense of.
import { imageAt, scan } from '../syntax/scanner.js';
import type { Span } from '../syntax/ast.js';

export type TokenClass = 'name' | 'number' | 'string' | 'punct' | 'bad';

export interface Tok {
  text: string;
  start: number;
  end: number;
  cls: TokenClass;
}

export interface Lexed {
  tokens: Tok[];
  comments: Span[];
  /** Whether the lexer rejected any character (the formatter refuses such text). */
  problems: number;
}

const cache = new Map<string, Lexed>();

function classify(text: string): TokenClass {
  const c = text[0]!;
  if (/[A-Za-z_]/.test(c)) return 'name';
  if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[1] ?? ''))) return 'number';
  if (c === '"') return text.length >= 2 && text.endsWith('"') ? 'string' : 'bad';
  return 'punct';
}

/** Tokens and comments of a text (the last few texts are cached: every request of a version shares one lexing). */
export function tokensOf(text: string): Lexed {
  const hit = cache.get(text);
  if (hit) return hit;
  const s = scan(text);
  const tokens: Tok[] = [];
  for (let i = 0; i < s.count; i++) {
    const image = imageAt(text, s, i);
    tokens.push({ text: image, start: s.starts[i]!, end: s.ends[i]!, cls: classify(image) });
  }
  const out: Lexed = { tokens, comments: s.comments.map((c) => c.range), problems: s.problems.length };
  if (cache.size >= 4) cache.delete(cache.keys().next().value!);
  cache.set(text, out);
  return out;
}

/** Index of the first token starting at or after `offset` (binary search). */
export function tokenIndexAfter(tokens: readonly Tok[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function inSpans(spans: readonly Span[], offset: number): boolean {
  return spans.some((s) => s.start < offset && offset <= s.end);
}

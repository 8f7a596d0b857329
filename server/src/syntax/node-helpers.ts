// Small helpers that both the chevrotain rules (parser.ts) and the fast path for well-formed
// expressions (fast-expressions.ts) build tree nodes with, so the two build the same nodes.
import type { Ident, NumberLit, StringLit } from './ast.js';
import { splitNumber, unitFactor } from './lexer.js';
import type { TokenStream } from './token-stream.js';

/** Deeper nesting than this is reported instead of overflowing the stack. */
export const MAX_DEPTH = 200;

/** A copy of a short array that holds only its items: a pushed-to `[]` keeps room for 17, and the tree keeps it for as long as it lives. */
export function exactArray<T>(xs: T[]): T[] {
  return xs.length === 0 || xs.length > 16 ? xs : xs.slice();
}

/** The value of a string token; `\"` and `\\` are escapes, any other backslash stays as written. */
export function decodeString(image: string, closed: boolean): string {
  const inner = image.slice(1, closed ? -1 : undefined);
  if (!inner.includes('\\')) return inner;
  return inner.replace(/\\(["\\])/g, '$1');
}

/** Token `j`, a name, as a node. */
export function identAt(ts: TokenStream, j: number): Ident {
  return { kind: 'Ident', name: ts.image(j), range: { start: ts.starts[j]!, end: ts.ends[j]! } };
}

/** Token `j`, a closed string, as a node. */
export function stringAt(ts: TokenStream, j: number): StringLit {
  return { kind: 'String', value: decodeString(ts.image(j), true), range: { start: ts.starts[j]!, end: ts.ends[j]! } };
}

/** Token `j`, a number, as a node with its unit applied (`80%` is 0.8); undefined for an unknown unit, a problem the rules report. */
export function numberAt(ts: TokenStream, j: number): NumberLit | undefined {
  const range = { start: ts.starts[j]!, end: ts.ends[j]! };
  const text = ts.image(j);
  const { value, unit } = splitNumber(text);
  if (unit === undefined) return { kind: 'Number', value, text, range };
  const factor = unitFactor(unit);
  if (factor === undefined) return undefined;
  return { kind: 'Number', value: unit === '%' ? value / 100 : value * factor, unit, text, range };
}

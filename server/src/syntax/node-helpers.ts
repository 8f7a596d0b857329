// Small helpers that both the chevrotain rules (parser.ts) and the fast path for well-formed
// expressions (fast-expressions.ts) build tree nodes with, so the two build the same nodes.

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

// Structural checks of a parse result that every input must satisfy: each range lies within the
// text with start ≤ end, and each node's range contains its children's.
import type { ParseResult, Span } from '../../server/src/syntax/ast.js';

export function checkRanges(text: string, result: ParseResult): string[] {
  const bad: string[] = [];
  const inText = (s: Span) => Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= text.length;
  const walk = (node: Record<string, unknown>, parent: Span | undefined, path: string): void => {
    const r = node.range as Span;
    if (!inText(r)) bad.push(`${path}: range ${r.start}-${r.end} outside 0-${text.length}`);
    if (parent && (r.start < parent.start || r.end > parent.end)) {
      bad.push(`${path}: range ${r.start}-${r.end} outside its parent ${parent.start}-${parent.end}`);
    }
    for (const [k, v] of Object.entries(node)) {
      if (k === 'range' || k === 'comments') continue;
      const items = Array.isArray(v) ? v : [v];
      items.forEach((c, i) => {
        if (typeof c === 'object' && c !== null && 'kind' in c && 'range' in c) {
          walk(c as Record<string, unknown>, r, `${path}.${k}${Array.isArray(v) ? `[${i}]` : ''}`);
        } else if (typeof c === 'object' && c !== null && 'start' in c && !inText(c as Span)) {
          bad.push(`${path}.${k}: span outside the text`);
        }
      });
    }
  };
  walk(result.program as unknown as Record<string, unknown>, undefined, 'program');
  for (const c of result.program.comments) if (!inText(c.range)) bad.push('comment outside the text');
  for (const p of result.problems) {
    if (!inText(p.range)) bad.push(`problem '${p.message}' outside the text`);
    if (typeof p.message !== 'string' || p.message.length === 0) bad.push('problem without a message');
    if (p.message.startsWith('internal')) bad.push(`internal error: ${p.message}`);
  }
  return bad;
}

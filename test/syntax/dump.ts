// A compact, readable dump of a parse result for golden files: one node per line, indented,
// with ranges as 1-based line:column (as editors show them), then the comments and problems.
import type { ParseResult, Span } from '../../server/src/syntax/ast.js';
import { LineIndex } from '../../server/src/syntax/line-index.js';

export function dumpParse(text: string, result: ParseResult): string {
  const idx = new LineIndex(text);
  const pos = (o: number) => {
    const p = idx.positionAt(o);
    return `${p.line + 1}:${p.character + 1}`;
  };
  const span = (s: Span) => `${pos(s.start)}-${pos(s.end)}`;
  const lines: string[] = [];

  const isSpan = (v: unknown): v is Span =>
    typeof v === 'object' && v !== null && !('kind' in v) && 'start' in v && 'end' in v;
  const isNode = (v: unknown): v is { kind: string; range: Span } =>
    typeof v === 'object' && v !== null && 'kind' in v && 'range' in v;

  // Names of things (not expressions) are shown inline on their node's line.
  const nameFields = new Set(['name', 'key', 'property', 'resetFrom']);
  const isIdent = (v: unknown): v is { name: string; range: Span } => isNode(v) && v.kind === 'Ident';
  const identText = (v: { name: string; range: Span }) => `${v.name === '' ? '<missing>' : v.name}@${span(v.range)}`;

  function leaf(node: Record<string, unknown>): string | undefined {
    switch (node.kind) {
      case 'Ident':
        return `${node.name === '' ? '<missing>' : String(node.name)}`;
      case 'Number':
        return `${String(node.text)}${node.text !== String(node.value) ? ` =${String(node.value)}` : ''}`;
      case 'String':
        return JSON.stringify(node.value);
      case 'ErrorExpr':
        return '<error>';
      default:
        return undefined;
    }
  }

  function dump(node: Record<string, unknown>, indent: string, label: string): void {
    const head = `${indent}${label}${String(node.kind)} @${span(node.range as Span)}`;
    const l = leaf(node);
    if (l !== undefined) {
      lines.push(`${head} ${l}`);
      return;
    }
    const inline: string[] = [];
    const children: [string, unknown][] = [];
    for (const [k, v] of Object.entries(node)) {
      if (k === 'kind' || k === 'range' || v === undefined) continue;
      if (k === 'comments' && node.kind === 'Program') continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') inline.push(`${k}=${String(v)}`);
      else if (isSpan(v)) inline.push(`${k}=${span(v)}`);
      else if (isIdent(v) && nameFields.has(k)) inline.push(`${k}=${identText(v)}`);
      else if (k === 'above' && Array.isArray(v)) inline.push(`${k}=[${v.filter(isIdent).map(identText).join(' ')}]`);
      else children.push([k, v]);
    }
    lines.push(head + (inline.length ? ` ${inline.join(' ')}` : ''));
    for (const [k, v] of children) {
      if (Array.isArray(v)) {
        if (v.length === 0) {
          lines.push(`${indent}  ${k}: []`);
          continue;
        }
        lines.push(`${indent}  ${k}:`);
        for (const item of v) if (isNode(item)) dump(item as Record<string, unknown>, `${indent}    `, '');
      } else if (isNode(v)) {
        dump(v as Record<string, unknown>, `${indent}  `, `${k}: `);
      }
    }
  }

  dump(result.program as unknown as Record<string, unknown>, '', '');
  if (result.program.comments.length) {
    lines.push('comments:');
    for (const c of result.program.comments) lines.push(`  @${span(c.range)} ${JSON.stringify(c.text)}`);
  }
  lines.push(`problems: ${result.problems.length}`);
  for (const p of result.problems) lines.push(`  ${p.kind} @${span(p.range)} ${p.message}`);
  return `${lines.join('\n')}\n`;
}

// Random edits of real .mlo texts, shared by the parser's property tests: the valid fixtures
// and the samples to start from, a vocabulary of tokens and broken pieces, and edits that
// insert, delete, replace, truncate, drop or duplicate tokens.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { keywords, punctuation } from '../../grammar/tokens.js';
import { lex } from '../../server/src/syntax/scanner.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** The .mlo files under `dir`, recursively. */
export function mloFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return mloFiles(p);
    return e.name.endsWith('.mlo') ? [p] : [];
  });
}

export const sources = [...mloFiles(join(here, 'fixtures', 'valid')), ...mloFiles(join(root, 'samples'))]
  .map((f) => readFileSync(f, 'utf8'))
  .filter((t) => t.length > 0);

export const vocabulary = [
  ...keywords,
  ...punctuation.map((p) => p.text),
  'x', '1', '0.5', '4GiB', '80%', '"s"', '"', '#', '\n', ' ', '@', '\\', '1e', '..5',
];

export type Edit =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'replace'; at: number; len: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'dropToken'; token: number }
  | { op: 'dupToken'; token: number };

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...vocabulary) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 4 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }), text: fc.constantFrom(...vocabulary) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dropToken' as const), token: fc.nat() }),
  fc.record({ op: fc.constant('dupToken' as const), token: fc.nat() }),
);

export function applyEdit(text: string, e: Edit): string {
  const at = text.length ? ('at' in e ? e.at % (text.length + 1) : 0) : 0;
  switch (e.op) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + e.len);
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(at + e.len);
    case 'truncate':
      return text.slice(0, at);
    case 'dropToken':
    case 'dupToken': {
      const toks = lex(text).tokens;
      if (toks.length === 0) return text;
      const t = toks[e.token % toks.length]!;
      const end = t.startOffset + t.image.length;
      return e.op === 'dropToken'
        ? text.slice(0, t.startOffset) + text.slice(end)
        : text.slice(0, end) + ' ' + t.image + text.slice(end);
    }
  }
}


// Property test: random edits and truncations of every valid fixture and sample never make the
// parser throw, and the result is always a Program whose ranges lie within the text and nest.
// A few hundred cases here; the structure checks are in ranges.ts.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { keywords, punctuation } from '../../grammar/tokens.js';
import { lex } from '../../server/src/syntax/lexer.js';
import { parse } from '../../server/src/syntax/parse.js';
import { checkRanges } from './ranges.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function mloFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return mloFiles(p);
    return e.name.endsWith('.mlo') ? [p] : [];
  });
}

const sources = [...mloFiles(join(here, 'fixtures', 'valid')), ...mloFiles(join(root, 'samples'))]
  .map((f) => readFileSync(f, 'utf8'))
  .filter((t) => t.length > 0);

const vocabulary = [
  ...keywords,
  ...punctuation.map((p) => p.text),
  'x', '1', '0.5', '4GiB', '80%', '"s"', '"', '#', '\n', ' ', '@', '\\', '1e', '..5',
];

type Edit =
  | { op: 'delete'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'replace'; at: number; len: number; text: string }
  | { op: 'truncate'; at: number }
  | { op: 'dropToken'; token: number }
  | { op: 'dupToken'; token: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...vocabulary) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 4 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 4 }), text: fc.constantFrom(...vocabulary) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('dropToken' as const), token: fc.nat() }),
  fc.record({ op: fc.constant('dupToken' as const), token: fc.nat() }),
);

function applyEdit(text: string, e: Edit): string {
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

function checkParse(text: string): void {
  let result;
  try {
    result = parse(text);
  } catch (err) {
    assert.fail(`parse threw on ${JSON.stringify(text)}: ${String(err)}`);
  }
  assert.equal(result.program.kind, 'Program');
  assert.ok(Array.isArray(result.problems));
  assert.deepEqual(checkRanges(text, result), [], JSON.stringify(text));
}

test('there are sources to mutate', () => assert.ok(sources.length >= 5));

test('random edits never break the parser', () => {
  fc.assert(
    fc.property(fc.constantFrom(...sources), fc.array(editArb, { minLength: 1, maxLength: 4 }), (src, edits) => {
      checkParse(edits.reduce(applyEdit, src));
    }),
    { numRuns: 300, seed: 20240601 },
  );
});

test('every truncation of every source parses', () => {
  for (const src of sources.slice(0, 6)) {
    for (let at = 0; at <= src.length; at += 3) checkParse(src.slice(0, at));
  }
});

test('random text from the vocabulary never breaks the parser', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...vocabulary, 'y', '2', '(', ')'), { maxLength: 60 }), (parts) => {
      checkParse(parts.join(' '));
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('deep nesting is reported, not a stack overflow', () => {
  for (const open of ['(', '[', '-', 'f(', 'a^']) {
    const text = `param p = ${open.repeat(5000)}1`;
    checkParse(text);
    assert.ok(parse(text).problems.length >= 1);
  }
});

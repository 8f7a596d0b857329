// The scanner against chevrotain's lexer of the same token list (lexer.ts): the same tokens,
// comments and rejected characters on every sample and fixture, on random edits of them, on
// random strings over the characters where patterns meet, and on parts of a text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { referenceLex } from '../../server/src/syntax/lexer.js';
import { lex } from '../../server/src/syntax/scanner.js';
import { generateProgram } from '../../bench/parse-gen.js';
import { applyEdit, editArb, sources } from './edits.js';

/** Both lexers' output of `text[from, to)` as comparable lines, offsets into `text`. */
function both(text: string, from = 0, to = text.length): { ours: string[]; reference: string[] } {
  const r = referenceLex(text.slice(from, to));
  const ref = [
    ...r.tokens.map((t) => `token ${t.tokenType.name} ${t.startOffset + from} ${JSON.stringify(t.image)}`),
    ...r.comments.map((t) => `comment ${t.startOffset + from} ${JSON.stringify(t.image)}`),
    ...r.errors.map((e) => `rejected ${e.offset + from} ${e.length}`),
  ];
  const s = lex(text, from, to);
  const ours = [
    ...s.tokens.map((t) => `token ${t.tokenType.name} ${t.startOffset} ${JSON.stringify(t.image)}`),
    ...s.comments.map((c) => `comment ${c.range.start} ${JSON.stringify(c.text)}`),
    ...s.problems.map((p) => `rejected ${p.range.start} ${p.range.end - p.range.start}`),
  ];
  return { ours, reference: ref };
}

function assertSame(text: string, from?: number, to?: number): void {
  const { ours, reference } = both(text, from, to);
  assert.deepEqual(ours, reference, JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text));
}

function mloFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return mloFiles(p);
    return name.endsWith('.mlo') ? [p] : [];
  });
}

test('the same tokens as chevrotain on every sample, fixture and the generated benchmark file', () => {
  const files = [...mloFiles('samples'), ...mloFiles('test/syntax/fixtures'), ...mloFiles('test/fixtures')];
  assert.ok(files.length > 50, `${files.length} files`);
  for (const f of files) assertSame(readFileSync(f, 'utf8'));
  assertSame(generateProgram(2000));
});

test('the same tokens on random edits of real texts', () => {
  fc.assert(
    fc.property(fc.constantFrom(...sources), fc.array(editArb, { minLength: 1, maxLength: 6 }), (src, edits) => {
      assertSame(edits.reduce(applyEdit, src));
    }),
    { numRuns: 400 },
  );
});

// Where the patterns meet: numbers, exponents and units, dots and ranges, strings and escapes,
// line breaks of every kind, characters no token takes.
const edgeChars = [...'0123456789.eE+-%_aZk ->"\\\n\r\t\f\v#@$é', '\uFEFF', '\u00a0', '\ud83d', '..', '1e', '"a', 'GiB'];

test('the same tokens on random strings over the characters where patterns meet', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...edgeChars), { maxLength: 40 }), (parts) => assertSame(parts.join(''))),
    { numRuns: 3000 },
  );
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => assertSame(text)), { numRuns: 1000 });
});

test('a part of a text scans as that part alone, with offsets into the whole', () => {
  fc.assert(
    fc.property(fc.constantFrom(...sources), fc.nat(), fc.nat(), (src, a, b) => {
      const from = a % (src.length + 1);
      const to = from + (b % (src.length - from + 1));
      assertSame(src, from, to);
    }),
    { numRuns: 300 },
  );
});

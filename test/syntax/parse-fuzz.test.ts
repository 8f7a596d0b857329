// Property test: random edits and truncations of every valid fixture and sample never make the
// parser throw, and the result is always a Program whose ranges lie within the text and nest.
// A few hundred cases here; the structure checks are in ranges.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../server/src/syntax/parse.js';
import { applyEdit, editArb, sources, vocabulary } from './edits.js';
import { checkRanges } from './ranges.js';

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

// LineIndex: offsets ↔ 0-based line/character, for \n, \r\n and \r line breaks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../server/src/syntax/line-index.js';

test('positions and offsets on LF, CRLF and CR text', () => {
  const text = 'ab\ncd\r\nef\rg';
  const idx = new LineIndex(text);
  assert.equal(idx.lineCount, 4);
  assert.deepEqual(idx.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(2), { line: 0, character: 2 });
  assert.deepEqual(idx.positionAt(3), { line: 1, character: 0 });
  assert.deepEqual(idx.positionAt(7), { line: 2, character: 0 });
  assert.deepEqual(idx.positionAt(10), { line: 3, character: 0 });
  assert.deepEqual(idx.positionAt(11), { line: 3, character: 1 });
  assert.equal(idx.offsetAt({ line: 1, character: 1 }), 4);
  assert.equal(idx.offsetAt({ line: 1, character: 99 }), 5, 'clamped before the \\r\\n');
  assert.equal(idx.offsetAt({ line: 2, character: 99 }), 9, 'clamped before the \\r');
  assert.equal(idx.offsetAt({ line: 9, character: 0 }), text.length);
  assert.equal(idx.offsetAt({ line: -1, character: 5 }), 0);
  assert.deepEqual(idx.positionAt(-5), { line: 0, character: 0 });
  assert.deepEqual(idx.positionAt(999), { line: 3, character: 1 });
});

test('empty text and a trailing newline', () => {
  assert.deepEqual(new LineIndex('').positionAt(0), { line: 0, character: 0 });
  const idx = new LineIndex('x\n');
  assert.equal(idx.lineCount, 2);
  assert.deepEqual(idx.positionAt(2), { line: 1, character: 0 });
});

test('offsetAt inverts positionAt at every offset of random text', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', '\r\n', ' ') }), (text) => {
      const idx = new LineIndex(text);
      for (let o = 0; o <= text.length; o++) {
        // The middle of a \r\n is not a position of its own: it maps to the end of the line.
        if (text[o - 1] === '\r' && text[o] === '\n') continue;
        assert.equal(idx.offsetAt(idx.positionAt(o)), o);
      }
    }),
    { numRuns: 200 },
  );
});

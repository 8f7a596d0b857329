// Incremental parsing (server/src/syntax/incremental.ts) gives exactly what parsing the whole
// text gives, on random chains of edits of real programs, without touching the previous parse;
// and it does re-use: the declarations an edit cannot reach are the previous parse's objects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { deepFreeze } from '../support/freeze.js';
import { generateProgram } from '../../bench/parse-gen.js';
import { reparse } from '../../server/src/syntax/incremental.js';
import { parseText, type ParsedText } from '../../server/src/syntax/parse.js';
import { applyEdit, editArb, sources } from './edits.js';

/** The parts of a parse that must not depend on how it was computed. */
function observable(p: ParsedText) {
  return { result: p.result, items: p.items, lexProblems: p.lexProblems };
}


// Many small declarations, so edits land before, inside and after the ones that are kept.
const long = generateProgram(240);

test('a chain of random edits re-parses to exactly the full parse', () => {
  let steps = 0;
  let reused = 0;
  fc.assert(
    fc.property(fc.constantFrom(...sources, long), fc.array(editArb, { minLength: 1, maxLength: 6 }), (src, edits) => {
      let text = src;
      let previous = deepFreeze(parseText(text));
      for (const e of edits) {
        text = applyEdit(text, e);
        const incremental = reparse(previous, text);
        assert.deepEqual(observable(incremental), observable(parseText(text)), JSON.stringify({ src: src.slice(0, 40), text }));
        steps++;
        if (incremental.items.some((item) => previous.items.includes(item))) reused++;
        previous = deepFreeze(incremental);
      }
    }),
    { numRuns: Number(process.env.MLO_FUZZ_RUNS ?? 400), seed: 20261123 },
  );
  // The property is only worth something if most edits take the incremental path.
  assert.ok(reused > steps / 2, `${reused} of ${steps} edits re-used items`);
});

test('with a lexing window of a few characters, random edits still re-parse to the full parse', () => {
  // The window is where the parse may stop; a small one makes most parses stop near its end,
  // where the lookahead margin decides (and some run past it and lex the whole rest).
  fc.assert(
    fc.property(fc.constantFrom(long, ...sources), fc.array(editArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 200 }), (src, edits, window) => {
      let text = src;
      let previous = parseText(text);
      for (const e of edits) {
        text = applyEdit(text, e);
        const incremental = reparse(previous, text, window);
        assert.deepEqual(observable(incremental), observable(parseText(text)), JSON.stringify({ window, text }));
        previous = incremental;
      }
    }),
    { numRuns: Number(process.env.MLO_FUZZ_RUNS ?? 300), seed: 7 },
  );
});

test('typing a declaration character by character agrees at every keystroke', () => {
  const decl = 'level extra above fit0 {\n  params logwd0\n  loss sum(exp(logwd0))\n  hypergradient cg(iters: 3)\n}\n';
  const at = long.indexOf('level tune1');
  let previous = parseText(long);
  for (let n = 1; n <= decl.length; n++) {
    const text = long.slice(0, at) + decl.slice(0, n) + long.slice(at);
    const incremental = reparse(previous, text);
    assert.deepEqual(observable(incremental), observable(parseText(text)), `after ${JSON.stringify(decl.slice(0, n))}`);
    previous = incremental;
  }
});

test('declarations the edit cannot reach are kept, not re-parsed', () => {
  const first = parseText(long);
  const at = long.indexOf('steps 5', long.length / 2);
  const text = `${long.slice(0, at)}steps 50${long.slice(at + 'steps 5'.length)}`;
  const next = reparse(first, text);
  const before = first.result.program.decls;
  const after = next.result.program.decls;
  assert.equal(after.length, before.length);
  const kept = after.filter((d, i) => d === before[i]).length;
  // Everything before the edited level is shared; the edited level and the rest are new objects
  // (the rest moved by one character), and the edited one says 50.
  assert.ok(kept > before.length / 3 && kept < before.length, `kept ${kept} of ${before.length}`);
  assert.match(JSON.stringify(after), /"value":50/);
});

test('an edit inside a declaration keeps the ones after it without re-parsing them when its length is unchanged', () => {
  const first = parseText(long);
  const at = long.indexOf('steps 5', long.length / 2);
  const text = `${long.slice(0, at)}steps 7${long.slice(at + 'steps 5'.length)}`;
  const next = reparse(first, text);
  const changed = next.result.program.decls.filter((d, i) => d !== first.result.program.decls[i]);
  assert.ok(changed.length >= 1 && changed.length <= 3, `${changed.length} declarations re-parsed`);
});

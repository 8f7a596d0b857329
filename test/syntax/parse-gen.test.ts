// The benchmark generator makes programs of the asked length that parse without problems.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateProgram } from '../../bench/parse-gen.js';
import { parse } from '../../server/src/syntax/parse.js';

test('generated programs have the asked number of lines and parse cleanly', () => {
  for (const n of [12, 100, 1000, 5000]) {
    const text = generateProgram(n);
    assert.equal(text.split('\n').length - 1, n);
    const r = parse(text);
    assert.deepEqual(r.problems, []);
    assert.ok(r.program.decls.length > n / 10, `${n}: ${r.program.decls.length} declarations`);
    assert.equal(r.program.decls.at(-1)!.kind, 'Run');
  }
  assert.equal(generateProgram(300), generateProgram(300));
});

// Runs every fixture under test/fixtures/diagnostics: the checker's diagnostics must equal the
// inline expectations exactly. UPDATE_GOLDENS=1 rewrites the expectations from the actual output
// (review the diff before keeping it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';
import { catalogue } from '../../server/src/model/diagnostics.js';
import { compareDiagnostics, parseExpectations, rewriteExpectations } from '../support/expectations.js';

const dir = resolve('test/fixtures/diagnostics');
const files = readdirSync(dir).filter((f) => f.endsWith('.mlo')).sort();

for (const f of files) {
  test(`fixture ${f}`, () => {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const { diagnostics } = check(text, { path });
    if (process.env['UPDATE_GOLDENS'] === '1') {
      writeFileSync(path, rewriteExpectations(text, diagnostics));
      return;
    }
    const problems = compareDiagnostics(text, parseExpectations(text), diagnostics);
    assert.deepEqual(problems, [], `${f}:\n  ${problems.join('\n  ')}`);
  });
}

// Codes that no .mlo text can trigger, with the test that covers them instead.
const coveredElsewhere: Record<string, string> = { MLO000: 'test/cli/check.test.ts (a missing program file)' };

test('every code of the catalogue appears in some fixture', () => {
  const seen = new Set(files.flatMap((f) => parseExpectations(readFileSync(join(dir, f), 'utf8')).map((e) => e.code)));
  for (const code of Object.keys(coveredElsewhere)) seen.add(code);
  const missing = catalogue.map((e) => e.code).filter((c) => !seen.has(c));
  assert.deepEqual(missing, []);
});

test('every expected severity matches the catalogue', () => {
  for (const f of files) {
    for (const e of parseExpectations(readFileSync(join(dir, f), 'utf8'))) {
      const c = catalogue.find((x) => x.code === e.code);
      assert.ok(c, `${f}:${e.line}: ${e.code} is not in the catalogue`);
      assert.equal(e.severity, c.severity, `${f}:${e.line}`);
    }
  }
});

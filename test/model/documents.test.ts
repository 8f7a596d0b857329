// The complete programs of docs/language.md and every sample check with no diagnostics.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';

const describe = (text: string, ds: { code: string; message: string; range: { start: number } }[]) =>
  ds.map((d) => `${d.code} ${d.message} at ${JSON.stringify(text.slice(d.range.start, d.range.start + 30))}`).join('\n');

test('complete programs in docs/language.md check clean', () => {
  const doc = readFileSync('docs/language.md', 'utf8');
  const blocks = [...doc.matchAll(/```mlo\n([\s\S]*?)```/g)].map((m) => m[1]!);
  // Complete: declares a level and elides nothing.
  const complete = blocks.filter((b) => /\blevel\b/.test(b) && !b.includes('...'));
  assert.ok(complete.length >= 1);
  for (const text of complete) {
    // Data paths in the docs are written as from samples/.
    const r = check(text, { path: resolve('samples/__doc_example.mlo') });
    assert.deepEqual(r.diagnostics, [], describe(text, r.diagnostics));
  }
});

const samples = readdirSync('samples').filter((f) => f.endsWith('.mlo')).sort();
for (const f of samples) {
  test(`sample ${f} checks clean`, () => {
    const path = resolve('samples', f);
    const text = readFileSync(path, 'utf8');
    const r = check(text, { path });
    assert.deepEqual(r.diagnostics, [], describe(text, r.diagnostics));
    for (const [name, l] of r.model.levels) if (l.lowers.length) assert.ok(l.paths.length > 0, `${f}: ${name} has no path`);
  });
}

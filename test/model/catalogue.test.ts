import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderDiagnosticsDoc } from '../../server/src/model/diagnostics-doc.js';
import { catalogue, diagnostic, formatTemplate, syntaxCode } from '../../server/src/model/diagnostics.js';

test('docs/diagnostics.md is generated from the catalogue (run scripts/gen-diagnostics-doc.ts)', () => {
  assert.equal(readFileSync('docs/diagnostics.md', 'utf8'), renderDiagnosticsDoc());
});

test('codes are unique, well-formed and in increasing order', () => {
  const codes = catalogue.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^MLO\d{3}$/);
  assert.deepEqual([...codes].sort(), codes);
});

test('every entry has documentation', () => {
  for (const e of catalogue) {
    for (const k of ['title', 'template', 'meaning', 'example', 'fix'] as const) assert.ok(e[k].trim().length > 0, `${e.code}.${k}`);
  }
});

test('templates fill their placeholders and refuse missing ones', () => {
  assert.equal(formatTemplate("unknown name '{name}'{suggestion}", { name: 'nett', suggestion: "; did you mean 'net'?" }), "unknown name 'nett'; did you mean 'net'?");
  assert.throws(() => formatTemplate('{a} and {b}', { a: 1 }), /\{b\}/);
  const d = diagnostic('MLO012', { start: 3, end: 7 }, { name: 'nett', suggestion: '' }, { data: { replacement: 'net' } });
  assert.deepEqual(d, { code: 'MLO012', severity: 'error', message: "unknown name 'nett'", range: { start: 3, end: 7 }, data: { replacement: 'net' } });
});

test('every syntax problem kind maps to a distinct catalogued code', () => {
  const kinds = ['unexpected-character', 'unterminated-string', 'unexpected-token', 'missing-token', 'expected-expression', 'expected-declaration', 'expected-statement'] as const;
  const codes = kinds.map(syntaxCode);
  assert.equal(new Set(codes).size, kinds.length);
  for (const c of codes) assert.ok(catalogue.some((e) => e.code === c));
});

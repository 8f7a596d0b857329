import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareDiagnostics, parseExpectations, rewriteExpectations } from '../support/expectations.js';

const text = 'level fit { loss mean(nett(x)) }\n#                     ^^^^ error MLO012: unknown name\n#                          | error MLO004\nrun { }\n';

test('expectations point at the nearest preceding real line', () => {
  const e = parseExpectations(text);
  assert.deepEqual(e.map((x) => [x.code, x.severity, x.message, text.slice(x.range.start, x.range.end), x.range.end - x.range.start]), [
    ['MLO012', 'error', 'unknown name', 'nett', 4],
    ['MLO004', 'error', '', '', 0],
  ]);
  assert.equal(e[1]!.range.start, text.indexOf('x)'));
});

test('comparison is exact on range, code and severity; messages match by prefix', () => {
  const at = text.indexOf('nett');
  const ok = [
    { code: 'MLO012', severity: 'error', message: "unknown name 'nett'", range: { start: at, end: at + 4 } },
    { code: 'MLO004', severity: 'error', message: 'anything', range: { start: at + 5, end: at + 5 } },
  ];
  assert.deepEqual(compareDiagnostics(text, parseExpectations(text), ok), []);
  const shifted = [{ ...ok[0]!, range: { start: at + 1, end: at + 4 } }, ok[1]!];
  const problems = compareDiagnostics(text, parseExpectations(text), shifted);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^missing/);
  assert.match(problems[1]!, /^unexpected/);
  assert.equal(compareDiagnostics(text, parseExpectations(text), [...ok, { ...ok[0]!, severity: 'warning' }]).length, 1);
});

test('rewriting regenerates the same expectations', () => {
  const at = text.indexOf('nett');
  const diags = [{ code: 'MLO012', severity: 'error', message: 'unknown name', range: { start: at, end: at + 4 } }];
  const out = rewriteExpectations(text, diags);
  assert.equal(out, 'level fit { loss mean(nett(x)) }\n#                     ^^^^ error MLO012: unknown name\nrun { }\n');
});

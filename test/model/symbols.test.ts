import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, referencesOf, symbolAt } from '../../server/src/model/check.js';
import { memoryFileSystem } from '../../server/src/model/file-system.js';

const text = `param logwd[5] = -3
model net = linear(1 -> 1)
level fit {
  params net
  let y = net(logwd * 2)
  let z = y * y
  loss mean(z) + sum(exp(logwd))
}
level tune above fit { params logwd; loss mean(net(logwd * 2)); hypergradient sama }
`;
const r = check(text, { path: '/x/s.mlo', fs: memoryFileSystem({}) });
const at = (needle: string, nth = 0) => {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  return i;
};
const spans = (xs: { start: number; end: number }[]) => xs.map((s) => `${s.start}:${text.slice(s.start, s.end)}`);

test('the program checks clean', () => {
  assert.deepEqual(r.diagnostics, []);
});

test('symbolAt finds declarations and references, built-ins included', () => {
  const decl = symbolAt(r, at('logwd') + 2)!;
  assert.equal(decl.isDeclaration, true);
  assert.equal(decl.symbol.kind, 'param');
  const ref = symbolAt(r, at('logwd', 2))!;
  assert.equal(ref.isDeclaration, false);
  assert.equal(ref.symbol, decl.symbol);
  assert.equal(symbolAt(r, at('exp'))!.symbol.kind, 'function');
  assert.equal(symbolAt(r, at('fit', 1))!.symbol.kind, 'level'); // `above fit`
  assert.equal(symbolAt(r, at('# nothing')), undefined);
});

test('referencesOf lists every use, declaration first', () => {
  const sym = symbolAt(r, at('logwd'))!.symbol;
  const refs = referencesOf(r, sym);
  assert.equal(refs.length, 5); // declaration, let y, loss, params of tune, loss of tune
  assert.ok(refs.every((s) => text.slice(s.start, s.end) === 'logwd'));
  assert.deepEqual(refs[0], { start: at('logwd'), end: at('logwd') + 5 });
  assert.equal(referencesOf(r, sym, false).length, 4);
});

test('let bindings resolve to their own statement and are local to the level', () => {
  const y = symbolAt(r, at('y * y'))!;
  assert.equal(y.symbol.kind, 'let');
  assert.equal(y.symbol.level, 'fit');
  assert.deepEqual(spans(referencesOf(r, y.symbol)), [`${at('y =')}:y`, `${at('y * y')}:y`, `${at('y * y') + 4}:y`]);
});

test('a let is visible only after its statement', () => {
  const r2 = check('model net = linear(1 -> 1)\nlevel fit { params net; let a = b * 2; let b = 1; loss sq(a) }\n', { path: '/x/s.mlo', fs: memoryFileSystem({}) });
  const d = r2.diagnostics.map((x) => `${x.code} ${x.message}`);
  assert.ok(d.includes("MLO012 unknown name 'b'"), d.join('\n'));
});

test('unknown names suggest names in scope, with a structured replacement', () => {
  const r2 = check('model net = linear(1 -> 1)\nlevel fit { params net; let total = 1; loss sq(totl) + nett(1) }\n', { path: '/x/s.mlo', fs: memoryFileSystem({}) });
  const msgs = r2.diagnostics.map((x) => [x.code, x.message, x.data?.['replacement']]);
  assert.deepEqual(msgs.filter((m) => m[0] === 'MLO012'), [
    ['MLO012', "unknown name 'totl'; did you mean 'total'?", 'total'],
    ['MLO012', "unknown name 'nett'; did you mean 'net'?", 'net'],
  ]);
});

// Lexer and literal tests: numbers with units, strings, comments, keywords vs names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr, ParamDecl } from '../../server/src/syntax/ast.js';
import { splitNumber, unitFactor } from '../../server/src/syntax/lexer.js';
import { lex } from '../../server/src/syntax/scanner.js';
import { parse } from '../../server/src/syntax/parse.js';
import { keywords, units } from '../../grammar/tokens.js';

const kinds = (text: string) => lex(text).tokens.map((t) => `${t.tokenType.name}:${t.image}`);

/** The init expression of `param p = TEXT`. */
function initOf(text: string): Expr {
  const r = parse(`param p = ${text}`);
  assert.deepEqual(r.problems, [], `problems in ${text}`);
  return (r.program.decls[0] as ParamDecl).init!;
}

test('numbers: integers, decimals, leading dot, exponents', () => {
  for (const [src, value] of [
    ['3', 3],
    ['0.05', 0.05],
    ['.5', 0.5],
    ['1e-3', 1e-3],
    ['2E+2', 200],
    ['1.5e2', 150],
  ] as const) {
    const e = initOf(src);
    assert.equal(e.kind, 'Number');
    assert.equal(e.kind === 'Number' && e.value, value, src);
    assert.equal(e.kind === 'Number' && e.unit, undefined);
    assert.equal(e.kind === 'Number' && e.text, src);
  }
});

test('numbers: every unit of grammar/tokens.ts scales the value', () => {
  for (const u of units) {
    const e = initOf(`4${u.text}`);
    assert.ok(e.kind === 'Number');
    assert.equal(e.unit, u.text);
    assert.equal(e.value, u.text === '%' ? 0.04 : 4 * u.factor);
  }
  const pct = initOf('80%');
  assert.ok(pct.kind === 'Number' && pct.value === 0.8);
  const gib = initOf('4GiB');
  assert.ok(gib.kind === 'Number' && gib.value === 4 * 2 ** 30);
  assert.equal(unitFactor('KB'), 1000);
  assert.equal(unitFactor('kb'), undefined);
  assert.deepEqual(splitNumber('1e-3GB'), { value: 1e-3, unit: 'GB' });
});

test('numbers: a range is number, .., number — not 0. and .400', () => {
  assert.deepEqual(kinds('0..400'), ['Number:0', 'DotDot:..', 'Number:400']);
  assert.deepEqual(kinds('0.1..5.0'), ['Number:0.1', 'DotDot:..', 'Number:5.0']);
  assert.deepEqual(kinds('0%..80%'), ['Number:0%', 'DotDot:..', 'Number:80%']);
  assert.deepEqual(kinds('-5..5'), ['Minus:-', 'Number:5', 'DotDot:..', 'Number:5']);
});

test('numbers: an unknown unit is one token and one problem', () => {
  assert.deepEqual(kinds('30x'), ['Number:30x']);
  const r = parse('param p = 30x');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.kind, 'unexpected-token');
  assert.match(r.problems[0]!.message, /unknown unit 'x'/);
  const init = (r.program.decls[0] as ParamDecl).init!;
  assert.ok(init.kind === 'Number' && init.value === 30 && init.unit === 'x');
});

test('strings: escapes of quote and backslash; other backslashes kept', () => {
  const e = initOf(String.raw`"a \"b\" c\\d\n"`);
  assert.ok(e.kind === 'String');
  assert.equal(e.value, 'a "b" c\\d\\n');
  assert.deepEqual(kinds('"x" "y"'), ['String:"x"', 'String:"y"']);
});

test('strings: an unterminated string stops at the end of its line', () => {
  const text = 'data d = csv("abc\nmodel m = linear(2 -> 3)';
  assert.deepEqual(kinds(text).slice(4, 6), ['LParen:(', 'UnterminatedString:"abc']);
  const r = parse(text);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.kind, 'unterminated-string');
  assert.equal(r.program.decls.length, 2);
  const d = r.program.decls[0]!;
  assert.ok(d.kind === 'Data' && d.source.kind === 'Call');
  assert.equal(d.source.args[0]!.value.kind === 'String' && d.source.args[0]!.value.value, 'abc');
});

test('comments: collected with their ranges, never tokens', () => {
  const text = '# head\nparam w = 1 # tail\n#last';
  const r = parse(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(
    r.program.comments.map((c) => [text.slice(c.range.start, c.range.end), c.text]),
    [
      ['# head', '# head'],
      ['# tail', '# tail'],
      ['#last', '#last'],
    ],
  );
  assert.ok(!kinds(text).some((k) => k.startsWith('Comment')));
});

test('keywords: each is its own token, and a longer word is a name', () => {
  for (const kw of keywords) {
    assert.deepEqual(kinds(kw), [`Kw_${kw}:${kw}`]);
    assert.deepEqual(kinds(`${kw}x`), [`Identifier:${kw}x`]);
    assert.deepEqual(kinds(`${kw}_1`), [`Identifier:${kw}_1`]);
  }
  assert.deepEqual(kinds('params param'), ['Kw_params:params', 'Kw_param:param']);
  assert.deepEqual(kinds('log_softmax log'), ['Identifier:log_softmax', 'Kw_log:log']);
});

test('unexpected characters are reported once per run, with their range', () => {
  const r = lex('a @@ b $ c');
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.range.start, p.range.end]),
    [
      ['unexpected-character', 2, 4],
      ['unexpected-character', 7, 8],
    ],
  );
  assert.deepEqual(r.tokens.map((t) => t.image), ['a', 'b', 'c']);
});

test('whitespace: tabs, CRLF, form feed and a byte-order mark are skipped', () => {
  assert.deepEqual(kinds('\uFEFFparam\tw\r\n=\f1'), ['Kw_param:param', 'Identifier:w', 'Equals:=', 'Number:1']);
});

test('tokens.ts: the keyword lists agree with each other', async () => {
  const t = await import('../../grammar/tokens.js');
  const special = new Set(['params', 'let', 'loss', 'optimizer', 'hypergradient', 'report']);
  for (const k of t.levelStatementKeywords) assert.ok(special.has(k) || (t.levelSettingKeywords as readonly string[]).includes(k), k);
  for (const k of t.runStatementKeywords) assert.ok(special.has(k) || (t.runSettingKeywords as readonly string[]).includes(k), k);
  assert.equal(new Set(keywords).size, keywords.length);
  for (const p of t.punctuation) assert.equal(lex(p.text).tokens[0]?.tokenType.name, p.name, p.text);
});

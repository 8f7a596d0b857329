// The chevrotain side of the parser: one instance for every parse, recovery written into the
// grammar (so chevrotain's generic recovery, kept as a backstop, never has to step in), and
// human wording for whatever that backstop might report.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTokenInstance, EOF, type IToken } from 'chevrotain';
import { punctuationToken } from '../../server/src/syntax/lexer.js';
import { lex } from '../../server/src/syntax/scanner.js';
import { errorMessages } from '../../server/src/syntax/messages.js';
import { parse, parseText } from '../../server/src/syntax/parse.js';
import { parser } from '../../server/src/syntax/parser.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

function sources(): string[] {
  return ['valid', 'invalid'].flatMap((g) =>
    readdirSync(join(fixtures, g))
      .filter((f) => f.endsWith('.mlo'))
      .map((f) => readFileSync(join(fixtures, g, f), 'utf8')),
  );
}

test('one parser instance serves every parse, and a parse leaves nothing behind for the next', () => {
  const text = 'level l { params w\n loss sum(w,, 2) }';
  const first = parse(text);
  parse('model m = mlp(2 -> 3\nparam w = 0');
  assert.deepEqual(parse(text), first);
  assert.equal(first.problems.length, 1);
});

test("the grammar's own alternatives cover every single-token edit: chevrotain's generic recovery never fires", () => {
  let edits = 0;
  for (const src of sources()) {
    for (const t of lex(src).tokens) {
      const end = t.startOffset + t.image.length;
      for (const text of [src.slice(0, t.startOffset) + src.slice(end), `${src.slice(0, end)} ${t.image}${src.slice(end)}`]) {
        parse(text);
        edits++;
        assert.deepEqual(parser.recoveryErrors, [], JSON.stringify(text));
      }
    }
  }
  assert.ok(edits > 1000);
});

test('chevrotain-level messages name tokens as written, never token types', () => {
  const rparen = punctuationToken('RParen');
  const kwTok = lex('param').tokens[0]!;
  const eof = createTokenInstance(EOF, '', NaN, NaN, NaN, NaN, NaN, NaN);
  assert.equal(
    errorMessages.buildMismatchTokenMessage({ expected: rparen, actual: kwTok, previous: kwTok, ruleName: 'callArgs' }),
    "expected ')', found 'param'",
  );
  assert.equal(
    errorMessages.buildMismatchTokenMessage({ expected: rparen, actual: eof, previous: kwTok, ruleName: 'callArgs' }),
    "expected ')', found the end of the file",
  );
  assert.equal(errorMessages.buildNoViableAltMessage({ expectedPathsPerAlt: [], actual: [kwTok], previous: kwTok, ruleName: 'decl' }), "unexpected 'param'");
});

test('a fallback alternative that consumes nothing is taken at the end of the file', () => {
  // Each of these ends inside a construct whose recovery is an empty alternative.
  const cases: [string, string][] = [
    ['level l { loss f(x', "expected ')' to close the call to f"],
    ['level l { params w', "expected '}' to close level l"],
    ['param w[3', "expected ']' to close the shape of w"],
    ['level l { loss', "expected an expression after 'loss'"],
    ['data', "expected a name after 'data'"],
  ];
  for (const [text, message] of cases) assert.deepEqual(parse(text).problems.map((p) => p.message), [message], text);
});

test('the parser reads shared tokens; a parse in which chevrotain recovered is redone with real ones', (t) => {
  const text = 'param a = 1\nparam b = 2\n';
  const calls: IToken[][] = [];
  const original = parser.parseProgram.bind(parser);
  t.mock.method(parser, 'parseProgram', (...args: Parameters<typeof parser.parseProgram>) => {
    calls.push(args[1]);
    const run = original(...args);
    // As if chevrotain's recovery had acted in the first parse.
    return calls.length === 1 ? { ...run, reusable: false } : run;
  });
  const parsed = parseText(text);
  assert.equal(calls.length, 2);
  const [shared, exact] = calls as [IToken[], IToken[]];
  assert.equal(shared[0], shared[4], "one object for both 'param' tokens");
  assert.ok(Number.isNaN(shared[0]!.startOffset));
  assert.deepEqual(exact, lex(text).tokens);
  assert.deepEqual(parsed.result, parse(text));
});

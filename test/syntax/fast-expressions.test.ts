// The fast path for well-formed expressions (server/src/syntax/fast-expressions.ts) changes
// nothing a parse returns: with it and without it, every text parses to the same tree (same
// fields in the same order), the same problems and the same items — on every .mlo file of the
// repository, on generated expressions of every construct, and on random edits of both. And it
// does act: most operands of a valid program take it, and broken ones are left to the rules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateProgram } from '../../bench/parse-gen.js';
import { FastExpressions, setFastExpressions } from '../../server/src/syntax/fast-expressions.js';
import { parseText } from '../../server/src/syntax/parse.js';
import { applyEdit, editArb, mloFiles } from './edits.js';

/** Everything a parse returns, in an order-sensitive form (field order included). */
function parsedBoth(text: string): { fast: string; rules: string } {
  const show = (t: string) => {
    const p = parseText(t);
    return JSON.stringify({ result: p.result, items: p.items, lexProblems: p.lexProblems });
  };
  try {
    setFastExpressions(false);
    const rules = show(text);
    setFastExpressions(true);
    return { fast: show(text), rules };
  } finally {
    setFastExpressions(true);
  }
}

function assertSame(text: string): void {
  const { fast, rules } = parsedBoth(text);
  if (fast !== rules) assert.fail(`the fast path changed the parse of:\n${text}`);
}

const files = [...mloFiles('samples'), ...mloFiles('test')].map((f) => readFileSync(f, 'utf8'));

/** How many operands the fast path read and gave up on while `fn` ran. */
function counted(fn: () => void): { read: number; gaveUp: number } {
  const original = FastExpressions.prototype.operand;
  const n = { read: 0, gaveUp: 0 };
  FastExpressions.prototype.operand = function (this: FastExpressions, ...args: Parameters<typeof original>) {
    const e = original.apply(this, args);
    if (e === undefined) n.gaveUp++;
    else n.read++;
    return e;
  };
  try {
    fn();
  } finally {
    FastExpressions.prototype.operand = original;
  }
  return n;
}

test('every .mlo file of the repository parses the same with and without the fast path', () => {
  assert.ok(files.length > 50, `${files.length} files`);
  for (const text of files) assertSame(text);
  assertSame(generateProgram(300));
});

test('the fast path reads the operands of valid programs, and leaves broken ones to the rules', () => {
  const valid = counted(() => parseText(generateProgram(200)));
  assert.ok(valid.read > 100 && valid.gaveUp === 0, JSON.stringify(valid));
  const broken = counted(() => parseText('level l {\n  loss f(a b) + g(x: 1,, 2) * h(1zz) + (a, b)\n  steps 5\n}\n'));
  assert.ok(broken.gaveUp >= 2, JSON.stringify(broken));
  // Characters the lexer rejected (here `@`) do not turn it off, in or around an expression.
  const text = 'data d = csv("x.csv") @\nlevel l {\n  loss mean(f(d.x)) + g(@ 2, h[1])\n  steps 5\n}\n';
  const rejected = counted(() => parseText(text));
  assert.ok(rejected.read >= 3 && rejected.gaveUp === 0, JSON.stringify(rejected));
  assertSame(text);
});

// Expressions of every construct the fast path reads (and some it gives up on), nested.
const name = fc.constantFrom('a', 'net', 'x', 'valid', 'steps', 'loss', 'init', 'mean', 'w_1');
const number = fc.constantFrom('0', '64', '1e-3', '0.5', '4GiB', '80%', '2.5e+3', '1zz', '7ms');
const string = fc.constantFrom('"s"', '"a\\"b"', '"data/x.csv"', '"open');
const { expr } = fc.letrec<{ expr: string; arg: string; value: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    name,
    number,
    string,
    fc.tuple(tie('expr'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', '^', ' ^ '), tie('expr')).map(([l, op, r]) => l + op + r),
    tie('expr').map((e) => `-${e}`),
    tie('expr').map((e) => `(${e})`),
    fc.tuple(tie('expr'), name).map(([e, f]) => `${e}.${f}`),
    fc.tuple(name, fc.array(tie('arg'), { maxLength: 3 }), fc.constantFrom(')', ',)', '')).map(([f, args, close]) => `${f}(${args.join(', ')}${close}`),
    fc.tuple(tie('expr'), tie('expr')).map(([e, i]) => `${e}[${i}]`),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  ),
  arg: fc.oneof(tie('value'), fc.tuple(name, tie('value')).map(([n, v]) => `${n}: ${v}`), fc.tuple(name, tie('value')).map(([n, v]) => `${n} = ${v}`)),
  value: fc.oneof(
    { depthSize: 'small' },
    tie('expr'),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a}..${b}`),
    fc.array(tie('expr'), { minLength: 2, maxLength: 4 }).map((xs) => xs.join(' -> ')),
  ),
}));
const inProgram = fc.tuple(expr, expr, expr).map(
  ([a, b, c]) => `data d = csv("data/x.csv", rows: ${a})\nlevel l {\n  let t = ${b}\n  loss ${c}\n  optimizer sgd(lr: ${a})\n  steps 5\n}\nrun { report ${b} }\n`,
);

test('generated expressions of every construct parse the same with and without the fast path', () => {
  const n = counted(() =>
    fc.assert(fc.property(inProgram, (text) => assertSame(text)), { numRuns: Number(process.env.MLO_FUZZ_RUNS ?? 1500), seed: 20261123 }),
  );
  // Both paths are exercised: operands read fast, and operands given up on.
  assert.ok(n.read > 1000 && n.gaveUp > 1000, JSON.stringify(n));
});

test('random edits of generated expressions and of the repository files parse the same with and without the fast path', () => {
  fc.assert(
    fc.property(fc.oneof(inProgram, fc.constantFrom(...files)), fc.array(editArb, { minLength: 1, maxLength: 4 }), (src, edits) => {
      let text = src;
      for (const e of edits) {
        text = applyEdit(text, e);
        assertSame(text);
      }
    }),
    { numRuns: Number(process.env.MLO_FUZZ_RUNS ?? 600), seed: 7 },
  );
});

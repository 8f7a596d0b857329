// Recovery: one typo, one problem; a broken level does not take the rest of the file with it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { LevelDecl } from '../../server/src/syntax/ast.js';
import { lex } from '../../server/src/syntax/scanner.js';
import { parse } from '../../server/src/syntax/parse.js';

const valid = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'valid');

test('a typo inside one level leaves every following level complete', () => {
  const good = [
    'level a { params w; loss sum(w); steps 2 }',
    'level b above a { params v; loss sum(v * w); optimizer adam(lr: 0.1); hypergradient cg(iters: 3) }',
    'level c above b { params u; loss sum(u); optimizer sgd(lr: 1) }',
  ];
  const reference = parse(good.join('\n')).program.decls as LevelDecl[];
  for (const typo of ['loss sum(w', 'loss sum(w))', 'los sum(w)', 'loss sum(w) @', 'loss', 'loss sum(w,, 2)', 'seed 3', 'loss "x']) {
    const text = [good[0]!.replace('loss sum(w)', typo), good[1], good[2]].join('\n');
    const r = parse(text);
    assert.equal(r.problems.length, 1, `${typo}: ${r.problems.map((p) => p.message).join(' | ')}`);
    const levels = r.program.decls as LevelDecl[];
    assert.equal(levels.length, 3, typo);
    for (const k of [1, 2]) {
      assert.deepEqual(
        levels[k]!.body.map((s) => s.kind),
        reference[k]!.body.map((s) => s.kind),
        `${typo}: level ${k} intact`,
      );
    }
  }
});

test('single-token deletions and duplications in the valid fixtures rarely give more than one problem', () => {
  const counts: number[] = [];
  for (const file of readdirSync(valid).filter((f) => f.endsWith('.mlo'))) {
    const src = readFileSync(join(valid, file), 'utf8');
    for (const t of lex(src).tokens) {
      const end = t.startOffset + t.image.length;
      counts.push(parse(src.slice(0, t.startOffset) + src.slice(end)).problems.length);
      counts.push(parse(`${src.slice(0, end)} ${t.image}${src.slice(end)}`).problems.length);
    }
  }
  const many = counts.filter((n) => n > 1).length;
  assert.ok(counts.length > 1000);
  assert.ok(many / counts.length < 0.02, `${many} of ${counts.length} edits gave more than one problem`);
  assert.ok(Math.max(...counts) <= 2, `worst edit gave ${Math.max(...counts)} problems`);
});

test('keywords are names in expressions, named arguments and fields', () => {
  const r = parse(
    'level l { params net\n let steps = d.steps + log(0.01)\n loss mean(log) * steps + seed\n optimizer momentum(lr: 0.1)\n hypergradient truncated(steps: 5) }',
  );
  assert.deepEqual(r.problems, []);
  const body = (r.program.decls[0] as LevelDecl).body;
  assert.deepEqual(body.map((s) => s.kind), ['Params', 'Let', 'Loss', 'Optimizer', 'Hypergradient']);
});

test('a statement keyword followed by a value starts the next statement, even mid-expression', () => {
  const r = parse('level l {\n params w\n loss sum(w) +\n steps 3\n}');
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]!.kind, 'expected-expression');
  const body = (r.program.decls[0] as LevelDecl).body;
  assert.deepEqual(body.map((s) => s.kind), ['Params', 'Loss', 'Setting']);
});

test('messages name what is open', () => {
  const msg = (text: string) => parse(text).problems.map((p) => p.message);
  assert.deepEqual(msg('model m = mlp(2 -> 3\nparam w = 0'), ["expected ')' to close the call to mlp"]);
  assert.deepEqual(msg('level fit { params w\nlevel b { params v }'), ["expected '}' to close level fit"]);
  assert.deepEqual(msg('param w[3 = 0'), ["expected ']' to close the shape of w"]);
  assert.deepEqual(msg('level l { loss net.layer(1 }'), ["expected ')' to close the call to net.layer"]);
  assert.deepEqual(msg('level l { optimizer sgd(lr 0.1) }'), ["expected ':' after 'lr'"]);
});

test('bare optimizer and mode names are calls without parentheses', () => {
  const r = parse('level l { optimizer sgd\n hypergradient sama }');
  assert.deepEqual(r.problems, []);
  for (const s of (r.program.decls[0] as LevelDecl).body) {
    assert.ok(s.kind === 'Optimizer' || s.kind === 'Hypergradient');
    assert.equal(s.spec.kind, 'Call');
    assert.equal(s.spec.parens, undefined);
    assert.deepEqual(s.spec.args, []);
    assert.equal(s.spec.callee.kind, 'Ident');
  }
});

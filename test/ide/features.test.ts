// Behaviour of the ide features beyond the goldens: formatting is idempotent and never changes
// the tree or the comments (property test over every sample and fixture, and random
// re-spacings of them); rename refuses bad names; completion respects `let` order; the texts
// table covers every built-in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/ide/analysis.js';
import { complete } from '../../server/src/ide/completion.js';
import { formatEdits, formatText } from '../../server/src/ide/format.js';
import { rename } from '../../server/src/ide/navigation.js';
import { functionDocs, keywordDocs } from '../../server/src/ide/texts.js';
import { builtinFunctions } from '../../server/src/model/specs.js';
import { keywords } from '../../grammar/tokens.js';
import { nodeFileSystem } from '../../server/src/model/file-system.js';
import { parse } from '../../server/src/syntax/parse.js';
import { markers } from './dump.js';

const corpus: { path: string; text: string }[] = [
  ...readdirSync('samples').filter((f) => f.endsWith('.mlo')).map((f) => resolve('samples', f)),
  ...readdirSync('test/ide/fixtures').filter((f) => f.endsWith('.mlo')).map((f) => resolve('test/ide/fixtures', f)),
  ...readdirSync('test/fixtures/diagnostics').filter((f) => f.endsWith('.mlo')).map((f) => resolve('test/fixtures/diagnostics', f)),
].map((path) => ({ path, text: markers(readFileSync(path, 'utf8')).text }));

/** The tree without ranges: what formatting must never change. */
function shape(text: string): string {
  return JSON.stringify(parse(text).program, (k, v) => (k === 'range' || k === 'parens' || k === 'keyword' ? undefined : v));
}
const commentTexts = (text: string) => parse(text).program.comments.map((c) => c.text.trimEnd());

function checkFormat(path: string, text: string): void {
  const a = analyze(path, text, 1, nodeFileSystem);
  const once = formatText(a);
  if (once === text && formatEdits(a).length === 0) return;
  assert.equal(shape(once), shape(text), `${path}: formatting changed the tree`);
  assert.deepEqual(commentTexts(once), commentTexts(text), `${path}: formatting changed the comments`);
  const twice = formatText(analyze(path, once, 2, nodeFileSystem));
  assert.equal(twice, once, `${path}: formatting is not idempotent`);
}

test('format: idempotent, same tree, same comments on every sample and fixture', () => {
  let formatted = 0;
  for (const { path, text } of corpus) {
    checkFormat(path, text);
    if (formatText(analyze(path, text, 1, nodeFileSystem)) !== text) formatted++;
  }
  assert.ok(formatted > 3, 'some inputs must actually change');
});

test('format: random re-spacing of the corpus formats back to one layout', () => {
  const valid = corpus.filter(({ path, text }) => !analyze(path, text, 1, nodeFileSystem).result.diagnostics.some((d) => /^MLO00[1-7]$/.test(d.code)));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: valid.length - 1 }), fc.array(fc.constantFrom(' ', '  ', '\n', '\n\n', '\t', ''), { minLength: 1, maxLength: 400 }), (i, spaces) => {
      const { path, text } = valid[i]!;
      // Re-space: replace every run of spaces (not newlines, to keep comments on their lines) by a random gap.
      let k = 0;
      const messy = text.replace(/[ \t]+/g, (m, off: number) => {
        const s = spaces[k++ % spaces.length]!;
        const inComment = text.lastIndexOf('#', off) > text.lastIndexOf('\n', off);
        const inString = (text.slice(text.lastIndexOf('\n', off) + 1, off).match(/"/g) ?? []).length % 2 === 1;
        return inComment || inString || s === '' || s.includes('\n') && /[.\d]/.test(text[off - 1] ?? '') ? m : s;
      });
      if (shape(messy) !== shape(text)) return; // the re-spacing glued two tokens: not a formatter input of interest
      checkFormat(path, messy);
    }),
    { seed: 7, numRuns: 60 },
  );
});

test('rename: validates identifiers, keywords, built-ins and clashes', () => {
  const text = 'model net = linear(2 -> 2)\nparam w = 0\nlevel fit {\n  params net\n  let a = w\n  let b = a\n  loss mean(sq(net(a)))\n}\n';
  const a = analyze(resolve('x.mlo'), text, 1, nodeFileSystem);
  const at = text.indexOf('net');
  assert.deepEqual(rename(a, at, '9x'), { ok: false, message: "'9x' is not a valid name (letters, digits and _, not starting with a digit)" });
  assert.equal(rename(a, at, 'loss').ok, false);
  assert.equal(rename(a, at, 'mean').ok, false);
  assert.equal(rename(a, at, 'w').ok, false);
  assert.equal(rename(a, text.indexOf('let a') + 4, 'b').ok, false, 'a let clashing with a later let of its level');
  const r = rename(a, at, 'clf');
  assert.ok(r.ok);
  assert.equal(r.edits.length, 3);
  assert.ok(r.edits.every((e) => text.slice(e.range.start, e.range.end) === 'net'));
  assert.equal(rename(a, text.indexOf('mean'), 'x').ok, false, 'built-ins cannot be renamed');
});

test('completion: a let is offered only after its statement', () => {
  const text = 'model net = linear(2 -> 2)\nlevel fit {\n  params net\n  let a = \n  let b = 1\n  loss \n}\n';
  const a = analyze(resolve('x.mlo'), text, 1, nodeFileSystem);
  const inA = complete(a, text.indexOf('let a = ') + 8).items.map((i) => i.label);
  assert.ok(!inA.includes('a') && !inA.includes('b'), inA.join(' '));
  const inLoss = complete(a, text.indexOf('loss ') + 5).items.map((i) => i.label);
  assert.ok(inLoss.includes('a') && inLoss.includes('b') && inLoss.includes('net'), inLoss.join(' '));
});

test('texts: every built-in function and keyword has a doc', () => {
  assert.deepEqual(Object.keys(functionDocs).sort(), [...builtinFunctions].sort());
  for (const k of keywords) assert.ok(keywordDocs[k], k);
});

// Analyses computed from the previous version (incremental parse, and the previous check kept
// when no declaration changed) give exactly the diagnostics and symbols of a fresh analysis.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze, type Analysis } from '../../server/src/ide/analysis.js';
import { nodeFileSystem } from '../../server/src/model/file-system.js';
import { applyEdit, editArb } from '../syntax/edits.js';

const path = resolve('samples/reweight_digits.mlo');
const sample = readFileSync(path, 'utf8');

const observable = (a: Analysis) => ({ diagnostics: a.result.diagnostics, program: a.result.program, outline: [...a.result.symbols.globals.keys()] });

test('random edits analysed from the previous version equal fresh analyses', () => {
  fc.assert(
    fc.property(fc.array(editArb, { minLength: 1, maxLength: 5 }), (edits) => {
      let text = sample;
      let previous = analyze(path, text, 1, nodeFileSystem);
      for (const [k, e] of edits.entries()) {
        text = applyEdit(text, e);
        const next = analyze(path, text, k + 2, nodeFileSystem, previous);
        assert.deepEqual(observable(next), observable(analyze(path, text, k + 2, nodeFileSystem)));
        previous = next;
      }
    }),
    { numRuns: 150, seed: 11 },
  );
});

test('an edit that leaves every declaration as it was keeps the previous check', () => {
  const first = analyze(path, sample, 1, nodeFileSystem);
  const commented = analyze(path, `${sample}# a note\n`, 2, nodeFileSystem, first);
  assert.equal(commented.result.model, first.result.model);
  assert.equal(commented.result.program.comments.at(-1)?.text, '# a note');
  // A changed declaration is checked again.
  const at = sample.indexOf('steps ');
  const edited = analyze(path, `${sample.slice(0, at)}steps -1${sample.slice(sample.indexOf('\n', at))}`, 3, nodeFileSystem, commented);
  assert.notEqual(edited.result.model, first.result.model);
  assert.ok(edited.result.diagnostics.length > 0);
  // So is everything after data files changed (the language server marks the analyses).
  const afterFiles = analyze(path, `${sample}# a note\n`, 4, nodeFileSystem, { ...first, filesChanged: true });
  assert.notEqual(afterFiles.result.model, first.result.model);
});

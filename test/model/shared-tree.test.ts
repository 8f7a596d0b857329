// The editor shares the declarations an edit did not touch between the analyses of successive
// versions (incremental parsing), so the checker must never write into the tree: check every
// sample and fixture from a deep-frozen parse and compare with a fresh check.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';
import { parseText } from '../../server/src/syntax/parse.js';
import { deepFreeze } from '../support/freeze.js';


function mloFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? mloFiles(join(dir, e.name)) : e.name.endsWith('.mlo') ? [join(dir, e.name)] : [],
  );
}

test('checking a frozen tree gives the diagnostics of a fresh check', () => {
  const files = [...mloFiles(resolve('samples')), ...mloFiles(resolve('test/fixtures')), ...mloFiles(resolve('test/syntax/fixtures'))];
  assert.ok(files.length > 20);
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const frozen = check(text, { path, parsed: deepFreeze(parseText(text)) });
    assert.deepEqual(frozen.diagnostics, check(text, { path }).diagnostics, path);
  }
});

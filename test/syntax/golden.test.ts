// Golden tests of the parser: every fixtures/{valid,invalid}/*.mlo is parsed and its dump (see
// dump.ts) compared with the *.ast.txt next to it.
//
// Regenerate ALL goldens after an intended change, then review the diff:
//   UPDATE_GOLDENS=1 node scripts/run-tests.mjs test/syntax
//
// Valid fixtures must parse with no problems. An invalid fixture states on its first line how
// many problems it must produce (`# problems: 1`): one typo, one problem.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/syntax/parse.js';
import { dumpParse } from './dump.js';
import { checkRanges } from './ranges.js';

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDENS === '1';

for (const group of ['valid', 'invalid'] as const) {
  const dir = join(here, 'fixtures', group);
  const files = readdirSync(dir).filter((f) => f.endsWith('.mlo')).sort();
  test(`${group} fixtures exist`, () => assert.ok(files.length > 0));
  for (const file of files) {
    test(`${group}/${file}`, () => {
      const text = readFileSync(join(dir, file), 'utf8');
      const result = parse(text);
      const dump = dumpParse(text, result);
      const golden = join(dir, file.replace(/\.mlo$/, '.ast.txt'));
      if (update) writeFileSync(golden, dump);
      assert.ok(existsSync(golden), `no golden ${golden}: run with UPDATE_GOLDENS=1`);
      assert.equal(dump, readFileSync(golden, 'utf8'), `${file}: dump differs from its golden`);
      assert.deepEqual(checkRanges(text, result), [], 'ranges nest and lie within the text');
      if (group === 'valid') {
        assert.deepEqual(result.problems, [], `${file} should parse without problems`);
      } else {
        const m = /^#\s*problems:\s*(\d+)/.exec(text);
        assert.ok(m, `${file} must start with '# problems: N'`);
        assert.equal(result.problems.length, Number(m[1]), result.problems.map((p) => p.message).join('\n'));
      }
    });
  }
}

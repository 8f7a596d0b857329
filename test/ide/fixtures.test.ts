// Golden tests of every ide feature: each test/ide/fixtures/NAME.mlo (cursor markers `$0`,
// `$1`, ...) is dumped by dump.ts and compared with NAME.golden.txt beside it.
// After an intended change: UPDATE_GOLDENS=1 node scripts/run-tests.mjs test/ide — then review the diff.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { dumpFixture } from './dump.js';

const dir = resolve('test/ide/fixtures');
const update = process.env['UPDATE_GOLDENS'] === '1';

for (const f of readdirSync(dir).filter((x) => x.endsWith('.mlo')).sort()) {
  test(`ide fixture ${f}`, () => {
    const path = join(dir, f);
    const actual = dumpFixture(path, readFileSync(path, 'utf8'));
    const golden = path.replace(/\.mlo$/, '.golden.txt');
    if (update || !existsSync(golden)) {
      writeFileSync(golden, actual);
      if (!update) assert.fail(`${golden} did not exist; written — review it and run again`);
      return;
    }
    assert.equal(actual, readFileSync(golden, 'utf8'));
  });
}

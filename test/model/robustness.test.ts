// The checker never throws: every prefix of every sample (broken mid-token, mid-statement)
// checks to some diagnostics.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { check } from '../../server/src/model/check.js';

test('every prefix of every sample checks without throwing', () => {
  let n = 0;
  for (const f of readdirSync('samples').filter((x) => x.endsWith('.mlo'))) {
    const path = resolve('samples', f);
    const text = readFileSync(path, 'utf8');
    for (let cut = 0; cut < text.length; cut += 11) {
      const r = check(text.slice(0, cut), { path });
      for (const d of r.diagnostics) assert.ok(d.range.start <= d.range.end && d.range.end <= cut, `${f}@${cut}: ${d.code}`);
      n++;
    }
  }
  assert.ok(n > 100);
});

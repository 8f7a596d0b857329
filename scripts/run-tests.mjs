#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner (tsx compiles on the fly).
// `--slow` adds the *.slow.test.ts suites (end-to-end runs, long fuzzing) that CI runs separately.
// Extra arguments that are paths restrict the run to those files or folders.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const slow = args.includes('--slow');
const roots = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = (roots.length ? roots : ['test'])
  .flatMap((r) => (statSync(r).isDirectory() ? walk(r, []) : [r]))
  .filter((f) => slow === f.endsWith('.slow.test.ts') || (roots.length > 0 && !slow));

if (files.length === 0) {
  // The slow suites may be empty; the fast suite never is.
  console.error(slow ? 'no slow test files' : 'no test files found');
  process.exit(slow ? 0 : 1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, MLO_TEST: '1' },
});
process.exit(r.status ?? 1);

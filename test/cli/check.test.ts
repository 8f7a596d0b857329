// `mlo check` as a user meets it: a real process, real files, exit codes and printed lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { tsxImport } from '../support/tsx.js';

const root = process.cwd();
const samples = readdirSync(join(root, 'samples')).filter((f) => f.endsWith('.mlo')).map((f) => join('samples', f));

function mlo(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [...tsxImport, join(root, 'server/src/cli/main.ts'), ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('every sample checks with no diagnostics and exit 0', () => {
  assert.ok(samples.length >= 7, `expected at least seven samples, found ${samples.length}`);
  const r = mlo(['check', ...samples]);
  assert.equal(r.stderr, '');
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, new RegExp(`^${samples.length} files checked: 0 errors, 0 other diagnostics$`, 'm'));
});

test('a corrupted sample exits 1 with a coded diagnostic at file:line:col', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-check-'));
  cpSync(join(root, 'samples/data'), join(dir, 'data'), { recursive: true });
  const text = readFileSync(join(root, 'samples/weight_decay_breast_cancer.mlo'), 'utf8').replace('clf(valid.x), valid.y))\n  optimizer', 'clff(valid.x), valid.y))\n  optimizer');
  writeFileSync(join(dir, 'broken.mlo'), text);
  const r = mlo(['check', 'broken.mlo'], dir);
  assert.equal(r.status, 1);
  const line = text.split('\n').findIndex((l) => l.includes('clff(')) + 1;
  const col = text.split('\n')[line - 1].indexOf('clff') + 1;
  assert.match(r.stdout, new RegExp(`^broken\\.mlo:${line}:${col}: error MLO\\d{3}: .*'clff'.*did you mean 'clf'`, 'm'));
});

test('--json lists the diagnostics with codes and 1-based positions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-check-'));
  writeFileSync(join(dir, 'bad.mlo'), 'model net = mlp(4 -> 2)\nlevel fit {\n  params net\n  loss 1 +\n}\n');
  const r = mlo(['check', '--json', 'bad.mlo'], dir);
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout) as { errors: number; diagnostics: { code: string; line: number; column: number; severity: string }[] };
  assert.ok(report.errors >= 1);
  const syntax = report.diagnostics.find((d) => d.severity === 'error');
  assert.ok(syntax && /^MLO\d{3}$/.test(syntax.code));
  assert.ok(syntax.line >= 4);
});

test('a missing file is reported, not a crash', () => {
  const r = mlo(['check', 'no/such/file.mlo']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /no\/such\/file\.mlo:1:1: error MLO000: cannot read/);
});

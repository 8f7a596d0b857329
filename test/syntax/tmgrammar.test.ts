// The TextMate grammar: generated from grammar/tokens.ts (and up to date), and its scopes
// checked by vscode-tmgrammar-test against the assertions in test/grammar/*.mlo.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  buildLanguageConfiguration,
  buildTmLanguage,
  languageConfigurationPath,
  tmLanguagePath,
} from '../../grammar/build-tmlanguage.js';
import { keywords, units } from '../../grammar/tokens.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tool = join(root, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');

function runTool(pattern: string) {
  return spawnSync(process.execPath, [tool, '--compact', '-g', tmLanguagePath, pattern], { cwd: root, encoding: 'utf8' });
}

test('the committed grammar and language configuration are what build-tmlanguage.ts makes (npm run grammar)', () => {
  assert.equal(readFileSync(tmLanguagePath, 'utf8'), buildTmLanguage());
  assert.equal(readFileSync(languageConfigurationPath, 'utf8'), buildLanguageConfiguration());
});

test('every keyword and unit of tokens.ts is in the grammar', () => {
  const json = readFileSync(tmLanguagePath, 'utf8');
  for (const kw of keywords) assert.match(json, new RegExp(`\\b${kw}\\b`), kw);
  for (const u of units) assert.ok(json.includes(u.text), u.text);
});

test('the wordPattern takes a number with its unit as one word', () => {
  const config = JSON.parse(readFileSync(languageConfigurationPath, 'utf8')) as { wordPattern: string };
  const word = new RegExp(`^(?:${config.wordPattern})$`);
  for (const w of ['4GiB', '80%', '1e-3', '.5', 'log_softmax', 'x1']) assert.match(w, word);
  assert.doesNotMatch('a.b', word);
});

test('scope assertions in test/grammar/*.mlo hold', () => {
  const r = runTool('test/grammar/*.mlo');
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /declarations\.mlo/);
});

test('a wrong scope assertion fails (the tool really checks)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-tm-'));
  try {
    writeFileSync(join(dir, 'wrong.mlo'), '# SYNTAX TEST "source.mlo"\nlevel fit {\n# <----- comment.line.number-sign.mlo\n');
    const r = runTool(join(dir, '*.mlo'));
    assert.notEqual(r.status, 0, r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

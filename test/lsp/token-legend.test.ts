// The server's semantic token legend and the extension's manifest must agree: VS Code ignores
// a custom token type that the extension does not declare (with a standard super type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SemanticTokenTypes } from 'vscode-languageserver-protocol';
import { tokenTypes } from '../../server/src/ide/semantic-tokens.js';

const manifest = JSON.parse(readFileSync('client/package.json', 'utf8')) as {
  contributes: { semanticTokenTypes?: { id: string; superType?: string }[]; semanticTokenScopes?: { language: string; scopes: Record<string, string[]> }[] };
};
const standard = new Set<string>(Object.values(SemanticTokenTypes));

test('every custom token type of the server is declared by the extension, with a standard super type', () => {
  const declared = new Map((manifest.contributes.semanticTokenTypes ?? []).map((t) => [t.id, t.superType]));
  for (const t of tokenTypes.filter((t) => !standard.has(t))) {
    assert.ok(declared.has(t), `client/package.json does not declare the token type '${t}'`);
    assert.ok(standard.has(declared.get(t) ?? ''), `'${t}' needs a standard superType, has '${declared.get(t)}'`);
  }
  const scopes = manifest.contributes.semanticTokenScopes?.find((s) => s.language === 'mlo')?.scopes ?? {};
  for (const t of declared.keys()) assert.ok(scopes[t]?.length, `no TextMate scope fallback for '${t}'`);
});

// The compiled server (`npm run build` → out/server/src/lsp/main.js --stdio) starts and answers
// exactly as the sources do. Skipped where the repository has not been built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startClient, fileUri } from '../support/lsp-client.js';

const built = join(process.cwd(), 'out/server/src/lsp/main.js');

test('the built server answers over stdio', { skip: !existsSync(built) && 'not built (npm run build)' }, async () => {
  const path = join(process.cwd(), 'samples/ridge.mlo');
  const text = readFileSync(path, 'utf8');
  const uri = fileUri(path);
  const client = await startClient({}, undefined, { built: true });
  try {
    assert.equal(client.init.serverInfo?.name, 'mlo-language-server');
    await client.open(uri, text, 1);
    const d = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(d.diagnostics, []);
    const i = text.indexOf('level ') + 7;
    const line = text.slice(0, i).split('\n').length - 1;
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: i - text.lastIndexOf('\n', i - 1) - 1 } })) as { contents: { value: string } };
    assert.match(hover.contents.value, /level/);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

// Diagnostics over real stdio JSON-RPC: pushed on open and on every edit, stamped with the
// document version, refreshed when a data file changes, pulled where the client pulls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startClient, fileUri } from '../support/lsp-client.js';

const sample = readFileSync(join(process.cwd(), 'samples/weight_decay_breast_cancer.mlo'), 'utf8');

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-lsp-'));
  writeFileSync(join(dir, 'data.csv'), 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n');
  return dir;
}

const program = (column: string) => `data train = csv("data.csv", label: label, features: [a, ${column}])
model m = linear(2 -> 2)
level fit {
  params m
  loss mean(cross_entropy(m(train.x), train.y))
  optimizer sgd(lr: 0.1)
}
`;

test('push: diagnostics on open, on edit (versioned), and after a data file changes', async () => {
  const dir = workspace();
  const uri = fileUri(join(dir, 'p.mlo'));
  const client = await startClient({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
  try {
    await client.open(uri, program('b'), 1);
    const first = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(first.diagnostics, []);

    await client.change(uri, 2, program('c')); // no column c in data.csv
    const second = await client.diagnostics(uri, (p) => p.version === 2);
    assert.equal(second.diagnostics.length, 1, JSON.stringify(second.diagnostics));
    assert.match(String(second.diagnostics[0].code), /^MLO\d{3}$/);
    assert.match(String(second.diagnostics[0].message), /'c'/);
    assert.equal(second.diagnostics[0].range.start.line, 0);

    // Now the data file grows a column c: the same text becomes valid.
    writeFileSync(join(dir, 'data.csv'), 'a,c,label\n1,2,0\n3,4,1\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(join(dir, 'data.csv')), type: 2 }] });
    const count = client.published.length;
    const third = await client.diagnostics(uri, (p) => p.version === 2 && client.published.indexOf(p) >= count);
    assert.deepEqual(third.diagnostics, []);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

test('push: a burst of edits publishes only for the latest version', async () => {
  const dir = workspace();
  const uri = fileUri(join(dir, 'burst.mlo'));
  const client = await startClient();
  try {
    await client.open(uri, program('b'), 1);
    await client.diagnostics(uri, (p) => p.version === 1);
    for (let v = 2; v <= 20; v++) await client.change(uri, v, program(v % 2 ? 'b' : 'zz'));
    const last = await client.diagnostics(uri, (p) => p.version === 20);
    assert.equal(last.diagnostics.length, 1); // version 20 reads column zz
    const stale = client.published.filter((p) => p.uri === uri && p.version !== undefined && p.version > 1 && p.version < 20);
    assert.ok(stale.length < 19, `debounce should coalesce a burst; published ${stale.length} stale versions`);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

test('pull: a client that announces pull diagnostics gets them by request', async () => {
  const dir = workspace();
  const uri = fileUri(join(dir, 'pull.mlo'));
  const client = await startClient({ textDocument: { diagnostic: { dynamicRegistration: false } } });
  try {
    assert.ok(client.init.capabilities.diagnosticProvider);
    await client.open(uri, program('nope'), 1);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as { kind: string; items: { code: string }[] };
    assert.equal(report.kind, 'full');
    assert.equal(report.items.length, 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(client.published.length, 0, 'a pulling client gets no pushed duplicates');
  } finally {
    assert.equal(await client.close(), 0);
  }
});

test('a real sample opens with no diagnostics', async () => {
  const uri = fileUri(join(process.cwd(), 'samples/weight_decay_breast_cancer.mlo'));
  const client = await startClient();
  try {
    await client.open(uri, sample, 3);
    const d = await client.diagnostics(uri, (p) => p.version === 3);
    assert.deepEqual(d.diagnostics, []);
  } finally {
    assert.equal(await client.close(), 0);
  }
});

// Every editor feature over real stdio JSON-RPC: one server, one document, each request as an
// editor sends it, and a clean shutdown (exit code 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startClient, fileUri } from '../support/lsp-client.js';

const text = `# weight decay, tuned
data train = csv("d.csv", label: label, rows: 0..4)
model net = linear(2 -> 2)
param logwd = -3

level fit {
  params net
  let ce = cross_entropy(net(train.x), train.y)
  loss mean(ce) + exp(logwd) * sum(sq(net.weight))
  optimizer sgd(lr: 0.1)
}

level tune above fit {
  params logwd
  loss mean(cross_entropy(net(train.x), train.y))
  hypergradient cg(iters: 3)
}

run {steps 3,   seed 1}
`;

const pos = (needle: string, delta = 0) => {
  const i = text.indexOf(needle) + delta;
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};

test('features over stdio: hover, completion, signature, navigation, rename, symbols, tokens, format, lenses, actions, hints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlo-lsp-'));
  writeFileSync(join(dir, 'd.csv'), 'a,b,label\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n');
  const uri = fileUri(join(dir, 'p.mlo'));
  const client = await startClient({ textDocument: { completion: { completionItem: { snippetSupport: true } } } });
  const c = client.connection;
  const td = { textDocument: { uri } };
  try {
    const caps = client.init.capabilities;
    assert.ok(caps.hoverProvider && caps.completionProvider && caps.renameProvider && caps.semanticTokensProvider && caps.inlayHintProvider);
    assert.equal((caps.experimental as { mlo: { jobs: boolean } }).mlo.jobs, true);
    await client.open(uri, text, 1);
    const diags = await client.diagnostics(uri, (p) => p.version === 1);
    assert.deepEqual(diags.diagnostics, []);

    const hover = (await c.sendRequest('textDocument/hover', { ...td, position: pos('net =', 1) })) as { contents: { value: string } };
    assert.match(hover.contents.value, /model net/);
    assert.match(hover.contents.value, /6 parameters/);

    const comp = (await c.sendRequest('textDocument/completion', { ...td, position: pos('sgd(', 4) })) as { items: { label: string; insertTextFormat: number }[] };
    assert.ok(comp.items.some((i) => i.label === 'momentum'), JSON.stringify(comp.items.map((i) => i.label)));

    const sig = (await c.sendRequest('textDocument/signatureHelp', { ...td, position: pos('cg(', 3) })) as { signatures: { label: string }[] };
    assert.match(sig.signatures[0]!.label, /^cg\(/);

    const def = (await c.sendRequest('textDocument/definition', { ...td, position: pos('mean(ce', 6) })) as { range: { start: { line: number } } }[];
    assert.equal(def[0]!.range.start.line, 7);

    const refs = (await c.sendRequest('textDocument/references', { ...td, position: pos('logwd ='), context: { includeDeclaration: true } })) as unknown[];
    assert.equal(refs.length, 3);

    const hl = (await c.sendRequest('textDocument/documentHighlight', { ...td, position: pos('ce =') })) as unknown[];
    assert.equal(hl.length, 2);

    const prep = (await c.sendRequest('textDocument/prepareRename', { ...td, position: pos('net =') })) as { placeholder: string };
    assert.equal(prep.placeholder, 'net');
    const edit = (await c.sendRequest('textDocument/rename', { ...td, position: pos('net ='), newName: 'clf' })) as { changes: Record<string, unknown[]> };
    assert.equal(edit.changes[uri]!.length, 5);
    await assert.rejects(c.sendRequest('textDocument/rename', { ...td, position: pos('net ='), newName: 'loss' }), /keyword or built-in/);
    await assert.rejects(c.sendRequest('textDocument/prepareRename', { ...td, position: pos('mean(ce') }), /built in/);

    const syms = (await c.sendRequest('textDocument/documentSymbol', td)) as { name: string; children?: unknown[] }[];
    assert.deepEqual(syms.map((s) => s.name), ['train', 'net', 'logwd', 'fit', 'tune', 'run']);
    assert.equal(syms[3]!.children!.length, 4);
    const ws = (await c.sendRequest('workspace/symbol', { query: 'tun' })) as { name: string }[];
    assert.ok(ws.some((s) => s.name === 'tune'));

    const folds = (await c.sendRequest('textDocument/foldingRange', td)) as { startLine: number }[];
    assert.ok(folds.some((f) => f.startLine === 5));
    const sel = (await c.sendRequest('textDocument/selectionRange', { ...td, positions: [pos('train.x', 6)] })) as { range: unknown; parent?: unknown }[];
    assert.ok(sel[0]!.parent);

    const tokens = (await c.sendRequest('textDocument/semanticTokens/full', td)) as { data: number[] };
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);
    const ranged = (await c.sendRequest('textDocument/semanticTokens/range', { ...td, range: { start: { line: 5, character: 0 }, end: { line: 10, character: 0 } } })) as { data: number[] };
    assert.ok(ranged.data.length > 0 && ranged.data.length < tokens.data.length);

    const fmt = (await c.sendRequest('textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } })) as { newText: string }[];
    assert.ok(fmt.length >= 2, 'run {steps 3,   seed 1} is not canonical');
    const rfmt = (await c.sendRequest('textDocument/rangeFormatting', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, options: { tabSize: 2, insertSpaces: true } })) as unknown[];
    assert.equal(rfmt.length, 0, 'the first lines are already canonical');

    type Lens = { range: unknown; command?: { title: string; command: string; arguments: unknown[] }; data?: unknown };
    const lenses = (await c.sendRequest('textDocument/codeLens', td)) as Lens[];
    assert.ok(lenses.some((l) => l.command?.command === 'mlo.runLevel' && l.command.arguments[1] === 'tune'));
    // The memory lens of the upper level comes unresolved (no estimate until it is on screen).
    const lazy = lenses.filter((l) => !l.command);
    assert.equal(lazy.length, 1, JSON.stringify(lenses));
    const resolved = (await c.sendRequest('codeLens/resolve', lazy[0])) as Lens;
    assert.match(resolved.command!.title, /^\w+: peak \d/, JSON.stringify(resolved));
    assert.equal(resolved.command!.command, 'mlo.estimateMemory');
    assert.deepEqual(resolved.command!.arguments, [uri, 'tune']);

    // mlo/estimate: the whole file, the tree of a lower level (that of its upper), an unknown level.
    type Est = { peakBytes: number; levels: { level: string; mode: string; peakBytes: number }[]; markdown?: string };
    const whole = (await c.sendRequest('mlo/estimate', { uri })) as Est;
    assert.deepEqual(whole.levels.map((l) => [l.level, l.mode]), [['tune', 'cg']]);
    assert.ok(whole.peakBytes > 0 && whole.peakBytes === whole.levels[0]!.peakBytes);
    const ofFit = (await c.sendRequest('mlo/estimate', { uri, level: 'fit' })) as Est;
    assert.deepEqual(ofFit.levels, whole.levels);
    await assert.rejects(c.sendRequest('mlo/estimate', { uri, level: 'nosuch' }), /no estimate for level nosuch/);
    const hints = (await c.sendRequest('textDocument/inlayHint', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } } })) as { label: string }[];
    assert.ok(hints.some((h) => h.label === ': [4]'), JSON.stringify(hints));

    // A typo, then its quick fix.
    await client.change(uri, 2, text.replace('mean(ce)', 'mean(cee)'));
    const d2 = await client.diagnostics(uri, (p) => p.version === 2);
    assert.equal(d2.diagnostics[0]!.code, 'MLO012');
    const actions = (await c.sendRequest('textDocument/codeAction', { ...td, range: d2.diagnostics[0]!.range, context: { diagnostics: d2.diagnostics } })) as { title: string; edit: { changes: Record<string, { newText: string }[]> } }[];
    assert.equal(actions[0]!.title, "Replace 'cee' with 'ce'");
    assert.equal(actions[0]!.edit.changes[uri]![0]!.newText, 'ce');
  } finally {
    assert.equal(await client.close(), 0);
  }
});

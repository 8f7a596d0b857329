// The server under random edits over real stdio: after every edit, requests at random
// positions (hover, completion, signature help, definition, references, highlights, symbols,
// semantic tokens, formatting, code actions, inlay hints, folding). Every request is answered
// within its timeout (no hang), the server logs no failure, its memory stays bounded, and it
// shuts down with exit code 0. MLO_LSP_FUZZ_EDITS scales it (the .slow version).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { startClient, fileUri } from '../support/lsp-client.js';
import { LineIndex } from '../../server/src/syntax/line-index.js';
import { applyEdit, editArb, fuzzCorpus } from '../ide/fuzz-support.js';

const EDITS = Number(process.env['MLO_LSP_FUZZ_EDITS'] ?? 1200);

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))]);
}

test(`the server survives ${EDITS} random edits with requests in between`, { timeout: 600_000 }, async () => {
  const client = await startClient({ textDocument: { completion: { completionItem: { snippetSupport: true } } } });
  const c = client.connection;
  const rnd = fc.sample(fc.tuple(fc.integer({ min: 0, max: fuzzCorpus.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 3 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 })), { numRuns: EDITS, seed: 11 });
  const uri = fileUri(fuzzCorpus[0]!.path.replace(/\.mlo$/, '-fuzz.mlo'));
  let text = fuzzCorpus[0]!.text;
  let version = 1;
  let rssMid = 0;
  try {
    await client.open(uri, text, version);
    for (let k = 0; k < rnd.length; k++) {
      const [src, edits, where] = rnd[k]!;
      if (k % 50 === 0) text = fuzzCorpus[src]!.text; // start over from a real program now and then
      for (const e of edits) text = applyEdit(text, e);
      await client.change(uri, ++version, text);
      const lines = new LineIndex(text);
      const position = (w: number) => lines.positionAt(Math.floor(w * text.length));
      const td = { textDocument: { uri } };
      const p0 = position(where[0]!);
      const range = { start: position(Math.min(where[1]!, where[2]!)), end: position(Math.max(where[1]!, where[2]!)) };
      const requests: [string, unknown][] = [
        ['textDocument/hover', { ...td, position: p0 }],
        ['textDocument/completion', { ...td, position: position(where[1]!) }],
        ['textDocument/signatureHelp', { ...td, position: position(where[2]!) }],
        ['textDocument/definition', { ...td, position: p0 }],
        ['textDocument/references', { ...td, position: p0, context: { includeDeclaration: true } }],
        ['textDocument/documentHighlight', { ...td, position: position(where[3]!) }],
      ];
      if (k % 5 === 0) {
        requests.push(
          ['textDocument/documentSymbol', td], ['textDocument/semanticTokens/full', td], ['textDocument/formatting', { ...td, options: { tabSize: 2, insertSpaces: true } }],
          ['textDocument/codeAction', { ...td, range, context: { diagnostics: [] } }], ['textDocument/inlayHint', { ...td, range }], ['textDocument/foldingRange', td],
          ['textDocument/codeLens', td], ['textDocument/selectionRange', { ...td, positions: [p0] }],
        );
      }
      await Promise.all(requests.map(([m, p]) => within(c.sendRequest(m, p), 5000, m).catch((e: Error) => {
        if (/no answer/.test(e.message)) throw e;
        // Request errors (e.g. rename refused) are answers too; only a hang fails.
      })));
      if (k === Math.floor(rnd.length / 4)) rssMid = rssKiB(client.process.pid!);
    }
    const last = await client.diagnostics(uri, (p) => p.version === version, 10_000);
    assert.ok(Array.isArray(last.diagnostics));
    const rssEnd = rssKiB(client.process.pid!);
    assert.ok(rssEnd - rssMid < 150 * 1024, `server memory grew from ${rssMid} KiB to ${rssEnd} KiB`);
    assert.doesNotMatch(client.stderr(), /failed:|uncaught|unhandled/, client.stderr().slice(0, 2000));
  } finally {
    assert.equal(await client.close(), 0);
  }
});

// Every ide feature on thousands of randomly edited programs, at random offsets: nothing throws,
// every range lies in the text, formatting never changes the tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze, type Analysis } from '../../server/src/ide/analysis.js';
import { codeActions } from '../../server/src/ide/actions.js';
import { complete } from '../../server/src/ide/completion.js';
import { formatEdits } from '../../server/src/ide/format.js';
import { hover } from '../../server/src/ide/hover.js';
import { codeLenses, costLensTitle, inlayHints } from '../../server/src/ide/lenses.js';
import { definition, highlights, prepareRename, references, rename } from '../../server/src/ide/navigation.js';
import { semanticTokens } from '../../server/src/ide/semantic-tokens.js';
import { signatureHelp } from '../../server/src/ide/signature.js';
import { foldingRanges, selectionRanges } from '../../server/src/ide/structure.js';
import { documentSymbols, workspaceSymbols } from '../../server/src/ide/symbols.js';
import { nodeFileSystem } from '../../server/src/model/file-system.js';
import type { Span } from '../../server/src/syntax/ast.js';
import { applyEdit, editArb, fuzzCorpus } from './fuzz-support.js';

const RUNS = Number(process.env['MLO_FUZZ_RUNS'] ?? 600);

function inText(a: Analysis, r: Span, what: string): void {
  assert.ok(r.start >= 0 && r.start <= r.end && r.end <= a.text.length, `${what}: ${JSON.stringify(r)} outside the text (${a.text.length})`);
}

export function exercise(a: Analysis, offsets: number[]): void {
  for (const o of offsets) {
    const h = hover(a, o);
    if (h) inText(a, h.range, 'hover');
    const c = complete(a, o);
    inText(a, c.range, 'completion');
    signatureHelp(a, o);
    for (const r of [...definition(a, o), ...references(a, o)]) inText(a, r, 'references');
    highlights(a, o);
    const p = prepareRename(a, o);
    if (p.ok) {
      inText(a, p.range, 'prepareRename');
      const r = rename(a, o, 'renamed_x');
      if (r.ok) for (const e of r.edits) inText(a, e.range, 'rename');
    }
    for (const x of codeActions(a, { start: o, end: o })) for (const e of x.edits) inText(a, e.range, 'code action');
  }
  documentSymbols(a);
  workspaceSymbols(a, 'a');
  foldingRanges(a);
  selectionRanges(a, offsets);
  for (const t of semanticTokens(a)) inText(a, t.range, 'semantic token');
  for (const e of formatEdits(a)) inText(a, e.range, 'format');
  for (const l of codeLenses(a)) if (l.title === undefined && l.command.kind === 'estimate' && l.command.level) costLensTitle(a, l.command.level);
  inlayHints(a);
}

test(`every feature survives ${RUNS} random edit sequences`, () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: fuzzCorpus.length - 1 }), fc.array(editArb, { minLength: 1, maxLength: 8 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), (i, edits, where) => {
      let text = fuzzCorpus[i]!.text;
      for (const e of edits) text = applyEdit(text, e);
      const a = analyze(fuzzCorpus[i]!.path, text, 1, nodeFileSystem);
      exercise(a, [...where.map((w) => Math.min(text.length, Math.floor(w * (text.length + 1)))), 0, text.length]);
    }),
    { seed: 42, numRuns: RUNS },
  );
});

// Language server latency over real stdio, as an editor sees it: from `didChange` to the
// `publishDiagnostics` of that version, and the round trip of hover and completion requests at
// identifiers of the current version, and a hover on a level right after each edit (which needs
// that level's memory estimate). On every sample and on a generated program (2,000 lines, or --lines N).
// Runs the compiled server (out/, after `npm run build`) when present, else the sources via tsx.
//   npm run bench -- lsp [--edits N] [--warmup N] [--requests N] [--lines N] [--only NAME]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startClient, fileUri, type Client } from '../test/support/lsp-client.js';
import { changedSpan } from '../server/src/syntax/incremental.js';
import { LineIndex } from '../server/src/syntax/line-index.js';
import { generateProgram } from './parse-gen.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);

function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const stats = (xs: readonly number[]) => ({ n: xs.length, p50: round(quantile(xs, 0.5)), p95: round(quantile(xs, 0.95)), max: round(Math.max(...xs)) });
const round = (x: number) => Math.round(x * 100) / 100;

/** Offsets of identifiers (where hovers and completions are asked), deterministic. */
function identifierOffsets(text: string, count: number): number[] {
  const all = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].filter((m) => !text.slice(text.lastIndexOf('\n', m.index!) + 1, m.index!).includes('#')).map((m) => m.index! + 1);
  const out: number[] = [];
  for (let i = 0; i < count && all.length; i++) out.push(all[(i * 7919) % all.length]!);
  return out;
}

/**
 * The text after edit `i`: a real change that keeps the program valid, alternating between the
 * two places edits happen: a trailing comment at the end, and a value in the middle of the file
 * (the `steps N` nearest to the middle becomes `steps N+1`, and back).
 */
function edited(text: string, i: number): string {
  const steps = [...text.matchAll(/steps (\d+)/g)];
  if (i % 4 === 0 || steps.length === 0) return `${text}# edit ${i}\n`;
  if (i % 4 === 2) {
    const m = steps.reduce((a, b) => (Math.abs(b.index! - text.length / 2) < Math.abs(a.index! - text.length / 2) ? b : a));
    const at = m.index! + 'steps '.length;
    return `${text.slice(0, at)}${Number(m[1]) + 1}${text.slice(at + m[1]!.length)}`;
  }
  return text;
}

/** The smallest range of `before` whose replacement gives `after`, in LSP positions. */
function changeBetween(before: string, after: string) {
  const { start, oldEnd, newEnd } = changedSpan(before, after);
  const lines = new LineIndex(before);
  return { range: { start: lines.positionAt(start), end: lines.positionAt(oldEnd) }, insert: after.slice(start, newEnd) };
}

async function measureFile(client: Client, path: string, text: string, edits: number, requests: number, warmup: number) {
  const uri = fileUri(path);
  let version = 1;
  await client.open(uri, text, version);
  await client.diagnostics(uri, (p) => p.version === version, 60_000);
  const diag: number[] = [];
  // After each timed edit, a hover on the name of the level nearest the middle of the file: the
  // first request that needs the new analysis's memory estimate of that level.
  const afterEdit: number[] = [];
  const levels = [...text.matchAll(/^level (\w+)/gm)];
  const mid = levels.length ? levels.reduce((a, b) => (Math.abs(b.index! - text.length / 2) < Math.abs(a.index! - text.length / 2) ? b : a)) : undefined;
  let shown = text;
  // The first `warmup` edits are not timed: they let the server's JIT compile the checker's paths
  // for this file, as the first minutes of an editing session do (each one is printed with
  // MLO_BENCH_TRACE=1; the first mid-file edits of the 2,000-line file take 30–60 ms, the next twenty 10–40 ms).
  for (let i = 0; i < warmup + edits; i++) {
    const next = edited(text, i);
    // Sent as editors send it: the changed range only (the server syncs incrementally).
    const { range, insert } = changeBetween(shown, next);
    shown = next;
    const t0 = performance.now();
    await client.edit(uri, ++version, range, insert);
    await client.diagnostics(uri, (p) => p.version === version, 60_000);
    if (i >= warmup) diag.push(performance.now() - t0);
    if (i >= warmup && mid) {
      // The edits keep every level where it was, up to the changed digit of a `steps`.
      const position = new LineIndex(shown).positionAt(shown.indexOf(`level ${mid[1]}`) + 'level '.length + 1);
      const t1 = performance.now();
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
      afterEdit.push(performance.now() - t1);
    }
    if (process.env.MLO_BENCH_TRACE) console.error(`edit ${i}${i < warmup ? ' (warm-up)' : ''} ${(performance.now() - t0).toFixed(1)} ms`);
  }
  const current = edited(text, warmup + edits - 1);
  const lines = new LineIndex(current);
  const hover: number[] = [];
  const completion: number[] = [];
  for (const o of identifierOffsets(current, requests)) {
    const position = lines.positionAt(o);
    let t0 = performance.now();
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    hover.push(performance.now() - t0);
    t0 = performance.now();
    await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position });
    completion.push(performance.now() - t0);
  }
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  return { diag, hover, completion, afterEdit, lines: current.split('\n').length };
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, d: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const edits = arg('--edits', 40);
  const requests = arg('--requests', 100);
  const warmup = arg('--warmup', 40);
  const lines = arg('--lines', 2000);
  const built = existsSync(join(root, 'out/server/src/lsp/main.js'));
  const load = loadavg();
  const client = await startClient({}, undefined, { built });
  const files: { name: string; path: string; text: string }[] = readdirSync(join(root, 'samples'))
    .filter((f) => f.endsWith('.mlo'))
    .map((f) => ({ name: f, path: resolve(root, 'samples', f), text: readFileSync(join(root, 'samples', f), 'utf8') }));
  // The generated program reads samples/data/digits.csv: give it a path beside the samples.
  files.push({ name: `generated-${lines}-lines`, path: resolve(root, 'samples', 'bench-generated.mlo'), text: generateProgram(lines) });
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  if (only !== undefined) files.splice(0, files.length, ...files.filter((f) => f.name.includes(only)));

  const rows: Record<string, unknown>[] = [];
  const all = { diag: [] as number[], hover: [] as number[], completion: [] as number[] };
  const gen = { diag: [] as number[], hover: [] as number[], completion: [] as number[] };
  try {
    for (const f of files) {
      const r = await measureFile(client, f.path, f.text, edits, requests, warmup);
      const target = f.name.startsWith('generated') ? gen : all;
      target.diag.push(...r.diag);
      target.hover.push(...r.hover);
      target.completion.push(...r.completion);
      rows.push({ file: f.name, lines: r.lines, diagnostics: stats(r.diag), hover: stats(r.hover), completion: stats(r.completion), levelHoverAfterEdit: stats(r.afterEdit) });
      console.log(`${f.name.padEnd(36)} ${String(r.lines).padStart(5)} lines  diagnostics p50 ${stats(r.diag).p50} p95 ${stats(r.diag).p95} ms  hover p95 ${stats(r.hover).p95} ms  completion p95 ${stats(r.completion).p95} ms  level hover after an edit p50 ${stats(r.afterEdit).p50} p95 ${stats(r.afterEdit).p95} ms`);
    }
  } finally {
    await client.close();
  }
  const both = (k: 'diag' | 'hover' | 'completion') => [...all[k], ...gen[k]];
  const summary = {
    samples: { diagnostics: stats(all.diag), hover: stats(all.hover), completion: stats(all.completion) },
    generated: { lines, diagnostics: stats(gen.diag), hover: stats(gen.hover), completion: stats(gen.completion) },
    overall: { diagnostics: stats(both('diag')), hover: stats(both('hover')), completion: stats(both('completion')) },
  };
  const result = {
    date: new Date().toISOString(),
    server: built ? 'out/server/src/lsp/main.js (compiled)' : 'server/src/lsp/main.ts (tsx)',
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30), loadavg1: round(load[0]!), node: process.version },
    edits, warmup, requests, debounceMs: 10,
    targets: { diagnosticsP95Ms: 30, hoverP95Ms: 10, completionP95Ms: 10 },
    summary, files: rows,
  };
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'lsp.json'), `${JSON.stringify(result, null, 2)}\n`);
  // (With --only, one of the two sets may be empty.)
  if (all.diag.length) console.log(`samples: diagnostics p95 ${summary.samples.diagnostics.p95} ms, hover p95 ${summary.samples.hover.p95} ms, completion p95 ${summary.samples.completion.p95} ms`);
  if (gen.diag.length) console.log(`generated ${lines} lines: diagnostics p95 ${summary.generated.diagnostics.p95} ms, hover p95 ${summary.generated.hover.p95} ms, completion p95 ${summary.generated.completion.p95} ms`);
  console.log(`load average at start ${round(load[0]!)} on ${cpus().length} cores; server: ${result.server}`);
  console.log(`diagnostics_p95_ms=${summary.overall.diagnostics.p95} hover_p95_ms=${summary.overall.hover.p95} completion_p95_ms=${summary.overall.completion.p95}`);
}

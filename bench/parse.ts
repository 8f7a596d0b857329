// Parse + check speed: a generated 5,000-line program and every sample, median of repeated runs
// (and the time of the memory estimates computed from the checked model, which hovers show)
// after warm-up. Prints a table, writes bench/results/parse.json, and ends with the line
// `parse_check_5000_lines_ms=<median>` (the target: under 50 ms on this machine).
// Beside wall time it reports the CPU time of all threads per run and the minor page faults per
// run of parse + check: on this VM, the garbage collector's fresh pages are a large, varying cost.
// The steady state is measured, as in the LSP benchmark: V8 is still compiling the parser and
// the checker over the first 20-odd runs, so 30 untimed runs come first (--warmup=N to change).
//   npm run bench -- parse [--runs=N] [--warmup=N]
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { parse } from '../server/src/syntax/parse.js';
import { check } from '../server/src/model/check.js';
import { nodeFileSystem } from '../server/src/model/file-system.js';
import { estimateProgram } from '../server/src/estimate/index.js';
import { generateProgram } from './parse-gen.js';
import { median } from './stats.js';

interface Timing {
  median: number;
  min: number;
  /** CPU time of all the process's threads per run (V8's GC helpers included), ms. */
  cpuMs: number;
  /** Minor page faults per run: fresh heap pages, which this VM charges several µs each. */
  faults: number;
}

function time(fn: () => void, warmup: number, runs: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  const r0 = process.resourceUsage();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  const r1 = process.resourceUsage();
  const cpuUs = r1.userCPUTime - r0.userCPUTime + r1.systemCPUTime - r0.systemCPUTime;
  return { median: median(ts), min: Math.min(...ts), cpuMs: cpuUs / 1000 / runs, faults: (r1.minorPageFault - r0.minorPageFault) / runs };
}

export async function main(args: string[]): Promise<void> {
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 21);
  const warmup = Number(args.find((a) => a.startsWith('--warmup='))?.slice(9) ?? 30);
  const samplesDir = resolve('samples');
  const rows: {
    input: string;
    lines: number;
    parseMs: number;
    checkMs: number;
    checkMinMs: number;
    checkCpuMs: number;
    checkFaults: number;
    estimateMs: number;
    diagnostics: number;
  }[] = [];

  const measure = (input: string, text: string, path: string) => {
    const p = time(() => parse(text), warmup, runs);
    const c = time(() => check(text, { path, fs: nodeFileSystem }), warmup, runs);
    const checked = check(text, { path, fs: nodeFileSystem });
    const diagnostics = checked.diagnostics.length;
    // The memory estimates that hovers show: every mode of every upper level, from the checked model.
    const e = time(() => estimateProgram(checked), warmup, runs);
    rows.push({
      input,
      lines: text.split('\n').length - 1,
      parseMs: p.median,
      checkMs: c.median,
      checkMinMs: c.min,
      checkCpuMs: c.cpuMs,
      checkFaults: c.faults,
      estimateMs: e.median,
      diagnostics,
    });
  };

  // The generated file sits in samples/ so that its data paths resolve to samples/data/.
  measure('generated 5,000 lines', generateProgram(5000), join(samplesDir, 'generated.mlo'));
  for (const f of readdirSync(samplesDir).filter((f) => f.endsWith('.mlo')).sort()) {
    measure(f, readFileSync(join(samplesDir, f), 'utf8'), join(samplesDir, f));
  }

  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]!.toFixed(2)}; node ${process.version}; ${runs} runs after ${warmup} warm-up`);
  console.log('| input | lines | parse ms (median) | parse + check ms (median) | parse + check ms (min) | CPU ms per run | page faults per run | estimates ms (median) | diagnostics |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const cols = [r.parseMs, r.checkMs, r.checkMinMs, r.checkCpuMs].map((x) => x.toFixed(2));
    console.log(`| ${r.input} | ${r.lines} | ${cols.join(' | ')} | ${r.checkFaults.toFixed(0)} | ${r.estimateMs.toFixed(2)} | ${r.diagnostics} |`);
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/parse.json', JSON.stringify({ date: new Date().toISOString(), load: loadavg()[0], runs, rows }, null, 2));
  console.log(`parse_check_5000_lines_ms=${rows[0]!.checkMs.toFixed(2)}`);
}

// `npm run bench -- NAME [args]` runs bench/NAME.ts's `main(args)`. To add a benchmark, add a
// file exporting `main(args: string[]): Promise<void>` and one line to BENCHMARKS.
type BenchModule = { main(args: string[]): Promise<void> };

const BENCHMARKS: Record<string, { about: string; load: () => Promise<BenchModule> }> = {
  parse: { about: 'parse + check of a generated 5,000-line program and of every sample', load: () => import('./parse.js') },
  'parse-compare': { about: 'parse + check of this build against another (--against DIR), interleaved in one process', load: () => import('./parse-compare.js') },
  lsp: { about: 'language server latency over stdio: didChange → publishDiagnostics, hover, completion (samples + 2,000 lines)', load: () => import('./lsp.js') },
  modes: { about: 'peak memory and step time of one outer step per hypergradient mode, K in {1,5,20,50}, MLP widths {64,256,1024} (--quick: fewer)', load: () => import('./modes.js') },
  maml: { about: 'matmul, train step, HVP and exact MAML step on every executor vs PyTorch/numpy', load: () => import('./maml.js') },
  estimate: { about: 'memory estimates (closed form, traced liveness) vs the measured peak, every mode, 30+ configurations', load: () => import('./estimate.js') },
};

const [name, ...args] = process.argv.slice(2);
const entry = name ? BENCHMARKS[name] : undefined;
if (!entry) {
  console.error(`usage: npm run bench -- NAME [args]\n${Object.entries(BENCHMARKS).map(([n, b]) => `  ${n.padEnd(12)} ${b.about}`).join('\n')}`);
  process.exit(name ? 1 : 0);
}
await (await entry.load()).main(args);

// `npm run bench -- NAME [args]` runs bench/NAME.ts's `main(args)`. To add a benchmark, add a
// file exporting `main(args: string[]): Promise<void>` and one line to BENCHMARKS.
type BenchModule = { main(args: string[]): Promise<void> };

const BENCHMARKS: Record<string, { about: string; load: () => Promise<BenchModule> }> = {
  maml: { about: 'matmul, train step, HVP and exact MAML step on every executor vs PyTorch/numpy', load: () => import('./maml.js') },
};

const [name, ...args] = process.argv.slice(2);
const entry = name ? BENCHMARKS[name] : undefined;
if (!entry) {
  console.error(`usage: npm run bench -- NAME [args]\n${Object.entries(BENCHMARKS).map(([n, b]) => `  ${n.padEnd(12)} ${b.about}`).join('\n')}`);
  process.exit(name ? 1 : 0);
}
await (await entry.load()).main(args);

// Parse + check speed of this tree against another build, interleaved in one process: on a
// machine whose speed drifts (a shared host), two builds measured at different moments cannot be
// compared, but alternating runs share the same moment.
//   git worktree add /tmp/base REV && (cd /tmp/base && ln -s $PWD/node_modules && npx tsc)
//   npm run build && npm run bench -- parse-compare --against /tmp/base
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateProgram } from './parse-gen.js';
import { median } from './stats.js';

interface Build {
  parse(text: string): unknown;
  check(text: string, options: { path: string; fs: unknown }): unknown;
  fs: unknown;
}

async function load(root: string): Promise<Build> {
  const url = (p: string) => pathToFileURL(resolve(root, 'out/server/src', p)).href;
  return {
    parse: ((await import(url('syntax/parse.js'))) as { parse: Build['parse'] }).parse,
    check: ((await import(url('model/check.js'))) as { check: Build['check'] }).check,
    fs: ((await import(url('model/file-system.js'))) as { nodeFileSystem: unknown }).nodeFileSystem,
  };
}

export async function main(args: string[]): Promise<void> {
  const at = args.indexOf('--against');
  if (at < 0 || !args[at + 1]) throw new Error('usage: npm run bench -- parse-compare --against DIR (a built checkout: DIR/out/server/src)');
  const base = await load(args[at + 1]!);
  const mine = await load('.');
  const text = generateProgram(5000);
  const path = resolve('samples/generated.mlo');
  for (const [what, run] of [
    ['parse', (b: Build) => b.parse(text)],
    ['parse + check', (b: Build) => b.check(text, { path, fs: b.fs })],
  ] as const) {
    // As many untimed runs as the parse benchmark: V8 is still compiling over the first 20-odd.
    for (let i = 0; i < 30; i++) (run(base), run(mine));
    const tb: number[] = [];
    const tm: number[] = [];
    for (let i = 0; i < 40; i++) {
      let t = performance.now();
      run(base);
      tb.push(performance.now() - t);
      t = performance.now();
      run(mine);
      tm.push(performance.now() - t);
    }
    console.log(`${what.padEnd(14)} other ${median(tb).toFixed(1)} ms  this ${median(tm).toFixed(1)} ms  ratio ${(median(tm) / median(tb)).toFixed(2)}`);
  }
}

#!/usr/bin/env node
// Bundles the `mlo` command (server/src/cli/main.ts) into one file, out/mlo.mjs, which
// bin/mlo.js runs when it is up to date. Why: Node loads chevrotain as some 700 small ES modules
// (lodash-es among them), about 350 ms of every `mlo check`; one bundled file loads in a
// fraction of that. The executors' runtimes (onnxruntime-node, tfjs and its backends) stay
// outside: they are loaded lazily, only by jobs that run, and carry native or wasm files.
//   node scripts/bundle-cli.mjs   (part of npm run build)
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

await esbuild.build({
  entryPoints: [join(root, 'server/src/cli/main.ts')],
  outfile: join(root, 'out/mlo.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
  external: ['onnxruntime-node', '@tensorflow/*'],
  // CommonJS dependencies (commander, cli-progress) call require() for Node's own modules.
  banner: { js: "import { createRequire as __mloCreateRequire } from 'node:module'; const require = __mloCreateRequire(import.meta.url);" },
});

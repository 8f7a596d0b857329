#!/usr/bin/env node
// Builds the extension into client/dist with esbuild: the extension host code (cjs, `vscode`
// external), the language server (server/src/lsp/main.ts → one cjs file, no native modules),
// and the metrics page (browser iife + css). Copies the grammar and language configuration
// from grammar/ (their one source) and the samples from samples/.
//   node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serverBuildOptions } from './server-options.mjs';

const client = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(client);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Anything of these in the server bundle is a layering bug: the language server never loads an executor.
const FORBIDDEN_IN_SERVER = [/onnxruntime/, /@tensorflow/, /tfjs/, /\.node$/];

function copyAssets() {
  const grammarDir = join(root, 'grammar');
  const grammar = join(grammarDir, 'mlo.tmLanguage.json');
  const config = join(grammarDir, 'language-configuration.json');
  mkdirSync(join(client, 'syntaxes'), { recursive: true });
  for (const [from, to] of [[grammar, join(client, 'syntaxes', 'mlo.tmLanguage.json')], [config, join(client, 'language-configuration.json')]]) {
    if (!existsSync(from)) throw new Error(`${relative(root, from)} is missing: the grammar is built in grammar/ and copied from there`);
    cpSync(from, to);
  }
  const samples = join(client, 'samples');
  rmSync(samples, { recursive: true, force: true });
  mkdirSync(join(samples, 'data'), { recursive: true });
  for (const f of readdirSync(join(root, 'samples'))) if (f.endsWith('.mlo')) cpSync(join(root, 'samples', f), join(samples, f));
  for (const f of readdirSync(join(root, 'samples', 'data'))) cpSync(join(root, 'samples', 'data', f), join(samples, 'data', f));
}

const common = { bundle: true, sourcemap: production ? false : 'linked', minify: production, logLevel: 'warning', legalComments: 'none' };

const builds = [
  {
    ...common,
    entryPoints: [join(client, 'src/extension.ts')],
    outfile: join(client, 'dist/extension.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
  },
  { ...common, ...serverBuildOptions(join(root, 'server/src/lsp/main.ts'), join(client, 'dist/server.cjs')) },
  {
    ...common,
    entryPoints: [join(client, 'webview/main.ts')],
    outfile: join(client, 'dist/webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

function checkServer(metafile) {
  const bad = Object.keys(metafile.inputs).filter((p) => FORBIDDEN_IN_SERVER.some((re) => re.test(p)));
  if (bad.length) throw new Error(`the server bundle must not contain executors or native modules:\n  ${bad.join('\n  ')}`);
}

copyAssets();
if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('build: watching');
} else {
  rmSync(join(client, 'dist'), { recursive: true, force: true });
  const started = Date.now();
  const results = await Promise.all(builds.map((b) => esbuild.build(b)));
  checkServer(results[1].metafile);
  writeFileSync(join(client, 'dist', 'server-inputs.json'), JSON.stringify(Object.keys(results[1].metafile.inputs), null, 1));
  console.log(`build: client/dist in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}

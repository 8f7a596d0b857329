#!/usr/bin/env node
// The `mlo` command: runs the built CLI (npm run build: the one-file bundle out/mlo.mjs, or
// tsc's out/ tree) when it is up to date, else the TypeScript sources through tsx, so a stale
// build never hides a change to the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
// The bundle starts in less than half the time (scripts/bundle-cli.mjs says why).
const bundle = join(root, 'out/mlo.mjs');
const compiled = join(root, 'out/server/src/cli/main.js');
const sources = join(root, 'server/src');

/** Newest modification time of the .ts files under `dir` (about 200 files: a few ms). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

let newest;
const upToDate = (file) => existsSync(file) && (!existsSync(sources) || statSync(file).mtimeMs >= (newest ??= newestSource(sources)));
const built = [bundle, compiled].find(upToDate);
if (built) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(sources, 'cli/main.ts')).href);
}

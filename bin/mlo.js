#!/usr/bin/env node
// The `mlo` command: runs the compiled CLI (npm run build), or the TypeScript sources through
// tsx when the repository has not been built yet.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = join(root, 'out/server/src/cli/main.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'server/src/cli/main.ts')).href);
}

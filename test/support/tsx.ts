// Node arguments that run a TypeScript entry point from any working directory (tests spawn
// the CLI and the server in temporary folders, where a bare `--import tsx` would not resolve).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const repoRoot = process.cwd();
export const tsxImport = ['--import', pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href];

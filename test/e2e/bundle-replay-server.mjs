// Bundles test/e2e/fixtures/replay-server.ts like the real server (same esbuild options).
//   node test/e2e/bundle-replay-server.mjs OUTFILE
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { serverBuildOptions } from '../../client/scripts/server-options.mjs';

const entry = fileURLToPath(new URL('./fixtures/replay-server.ts', import.meta.url));
await esbuild.build({ ...serverBuildOptions(entry, process.argv[2]), logLevel: 'warning' });

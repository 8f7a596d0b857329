// Which command runs a job: MLO_RUNNER (a JSON array) > initializationOptions.runner > the
// repository's bin/mlo.js found above this module (the server runs from out/ or from the
// sources) > `mlo` on the PATH.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function runnerCommand(fromOptions: unknown, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = env['MLO_RUNNER'];
  if (fromEnv) {
    try {
      const v = JSON.parse(fromEnv) as unknown;
      if (isCommand(v)) return v;
    } catch {
      /* not JSON: ignore */
    }
  }
  if (isCommand(fromOptions)) return fromOptions;
  const bin = findUp(moduleDir(), join('bin', 'mlo.js'));
  return bin ? [process.execPath, bin] : ['mlo'];
}

function isCommand(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.length > 0);
}

function moduleDir(): string {
  try {
    return dirname(fileURLToPath(import.meta.url));
  } catch {
    return process.cwd();
  }
}

function findUp(start: string, rel: string): string | undefined {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const p = join(dir, rel);
    if (existsSync(p)) return p;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

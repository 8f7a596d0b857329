// `mlo run FILE`: one job in this process, shown as JSON events, a progress bar or plain lines.
// Exit codes: 0 completed, 1 check errors, 2 usage, 3 diverged, 4 failed, 130 stopped.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { check } from '../model/check.js';
import { nodeFileSystem } from '../model/file-system.js';
import { EVENTS_VERSION } from '../engine/runner/events.js';
import { EXIT, knownBackend, parseModeSpec, runJob, UsageError } from '../engine/runner/index.js';
import { formatLine, printable } from './format.js';
import { jsonDisplay, plainDisplay, ttyDisplay, type Display } from './run-display.js';

export interface RunCommandOptions {
  steps?: string;
  backend?: string;
  json?: boolean;
  out?: string;
  resume?: string;
  seed?: string;
  mode?: string;
  log?: string;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  isTTY: boolean;
}

export function positiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
}

/** Prints the check's errors; returns false when the program cannot run. */
export function precheck(file: string, io: CliIo, json: boolean): boolean {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
  const result = check(text, { path: resolve(file), fs: nodeFileSystem });
  const printed = printable(file, text, result.diagnostics).filter((d) => d.severity === 'error');
  if (printed.length === 0) return true;
  for (const d of printed) (json ? io.err : io.out)(formatLine(d));
  return false;
}

export async function runCommand(file: string, o: RunCommandOptions, io: CliIo): Promise<number> {
  const display: Display = o.json ? jsonDisplay(io.out) : io.isTTY ? ttyDisplay() : plainDisplay(io.out);
  try {
    const steps = positiveInt('steps', o.steps);
    const seed = positiveInt('seed', o.seed, 0);
    const log = positiveInt('log', o.log);
    if (o.backend !== undefined && !knownBackend(o.backend)) throw new UsageError(`unknown backend '${o.backend}'`);
    const mode = o.mode ? parseModeSpec(o.mode) : undefined;
    if (!precheck(file, io, o.json ?? false)) {
      if (o.json) io.out(JSON.stringify({ v: EVENTS_VERSION, type: 'end', time: new Date().toISOString(), status: 'failed', steps: 0, seconds: 0, peakBytes: 0, message: `${file} has errors` }));
      return EXIT.checkErrors;
    }
    const r = await runJob({
      file,
      ...(steps !== undefined ? { steps } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(log !== undefined ? { log } : {}),
      ...(o.backend ? { backend: o.backend } : {}),
      ...(o.out ? { out: o.out } : {}),
      ...(o.resume ? { resume: o.resume } : {}),
      ...(mode ? { mode } : {}),
      emit: (e) => display.event(e),
      handleSignals: true,
    });
    return r.exitCode;
  } catch (e) {
    display.close();
    io.err(`mlo run: ${(e as Error).message}`);
    return e instanceof UsageError ? EXIT.usage : EXIT.failed;
  }
}

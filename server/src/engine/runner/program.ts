// Reading a job's program: the file, its check, its lowering; and `--mode` strings such as
// `cg`, `cg(iters: 20, damping: 0.1)` or `truncated(5)`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { check, type CheckResult } from '../../model/check.js';
import type { Diagnostic } from '../../model/diagnostics.js';
import { nodeFileSystem } from '../../model/file-system.js';
import { MODE_NAMES, type ModeName, type ModeSpec } from '../../graph/modes/index.js';
import { lowerProgram, type LowerOptions, type LoweredProgram } from '../../graph/program/index.js';

/** The program has errors: nothing runs (exit code 1). */
export class CheckFailed extends Error {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`${file}: ${errors.length} error${errors.length === 1 ? '' : 's'}${errors[0] ? ` (first: ${errors[0].code} ${errors[0].message})` : ''}`);
  }
}

/** A usage error (exit code 2): an unknown backend, a malformed `--mode`, a missing file. */
export class UsageError extends Error {}

export interface LoadedProgram {
  readonly path: string;
  readonly text: string;
  readonly result: CheckResult;
  readonly lowered: LoweredProgram;
}

export function loadProgram(file: string, o: LowerOptions = {}): LoadedProgram {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const result = check(text, { path, fs: nodeFileSystem });
  if (result.diagnostics.some((d) => d.severity === 'error')) throw new CheckFailed(file, text, result.diagnostics);
  if (o.level !== undefined && !result.model.levels.has(o.level)) throw new UsageError(`${file} has no level ${o.level} (levels: ${[...result.model.levels.keys()].join(', ')})`);
  return { path, text, result, lowered: lowerProgram(result, o) };
}

/** `name` or `name(k: v, ...)` or `truncated(5)` → a ModeSpec. */
export function parseModeSpec(s: string): ModeSpec {
  const m = /^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$/.exec(s);
  if (!m || !(MODE_NAMES as readonly string[]).includes(m[1]!)) throw new UsageError(`unknown mode '${s}' (modes: ${MODE_NAMES.join(', ')})`);
  const name = m[1] as ModeName;
  const opts: Record<string, number> = {};
  const args = (m[2] ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of args) {
    const kv = /^(?:([a-z_]+)\s*[:=]\s*)?([-+0-9.eE]+)$/.exec(a);
    if (!kv) throw new UsageError(`mode option '${a}': write name: number`);
    const key = kv[1] ?? (name === 'truncated' ? 'steps' : undefined);
    if (!key) throw new UsageError(`mode option '${a}': name it (e.g. iters: 10)`);
    opts[key] = Number(kv[2]);
  }
  if (name === 'truncated' && opts['steps'] === undefined) throw new UsageError('truncated needs its steps: truncated(5)');
  if (name === 'forward' && opts['scalars'] !== undefined) return { mode: 'forward', maxScalars: opts['scalars'] };
  return { mode: name, ...opts } as ModeSpec;
}

export function modeText(m: ModeSpec | undefined): string {
  if (!m) return 'unrolled';
  const { mode, ...rest } = m as { mode: string } & Record<string, number>;
  const opts = Object.entries(rest).map(([k, v]) => `${k}: ${v}`);
  return opts.length ? `${mode}(${opts.join(', ')})` : mode;
}

// Shared by the runner tests: jobs in this process (events collected) and as real `mlo`
// processes, on the compiled executor unless a test says otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { computeHypergradient, parseEvent, parseModeSpec, runJob, type JobEvent, type JobOptions, type JobResult, type StepEvent } from '../../server/src/engine/runner/index.js';
import { tsxImport } from '../support/tsx.js';

process.env['MLO_QUIET_BACKENDS'] = '1';
export const root = process.cwd();
export const BACKEND = process.env['MLO_TEST_BACKEND'] ?? 'onnx-cpu';
export const program = (name: string): string => join(root, 'test/runner/programs', name);
export const sample = (name: string): string => join(root, 'samples', name);
export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'mlo-runner-'));

export async function job(o: Omit<JobOptions, 'emit'>): Promise<{ result: JobResult; events: JobEvent[] }> {
  const events: JobEvent[] = [];
  const result = await runJob({ backend: BACKEND, out: tempDir(), ...o, emit: (e) => events.push(e) });
  return { result, events };
}

export const steps = (events: readonly JobEvent[]): StepEvent[] => events.filter((e): e is StepEvent => e.type === 'step');

const cliArgs = (args: readonly string[]): string[] => [...tsxImport, join(root, 'server/src/cli/main.ts'), ...args];

export function mlo(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, cliArgs(args), { cwd: root, encoding: 'utf8', env: { ...process.env, MLO_QUIET_BACKENDS: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A running `mlo` process whose JSON events arrive line by line. */
export function mloLive(args: readonly string[], onEvent: (e: JobEvent, child: ChildProcess) => void): Promise<{ status: number | null; signal: NodeJS.Signals | null; events: JobEvent[]; stderr: string }> {
  const child = spawn(process.execPath, cliArgs(args), { cwd: root, env: { ...process.env, MLO_QUIET_BACKENDS: '1' } });
  const events: JobEvent[] = [];
  let buf = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const e = parseEvent(line);
      if (e) {
        events.push(e);
        onEvent(e, child);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((res) => child.on('close', (status, signal) => res({ status, signal, events, stderr })));
}

export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30);
}

/** What `mlo hypergrad --json` prints. */
export interface Printed {
  level: string;
  mode: string;
  loss: number;
  params: { name: string; shape: number[]; norm: number; values: number[] }[];
}

/** The same result as `mlo hypergrad --json`, in this process (each CLI process pays ~3 s of start-up). */
export async function hypergrad(file: string, mode: string): Promise<Printed> {
  const r = await computeHypergradient({ file, mode: parseModeSpec(mode), backend: BACKEND });
  return { ...r, params: r.params.map((p) => ({ name: p.name, shape: [...p.shape], norm: p.norm, values: Array.from(p.values) })) };
}

export const flat = (p: Printed): number[] => p.params.flatMap((x) => x.values);

/** The exact modes give one number: mixflow and forward equal unrolled to float32 precision. */
export async function assertExactModesAgree(file: string): Promise<void> {
  const u = await hypergrad(file, 'unrolled');
  assert.ok(flat(u).some((x) => Math.abs(x) > 1e-6), 'the hypergradient is not trivially zero');
  assert.ok(flat(u).every(Number.isFinite));
  for (const m of ['mixflow', 'forward']) {
    const h = await hypergrad(file, m);
    assert.equal(h.mode, m);
    assert.deepEqual(h.params.map((p) => p.name), u.params.map((p) => p.name));
    const e = relErr(flat(h), flat(u));
    assert.ok(e < 1e-4, `${m} vs unrolled: relative error ${e}`);
    assert.ok(Math.abs(h.loss - u.loss) <= 1e-6 * Math.abs(u.loss));
  }
}

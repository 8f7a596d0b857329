// Shared by the runner tests: jobs in this process (events collected) and as real `mlo`
// processes, on the compiled executor unless a test says otherwise.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEvent, runJob, type JobEvent, type JobOptions, type JobResult, type StepEvent } from '../../server/src/engine/runner/index.js';
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

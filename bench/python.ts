// A long-lived reference process (bench/torch_ref.py) answering one JSON line per command, so
// paired measurements alternate between our executor and PyTorch without re-importing torch.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

export class PythonRef {
  private readonly waiting: ((line: string) => void)[] = [];
  private constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    createInterface({ input: proc.stdout }).on('line', (l) => this.waiting.shift()?.(l));
  }

  static async start(script: string, threads: number, python = '/usr/bin/python3'): Promise<PythonRef> {
    const proc = spawn(python, [script, String(threads)], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) } });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ref = new PythonRef(proc);
    const exited = new Promise<never>((_, reject) => {
      proc.on('exit', (code) => reject(new Error(`${python} ${script} exited (${code}): ${err.trim()}`)));
      proc.on('error', (e) => reject(new Error(`${python}: ${e.message}`)));
    });
    exited.catch(() => undefined);
    await Promise.race([ref.ask('info'), exited]);
    return ref;
  }

  ask<T = Record<string, unknown>>(cmd: string): Promise<T> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const r = JSON.parse(line) as T & { error?: string };
        if (r.error) reject(new Error(r.error));
        else resolve(r);
      });
      this.proc.stdin.write(`${cmd}\n`);
    });
  }

  stop(): void {
    this.proc.stdin.end('quit\n');
  }
}

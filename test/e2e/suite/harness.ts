// A minimal test harness for the extension host (no mocha there): tests run in order, a test
// may skip itself with a reason, and run() rejects when any test failed, which VS Code turns
// into a non-zero exit code for the driver.
export class Skip extends Error {}

interface Case {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
}

const cases: Case[] = [];

export function test(name: string, fn: Case['fn'], timeoutMs = 60_000): void {
  cases.push({ name, fn, timeoutMs });
}

/** Ends the current test as skipped; the reason is printed. */
export function skip(reason: string): never {
  throw new Skip(reason);
}

export const log = (...parts: unknown[]) => console.log('[mlo-e2e]', ...parts);

export async function runAll(): Promise<void> {
  let failed = 0;
  let skipped = 0;
  const t0 = Date.now();
  for (const c of cases) {
    const started = Date.now();
    try {
      await Promise.race([
        c.fn(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs)),
      ]);
      log(`ok    ${c.name} (${Date.now() - started} ms)`);
    } catch (e) {
      if (e instanceof Skip) {
        skipped++;
        log(`skip  ${c.name}: ${e.message}`);
      } else {
        failed++;
        log(`FAIL  ${c.name}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
  }
  log(`${cases.length - failed - skipped} passed, ${failed} failed, ${skipped} skipped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (failed) throw new Error(`${failed} extension-host test(s) failed`);
}

/** Resolves with the first value of `probe` that is not undefined, polling every 100 ms. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

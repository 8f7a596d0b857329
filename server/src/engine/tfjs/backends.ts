// Loading TensorFlow.js backends lazily: the native ones (tfjs-node-gpu, tfjs-node) are optional
// dependencies whose install needs a download, so they may be absent or fail to load; each
// failure is reported once per process and remembered.
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;
export type TfjsBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'tfjs-wasm' | 'tfjs-cpu';

export interface LoadedTfjs {
  readonly tf: Tf;
  /** The name tfjs registered the backend under ('tensorflow', 'wasm', 'cpu'). */
  readonly tfBackend: string;
  readonly device: string;
}

let tfModule: Promise<Tf> | undefined;
function loadTf(): Promise<Tf> {
  tfModule ??= (async () => {
    const tf = (await import('@tensorflow/tfjs')) as unknown as Tf & { default?: Tf };
    const t = (tf.default ?? tf) as Tf;
    // Silences the "install tfjs-node to speed things up" banner that the cpu backend prints in Node.
    // PROD, not IS_TEST: IS_TEST also turns on tfjs's per-kernel leak check, whose stack of counters
    // is pushed on every kernel and never popped (≈500 B per training step, found by the soak test).
    t.env().set('PROD', true);
    return t;
  })();
  return tfModule;
}

const loads = new Map<TfjsBackendName, Promise<LoadedTfjs>>();
const reported = new Set<string>();

/** Prints one line per backend failure per process (stderr), unless MLO_QUIET_BACKENDS is set. */
export function reportOnce(name: string, reason: string): void {
  if (reported.has(name)) return;
  reported.add(name);
  if (!process.env.MLO_QUIET_BACKENDS) process.stderr.write(`mlo: backend ${name} unavailable: ${reason}\n`);
}

export function loadTfjsBackend(name: TfjsBackendName): Promise<LoadedTfjs> {
  let p = loads.get(name);
  if (!p) {
    p = loadUncached(name);
    loads.set(name, p);
    p.catch((e: unknown) => reportOnce(name, firstLine(e)));
  }
  return p;
}

export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

async function loadUncached(name: TfjsBackendName): Promise<LoadedTfjs> {
  const tf = await loadTf();
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // Both register the 'tensorflow' backend; only one native library can live in a process.
      const other = name === 'tfjs-node' ? 'tfjs-node-gpu' : 'tfjs-node';
      if (loads.has(other) && (await loads.get(other)!.then(() => true, () => false)))
        throw new Error(`${other} is already loaded in this process`);
      await import(name === 'tfjs-node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu');
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
      return { tf, tfBackend: 'tensorflow', device: name === 'tfjs-node' ? 'cpu (libtensorflow)' : 'cuda (libtensorflow)' };
    }
    case 'tfjs-wasm': {
      // Threads stay off in Node (no cross-origin-isolated workers); SIMD is used when the runtime has it.
      await import('@tensorflow/tfjs-backend-wasm');
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return { tf, tfBackend: 'wasm', device: `cpu (WebAssembly${simd ? ', SIMD' : ''}, 1 thread)` };
    }
    case 'tfjs-cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return { tf, tfBackend: 'cpu', device: 'cpu (JavaScript)' };
    }
  }
}

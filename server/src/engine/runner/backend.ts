// The language's backend names (`run { backend ... }`, `--backend`) → the engine's executors.
// `auto` is the engine's order; `onnx` prefers CUDA then CPU; `gpu` takes any GPU executor;
// `node`, `wasm` and `cpu` are the TensorFlow.js eager backends. Engine names (onnx-cpu, ...)
// are accepted as they are. The report says which loaded and why the others did not.
import { createExecutor, selectExecutor, type Attempt } from '../executors/select.js';
import { BACKEND_ORDER, type BackendName, type Executor } from '../executors/types.js';
import { firstLine } from '../tfjs/backends.js';

export const LANGUAGE_BACKENDS: Readonly<Record<string, readonly BackendName[]>> = {
  onnx: ['onnx-cuda', 'onnx-cpu'],
  gpu: ['onnx-cuda', 'tfjs-node-gpu'],
  node: ['tfjs-node'],
  wasm: ['tfjs-wasm'],
  cpu: ['tfjs-cpu'],
};

export interface BackendChoice {
  readonly executor: Executor;
  readonly tried: readonly Attempt[];
  /** One line: what loaded, and why the ones before it did not. */
  readonly note: string;
}

export function knownBackend(name: string): boolean {
  return name === 'auto' || name in LANGUAGE_BACKENDS || (BACKEND_ORDER as readonly string[]).includes(name);
}

export async function chooseBackend(name: string): Promise<BackendChoice> {
  if (!knownBackend(name)) throw new Error(`unknown backend '${name}' (known: auto, ${Object.keys(LANGUAGE_BACKENDS).join(', ')}, ${BACKEND_ORDER.join(', ')})`);
  let executor: Executor | undefined;
  let tried: Attempt[] = [];
  if (name === 'auto') {
    const s = await selectExecutor({ backend: 'auto' });
    executor = s.executor;
    tried = [...s.tried];
  } else {
    const candidates = LANGUAGE_BACKENDS[name] ?? [name as BackendName];
    for (const c of candidates) {
      try {
        executor = await createExecutor(c);
        tried.push({ name: c, ok: true });
        break;
      } catch (e) {
        tried.push({ name: c, ok: false, reason: firstLine(e) });
      }
    }
    if (!executor) throw new Error(`backend ${name} does not load here: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
  }
  const failed = tried.filter((t) => !t.ok);
  const note = `${executor.info.name} (${executor.info.device})${failed.length ? `; not loaded: ${failed.map((t) => `${t.name} (${t.reason})`).join(', ')}` : ''}`;
  return { executor, tried, note };
}

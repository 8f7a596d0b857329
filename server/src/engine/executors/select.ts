// Choosing an executor: the best backend that loads, or the one named (argument or MLO_BACKEND).
// The order and its reasons are in docs/engine.md.
import { OnnxExecutor, type OnnxExecutorOptions } from '../onnx/executor.js';
import { firstLine, reportOnce } from '../tfjs/backends.js';
import { TfjsExecutor } from '../tfjs/executor.js';
import { BACKEND_ORDER, type BackendName, type Executor } from './types.js';

export interface SelectOptions {
  /** A backend name forces it (failing if it does not load); 'auto' or absent picks the best. */
  backend?: BackendName | 'auto';
  onnx?: OnnxExecutorOptions;
}

export interface Attempt {
  readonly name: BackendName;
  readonly ok: boolean;
  readonly reason?: string;
}

export interface Selection {
  readonly executor: Executor;
  /** Every backend tried, in order, with why it failed: the report shown to the user. */
  readonly tried: readonly Attempt[];
}

export function isBackendName(s: string): s is BackendName {
  return (BACKEND_ORDER as readonly string[]).includes(s);
}

/** Makes the executor for one backend; throws with the reason if it does not load here. */
export function createExecutor(name: BackendName, opts: SelectOptions = {}): Promise<Executor> {
  switch (name) {
    case 'onnx-cuda':
      return OnnxExecutor.create({ ...opts.onnx, provider: 'cuda' });
    case 'onnx-cpu':
      return OnnxExecutor.create({ ...opts.onnx, provider: 'cpu' });
    default:
      return TfjsExecutor.create(name);
  }
}

export async function selectExecutor(opts: SelectOptions = {}): Promise<Selection> {
  const forced = opts.backend && opts.backend !== 'auto' ? opts.backend : process.env.MLO_BACKEND;
  if (forced && forced !== 'auto') {
    if (!isBackendName(forced)) throw new Error(`unknown backend '${forced}' (known: ${BACKEND_ORDER.join(', ')})`);
    const executor = await createExecutor(forced, opts);
    return { executor, tried: [{ name: forced, ok: true }] };
  }
  const tried: Attempt[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      const executor = await createExecutor(name, opts);
      tried.push({ name, ok: true });
      return { executor, tried };
    } catch (e) {
      const reason = firstLine(e);
      reportOnce(name, reason);
      tried.push({ name, ok: false, reason });
    }
  }
  throw new Error(`no backend loads: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}`);
}

/** Every backend that loads here, best first (tests and benchmarks run the same graph on each). */
export async function loadableExecutors(opts: SelectOptions = {}): Promise<{ executors: Executor[]; tried: Attempt[] }> {
  const executors: Executor[] = [];
  const tried: Attempt[] = [];
  for (const name of BACKEND_ORDER) {
    try {
      executors.push(await createExecutor(name, opts));
      tried.push({ name, ok: true });
    } catch (e) {
      const reason = firstLine(e);
      reportOnce(name, reason);
      tried.push({ name, ok: false, reason });
    }
  }
  return { executors, tried };
}

/** One line for logs: "onnx-cpu (cpu, 2 intra-op threads)". */
export function describe(e: Executor): string {
  return `${e.info.name} (${e.info.device})`;
}

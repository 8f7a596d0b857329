// The compiled executor: a whole graph becomes one ONNX model run by onnxruntime-node, so a
// training or meta step costs one native call instead of one kernel call per primitive.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import type { Graph } from '../../graph/ir.js';
import { graphHash } from '../executors/hash.js';
import { checkInputs, type BackendInfo, type CompiledGraph, type Executor, type HostArray } from '../executors/types.js';
import { lowerToOnnx, type LoweredModel } from './lower.js';

type Ort = typeof import('onnxruntime-node');

export interface OnnxExecutorOptions {
  /** 'cuda' fails if the CUDA provider does not load; 'auto' tries cuda then cpu. Default 'cpu'. */
  provider?: 'cpu' | 'cuda' | 'auto';
  /** Intra-op threads; default min(available cores, 8). */
  intraOpThreads?: number;
  /**
   * Spin-waiting worker threads cut latency of one session but make many live sessions (or a
   * machine shared with an editor) crawl: measured 30× slower. Default false.
   */
  spinning?: boolean;
  /** ORT's CPU memory arena (keeps freed blocks for reuse). Default true; the memory tracker turns it off. */
  arena?: boolean;
}

export interface OnnxCompiled extends CompiledGraph {
  readonly model: LoweredModel;
  readonly hash: string;
}

let ortModule: Promise<Ort> | undefined;
/** onnxruntime-node, loaded once and only when an executor is made. */
export function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').then((m) => ((m as { default?: Ort }).default ?? m) as Ort);
  return ortModule;
}

export class OnnxExecutor implements Executor {
  private readonly sessions = new Map<string, Promise<{ session: InferenceSession; model: LoweredModel }>>();

  private constructor(
    private readonly ort: Ort,
    readonly info: BackendInfo,
    private readonly sessionOptions: InferenceSession.SessionOptions,
  ) {}

  static async create(opts: OnnxExecutorOptions = {}): Promise<OnnxExecutor> {
    const ort = await loadOrt();
    const threads = opts.intraOpThreads ?? Math.min(availableParallelism(), 8);
    const base: InferenceSession.SessionOptions = {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      enableCpuMemArena: opts.arena ?? true,
      enableMemPattern: true,
      logSeverityLevel: 3,
      extra: { session: { intra_op: { allow_spinning: opts.spinning ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
    };
    const want = opts.provider ?? 'cpu';
    if (want !== 'cpu') {
      const cuda = { ...base, executionProviders: ['cuda'] };
      const err = cudaLibraryMissing() ?? (await probe(ort, cuda));
      if (!err) return new OnnxExecutor(ort, { name: 'onnx-cuda', device: 'cuda:0', kind: 'compiled' }, cuda);
      if (want === 'cuda') throw new Error(`onnxruntime CUDA provider unavailable: ${err}`);
    }
    const cpu = { ...base, executionProviders: ['cpu'] };
    return new OnnxExecutor(ort, { name: 'onnx-cpu', device: `cpu, ${threads} intra-op thread${threads > 1 ? 's' : ''}`, kind: 'compiled' }, cpu);
  }

  /** Number of cached sessions (one per distinct graph). */
  get cachedSessions(): number {
    return this.sessions.size;
  }

  async compile(graph: Graph): Promise<OnnxCompiled> {
    const hash = graphHash(graph);
    let entry = this.sessions.get(hash);
    if (!entry) {
      entry = (async () => {
        const model = lowerToOnnx(graph);
        const session = await this.ort.InferenceSession.create(model.bytes, this.sessionOptions);
        return { session, model };
      })();
      this.sessions.set(hash, entry);
      entry.catch(() => this.sessions.delete(hash));
    }
    const { session, model } = await entry;
    const ort = this.ort;
    const inputNodes = graph.inputs.map((id) => graph.nodes[id]!);
    return {
      model,
      hash,
      async run(inputs: readonly HostArray[]): Promise<HostArray[]> {
        checkInputs(graph, inputs);
        const feeds: Record<string, OrtTensor> = {};
        inputNodes.forEach((n, k) => {
          feeds[model.inputNames[k]!] = new ort.Tensor(n.dtype, inputs[k]!, n.shape as number[]);
        });
        const results = await session.run(feeds);
        return model.outputNames.map((name) => results[name]!.data as HostArray);
      },
      // Sessions are shared through the cache; the executor releases them.
      dispose(): void {},
    };
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // a session that failed to build has nothing to release
      }
    }
  }
}

/**
 * The CUDA provider is a separate library that onnxruntime-node's install downloads (skipped
 * here: .npmrc); ORT looks for it beside its own library. Checking the file first avoids ORT
 * logging a load error on every machine without it.
 */
function cudaLibraryMissing(): string | undefined {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const lib = join(pkg, 'bin', 'napi-v6', platform(), arch(), 'libonnxruntime_providers_cuda.so');
    return existsSync(lib) ? undefined : `CUDA provider library not installed (${lib})`;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Creates a one-node session with `options`; returns the error message, or undefined if it works. */
async function probe(ort: Ort, options: InferenceSession.SessionOptions): Promise<string | undefined> {
  const tiny = lowerToOnnx({
    nodes: [
      { id: 0, op: 'Input', inputs: [], attrs: { name: 'x' }, shape: [1], dtype: 'float32' },
      { id: 1, op: 'Neg', inputs: [0], attrs: {}, shape: [1], dtype: 'float32' },
    ],
    inputs: [0],
    outputs: [1],
  });
  try {
    const s = await ort.InferenceSession.create(tiny.bytes, options);
    await s.release();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

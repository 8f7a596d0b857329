// The eager executor: walks the graph calling one TensorFlow.js kernel per node, freeing each
// value right after its last use (the graph's order is the schedule). tfjs's tape is never used.
import type { Tensor } from '@tensorflow/tfjs';
import type { Graph } from '../../graph/ir.js';
import { checkInputs, type BackendInfo, type CompiledGraph, type Executor, type HostArray } from '../executors/types.js';
import { loadTfjsBackend, type LoadedTfjs, type TfjsBackendName } from './backends.js';
import { buildKernel, type Kernel } from './kernels.js';

/** What one eager run held, counted by unique device buffers (see docs/engine.md, "Memory"). */
export interface BufferAccounting {
  /** Max over kernel calls of the bytes of distinct buffers alive (inputs, intermediates, outputs). */
  peakBytes: number;
  /** The same with every tensor handle counted separately, as tf.memory().numBytes would (double-counts views). */
  peakHandleBytes: number;
  /** Id of the node whose kernel call reached the peak. */
  peakAtNode: number;
}

export interface EagerCompiled extends CompiledGraph {
  /** run() that also counts the buffers it holds. */
  runAccounted(inputs: readonly HostArray[]): Promise<{ outputs: HostArray[]; memory: BufferAccounting }>;
}

// tfjs has one global active backend: runs of different tfjs executors take turns.
let turn: Promise<unknown> = Promise.resolve();
function serially<T>(fn: () => Promise<T> | T): Promise<T> {
  const p = turn.then(fn, fn);
  turn = p.catch(() => undefined);
  return p;
}

const BYTES = { float32: 4, int32: 4, bool: 1 } as const;

export class TfjsExecutor implements Executor {
  private constructor(
    private readonly loaded: LoadedTfjs,
    readonly info: BackendInfo,
  ) {}

  static async create(name: TfjsBackendName): Promise<TfjsExecutor> {
    const loaded = await loadTfjsBackend(name);
    return new TfjsExecutor(loaded, { name, device: loaded.device, kind: 'eager' });
  }

  async compile(graph: Graph): Promise<EagerCompiled> {
    const { tf, tfBackend } = this.loaded;
    const n = graph.nodes.length;
    // lastUse[i]: index of the last node reading value i; outputs live to the end (n).
    const lastUse = new Int32Array(n).fill(-1);
    for (const node of graph.nodes) for (const j of node.inputs) lastUse[j] = node.id;
    for (const j of graph.outputs) lastUse[j] = n;
    const inputSlot = new Map<number, number>(graph.inputs.map((id, k) => [id, k]));
    const kernels: (Kernel | undefined)[] = graph.nodes.map((node) =>
      node.op === 'Input' || node.op === 'Constant' ? undefined : buildKernel(tf, node, graph, tfBackend),
    );

    const execute = (inputs: readonly HostArray[], account: BufferAccounting | undefined): HostArray[] => {
      checkInputs(graph, inputs);
      const env: (Tensor | undefined)[] = new Array(n);
      // A tensor may fill several slots (aliases); it is disposed when its last slot is released.
      const holders = new Map<Tensor, number>();
      const buffers = new Map<object, { bytes: number; handles: number }>();
      let live = 0;
      let liveHandles = 0;
      const hold = (t: Tensor): void => {
        const c = holders.get(t) ?? 0;
        holders.set(t, c + 1);
        if (c > 0 || !account) return;
        const bytes = t.size * BYTES[t.dtype as keyof typeof BYTES];
        liveHandles += bytes;
        const b = buffers.get(t.dataId);
        if (b) b.handles++;
        else {
          buffers.set(t.dataId, { bytes, handles: 1 });
          live += bytes;
        }
      };
      const release = (i: number): void => {
        const t = env[i];
        if (!t) return;
        env[i] = undefined;
        const c = holders.get(t)! - 1;
        if (c > 0) {
          holders.set(t, c);
          return;
        }
        holders.delete(t);
        if (account) {
          liveHandles -= t.size * BYTES[t.dtype as keyof typeof BYTES];
          const b = buffers.get(t.dataId)!;
          if (--b.handles === 0) {
            buffers.delete(t.dataId);
            live -= b.bytes;
          }
        }
        t.dispose();
      };
      try {
        for (let i = 0; i < n; i++) {
          const node = graph.nodes[i]!;
          let t: Tensor;
          if (node.op === 'Input') t = tf.tensor(inputs[inputSlot.get(i)!]!, [...node.shape], node.dtype);
          else if (node.op === 'Constant') t = constant(tf, node.attrs as { value: readonly number[] }, node.shape, node.dtype);
          else t = kernels[i]!(node.inputs.map((j) => env[j]!));
          env[i] = t;
          hold(t);
          if (account && live > account.peakBytes) {
            account.peakBytes = live;
            account.peakAtNode = i;
          }
          if (account && liveHandles > account.peakHandleBytes) account.peakHandleBytes = liveHandles;
          for (const j of node.inputs) if (lastUse[j] === i) release(j);
          if (lastUse[i] === -1) release(i);
        }
        // Copies: a returned array never aliases a backend buffer or a caller's input.
        return graph.outputs.map((j) => (env[j]!.dataSync() as HostArray).slice());
      } finally {
        for (let i = 0; i < n; i++) if (env[i]) release(i);
      }
    };

    const enter = async (): Promise<void> => {
      if (tf.getBackend() !== tfBackend) await tf.setBackend(tfBackend);
    };
    return {
      run: (inputs) => serially(async () => (await enter(), execute(inputs, undefined))),
      runAccounted: (inputs) =>
        serially(async () => {
          await enter();
          const memory: BufferAccounting = { peakBytes: 0, peakHandleBytes: 0, peakAtNode: -1 };
          const outputs = execute(inputs, memory);
          return { outputs, memory };
        }),
      dispose(): void {},
    };
  }

  /** Live tfjs tensors in the process (all backends): a leak check for callers and tests. */
  liveTensors(): number {
    return this.loaded.tf.memory().numTensors;
  }

  async dispose(): Promise<void> {}
}

function constant(tf: LoadedTfjs['tf'], attrs: { value: readonly number[] }, shape: readonly number[], dtype: 'float32' | 'int32' | 'bool'): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const data = dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  if (attrs.value.length === 1) data.fill(attrs.value[0]!);
  else data.set(attrs.value);
  return tf.tensor(data, [...shape], dtype);
}

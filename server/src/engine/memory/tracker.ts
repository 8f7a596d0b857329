// The memory tracker: what one run of a compiled graph really holds at its peak.
//
// Eager executors (tfjs): the bytes of DISTINCT device buffers the executor holds, maximised over
// kernel calls (inputs, live intermediates, the new output; views such as Reshape share a buffer
// and count once). This is what a liveness estimator predicts for the same schedule. Not counted:
// scratch memory inside one kernel, and allocator slack.
//
// Compiled executors (onnxruntime): the rise of the process's resident-set high-water mark
// during the run over the resident size just before it (Linux /proc). That includes the
// runtime's planned buffers, arena growth and kernel scratch, and the copied-out outputs; it
// misses memory the process had already made resident and freed earlier (reused without growing
// RSS). For a number comparable to an estimate, measure the first run of a fresh executor made
// with `arena: false`, or use `measureIsolated` (a fresh process whose allocator returns large
// blocks to the system).
import type { CompiledGraph, HostArray } from '../executors/types.js';
import type { BufferAccounting, EagerCompiled } from '../tfjs/executor.js';
import { resetHwm, rssSupported, sampleRss } from './process.js';

export interface PeakReport {
  readonly method: 'unique-buffers' | 'process-rss';
  /** Peak bytes attributable to the run (see the file comment for each method). */
  readonly peakBytes: number;
  /** Eager only: the same peak counting every tensor handle (tf.memory()-style, double-counts views). */
  readonly peakHandleBytes?: number;
  /** Eager only: the node at which the peak was reached. */
  readonly peakAtNode?: number;
  /** Process RSS only: resident bytes before the run. */
  readonly rssBefore?: number;
  readonly outputs: HostArray[];
}

function isEager(c: CompiledGraph): c is EagerCompiled {
  return typeof (c as Partial<EagerCompiled>).runAccounted === 'function';
}

export async function measurePeak(c: CompiledGraph, inputs: readonly HostArray[]): Promise<PeakReport> {
  if (isEager(c)) {
    const { outputs, memory } = await c.runAccounted(inputs);
    return fromAccounting(memory, outputs);
  }
  if (!rssSupported()) throw new Error('process memory accounting needs Linux /proc (clear_refs, VmHWM)');
  resetHwm();
  const before = sampleRss();
  const outputs = await c.run(inputs);
  const after = sampleRss();
  return { method: 'process-rss', peakBytes: Math.max(0, after.hwm - before.rss), rssBefore: before.rss, outputs };
}

function fromAccounting(m: BufferAccounting, outputs: HostArray[]): PeakReport {
  return { method: 'unique-buffers', peakBytes: m.peakBytes, peakHandleBytes: m.peakHandleBytes, peakAtNode: m.peakAtNode, outputs };
}

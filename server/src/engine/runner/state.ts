// What a job holds between outer steps: the current value of every tensor of the program, the
// optimizer state of every carried level, and how many outer steps are done. Graph inputs are
// assembled from it by slot name, and the step's outputs written back the same way.
import type { BuiltGraph, Slot } from '../../graph/modes/index.js';
import { initialValues, type LoweredProgram } from '../../graph/program/index.js';
import type { HostArray } from '../executors/types.js';

export class JobState {
  /** Every tensor of the program by the checker's name (`net.layer(1).weight`, `logwd`, …). */
  readonly tensors = new Map<string, Float32Array>();
  /** Optimizer state by slot name (`state:L.slot.p`, `state:L.step`). */
  readonly optimizer = new Map<string, Float32Array>();
  step = 0;

  static initial(lowered: LoweredProgram, seed: number): JobState {
    const s = new JobState();
    for (const t of lowered.tensors) s.tensors.set(t.name, initialValues(t, seed));
    return s;
  }

  /** A deep copy (the last good state, kept while a step runs). */
  clone(): JobState {
    const s = new JobState();
    for (const [k, v] of this.tensors) s.tensors.set(k, v.slice());
    for (const [k, v] of this.optimizer) s.optimizer.set(k, v.slice());
    s.step = this.step;
    return s;
  }

  bytes(): number {
    let n = 0;
    for (const v of this.tensors.values()) n += v.byteLength;
    for (const v of this.optimizer.values()) n += v.byteLength;
    return n;
  }
}

const size = (s: Slot): number => s.shape.reduce((p, d) => p * d, 1);

/** The tensor a `param:L.p` slot stands for. */
const tensorOf = (slot: Slot): string => slot.name.slice(`param:${slot.level}.`.length);

/**
 * The inputs of an outer-step (or hypergradient) graph, in slot order: parameters and optimizer
 * state from `state`, data from `data` (by slot name), frozen tensors repeated over their steps.
 */
export function assembleInputs(built: BuiltGraph, lowered: LoweredProgram, state: JobState, data: ReadonlyMap<string, HostArray>): HostArray[] {
  const frozen = new Map(lowered.feeds.filter((f) => f.source.kind === 'tensor').map((f) => [`data:${f.level}.${f.field}`, f]));
  return built.inputs.map((slot) => {
    switch (slot.kind) {
      case 'param': {
        const v = state.tensors.get(tensorOf(slot));
        if (!v) throw new Error(`no value for ${slot.name}`);
        return v;
      }
      case 'state': {
        let v = state.optimizer.get(slot.name);
        if (!v) {
          v = new Float32Array(size(slot));
          state.optimizer.set(slot.name, v);
        }
        return v;
      }
      case 'data': {
        const f = frozen.get(slot.name);
        if (f && f.source.kind === 'tensor') {
          const v = state.tensors.get(f.source.tensor)!;
          const out = new Float32Array(v.length * f.steps);
          for (let k = 0; k < f.steps; k++) out.set(v, k * v.length);
          return out;
        }
        const v = data.get(slot.name);
        if (!v) throw new Error(`no data for ${slot.name}`);
        return v;
      }
      default:
        throw new Error(`unexpected input slot ${slot.name}`);
    }
  });
}

/** Writes the new parameters and optimizer state of an outer step's outputs into `state`. */
export function adoptOutputs(built: BuiltGraph, outputs: readonly HostArray[], state: JobState): void {
  built.outputs.forEach((slot, i) => {
    if (slot.kind === 'param') state.tensors.set(tensorOf(slot), outputs[i] as Float32Array);
    else if (slot.kind === 'state') state.optimizer.set(slot.name, outputs[i] as Float32Array);
  });
}

/** Named scalar outputs (`loss:L`, `hypergrad_norm:L`). */
export function scalars(built: BuiltGraph, outputs: readonly HostArray[]): Map<string, number> {
  const m = new Map<string, number>();
  built.outputs.forEach((slot, i) => {
    if (slot.kind === 'loss' || slot.kind === 'norm') m.set(slot.name, outputs[i]![0]!);
  });
  return m;
}

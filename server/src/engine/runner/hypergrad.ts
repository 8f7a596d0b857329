// `mlo hypergrad`: the hypergradient of one level at the initial state (seeded parameters, the
// first batches), computed by the level's mode or another one, so modes can be compared on the
// same program. Levels above the chosen one stay at their initial values.
import type { ModeSpec } from '../../graph/modes/index.js';
import { hypergradientGraph } from '../../graph/program/index.js';
import { chooseBackend } from './backend.js';
import { DataFeeder } from './data-feed.js';
import { loadProgram, modeText } from './program.js';
import { assembleInputs, JobState } from './state.js';

export interface HypergradOptions {
  readonly file: string;
  /** The level whose hypergradient to compute (default: the top level). */
  readonly level?: string;
  readonly mode?: ModeSpec;
  readonly backend?: string;
  readonly seed?: number;
}

export interface ParamHypergradient {
  readonly name: string;
  readonly shape: readonly number[];
  readonly norm: number;
  readonly values: Float32Array;
}

export interface HypergradResult {
  readonly file: string;
  readonly level: string;
  readonly mode: string;
  readonly backend: string;
  readonly seed: number;
  /** The level's loss after its lower levels' steps. */
  readonly loss: number;
  readonly params: readonly ParamHypergradient[];
  readonly norm: number;
  readonly warnings: readonly string[];
}

export async function computeHypergradient(o: HypergradOptions): Promise<HypergradResult> {
  const prog = loadProgram(o.file, { ...(o.mode ? { mode: o.mode } : {}), ...(o.level ? { level: o.level } : {}) });
  const lowered = prog.lowered;
  const seed = o.seed ?? lowered.run.seed;
  const choice = await chooseBackend(o.backend ?? lowered.run.backend);
  try {
    const built = hypergradientGraph(lowered);
    const compiled = await choice.executor.compile(built.graph);
    try {
      const feeder = new DataFeeder(lowered, seed);
      const state = JobState.initial(lowered, seed);
      const inputs = assembleInputs(built, lowered, state, feeder.stepInputs(0).inputs);
      const out = await compiled.run(inputs);
      const params: ParamHypergradient[] = [];
      let sq = 0;
      let loss = NaN;
      built.outputs.forEach((slot, i) => {
        const v = out[i] as Float32Array;
        if (slot.kind === 'loss') loss = v[0]!;
        if (slot.kind !== 'hypergrad') return;
        let s = 0;
        for (const x of v) s += x * x;
        sq += s;
        params.push({ name: slot.name.slice(`hypergrad:${slot.level}.`.length), shape: slot.shape, norm: Math.sqrt(s), values: v });
      });
      const root = lowered.levels[0]!;
      return { file: prog.path, level: root.source, mode: modeText(lowered.mode ?? root.mode), backend: choice.executor.info.name, seed, loss, params, norm: Math.sqrt(sq), warnings: built.warnings };
    } finally {
      compiled.dispose();
    }
  } finally {
    await choice.executor.dispose();
  }
}

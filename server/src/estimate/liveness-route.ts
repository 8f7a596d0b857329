// The second route: trace the graph of one outer step from shapes only and replay its schedule
// (`peakLiveBytes`). Exact for what a liveness-freeing executor allocates for that graph; slower
// than the closed form (it traces every step), so it backs the tests, `mlo estimate --trace` and
// the benchmark rather than the hover.
import { liveness } from '../graph/modes/liveness.js';
import { buildOuterStep } from '../graph/modes/outer-step.js';
import type { LevelDef, ModeSpec } from '../graph/modes/problem.js';
import type { Graph } from '../graph/ir.js';
import { traceOuterStep } from '../graph/program/trace.js';
import type { CheckResult } from '../model/check.js';
import { bytesPerElement, type Precision } from './estimate.js';

export interface TracedPeak {
  /** Peak bytes, graph inputs included (freed after their last use, as executors do). */
  readonly peakBytes: number;
  /** Peak bytes of intermediate values only. */
  readonly intermediateBytes: number;
  readonly nodes: number;
}

/** Liveness peak of an already traced graph (float32 graph; float64 doubles every float). */
export function tracedPeak(graph: Graph, precision: Precision = 'float32'): TracedPeak {
  const f = bytesPerElement(precision) / 4;
  return {
    peakBytes: Math.round(liveness(graph, { includeInputs: true }).peakBytes * f),
    intermediateBytes: Math.round(liveness(graph).peakBytes * f),
    nodes: graph.nodes.length,
  };
}

/** Trace one outer step of `root` (its top level's mode replaced by `mode`) and measure its liveness. */
export function tracedOuterStepPeak(root: LevelDef, mode?: ModeSpec, precision: Precision = 'float32'): TracedPeak {
  return tracedPeak(buildOuterStep(root, mode ? { mode } : {}).graph, precision);
}

/**
 * The liveness route for a checked program: lower it (graph/program), trace one outer step with
 * the top level's mode replaced by `mode`, replay the schedule. Throws a LoweringError or a
 * ProblemError where the program or the mode cannot be built.
 */
export function tracedProgramPeak(result: CheckResult, mode?: ModeSpec, precision: Precision = 'float32'): TracedPeak {
  return tracedPeak(traceOuterStep(result, mode ? { mode } : {}).graph, precision);
}

// The estimate of a checked program: the entry point for the hover and `mlo estimate`.
import type { CheckResult } from '../model/check.js';
import { estimateWorkload, type EstimateOptions, type Precision, type WorkloadEstimate } from './estimate.js';
import { workloadFromCheck } from './from-model.js';

/**
 * Every upper level of the program, every applicable mode: peak bytes with breakdown, FLOPs,
 * × plain step, exact?, fits?, and the recommendation. Budget and precision default to the
 * program's `run { budget …, precision … }`. Pure and fast (no tracing): safe on every hover. `only` restricts it to the trees under those
 * top levels (what an editor feature about one level needs: see `topLevelOf`).
 */
export function estimateProgram(result: CheckResult, o: EstimateOptions = {}, only?: ReadonlySet<string>): WorkloadEstimate {
  const run = result.model.run;
  const precision: Precision = o.precision ?? (run.precision === 'float64' ? 'float64' : 'float32');
  const budget = o.budget ?? run.budget;
  return estimateWorkload(workloadFromCheck(result, only), { precision, ...(budget !== undefined ? { budget } : {}) });
}

/**
 * The top of the tree a level is estimated in: its first upper, that one's first upper, and so on
 * (the level itself when it has none). Stops at a cycle, which the checker reports.
 */
export function topLevelOf(result: CheckResult, level: string): string {
  const seen = new Set<string>();
  let name = level;
  for (;;) {
    seen.add(name);
    const up = result.model.levels.get(name)?.uppers[0];
    if (up === undefined || seen.has(up)) return name;
    name = up;
  }
}

// The estimate of a checked program: the entry point for the hover and `mlo estimate`.
import type { CheckResult } from '../model/check.js';
import { estimateWorkload, type EstimateOptions, type Precision, type WorkloadEstimate } from './estimate.js';
import { workloadFromCheck } from './from-model.js';

/**
 * Every upper level of the program, every applicable mode: peak bytes with breakdown, FLOPs,
 * × plain step, exact?, fits?, and the recommendation. Budget and precision default to the
 * program's `run { budget …, precision … }`. Pure and fast (no tracing): safe on every hover.
 */
export function estimateProgram(result: CheckResult, o: EstimateOptions = {}): WorkloadEstimate {
  const run = result.model.run;
  const precision: Precision = o.precision ?? (run.precision === 'float64' ? 'float64' : 'float32');
  const budget = o.budget ?? run.budget;
  return estimateWorkload(workloadFromCheck(result), { precision, ...(budget !== undefined ? { budget } : {}) });
}

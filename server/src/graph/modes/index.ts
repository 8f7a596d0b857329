// Hypergradient modes as builders of one outer step's graph.
export * from './problem.js';
export { OuterStepBuilder, flatState, stateEntries, type Read, type RunRecord, type StepRecord } from './builder.js';
export { samaDiagonal } from './products.js';
export { conjugateGradient, neumannSeries, type LinearOperator } from './solvers.js';
export { buildHypergradient, buildOuterLoss, buildOuterStep, type BuildOptions, type BuiltGraph, type Slot } from './outer-step.js';
export { liveness, peakLiveBytes, type Liveness, type LivenessOptions } from './liveness.js';

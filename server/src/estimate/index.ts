// Memory and compute per differentiation mode: the closed form (fast, for hovers), the liveness
// of shape-only traced graphs (exact for the compiled executor), and the recommendation.
export { estimateProgram, topLevelOf } from './program.js';
export {
  applicableModes,
  bytesPerElement,
  estimateOuterStep,
  estimateWorkload,
  EXACT_MODES,
  modeLabel,
  type EstimateOptions,
  type LevelEstimate,
  type ModeEstimate,
  type Precision,
  type WorkloadEstimate,
} from './estimate.js';
export { recommend, formatBytes, type Recommendation } from './recommend.js';
export { BREAKDOWN_KEYS, outerStepPhases, type Breakdown, type Phase } from './memory.js';
export { workloadFromCheck, layerShapes } from './from-model.js';
export { tracedOuterStepPeak, tracedPeak, tracedProgramPeak, type TracedPeak } from './liveness-route.js';
export { breakdownRows, estimateMarkdown, formatFlops, levelMarkdown, levelText, tableRows, type TableRow } from './render.js';
export type { LayerShape, LevelWork, ModeChoice, NetUse } from './workload.js';

// The adapter from the estimator (server/src/estimate/: closed-form memory and compute per
// level and mode, the recommendation, the Markdown table) to the shapes ide/estimates.ts
// serves to hovers, lenses, inlay hints and code actions. Registered by default.
import { estimateProgram, levelMarkdown } from '../estimate/index.js';
import type { Analysis } from './analysis.js';
import type { LevelEstimate } from './estimates.js';

export function estimateAnalysis(a: Analysis): ReadonlyMap<string, LevelEstimate> {
  const w = estimateProgram(a.result);
  const out = new Map<string, LevelEstimate>();
  for (const l of w.levels) {
    const declared = l.modes.find((m) => m.declared);
    out.set(l.level, {
      level: l.level,
      chosen: declared?.mode ?? a.result.model.levels.get(l.level)?.mode.name ?? 'unrolled',
      modes: l.modes.map((m) => ({ mode: m.mode, label: m.label, peakBytes: m.peakBytes, computePasses: Number(m.plainSteps.toFixed(1)) })),
      ...(w.budget !== undefined ? { budget: w.budget } : {}),
      recommendation: { mode: l.recommendation.mode, reason: l.recommendation.reason },
      markdown: `${levelMarkdown(l, w)}\n\n_\\* the file's mode · ← recommended_`,
    });
  }
  return out;
}

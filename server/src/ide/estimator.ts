// The adapter from the estimator (server/src/estimate/: closed-form memory and compute per
// level and mode, the recommendation, the Markdown table) to the shapes ide/estimates.ts
// serves to hovers, lenses, inlay hints and code actions. Registered by default.
import { estimateProgram, levelMarkdown, topLevelOf } from '../estimate/index.js';
import type { Analysis } from './analysis.js';
import type { LevelEstimate } from './estimates.js';

/** Every level's estimate, or (given `level`) those of the one tree that level is estimated in. */
export function estimateAnalysis(a: Analysis, level?: string): ReadonlyMap<string, LevelEstimate> {
  const w = estimateProgram(a.result, {}, level === undefined ? undefined : new Set([topLevelOf(a.result, level)]));
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

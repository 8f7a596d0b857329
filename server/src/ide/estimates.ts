// The memory estimator as the editor features see it: hovers, code lenses, inlay hints and
// code actions ask this module for a level's memory and compute per differentiation mode. The
// default estimator is server/src/estimate/ through the adapter in estimator.ts; tests may swap
// it with `setEstimator`. Without one (or when it fails) features show the checker's facts
// (owned parameters, steps, optimizer, mode, paths) instead.
import { topLevelOf } from '../estimate/index.js';
import type { Analysis } from './analysis.js';
import { estimateAnalysis } from './estimator.js';

export interface ModeCost {
  mode: string;
  /** The mode with its options as written in a file (`truncated(steps: 12)`); defaults to `mode`. */
  label?: string;
  /** Predicted peak bytes of one outer step with this mode at this level; null when unknown. */
  peakBytes: number | null;
  /** Compute per outer step, in forward+backward passes, when the estimator gives it. */
  computePasses?: number;
  /** The mode cannot serve here (a middle level, no lower level, ...). */
  unavailable?: string;
}

export interface LevelEstimate {
  level: string;
  /** The mode the file chose (or the default). */
  chosen: string;
  /** Every mode the estimator priced, the chosen one included. */
  modes: ModeCost[];
  /** The run's memory budget in bytes, when the file gives one. */
  budget?: number;
  /** The mode the estimator recommends, with why. */
  recommendation?: { mode: string; reason: string };
  /** The estimator's own rendering of the table, shown in hovers when present. */
  markdown?: string;
}

/**
 * The estimates of every level (no `level`), or at least of `level` and the levels estimated with
 * it (an estimator may return more). A 5,000-line file holds hundreds of levels: estimating all
 * of them takes ~100 ms, one tree well under 1 ms, so features about one level ask for one.
 */
export type Estimator = (a: Analysis, level?: string) => ReadonlyMap<string, LevelEstimate> | undefined;

let estimator: Estimator | undefined = estimateAnalysis;
/** Per analysis: the levels estimated so far (null: tried, none), and whether all of them were. */
const cache = new WeakMap<Analysis, { levels: Map<string, LevelEstimate | null>; all: boolean }>();

/** Registers the estimator adapter (once, at server start); undefined removes it. */
export function setEstimator(e: Estimator | undefined): void {
  estimator = e;
}

function run(a: Analysis, level?: string): ReadonlyMap<string, LevelEstimate> | undefined {
  try {
    return estimator!(a, level);
  } catch {
    return undefined; // an estimator bug must not break hovers
  }
}

function entry(a: Analysis): { levels: Map<string, LevelEstimate | null>; all: boolean } {
  let e = cache.get(a);
  if (!e) cache.set(a, (e = { levels: new Map(), all: false }));
  return e;
}

/** The estimates of every level of an analysis, or undefined without an estimator (or on its failure). */
export function levelEstimates(a: Analysis): ReadonlyMap<string, LevelEstimate> | undefined {
  if (!estimator) return undefined;
  const e = entry(a);
  if (!e.all) {
    const r = run(a);
    if (!r) return undefined;
    for (const [k, v] of r) e.levels.set(k, v);
    e.all = true;
  }
  const out = new Map<string, LevelEstimate>();
  for (const [k, v] of e.levels) if (v) out.set(k, v);
  return out;
}

/** One level's estimate (computing only its tree), or undefined without one. */
export function levelEstimate(a: Analysis, level: string): LevelEstimate | undefined {
  if (!estimator) return undefined;
  const e = entry(a);
  if (!e.levels.has(level) && !e.all) {
    for (const [k, v] of run(a, level) ?? []) e.levels.set(k, v);
    if (!e.levels.has(level)) e.levels.set(level, null);
  }
  return e.levels.get(level) ?? undefined;
}

/**
 * The estimates of the tree a level belongs to (its top level's and those of the middle levels
 * under it): what "Estimate" above any level of it shows, a lowest level included. Undefined when
 * the tree has none.
 */
export function treeEstimates(a: Analysis, level: string): LevelEstimate[] | undefined {
  const top = topLevelOf(a.result, level);
  if (!levelEstimate(a, top)) return undefined;
  return [...entry(a).levels.values()].filter((v): v is LevelEstimate => v !== null && topLevelOf(a.result, v.level) === top);
}

export function chosenCost(e: LevelEstimate): ModeCost | undefined {
  return e.modes.find((m) => m.mode === e.chosen);
}

/** Modes that serve this level and fit the budget, cheapest first (for "switch to" actions). */
export function cheaperModes(e: LevelEstimate): { mode: string; peakBytes: number; saves: number }[] {
  const chosen = chosenCost(e)?.peakBytes;
  if (chosen == null) return [];
  return e.modes
    .filter((m) => m.mode !== e.chosen && !m.unavailable && m.peakBytes !== null && m.peakBytes < chosen && (e.budget === undefined || m.peakBytes <= e.budget))
    .map((m) => ({ mode: m.label ?? m.mode, peakBytes: m.peakBytes!, saves: chosen - m.peakBytes! }))
    .sort((a, b) => a.peakBytes - b.peakBytes);
}

// Which mode to use under a memory budget: among the modes that fit, the cheapest in compute that
// is exact; if no exact mode fits, the best approximation (cheapest in memory among the implicit
// and first-order modes, which are the ones whose error does not grow with the horizon).
import type { ModeName } from '../graph/modes/problem.js';
import type { ModeEstimate } from './estimate.js';

export interface Recommendation {
  /** The chosen mode, with its options as written in a file (`cg(iters: 10)`). */
  readonly mode: ModeName;
  readonly label: string;
  /** One sentence: why this one. */
  readonly reason: string;
  /** Whether the chosen mode fits the budget (true without a budget). */
  readonly fits: boolean;
  readonly exact: boolean;
}

/** Approximations in order of preference when no exact mode fits: implicit solvers, then first-order. */
const APPROX_ORDER: readonly ModeName[] = ['cg', 'mrml', 'neumann', 'sama', 'darts', 'truncated', 'first_order'];

const mib = (b: number): string => formatBytes(b);

export function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${units[i]}`;
}

export function recommend(modes: readonly ModeEstimate[], budget?: number): Recommendation {
  const pick = (m: ModeEstimate, reason: string, fits = true): Recommendation => ({ mode: m.mode, label: m.label, reason, fits, exact: m.exact });
  const fitting = modes.filter((m) => budget === undefined || m.peakBytes <= budget);
  const exact = fitting.filter((m) => m.exact).sort((a, b) => a.flops - b.flops || a.peakBytes - b.peakBytes);
  const within = budget === undefined ? '' : ` within ${mib(budget)}`;
  if (exact.length) {
    const m = exact[0]!;
    const others = modes.filter((x) => x.exact && x !== m);
    const cheaper = others.length ? `; ${others.map((o) => `${o.label} needs ${mib(o.peakBytes)}`).join(', ')}` : '';
    return pick(m, `${m.label} is the cheapest exact mode${within} (${mib(m.peakBytes)}, ${m.plainSteps.toFixed(1)}× a plain step${cheaper}).`);
  }
  const approx = fitting.filter((m) => !m.exact).sort((a, b) => APPROX_ORDER.indexOf(a.mode) - APPROX_ORDER.indexOf(b.mode));
  if (approx.length) {
    const m = approx[0]!;
    const smallestExact = modes.filter((x) => x.exact).sort((a, b) => a.peakBytes - b.peakBytes)[0];
    const why = smallestExact ? `no exact mode fits (the smallest, ${smallestExact.label}, needs ${mib(smallestExact.peakBytes)})` : 'no exact mode applies here';
    return pick(m, `${why}, so ${m.label}, the best approximation${within} (${mib(m.peakBytes)}, ${m.plainSteps.toFixed(1)}× a plain step).`);
  }
  const least = [...modes].sort((a, b) => a.peakBytes - b.peakBytes)[0]!;
  return pick(least, `nothing fits${within}: ${least.label} needs the least memory (${mib(least.peakBytes)}); raise the budget or reduce the batch or the steps.`, false);
}

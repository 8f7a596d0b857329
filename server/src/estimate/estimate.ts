// The closed-form estimate of every applicable mode of every upper level: peak memory with its
// breakdown and compute per outer step, then the recommendation for a budget. Plain data, for
// the hover, the CLI and the tests.
import { MIDDLE_MODES, type ModeName } from '../graph/modes/problem.js';
import { FORWARD_SCALAR_LIMIT } from '../model/specs.js';
import { plainStepFlops, stepFlops } from './compute.js';
import { BREAKDOWN_KEYS, outerStepPeak, total, type Breakdown } from './memory.js';
import { recommend, type Recommendation } from './recommend.js';
import { levelsOf, type LevelWork, type ModeChoice } from './workload.js';

export type Precision = 'float32' | 'float64';

export const bytesPerElement = (p: Precision): number => (p === 'float64' ? 8 : 4);

/** Modes that give the exact hypergradient of the K-step unrolled problem. */
export const EXACT_MODES: ReadonlySet<ModeName> = new Set(['unrolled', 'mixflow', 'forward']);

export interface ModeEstimate {
  readonly mode: ModeName;
  /** The mode with its options, as written in a file: `cg(iters: 10)`. */
  readonly label: string;
  readonly choice: ModeChoice;
  /** Peak bytes of one outer step, inputs (parameters, state, data) included. */
  readonly peakBytes: number;
  /** Where the peak's bytes go; the entries sum to peakBytes. */
  readonly breakdown: Breakdown;
  /** FLOPs of one outer step. */
  readonly flops: number;
  /** flops ÷ one plain training step of the lowest level. */
  readonly plainSteps: number;
  readonly exact: boolean;
  /** Within the budget (undefined without one). */
  readonly fits?: boolean;
  /** The mode the file declares (or the default). */
  readonly declared: boolean;
}

export interface LevelEstimate {
  readonly level: string;
  /** Levels directly below it. */
  readonly lowers: readonly string[];
  /** Steps of the lower levels per step of this level. */
  readonly lowerSteps: number;
  readonly modes: readonly ModeEstimate[];
  readonly recommendation: Recommendation;
}

export interface WorkloadEstimate {
  readonly precision: Precision;
  readonly budget?: number;
  /** One entry per level with levels below it, top first. */
  readonly levels: readonly LevelEstimate[];
}

export interface EstimateOptions {
  readonly precision?: Precision;
  /** Bytes; modes above it do not fit. */
  readonly budget?: number;
}

/** `cg(iters: 10, damping: 0.01)`, `mixflow`. */
export function modeLabel(c: ModeChoice): string {
  const opts = Object.entries(c.options);
  return opts.length ? `${c.name}(${opts.map(([k, v]) => `${k}: ${v}`).join(', ')})` : c.name;
}

/** The modes worth estimating for `level` (where it sits, what its children are). */
export function applicableModes(level: LevelWork, isMiddle: boolean): ModeChoice[] {
  const declared = level.mode;
  const keep = (c: ModeChoice): ModeChoice => (c.name === declared.name ? declared : c);
  if (isMiddle) return MIDDLE_MODES.map((m) => keep({ name: m, options: {} }));
  const lowest = level.children.every((c) => c.children.length === 0);
  const K = Math.max(...level.children.map((c) => c.steps));
  const out: ModeChoice[] = [{ name: 'unrolled', options: {} }];
  if (K > 1) out.push({ name: 'truncated', options: { steps: declared.name === 'truncated' ? (declared.options['steps'] ?? K) : Math.max(1, Math.round(K / 4)) } });
  if (lowest) out.push({ name: 'mixflow', options: {} });
  // forward seeds one direction per scalar a child's run reads from other levels; above a middle
  // level that includes the lowest level's parameters, so only a level directly above lowest levels qualifies
  const scalars = Math.max(...level.children.map((c) => c.upperScalars));
  if ((lowest && scalars <= FORWARD_SCALAR_LIMIT) || declared.name === 'forward') out.push({ name: 'forward', options: {} });
  // first_order keeps only the reset-from path (FOMAML); anything else gets no hypergradient from it
  if (level.children.some((c) => c.reset) || declared.name === 'first_order') out.push({ name: 'first_order', options: {} });
  out.push({ name: 'darts', options: {} }, { name: 'sama', options: {} });
  out.push({ name: 'neumann', options: { iters: 10 } }, { name: 'cg', options: { iters: 10 } }, { name: 'mrml', options: { iters: 10 } });
  return out.map(keep);
}

/** Replace one level's mode in a copy of the tree. */
function withMode(root: LevelWork, level: string, mode: ModeChoice): LevelWork {
  const walk = (l: LevelWork): LevelWork => ({ ...l, ...(l.name === level ? { mode } : {}), children: l.children.map(walk) });
  return walk(root);
}

function scaleBreakdown(b: Breakdown, e: number): Breakdown {
  const out = { ...b };
  for (const k of BREAKDOWN_KEYS) out[k] = Math.round(b[k] * e);
  return out;
}

/** Memory and compute of one outer step of `root` as it stands (every level with its own mode). */
export function estimateOuterStep(root: LevelWork, precision: Precision = 'float32'): { peakBytes: number; breakdown: Breakdown; flops: number; plainSteps: number } {
  const b = scaleBreakdown(outerStepPeak(root), bytesPerElement(precision));
  const flops = stepFlops(root);
  const plain = plainStepFlops(root);
  return { peakBytes: total(b), breakdown: b, flops, plainSteps: plain > 0 ? flops / plain : 0 };
}

/** Every upper level, every applicable mode: the closed form. */
export function estimateWorkload(roots: readonly LevelWork[], o: EstimateOptions = {}): WorkloadEstimate {
  const precision = o.precision ?? 'float32';
  const levels: LevelEstimate[] = [];
  for (const root of roots) {
    for (const l of levelsOf(root)) {
      if (l.children.length === 0) continue;
      const isMiddle = l !== root;
      const modes = applicableModes(l, isMiddle).map((choice): ModeEstimate => {
        const e = estimateOuterStep(withMode(root, l.name, choice), precision);
        return {
          mode: choice.name,
          label: modeLabel(choice),
          choice,
          ...e,
          exact: EXACT_MODES.has(choice.name),
          ...(o.budget !== undefined ? { fits: e.peakBytes <= o.budget } : {}),
          declared: choice.name === l.mode.name,
        };
      });
      levels.push({ level: l.name, lowers: l.children.map((c) => c.name), lowerSteps: Math.max(...l.children.map((c) => c.steps)), modes, recommendation: recommend(modes, o.budget) });
    }
  }
  return { precision, ...(o.budget !== undefined ? { budget: o.budget } : {}), levels };
}

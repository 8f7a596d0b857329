// Peak memory of one outer step, mode by mode, from the unit quantities (units.ts). The graph of
// an outer step runs in phases — the lower levels' steps, the upper level's own gradient, the
// mode's product — and what is alive at each phase is what the mode keeps from the run plus that
// phase's transient. The peak is the largest phase (docs/estimates.md derives each term from
// docs/modes.md's "what the graph keeps").
import { lossUnits, type LossUnits } from './units.js';
import type { LevelWork, ModeChoice } from './workload.js';

/** Where the bytes of a peak go (elements here; bytes once scaled). */
export interface Breakdown {
  /** Every level's parameters (the graph's inputs and the updated copies). */
  parameters: number;
  /** Gradient vectors alive at the peak (the level's own and the cotangent on its lower level). */
  gradients: number;
  /** Optimizer state of every level that carries one. */
  optimizerState: number;
  /** Values a forward pass keeps for its backward pass, and the backward's transient. */
  activations: number;
  /** What differentiable gradients keep for a later reverse pass (unrolled, truncated; implicit modes at θ_K). */
  gradientGraphs: number;
  /** mixflow: (θ_k, s_k, g_k) per step. */
  checkpoints: number;
  /** forward: dθ/dφ_q and the state's tangents per hyperparameter scalar. */
  tangents: number;
  /** cg, neumann, mrml: solver vectors; darts, sama: the perturbed points and the direction. */
  solverVectors: number;
  /** The data batches of all the steps one outer step takes. */
  data: number;
}

export const BREAKDOWN_KEYS: readonly (keyof Breakdown)[] = ['parameters', 'gradients', 'optimizerState', 'activations', 'gradientGraphs', 'checkpoints', 'tangents', 'solverVectors', 'data'];

export const emptyBreakdown = (): Breakdown => ({ parameters: 0, gradients: 0, optimizerState: 0, activations: 0, gradientGraphs: 0, checkpoints: 0, tangents: 0, solverVectors: 0, data: 0 });

export const total = (b: Breakdown): number => BREAKDOWN_KEYS.reduce((s, k) => s + b[k], 0);

function plus(a: Breakdown, b: Partial<Breakdown>): Breakdown {
  const out = { ...a };
  for (const k of BREAKDOWN_KEYS) out[k] += b[k] ?? 0;
  return out;
}

const larger = (a: Breakdown, b: Breakdown): Breakdown => (total(b) > total(a) ? b : a);

const NONLINEAR_OPTIMIZERS = new Set(['adam', 'adamw', 'rmsprop']);

/** Whether an optimizer option is a traced function of upper parameters. */
const learned = (l: LevelWork, option: string): boolean => (l.learnedOptions ?? []).includes(option);

/**
 * Parameter-shaped tensors one differentiated step keeps for the reverse pass through it: the
 * transposed weights of every layer but the first (the cotangent of a layer input is W·ctᵀ), and
 * for a penalty term in the weights (weight decay with a learned coefficient, `sqdist`) the
 * iterate it reads and the coefficient broadcast to its shape.
 */
const stepParamCopies = (l: LevelWork): number => lossUnits(l).transposedWeights + (l.penalty ? 2 * Math.min(l.paramCount, lossUnits(l).weights) : 0);

/**
 * The optimizer's values one differentiated step keeps. sgd and momentum are linear in (θ, g, s)
 * with constant coefficients, so their derivative reads nothing, unless the learning rate is
 * learned: then ∂(lr·u)/∂lr reads the vector u (g, or momentum's new state). Adam and RMSprop keep
 * the values their square root and quotient read.
 */
function optimizerKeeps(l: LevelWork): number {
  const p = l.paramCount;
  // Adam: two new moment sums, √v, the quotient m/(√v + ε) and safe-sqrt's bool mask (¼ element)
  if (NONLINEAR_OPTIMIZERS.has(l.optimizer)) return l.stateSlots === 2 ? 4.25 * p : l.stateSlots * p;
  return learned(l, 'lr') ? p : 0;
}

/**
 * The optimizer's values a step's tangent (a JVP through its update) reads: Adam's √v and its
 * quotient, plus with a learned lr the update u that ∂(lr·u)/∂lr multiplies (sgd's u is g itself,
 * counted as the gradient). Linear updates read nothing.
 */
function jvpOptimizer(l: LevelWork): number {
  if (!NONLINEAR_OPTIMIZERS.has(l.optimizer)) return 0;
  return (l.stateSlots === 2 ? 2 : 1) * l.paramCount + (learned(l, 'lr') ? l.paramCount : 0);
}

const P = (l: LevelWork): number => l.paramCount;
const S = (l: LevelWork): number => l.stateSlots * l.paramCount;

/**
 * The peak of one gradient pass of the level's loss: `whole` elements of gradient at its end, and
 * `done` of them already whole at its start (other tasks' v).
 */
function gradientPhase(l: LevelWork, u: LossUnits, whole = P(l), done = 0): Partial<Breakdown> {
  // At the backward's start everything the forward kept is alive and only the last layer's weight
  // gradient exists; by its end the gradient is whole and the forward's values are freed but the
  // first layer's (the data's transpose and its cotangent): the larger of the two moments. A penalty
  // in the weights has its gradient built first and held until the loss's arrive: P_w from the start.
  const held = done + u.lastWeights + (l.penalty ? Math.min(P(l), u.weights) : 0);
  const start = u.kept + u.transient + held;
  const end = whole + u.firstLayer;
  return start >= end ? { activations: u.kept + u.transient, gradients: held } : { activations: u.firstLayer, gradients: whole };
}

/** Modes whose product evaluates the lower loss again after the run (on its last batch, or all of them for mixflow). */
const REREADS = new Set(['mixflow', 'darts', 'sama', 'neumann', 'cg', 'mrml']);

/** Data of a level and everything below it, for all the steps one step of its parent takes. */
function dataBelow(l: LevelWork, steps = l.steps * (l.replicas ?? 1)): number {
  return steps * (l.dataPerStep + l.children.reduce((s, c) => s + dataBelow(c), 0));
}

/**
 * Peak live elements during one step of `level`, whose children run as `mode` requires. A middle
 * level's step contains its children's runs (recursion). For the top level (`top`), the data
 * inputs are counted where they are alive: an input is freed after its last use, so the stacked
 * batches of a lower level are gone once its run (or the product that reads them again) is over.
 */
export function stepPeak(level: LevelWork, mode: ModeChoice = level.mode, top = false): Breakdown {
  const own = lossUnits(level);
  // a lowest level's step: its gradient, and its batch as a slice (a copy) of the stacked input.
  // The sum A + transient + g, not gradientPhase's two moments: with small batches the samples'
  // steps peak mid-backward, between them (docs/estimates.md, "what is left").
  if (level.children.length === 0) return plus(emptyBreakdown(), { activations: own.kept + own.transient, gradients: P(level), data: level.dataPerStep });
  let peak = emptyBreakdown();
  let kept = emptyBreakdown();
  const allData = top ? level.dataPerStep + level.children.reduce((s, c) => s + dataBelow(c), 0) : 0;
  for (const c of level.children) {
    const r = childRun(c, mode);
    peak = larger(peak, plus(plus(kept, r.runPeak), { data: allData }));
    kept = plus(kept, r.kept);
  }
  const reread = REREADS.has(mode.name);
  // The product's re-read of the last batch is the run's own slice (hash-consed): the stacked input
  // is freed after the run, only that slice stays. mixflow slices afresh: all of it stays.
  const rereadData = (c: LevelWork): number => (!reread ? 0 : (c.replicas ?? 1) * (mode.name === 'mixflow' ? c.steps : 1) * c.dataPerStep);
  const outerData = top ? level.dataPerStep + level.children.reduce((s, c) => s + rereadData(c), 0) : 0;
  // first_order without a reset uses no cotangent on the lower level: only the loss's value is built.
  const cot = level.children.reduce((s, c) => s + P(c), 0);
  const needsV = mode.name !== 'first_order' || level.children.some((c) => c.reset);
  // The upper gradient, in the level's own parameters and v on the children's θ_K, is whole only at
  // the end of its backward pass. With T task replicas the upper loss is a sum over tasks whose backward passes run one after
  // another: when the last one starts, the other T − 1 tasks' v are whole already.
  const tasks = level.children.reduce((m, c) => Math.max(m, c.replicas ?? 1), 1);
  const outer = needsV ? plus(kept, gradientPhase(level, own, P(level) + cot, (tasks - 1) * cot)) : plus(kept, { activations: own.forwardOnly });
  peak = larger(peak, plus(outer, { data: outerData }));
  for (const c of level.children) {
    const productData = top ? rereadData(c) : 0;
    // mixflow across a restarting level: v on θ_K is the sweep's first adjoint λ_K and the
    // hypergradient its last, λ₀ (θ₀ is the hyperparameter): both are the adjoint the product counts,
    // no separate cotangent or accumulator beside it. Only a mixed part to pull v through (one differentiated step, θ₀ no hyperparameter): the outer
    // backward emits v layer by layer and each slice is consumed at once, v is never whole.
    const held = mode.name === 'mixflow' && c.reset ? 0 : mixedOnly(c, mode) ? P(level) : cot + P(level);
    peak = larger(peak, plus(plus(kept, { gradients: held, data: productData }), productPhase(c, mode)));
  }
  return peak;
}

/** One step of a level that does not restart from a hyperparameter: only its mixed part is differentiated. */
const singleMixed = (c: LevelWork): boolean => !c.reset && c.steps === 1;

/** The steps unrolled or truncated(T) differentiate through. */
const differentiatedSteps = (c: LevelWork, mode: ModeChoice): number =>
  mode.name === 'truncated' ? Math.min(c.steps, Math.max(1, mode.options['steps'] ?? c.steps)) : c.steps;

/**
 * Whether the reverse pass across `c` is only one step's mixed part v·∂Φ/∂φ: unrolled, truncated
 * or mixflow differentiating a single step of a level that does not restart from a hyperparameter
 * (no θ-path to pull back through).
 */
function mixedOnly(c: LevelWork, mode: ModeChoice): boolean {
  if (c.reset) return false;
  if (mode.name === 'mixflow') return singleMixed(c);
  return (mode.name === 'unrolled' || mode.name === 'truncated') && differentiatedSteps(c, mode) === 1;
}

interface Run {
  /** What stays alive after the child's run for the product. */
  readonly kept: Partial<Breakdown>;
  /** The largest moment during the run. */
  readonly runPeak: Breakdown;
}

/** The child's run of `steps` steps, traced as the parent's mode requires. */
function childRun(c: LevelWork, mode: ModeChoice): Run {
  const r = childRunOnce(c, mode);
  // a carried level's final θ_K and s_K are outputs of the outer step: alive from the run to the end
  const out = {};
  // task replicas run one after the other, each keeping what the mode needs from its run
  const n = c.replicas ?? 1;
  return { kept: plus(scale(r.kept, n), out), runPeak: plus(r.runPeak, scale(r.kept, n - 1)) };
}

function childRunOnce(c: LevelWork, mode: ModeChoice): Run {
  const u = lossUnits(c);
  const n = c.steps;
  const step = stepPeak(c);
  // A restarting level's running iterate and state are no inputs: from step 2 on, θ_{k−1} and
  // s_{k−1} are tensors of their own beside the carried inputs (step 1 reads φ and s₀ = 0). Modes
  // that keep θ_k anyway (mixflow's checkpoints, unrolled's path) count them there.
  // Its step's gradient is whole only at the end of the backward, when the forward's values are
  // freed: the larger of the two moments (gradientPhase), not their sum.
  const running = c.reset && n >= 2 ? plus(emptyBreakdown(), { ...gradientPhase(c, u), data: c.dataPerStep, parameters: P(c) + S(c) }) : step;
  // mixflow over one step of a level that is not reset is the reverse pass through that step's
  // mixed part only (θ₀ is no function of the hyperparameters): the graph unrolled builds.
  const name = mode.name === 'mixflow' && singleMixed(c) ? 'unrolled' : mode.name;
  switch (name) {
    case 'unrolled':
    case 'truncated': {
      const t = mode.name === 'truncated' ? Math.min(n, Math.max(1, mode.options['steps'] ?? n)) : n;
      // The reverse pass needs the θ-path of a step only if something before it is differentiated:
      // the first differentiated step keeps just its mixed part (∂Φ/∂φ, small) unless the level is
      // reset from an upper copy (then θ₀ is the hyperparameter). A truncation that cuts a reset
      // level's θ₀ off leaves no path at all: nothing is kept.
      const kept = c.reset ? (t < n ? 0 : t) : t - 1;
      const perStep = { gradientGraphs: u.secondOrder + stepParamCopies(c), optimizerState: optimizerKeeps(c) };
      return { kept: scale(perStep, kept), runPeak: kept === 0 ? running : plus(step, scale(perStep, Math.max(0, kept - 1))) };
    }
    case 'mixflow': {
      // The backward sweep pulls the adjoints back through step k's update, a remat region: the
      // region's inputs θ_k, g_k, s_k are kept and its intermediates recomputed. Where the update is
      // linear with constant coefficients (sgd, momentum at a fixed lr) its VJP reads nothing and
      // only θ_k is kept, for recomputing the gradient. A restarting level's θ_K is no output: −P.
      const opt = NONLINEAR_OPTIMIZERS.has(c.optimizer) || (c.learnedOptions ?? []).length > 0 ? P(c) + S(c) : 0;
      const perStep = { checkpoints: P(c) + opt };
      // A restarting level's θ_K and s_K are no outputs and s₀ = 0 is no tensor: the sweep keeps
      // θ₁…θ_{K−1}, s₁…s_{K−1} (where the update's VJP reads them) and g₁…g_K.
      const free = { checkpoints: c.reset ? -P(c) - (opt ? S(c) : 0) : 0 };
      return { kept: plus(scale(perStep, n), free), runPeak: plus(plus(step, scale(perStep, n - 1)), free) };
    }
    case 'forward': {
      const tangents = { tangents: c.upperScalars * (P(c) + S(c)) };
      // one forward-mode pass per direction and step: the tangents of the kept activations
      // (a single step of a level that is not reset has no θ-tangent to carry: its mixed part is
      // formed only when the product asks for it, after the upper gradient)
      if (singleMixed(c)) return { kept: {}, runPeak: step };
      // a step's tangent is the JVP of its gradient along dθ_k: the gradient's graph stays alive
      // for it as for one HVP (implicitGraph) but used once, so each hidden output is freed when
      // the next layer's tangent has read it (−hidden); that product's transient, the optimizer
      // values the update's JVP reads, and the new tangents (P + S) beside the carried ones
      const jvp = { gradients: P(c), data: c.dataPerStep, optimizerState: jvpOptimizer(c), gradientGraphs: implicitGraph(c, u) - u.hidden, activations: hvpTransient(u), tangents: P(c) + S(c) };
      return { kept: tangents, runPeak: larger(plus(step, tangents), plus(plus(emptyBreakdown(), jvp), tangents)) };
    }
    default:
      return { kept: {}, runPeak: running };
  }
}

function scale(b: Partial<Breakdown>, f: number): Breakdown {
  const out = emptyBreakdown();
  for (const [k, v] of Object.entries(b)) out[k as keyof Breakdown] = (v ?? 0) * f;
  return out;
}

/**
 * What the gradient at θ_K keeps while the implicit modes differentiate it J times (forward over
 * reverse): what a second reverse pass keeps (secondOrder), plus the hidden outputs and the
 * cotangent of the first hidden layer, which the tangent pass reads again, the transposed weights
 * and, with a penalty, its coefficient broadcast to the weights (the iterate is θ_K itself).
 */
const implicitGraph = (c: LevelWork, u: LossUnits): number => u.secondOrder + u.hidden + u.firstHidden + u.transposedWeights + (c.penalty ? Math.min(P(c), u.weights) : 0);

/**
 * One HVP's transient: the widest tangent it builds, a layer's output tangent x·dW + dx·W (two
 * products and their sum, 3·B·width) or the tangent of the largest dW = inᵀ·ct (inᵀ·dct and dinᵀ·ct).
 */
const hvpTransient = (u: LossUnits): number => Math.max(2 * u.largestWeight, 3 * u.widest, u.transient);

// a middle level's own model applications, computed once per level
const ownMemo = new WeakMap<LevelWork, LossUnits>();
function ownUnits(c: LevelWork): LossUnits {
  const hit = ownMemo.get(c);
  if (hit) return hit;
  const out = lossUnits({ uses: c.uses.filter((x) => x.own !== false) });
  ownMemo.set(c, out);
  return out;
}

/** The transient of the mode's best-response product across child `c`. */
function productPhase(c: LevelWork, mode: ModeChoice): Partial<Breakdown> {
  const u = lossUnits(c);
  const p = P(c);
  switch (mode.name === 'mixflow' && singleMixed(c) ? 'unrolled' : mode.name) {
    case 'unrolled':
    case 'truncated':
      // Only the mixed part: per layer, as v's slice arrives, −v, its cotangent on what the update
      // scales (lr·(−v)) and its product with what the mixed part reads (three tensors of the largest
      // layer), plus the iterate a penalty reads (θ_{K−1}, which the step keeps for it).
      if (mixedOnly(c, mode)) return { gradients: 3 * u.largestWeight, parameters: c.penalty ? Math.min(p, u.weights) : 0 };
      // the reverse sweep: cotangents on θ and s, and one step's second-order backward at a time
      return { gradients: 2 * p + S(c), activations: u.transient };
    case 'mixflow':
      // recompute one step's gradient from its checkpoint, then one JVP of it: the forward's values
      // and their tangents. With one step and no reset only the mixed part M·λ is needed (small).
      // A smooth activation's JVP also builds its derivative 1 − y² and that derivative's tangent
      // per hidden layer (relu's mask has neither).
      return { gradients: 3 * p + S(c), activations: 1.5 * u.kept + u.transient + 2 * u.smoothHidden };
    case 'forward':
      return singleMixed(c) ? { gradients: p, tangents: c.upperScalars * (p + S(c)) } : { gradients: p };
    case 'first_order':
      return { gradients: p };
    // ∇_w L at θ_K ± εv is a gradient in the upper parameters only: its backward runs through the
    // terms that read them (a penalty, a weighting of per-example losses), not through the whole
    // model, so one perturbed forward pass is what its activations cost.
    case 'darts':
      return { solverVectors: p, activations: u.forwardOnly, gradients: p };
    case 'sama':
      return { solverVectors: p + (c.stateSlots === 2 ? p : 0), activations: u.forwardOnly, gradients: p };
    // Each HVP is a JVP of the gradient at θ_K, so the gradient's graph stays alive through all J
    // products (implicitGraph), plus one product's transient (hvpTransient). Solver vectors beyond v: neumann keeps
    // p, the sum and A·p (3P), cg / mrml x, r, p, A·p (4P).
    // Across a middle level the HVP is in its own parameters with its children's results held
    // fixed: only the applications of its own models (and a penalty) have a graph.
    case 'neumann':
    case 'cg':
    case 'mrml': {
      const own = c.children.length ? ownUnits(c) : u;
      return { gradientGraphs: implicitGraph(c, own), solverVectors: (mode.name === 'neumann' ? 3 : 4) * p, activations: hvpTransient(own) };
    }
  }
}

/** Inputs alive throughout one outer step: every carried level's parameters and optimizer state (the data is counted per phase). */
export function inputs(root: LevelWork): Breakdown {
  const b = emptyBreakdown();
  const walk = (l: LevelWork): void => {
    if (!l.reset) {
      b.parameters += P(l);
      b.optimizerState += S(l) + (l.stateSlots === 2 ? 1 : 0);
    }
    for (const c of l.children) walk(c);
  };
  walk(root);
  return b;
}

/** Peak elements of one outer step of `root` (inputs included) with its breakdown. */
export function outerStepPeak(root: LevelWork): Breakdown {
  return plus(inputs(root), stepPeak(root, root.mode, true));
}

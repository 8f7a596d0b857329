// Peak memory of one outer step, mode by mode, from the unit quantities (units.ts). The graph of
// an outer step runs in phases — the lower levels' steps, the upper level's own gradient, the
// mode's product — and what is alive at each phase is what the mode keeps from the run plus that
// phase's transient. The peak is the largest phase (docs/estimates.md derives each term from
// docs/modes.md's "what the graph keeps").
import { gradientPass, layerWeights, lossUnits, type LossUnits } from './units.js';
import type { LevelWork, ModeChoice, NetUse } from './workload.js';

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

/** One phase of an outer step and what is alive in it (inputs not included). */
export interface Phase {
  /** `run L`, `last step L`, `outer L`, `product C`: L the level whose step it is, C the child the product crosses. */
  readonly name: string;
  readonly breakdown: Breakdown;
}

const larger = (a: Breakdown, b: Breakdown): Breakdown => (total(b) > total(a) ? b : a);

const NONLINEAR_OPTIMIZERS = new Set(['adam', 'adamw', 'rmsprop']);

/** Whether an optimizer option is a traced function of upper parameters. */
const learned = (l: LevelWork, option: string): boolean => (l.learnedOptions ?? []).includes(option);

/**
 * The penalized weights whose gradient's derivative reads them: a penalty scaled by a traced
 * coefficient (`exp(logwd)·Σ‖W‖²`: 2·c·W differentiated in c reads W, in W the broadcast c). A
 * constant coefficient (iMAML's proximal term λ/2·‖θ − φ‖²) has a constant derivative: nothing.
 */
const scaledPenalty = (l: LevelWork): number => (l.penalty && (l.penaltyScale ?? 'learned') === 'learned' ? Math.min(l.paramCount, lossUnits(l).weights) : 0);

/**
 * Parameter-shaped tensors one differentiated step keeps for the reverse pass through it: the
 * transposed weights of every layer but the first (the cotangent of a layer input is ct·Wᵀ), and
 * for a penalty scaled by a traced coefficient the iterate it reads and the coefficient broadcast
 * to its shape.
 */
const stepParamCopies = (l: LevelWork): number => lossUnits(l).transposedWeights + 2 * scaledPenalty(l);

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
 * The peak of one gradient pass of the level's loss (`gradientPass`, layer by layer). `grads` picks
 * the model applications whose parameters get a gradient (default: all but an upper level's
 * models), `weightsAlive` those whose weights are tensors of the step freed at their last read.
 */
function gradientPhase(l: LevelWork, grads?: (u: NetUse) => boolean, weightsAlive?: (u: NetUse) => boolean): Partial<Breakdown> {
  const p = gradientPass(l.uses, { penalty: l.penalty, ...(grads ? { grads } : {}), ...(weightsAlive ? { weightsAlive } : {}) });
  return { activations: p.peak - p.gradients, gradients: p.gradients };
}

/**
 * The optimizer's update, beside the inputs and state it replaces, once the gradient is whole. It
 * goes tensor by tensor in the parameters' order, each new tensor replacing the old one: sgd forms
 * lr·g_l and θ_l − lr·g_l and frees g_l, so at tensor l the later gradients and two of its size
 * are alive; momentum forms every new buffer first (freeing g_l and the old buffer as it goes), then
 * the same two per tensor; Adam and RMSprop form every new moment first while g stays whole (the
 * second moment reads it again): the whole gradient and two of the largest tensor.
 */
function updatePeak(l: LevelWork): number {
  const sizes = ownTensors(l);
  const p = P(l);
  if (NONLINEAR_OPTIMIZERS.has(l.optimizer)) return p + 2 * Math.max(0, ...sizes);
  let done = 0;
  let peak = 0;
  for (const w of sizes) {
    done += w;
    peak = Math.max(peak, p - done + 2 * w);
  }
  return peak;
}

/** The sizes of a level's parameter tensors in order: its own models' weights and biases, then the rest as one. */
function ownTensors(l: LevelWork): number[] {
  const out: number[] = [];
  const seen = new Set<string>();
  for (const u of l.uses) {
    if (u.own === false || u.upper) continue;
    u.layers.forEach((x, j) => {
      const key = `${u.net}/${j}/${x.inWidth}/${x.outWidth}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(layerWeights(x));
      if ((x.bias ?? x.outWidth) > 0) out.push(x.bias ?? x.outWidth);
    });
  }
  const rest = P(l) - out.reduce((a, b) => a + b, 0);
  return rest > 0 ? [...out, rest] : out;
}

/** One plain step of a lowest level: its gradient pass, then the optimizer's update (updatePeak). */
function plainStep(l: LevelWork): Partial<Breakdown> {
  const p = gradientPass(l.uses, { penalty: l.penalty });
  const update = updatePeak(l);
  return p.peak >= update ? { activations: p.peak - p.gradients, gradients: p.gradients } : { activations: update - P(l), gradients: P(l) };
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
export function stepPeak(level: LevelWork, mode: ModeChoice = level.mode, top = false, rows = 1, phases?: Phase[]): Breakdown {
  const own = lossUnits(level);
  const phase = (name: string, b: Breakdown): Breakdown => (phases?.push({ name, breakdown: b }), b);
  // a lowest level's step: its gradient pass layer by layer, then the optimizer's update; its batch
  // a slice (a copy) of the stacked input, unless that holds one step only (the slice is the input)
  if (level.children.length === 0) return plus(emptyBreakdown(), { ...plainStep(level), data: rows > 1 ? level.dataPerStep : 0 });
  let peak = emptyBreakdown();
  let kept = emptyBreakdown();
  const allData = top ? level.dataPerStep + level.children.reduce((s, c) => s + dataBelow(c), 0) : 0;
  for (const c of level.children) {
    const r = childRun(c, mode, rows * c.steps);
    peak = larger(peak, phase(`run ${level.name}`, plus(plus(kept, r.runPeak), { data: allData })));
    // once the last step has sliced its batch, the child's stacked batches are freed
    if (r.lastStep) peak = larger(peak, phase(`last step ${level.name}`, plus(plus(kept, r.lastStep), { data: allData - (top ? dataBelow(c) : 0) })));
    kept = plus(kept, r.kept);
  }
  // The product's re-read of the last batch is the run's own slice (hash-consed): the stacked input
  // is freed after the run, only that slice stays. mixflow slices afresh: all of it stays.
  const rereadData = (c: LevelWork): number =>
    !REREADS.has(mode.name) || !productExists(c, mode) ? 0 : (c.replicas ?? 1) * (mode.name === 'mixflow' ? c.steps : 1) * c.dataPerStep;
  // The level's own batch: the top's is its input; a middle level's a slice of its stacked input
  // (a copy where that holds more than one step). The slices the product re-reads are copies too.
  const outerData = (top || rows > 1 ? level.dataPerStep : 0) + level.children.reduce((s, c) => s + rereadData(c), 0);
  // The cotangent v on a child's θ_K is formed only where a product uses it: the builder prunes the
  // rest (first_order without a reset, darts / sama / the implicit modes across a level whose loss
  // does not read this level's parameters). Without it the upper pass differentiates only the
  // level's own models, if any, else it is a forward pass for the loss's value.
  // (A level with levels two below it is assumed to form it: its loss may read a grandchild, whose
  // product is taken with the middle level's mode.)
  const needsV = level.children.some((c) => productExists(c, mode) || c.children.length > 0);
  const grads = (u: NetUse): boolean => !u.upper && (needsV || u.own !== false);
  // A restarting child's θ_K is read by the upper loss (freed, layer by layer, at the transposes of
  // its backward) and, where the product reads it (darts, sama, the implicit modes), kept for that.
  const finalAlive = (u: NetUse): boolean => !!u.restarting && !level.children.some((c) => c.reset && readsFinal(c, mode));
  const finals = level.children.reduce((s, c) => s + (c.reset && !readsFinal(c, mode) ? P(c) * (c.replicas ?? 1) : 0), 0);
  const outer =
    level.penalty || level.uses.some(grads)
      ? plus(kept, gradientPhase(level, grads, finalAlive))
      : plus(kept, { activations: own.forwardOnly, parameters: finals });
  peak = larger(peak, phase(`outer ${level.name}`, plus(outer, { data: outerData })));
  // the level's own partial gradient, where its loss reads its own parameters, or the sum of the
  // products already taken (other children, other task replicas) that the next one adds to
  const accumulates = level.children.length > 1 || level.children.some((c) => (c.replicas ?? 1) > 1);
  const ownPartial = accumulates || level.penalty || level.uses.some((u) => u.own !== false && !u.upper) ? P(level) : 0;
  for (const c of level.children) {
    if (!productExists(c, mode)) continue;
    const productData = rereadData(c);
    // Held beside the product: the level's own partial gradient, to which the product's result is
    // added, and the cotangents on the other children and the other task replicas (the outer pass
    // formed them all; each is consumed by its own product). mixflow across a restarting level: v
    // on θ_K is the sweep's first adjoint λ_K and the hypergradient its last, λ₀ (θ₀ is the
    // hyperparameter): no separate accumulator. Only a mixed part to pull v through (one
    // differentiated step, θ₀ no hyperparameter): the outer backward emits v layer by layer and
    // each slice is consumed at once, v is never whole.
    const others = level.children.reduce((s, d) => s + (d === c ? 0 : P(d) * (d.replicas ?? 1)), 0) + ((c.replicas ?? 1) - 1) * P(c);
    const held = mixedOnly(c, mode) ? ownPartial : (mode.name === 'mixflow' && c.reset ? 0 : ownPartial) + others;
    peak = larger(peak, phase(`product ${c.name}`, plus(plus(kept, { gradients: held, data: productData }), productPhase(c, mode))));
  }
  return peak;
}

/** Whether the product across a restarting level `c` reads its final iterate θ_K (darts, sama and the implicit modes evaluate there). */
const readsFinal = (c: LevelWork, mode: ModeChoice): boolean => c.reset && LOSS_PRODUCTS.has(mode.name) && productExists(c, mode);

/** Modes whose product differentiates the lower loss in the upper parameters at θ_K: nothing where the loss reads none. */
const LOSS_PRODUCTS = new Set(['darts', 'sama', 'neumann', 'cg', 'mrml']);

/**
 * Whether the product across `c` yields anything; where it does not, the builder prunes it (and
 * the cotangent v it would read): darts, sama and the implicit modes differentiate c's loss in the
 * upper parameters, first_order passes v on only through a reset, and a truncation that cuts a
 * restarting level off from θ₀ keeps only what its last steps read of the upper level.
 */
function productExists(c: LevelWork, mode: ModeChoice): boolean {
  const reads = (c.upperRead ?? 'model') !== 'none';
  if (LOSS_PRODUCTS.has(mode.name)) return reads;
  if (mode.name === 'first_order') return c.reset;
  if (mode.name === 'truncated' && c.reset && differentiatedSteps(c, mode) < c.steps) return reads || (c.learnedOptions ?? []).length > 0;
  return true;
}

/** One step of a level that does not restart from a hyperparameter: only its mixed part is differentiated. */
const singleMixed = (c: LevelWork): boolean => !c.reset && c.steps === 1;

/**
 * Whether the mixed part ∂Φ/∂φ of a step is small: φ meets a penalty (it reads the penalized
 * weights) or only the optimizer's options (the update it scales). Where φ meets the model's
 * outputs (a weighting of per-example losses, a mixture's weights) it is a whole second-order pass
 * through the step's gradient, as a step on the θ-path is.
 */
const smallMixed = (c: LevelWork): boolean => (c.upperRead ?? 'model') !== 'model';

/** The steps unrolled or truncated(T) differentiate through. */
const differentiatedSteps = (c: LevelWork, mode: ModeChoice): number =>
  mode.name === 'truncated' ? Math.min(c.steps, Math.max(1, mode.options['steps'] ?? c.steps)) : c.steps;

/**
 * Whether the reverse pass across `c` is only one step's mixed part v·∂Φ/∂φ: unrolled, truncated
 * or mixflow differentiating a single step of a level that does not restart from a hyperparameter
 * (no θ-path to pull back through).
 */
function mixedOnly(c: LevelWork, mode: ModeChoice): boolean {
  if (c.reset || !smallMixed(c)) return false;
  if (mode.name === 'mixflow') return singleMixed(c);
  return (mode.name === 'unrolled' || mode.name === 'truncated') && differentiatedSteps(c, mode) === 1;
}

interface Run {
  /** What stays alive after the child's run for the product. */
  readonly kept: Partial<Breakdown>;
  /** The largest moment during the run. */
  readonly runPeak: Breakdown;
  /** A moment of the run's last step, after it has sliced its batch: the stacked input is freed (only its slice counted). */
  readonly lastStep?: Breakdown;
}

/** The child's run of `steps` steps, traced as the parent's mode requires. */
function childRun(c: LevelWork, mode: ModeChoice, rows: number): Run {
  const r = childRunOnce(c, mode, rows);
  // A carried level's θ_K and s_K take the place of its inputs θ₀, s₀ (counted as inputs). A
  // restarting level's θ_K is a tensor of its own, alive from the end of its run until the upper
  // level's loss and the product have read it; its s_K is read by nothing after the run.
  // Task replicas run one after the other, each keeping what the mode needs from its run and its θ_K.
  const out = c.reset ? { parameters: P(c) } : {};
  const n = c.replicas ?? 1;
  const each = plus(plus(emptyBreakdown(), r.kept), out);
  // After the runs the θ_K stay in what is kept only where the product reads them; elsewhere the
  // upper gradient pass frees them as it goes (stepPeak).
  const kept = plus(scale(r.kept, n), readsFinal(c, mode) ? scale(out, n) : {});
  return { kept, runPeak: plus(r.runPeak, scale(each, n - 1)), ...(r.lastStep ? { lastStep: plus(r.lastStep, scale(each, n - 1)) } : {}) };
}

/** `rows`: the steps the child's stacked data input holds (its steps times its ancestors'). */
function childRunOnce(c: LevelWork, mode: ModeChoice, rows: number): Run {
  const u = lossUnits(c);
  const n = c.steps;
  const step = stepPeak(c, c.mode, false, rows);
  // A restarting level's running iterate and state are no inputs: from step 2 on, θ_{k−1} and
  // s_{k−1} are tensors of their own beside the carried inputs (step 1 reads φ and s₀ = 0). Modes
  // that keep θ_k anyway (mixflow's checkpoints, unrolled's path) count them there.
  const running = c.reset && n >= 2 ? plus(step, { parameters: P(c) + S(c) }) : step;
  // mixflow over one step of a level that is not reset is the reverse pass through that step's
  // mixed part only (θ₀ is no function of the hyperparameters): the graph unrolled builds.
  const name = mode.name === 'mixflow' && mixedOnly(c, mode) ? 'unrolled' : mode.name;
  switch (name) {
    case 'unrolled':
    case 'truncated': {
      const t = mode.name === 'truncated' ? Math.min(n, Math.max(1, mode.options['steps'] ?? n)) : n;
      // The reverse pass needs the θ-path of a step only if something before it is differentiated:
      // the first differentiated step keeps just its mixed part (∂Φ/∂φ, small) unless the level is
      // reset from an upper copy (then θ₀ is the hyperparameter). A truncation that cuts a reset
      // level's θ₀ off leaves only what its last T steps read of the upper level (a proximal term,
      // a learned option): as for a level that is not reset, or nothing where they read nothing.
      const kept = c.reset && t === n ? t : !productExists(c, mode) ? 0 : t - 1;
      const perStep = { gradientGraphs: u.secondOrder + stepParamCopies(c), optimizerState: optimizerKeeps(c) };
      // That first step's mixed part reads the iterate a penalty scales (its weights) and, with a
      // learned lr, the update it multiplies (sgd's g, Adam's quotient; momentum's is its new
      // buffer, an output anyway): kept from that step to the product.
      const lrReads = !learned(c, 'lr') ? 0 : NONLINEAR_OPTIMIZERS.has(c.optimizer) || c.stateSlots === 0 ? P(c) : 0;
      // Where φ meets the model's outputs that mixed part is a reverse pass through the step's
      // gradient entered by its cotangent alone: what multiplies the cotangent (mixedOrder) and the
      // transposed weights.
      const first =
        (c.reset && t === n) || !productExists(c, mode)
          ? {}
          : smallMixed(c)
            ? { parameters: scaledPenalty(c), optimizerState: lrReads }
            : { gradientGraphs: u.mixedOrder + u.transposedWeights + 2 * scaledPenalty(c), optimizerState: lrReads };
      const all = plus(scale(perStep, kept), first);
      if (kept === 0) return { kept: all, runPeak: running };
      // The graph grows by one step's keep per step: the last step is the largest but runs after
      // the stacked batches are freed; the one before it runs beside them.
      // The step in flight is differentiable too: by the end of its backward everything it keeps
      // for the reverse pass is alive beside its gradient (more than a plain step holds where the
      // transposed inputs are large: a wide data input, a smooth activation's derivatives).
      const inFlight = larger(step, plus(plus(emptyBreakdown(), perStep), { gradients: P(c), data: step.data, parameters: step.parameters }));
      return grown(inFlight, perStep, kept - 1, first, rows, all);
    }
    case 'mixflow': {
      // The backward sweep pulls the adjoints back through step k's update, a remat region: the
      // region's inputs θ_k, g_k, s_k are kept and its intermediates recomputed. Where the update is
      // linear with constant coefficients (sgd, momentum at a fixed lr) its VJP reads nothing and
      // only θ_k is kept, for recomputing the gradient. A restarting level's θ_K is no output: −P.
      const opt = mixflowUpdateReads(c) ? P(c) + S(c) : 0;
      const perStep = { checkpoints: P(c) + opt };
      // A restarting level's θ_K and s_K are no outputs and s₀ = 0 is no tensor: the sweep keeps
      // θ₁…θ_{K−1}, s₁…s_{K−1} (where the update's VJP reads them) and g₁…g_K.
      const free = { checkpoints: c.reset ? -P(c) - (opt ? S(c) : 0) : 0 };
      return grown(step, perStep, n - 1, free, rows, plus(scale(perStep, n), free));
    }
    case 'forward': {
      const tangents = { tangents: c.upperScalars * (P(c) + S(c)) };
      // one forward-mode pass per direction and step. After a single step of a level that is not
      // reset the tangent is the step's mixed part ∂Φ/∂φ_q alone, nonzero only where φ_q acts: the
      // penalized weights for a penalty's coefficient, every tensor for a learned option or where φ
      // meets the model's outputs.
      if (singleMixed(c)) return { kept: { tangents: mixedTangents(c) }, runPeak: step };
      // A step's tangent is the JVP of the step along (dθ_k, ds_k, e_q), one per direction q: the
      // gradient's graph stays alive for it as for an HVP (implicitGraph), its forward tangents
      // too, but relu's hidden outputs only while another direction's JVP is to come (Q > 1); that
      // product's transient, the optimizer values the update's JVP reads, and the new tangents
      // (P + S) beside the carried ones.
      const jvp = { gradients: P(c), data: c.dataPerStep, optimizerState: jvpOptimizer(c), gradientGraphs: u.secondOrder + u.hidden + u.transposedWeights + scaledPenalty(c) + (c.upperScalars > 1 ? u.hidden - u.smoothHidden : 0), activations: hvpTransient(u), tangents: P(c) + S(c) };
      return { kept: tangents, runPeak: larger(plus(step, tangents), plus(plus(emptyBreakdown(), jvp), tangents)) };
    }
    case 'sama': {
      // SAMA's diagonal D = ∂u/∂g reads the last step's gradient and, for Adam, the two products of
      // it the update formed, (1 − β1)·g and (1 − β2)·g² (hash-consed: the same nodes), RMSprop the
      // latter: kept from the last update to the product. That update's second half runs beside
      // them: per tensor the bias-corrected moments, the safe square root's mask and root and the
      // quotient (≈ 3.25 × the largest tensor).
      const k = samaKeeps(c, mode);
      if (k === 0) return { kept: {}, runPeak: running };
      const kept = { gradients: k };
      const lastStep = plus(emptyBreakdown(), { ...kept, activations: 3.25 * u.largestWeight, parameters: c.reset && n >= 2 ? P(c) + S(c) : 0 });
      return { kept, runPeak: running, lastStep };
    }
    default:
      return { kept: {}, runPeak: running };
  }
}

/**
 * Forming Adam's diagonal D and D·v tensor by tensor: at tensor l two products of its size beside
 * the gradient terms not yet consumed (the run kept three per tensor; D·v replaces them by one).
 */
function diagonalTransient(c: LevelWork): number {
  let before = 0;
  let peak = 0;
  for (const w of ownTensors(c)) {
    peak = Math.max(peak, 2 * w - 2 * before);
    before += w;
  }
  return peak;
}

/** SAMA's diagonal reads the last gradient and, for Adam, (1 − β1)·g and (1 − β2)·g² (RMSprop: the latter): kept from the last update. */
const samaKeeps = (c: LevelWork, mode: ModeChoice): number =>
  !productExists(c, mode) || !NONLINEAR_OPTIMIZERS.has(c.optimizer) ? 0 : (c.stateSlots === 2 ? 3 : 2) * P(c);

/** Whether mixflow keeps a step's g_k and s_k for its update's VJP (a nonlinear update or a learned option). */
const mixflowUpdateReads = (c: LevelWork): boolean => NONLINEAR_OPTIMIZERS.has(c.optimizer) || (c.learnedOptions ?? []).length > 0;

/**
 * A run whose graph keeps `perStep` per step: `before` steps' keep beside the last step (plus
 * `extra`). That last step runs after the stacked batches are freed (`lastStep`), the one before it
 * (one keep less) beside them; with one row the slice is the input itself and nothing is freed.
 */
function grown(step: Breakdown, perStep: Partial<Breakdown>, before: number, extra: Partial<Breakdown>, rows: number, kept: Partial<Breakdown>): Run {
  const at = (m: number): Breakdown => plus(plus(step, scale(perStep, Math.max(0, m))), extra);
  if (rows <= 1) return { kept, runPeak: at(before) };
  return { kept, runPeak: at(before - 1), lastStep: at(before) };
}

/** The tangents dθ₁/dφ_q after one step of a level that is not reset: ∂Φ/∂φ_q, where φ_q acts (forward). */
function mixedTangents(c: LevelWork): number {
  const learnedDirs = Math.min(c.upperScalars, (c.learnedOptions ?? []).length);
  const read = c.upperRead === 'none' ? 0 : c.upperRead === 'penalty' ? Math.min(P(c), lossUnits(c).weights) : P(c);
  return learnedDirs * P(c) + (c.upperScalars - learnedDirs) * read;
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
const implicitGraph = (c: LevelWork, u: LossUnits): number => u.secondOrder + (u.hidden - u.smoothHidden) + u.hidden + u.transposedWeights + scaledPenalty(c);

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

/**
 * What the mode's best-response product across child `c` holds beyond what the run kept: the
 * cotangent v on c's θ_K where it is alive, and the product's own transient.
 */
function productPhase(c: LevelWork, mode: ModeChoice): Partial<Breakdown> {
  const u = lossUnits(c);
  const p = P(c);
  switch (mode.name === 'mixflow' && mixedOnly(c, mode) ? 'unrolled' : mode.name) {
    case 'unrolled':
    case 'truncated':
      // Only the mixed part: per layer, as v's slice arrives, −v, its cotangent on what the update
      // scales (lr·(−v)) and its product with what the mixed part reads (three tensors of the largest
      // layer), plus the iterate a penalty reads (θ_{K−1}, which the step keeps for it).
      if (mixedOnly(c, mode)) return { gradients: 3 * u.largestWeight };
      // one differentiated step of a level that is not reset, φ meeting its model's outputs: v
      // pulled back through that step's gradient graph to φ, with no θ-path beside it
      if (!c.reset && differentiatedSteps(c, mode) === 1) return { gradients: p, activations: u.transient };
      // the reverse sweep: v, the cotangents on θ and s, and one step's second-order backward at a time
      return { gradients: 3 * p + S(c), activations: Math.max(3 * u.widest, u.transient) };
    case 'mixflow':
      // One step of a level that is not reset, φ meeting its model's outputs (no θ-path): λ_g =
      // (∂u/∂g)ᵀv (v consumed by the update's VJP) beside the recomputed forward, whose JVP forms
      // only ∇_φ L's tangent — the forward's tangents x·dW + dx·W, no tangent of the backward. The
      // recompute consumes the checkpoint θ₀ as it goes but for the weights the tangents dx·W read.
      if (singleMixed(c)) return { gradients: p, activations: u.kept + 3 * u.widest, checkpoints: -(p - u.transposedWeights) - (mixflowUpdateReads(c) ? p + S(c) : 0) };
      // The sweep's step: the adjoints λ_θ (v itself at the first), λ_s and λ_g = (∂u/∂g)ᵀλ; the
      // gradient recomputed from the checkpoint and one JVP of it, which keeps what one HVP keeps
      // (implicitGraph without the J-fold reuse: the hidden outputs are read once) beside its
      // widest tangent. The update's VJP, a remat region, has consumed the last step's g_K and
      // s_{K−1} where it reads them by the time the gradient is recomputed.
      return {
        gradients: 2 * p + S(c),
        activations: u.secondOrder + u.hidden + u.transposedWeights + scaledPenalty(c) + Math.max(3 * u.widest, u.transient),
        checkpoints: mixflowUpdateReads(c) ? -(p + S(c)) : 0,
      };
    case 'forward':
      // v and vᵀZ_q per direction (scalars), the tangents kept by the run
      return { gradients: p };
    case 'first_order':
      return { gradients: 2 * p };
    case 'darts':
      return perturbed(c, { gradients: p + u.largestWeight });
    case 'sama':
      // D·v: for sgd and momentum D is lr broadcast to every tensor (constants, all formed first),
      // then dv tensor by tensor; for Adam D is formed tensor by tensor from the gradient terms the
      // run kept (freed as it goes): two of the largest tensor at a time. By the perturbed passes
      // those terms are gone.
      return perturbed(c, NONLINEAR_OPTIMIZERS.has(c.optimizer) ? { gradients: p + diagonalTransient(c) } : { gradients: p, solverVectors: p + u.largestWeight }, samaKeeps(c, mode));
    // Each HVP is a JVP of the gradient at θ_K, so the gradient's graph stays alive through all J
    // products (implicitGraph). Across a middle level the HVP is in its own parameters with its
    // children's results held fixed: only the applications of its own models have a graph.
    case 'neumann':
    case 'cg':
    case 'mrml': {
      const own = c.children.length ? ownUnits(c) : u;
      // The solver's vectors (neumann: p and the sum, v being the first of each; cg / mrml: x, r, p)
      // beside the HVP's widest activation tangent, with a penalty's part of A·p formed first (its
      // tangent comes first in the backward); or, as the HVP's tangent pass forms A·p tensor by
      // tensor, one more vector and the two products of the largest weight's tangent.
      const k = mode.name === 'neumann' ? 2 : 3;
      const penaltyPart = c.penalty ? Math.min(p, own.weights) : 0;
      const during = { gradientGraphs: implicitGraph(c, own), solverVectors: k * p + penaltyPart, activations: Math.max(3 * own.widest, own.transient) };
      const end = { gradientGraphs: implicitGraph(c, own), solverVectors: (k + 1) * p, activations: 2 * own.largestWeight };
      return total(plus(emptyBreakdown(), during)) >= total(plus(emptyBreakdown(), end)) ? during : end;
    }
  }
}

/**
 * darts and sama: the direction d (v, or D·v) is scaled by ε = r/‖d‖ and ∇_φ L is taken at θ_K ± εd.
 * Its first moment is `direction` (forming d beside v). Then, per side, the perturbed iterate θ_K
 * ± εd beside εd — only the part of θ the gradient in φ reads: every tensor where φ meets the
 * model's outputs (then one forward pass at the perturbed point, its backward running only through
 * what reads φ), the penalized weights where φ meets a penalty only (then, per weight, its square).
 */
function perturbed(c: LevelWork, direction: Partial<Breakdown>, consumed = 0): Partial<Breakdown> {
  const u = lossUnits(c);
  const model = (c.upperRead ?? 'model') === 'model';
  const read = model ? P(c) : Math.min(P(c), u.weights);
  const side = { solverVectors: 2 * read, activations: model ? u.forwardOnly : u.largestWeight, gradients: -consumed };
  return total(plus(emptyBreakdown(), side)) > total(plus(emptyBreakdown(), direction)) ? side : direction;
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

/** Every phase of one outer step of `root`, in order, each with the inputs added: the peak is the largest. */
export function outerStepPhases(root: LevelWork): Phase[] {
  const phases: Phase[] = [];
  stepPeak(root, root.mode, true, 1, phases);
  const base = inputs(root);
  return phases.map((p) => ({ name: p.name, breakdown: plus(base, p.breakdown) }));
}

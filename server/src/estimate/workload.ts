// What the closed-form estimator reads: a level tree reduced to sizes. It is built from a checked
// program (`fromModel.ts`) or, in tests and benchmarks, from the same spec as a hand-built
// `LevelDef` tree, so that both routes describe one problem.
import type { ModeName } from '../graph/modes/problem.js';

/** One layer of a model as the forward pass sees it, per example. */
export interface LayerShape {
  readonly kind: 'dense' | 'conv';
  /** Scalars of one example's input and output of this layer (conv: C·H·W). */
  readonly inWidth: number;
  readonly outWidth: number;
  /** Multiply-adds of one example's forward pass through the layer. */
  readonly macs: number;
  /** Scalars of its weight (default inWidth·outWidth, a dense layer's) and of its bias (default outWidth). */
  readonly weights?: number;
  readonly bias?: number;
}

/** One application `net(x)` inside a loss, at the batch size of x. */
export interface NetUse {
  readonly net: string;
  readonly batch: number;
  readonly layers: readonly LayerShape[];
  /** Hidden activation (relu, tanh, ...): what its backward rule reads decides what is kept. */
  readonly activation?: string;
  /**
   * Whether the model is the level's own (its parameters are the level's). A middle level's loss
   * usually applies a lower level's model at that level's final parameters: a derivative in the
   * middle level's own parameters then has no graph through it. Default true.
   */
  readonly own?: boolean;
  /**
   * Whether the model is an upper level's (its parameters are a hyperparameter of this level, as a
   * weighting net applied to per-example losses): this level's gradient passes back through it to
   * its argument but forms no gradient in its parameters. Default false.
   */
  readonly upper?: boolean;
  /** Whether its argument is a data field (no cotangent is formed for it). Default true. */
  readonly dataInput?: boolean;
  /**
   * Whether the model is a restarting lower level's (`reset from`): its parameters are that
   * level's final iterate θ_K, a tensor of the outer step (not an input) that is freed once its
   * last reader is done with it. Default false.
   */
  readonly restarting?: boolean;
  /**
   * The loss its output feeds: `softmax` (cross_entropy: the backward reads the exponentials and
   * the one-hot labels, a second reverse pass the softmax values) or `quadratic` (mse, sqdist: the
   * backward reads the difference, whose derivative is constant). Default `softmax`.
   */
  readonly head?: 'softmax' | 'quadratic';
  /** A mixture's candidate after the first: it reads the same input value (one transpose of it serves all). */
  readonly sharedInput?: boolean;
}

export interface ModeChoice {
  readonly name: ModeName;
  readonly options: Readonly<Record<string, number>>;
}

/** One level, reduced to what costs memory and time. */
export interface LevelWork {
  readonly name: string;
  /** Scalars of the parameters it owns, and how many tensors they are. */
  readonly paramCount: number;
  readonly tensorCount: number;
  readonly optimizer: string;
  /** Parameter-shaped slots of its optimizer state (sgd 0, momentum 1, adam 2, rmsprop 1). */
  readonly stateSlots: number;
  /** Steps per step of its parent (1 for a top level). */
  readonly steps: number;
  /** Scalars of the data one step reads (all fields, float and integer). */
  readonly dataPerStep: number;
  /** Its loss's model applications. */
  readonly uses: readonly NetUse[];
  /** Restarts from an upper level's copy every step of its parent (MAML). */
  readonly reset: boolean;
  /** How it differentiates through the levels directly below it. */
  readonly mode: ModeChoice;
  readonly children: readonly LevelWork[];
  /**
   * Its loss has a term in its own parameters beyond the model applications (weight decay,
   * `sqdist(f, init(f))`, `proximal`): a gradient pass forms that term's gradient first and holds
   * it (see `penaltyScale` for what a differentiable step keeps of it).
   */
  readonly penalty: boolean;
  /**
   * The penalty's coefficient: `learned` where it is a traced function of upper parameters (a
   * learned weight decay: a differentiated step keeps the weights and the broadcast coefficient),
   * `constant` otherwise (iMAML's proximal term: its derivative is constant). Default `learned`.
   */
  readonly penaltyScale?: 'learned' | 'constant';
  /** Scalars of upper-level parameters its run reads (the forward mode's directions). */
  readonly upperScalars: number;
  /**
   * Optimizer options that are traced functions of upper parameters (`lr: exp(loglr)`): the
   * update's derivative in such an option reads the vector it multiplies, so a differentiated
   * step keeps that vector.
   */
  readonly learnedOptions?: readonly string[];
  /**
   * Replicas of the level per step of its parent (a `reset from` level that reads a task source:
   * the lowering makes one copy per task, each with `steps` steps). Default 1.
   */
  readonly replicas?: number;
  /**
   * How its own loss reads its parent level's parameters (besides a `reset from` copy):
   * `model` — they meet the model's outputs (a weighting net on per-example losses, a mixture's
   * architecture weights), so ∇_φ L at a perturbed θ needs a forward pass of the model; `penalty` —
   * they meet only a penalty in the weights (a learned weight decay, a proximal term); `none` — the
   * loss does not read them (only the optimizer's options or the reset do), so the products that
   * differentiate the loss in φ (darts, sama, neumann, cg, mrml) yield nothing. Default `model`.
   */
  readonly upperRead?: 'model' | 'penalty' | 'none';
}

/** Slots per optimizer, as `nn/optimizers.ts` keeps them. */
export function stateSlotsOf(optimizer: string, constants: Readonly<Record<string, number | boolean>> = {}): number {
  switch (optimizer) {
    case 'adam':
    case 'adamw':
      return 2;
    case 'momentum':
      return 1;
    case 'rmsprop':
      return 1;
    case 'sgd':
      return typeof constants['momentum'] === 'number' && constants['momentum'] !== 0 ? 1 : 0;
    default:
      return 0;
  }
}

/** Every level of a tree, parents first. */
export function levelsOf(root: LevelWork): LevelWork[] {
  const out: LevelWork[] = [root];
  for (const c of root.children) out.push(...levelsOf(c));
  return out;
}

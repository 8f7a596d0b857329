// The unit quantities every mode formula is made of, per level, in elements (the caller multiplies
// by the bytes of one element). Each is what the graph core's rules keep, layer by layer, for a
// loss `mean(cross_entropy(net(x), y))`-like objective (docs/estimates.md, "Units"):
//
// - forward pass: a dense layer computes x·W, + b, act(·). The backward of act needs its input
//   (relu: the pre-activation, for the mask) or its output (tanh, sigmoid: 1 − y², y(1 − y)), and
//   the backward of x·W needs x, which is the previous layer's output. So a hidden layer keeps
//   one [B, out] tensor (tanh, sigmoid) or two (relu, softplus, elu). The loss keeps the logits,
//   their exponentials and the one-hot labels: three [B, C].
// - backward pass, at its widest layer: the cotangent, the transposed layer input [in, B] and the
//   product x·ct: about three [B, width] tensors beyond what the forward kept.
// - a *differentiable* gradient (one that a later reverse pass goes through again) keeps, per
//   layer, the transposed input [in, B] and the derivative masks beyond the forward's values, and
//   per weight matrix its transpose (W·ct needs Wᵀ): that is A₂.
import type { LevelWork, NetUse } from './workload.js';

export interface UseUnits {
  /** Σ over layers of B·in (layer inputs, x included). */
  readonly inputs: number;
  /** Σ over hidden layers of B·out. */
  readonly hidden: number;
  /** B·out of the first hidden layer (its cotangent is never differentiated again: x is data). */
  readonly firstHidden: number;
  /** B·in of the first layer: the data, whose transpose a second reverse pass does not need. */
  readonly dataInput: number;
  /** B·classes (the last layer's output). */
  readonly logits: number;
  /** B·in of the last layer (where the backward pass starts, with everything still kept). */
  readonly lastInput: number;
  /** B·(widest layer output). */
  readonly widest: number;
  /** Forward multiply-adds for the whole batch. */
  readonly macs: number;
}

/** Activations whose derivative rule reads their output (tanh: 1 − y², sigmoid: y(1 − y)) rather than a mask. */
const SMOOTH = new Set(['tanh', 'sigmoid']);

/**
 * Hidden [B, out] tensors the forward keeps for the backward: relu keeps its input (for the mask)
 * and its output (the next layer's input); tanh keeps its output and the product 1 − y² is built
 * from it in the backward, which in a traced graph is scheduled right after the forward.
 */
export function keptPerHidden(_activation: string | undefined): number {
  return 2;
}

export function useUnits(u: NetUse): UseUnits {
  let inputs = 0;
  let hidden = 0;
  let widest = 0;
  let macs = 0;
  u.layers.forEach((l, i) => {
    inputs += l.inWidth;
    if (i < u.layers.length - 1) hidden += l.outWidth;
    widest = Math.max(widest, l.outWidth);
    macs += l.macs;
  });
  const last = u.layers[u.layers.length - 1];
  const first = u.layers.length > 1 ? u.layers[0]!.outWidth : 0;
  const b = u.batch;
  return { inputs: b * inputs, hidden: b * hidden, firstHidden: b * first, dataInput: b * (u.layers[0]?.inWidth ?? 0), logits: b * (last?.outWidth ?? 1), lastInput: b * (last?.inWidth ?? 0), widest: b * widest, macs: b * macs };
}

/** What one level's loss costs, summed over its model applications. */
export interface LossUnits {
  /** A: the values the forward pass keeps for the backward pass (when the backward starts). */
  readonly kept: number;
  /** The backward pass's own transient at the last layer: the cotangent and the transposed input. */
  readonly transient: number;
  /**
   * The activation-sized values a differentiable gradient keeps for a second reverse pass (per
   * differentiated step of unrolled): see `computeLossUnits`.
   */
  readonly secondOrder: number;
  /** Σ over layers but the first of in·out: the transposed weights a second reverse pass reads (W·ct needs Wᵀ). */
  readonly transposedWeights: number;
  /** Σ of in·out over the layers of the first model application (the weights a penalty term reads). */
  readonly weights: number;
  /** Σ over model applications of B·(hidden widths): the hidden outputs, one [B, h] per layer. */
  readonly hidden: number;
  /** Σ over model applications of B·(first hidden width). */
  readonly firstHidden: number;
  /** B·(widest layer output) over the model applications. */
  readonly widest: number;
  /** The largest weight matrix (in·out) of any layer: a Hessian-vector product builds its tangent for it as two products. */
  readonly largestWeight: number;
  /** Σ over model applications of the last layer's in·out: the first weight gradient a backward pass forms. */
  readonly lastWeights: number;
  /** Σ over model applications of B·(in + out) of the first layer: what the backward's last product reads (xᵀ and its cotangent). */
  readonly firstLayer: number;
  /** Σ over applications with a smooth activation (tanh, sigmoid) of B·(hidden widths). */
  readonly smoothHidden: number;
  /** Peak of one forward pass alone (two [B, width] at a time). */
  readonly forwardOnly: number;
  /** Forward FLOPs of the loss (2 per multiply-add). */
  readonly forwardFlops: number;
}

// Every phase of every mode asks for the same level's units: computed once per uses list.
const memo = new WeakMap<readonly NetUse[], LossUnits>();

export function lossUnits(level: Pick<LevelWork, 'uses'>): LossUnits {
  const hit = memo.get(level.uses);
  if (hit) return hit;
  const out = computeLossUnits(level.uses);
  memo.set(level.uses, out);
  return out;
}

function computeLossUnits(uses: readonly NetUse[]): LossUnits {
  let kept = 0;
  let transient = 0;
  let second = 0;
  let tw = 0;
  let fwd = 0;
  let flops = 0;
  let largest = 0;
  let hid = 0;
  let wide = 0;
  let first = 0;
  let lastW = 0;
  let smoothHid = 0;
  let firstLayer = 0;
  uses.forEach((u) => {
    const x = useUnits(u);
    const k = keptPerHidden(u.activation);
    const smooth = SMOOTH.has(u.activation ?? 'relu');
    kept += k * x.hidden + x.logits;
    hid += x.hidden;
    if (smooth) smoothHid += x.hidden;
    wide = Math.max(wide, x.widest);
    // (a smooth activation's second-order graph keeps the first hidden cotangent already, below)
    first += smooth ? 0 : x.firstHidden;
    transient = Math.max(transient, 2 * x.lastInput);
    // A differentiable gradient, as the core's VJP rules leave it for the second reverse pass:
    // - dW = inᵀ·ct for every layer: its derivative in ct reads inᵀ, so every transposed layer input
    //   is kept, the data's included;
    // - the cotangent of every hidden layer but the first (the first meets only the data, whose
    //   cotangent nobody asks for), as the derivative of dW in the layer input reads it;
    // - the activation's derivative: a bool mask per hidden layer (¼ element) for relu, its output
    //   and 1 − y² for tanh / sigmoid;
    // - the loss: softmax's exponentials, their broadcast sum and the shifted logits ([B, C] each)
    //   and two [B, 1] normalisers.
    // - with a smooth activation also the first hidden layer's cotangent: ct ⊙ (1 − y²) differentiated
    //   in y reads ct (relu's where(mask, ct, 0) has no derivative in the mask);
    const deriv = smooth ? 2 * x.hidden : x.hidden / 4;
    second += x.inputs + (x.hidden - (smooth ? 0 : x.firstHidden)) + deriv + 3 * x.logits + 2 * u.batch;
    u.layers.forEach((l, i) => {
      if (i > 0 && l.kind === 'dense') tw += l.inWidth * l.outWidth;
      if (l.kind === 'dense') largest = Math.max(largest, l.inWidth * l.outWidth);
    });
    fwd = Math.max(fwd, 2 * x.widest);
    const lastL = u.layers[u.layers.length - 1];
    lastW += lastL ? lastL.inWidth * lastL.outWidth : 0;
    firstLayer += x.dataInput + u.batch * (u.layers[0]?.outWidth ?? 0);
    flops += 2 * x.macs;
  });
  const weights = (uses[0]?.layers ?? []).reduce((s, l) => s + (l.kind === 'dense' ? l.inWidth * l.outWidth : 0), 0);
  return { kept, transient, secondOrder: second, transposedWeights: tw, weights, hidden: hid, firstHidden: first, widest: wide, largestWeight: largest, lastWeights: lastW, firstLayer, smoothHidden: smoothHid, forwardOnly: fwd, forwardFlops: flops };
}

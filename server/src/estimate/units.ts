// The unit quantities every mode formula is made of, per level, in elements (the caller multiplies
// by the bytes of one element), and `gradientPass`, one gradient pass replayed layer by layer. Each
// is what the graph core's rules keep for a loss `mean(cross_entropy(net(x), y))`-like objective,
// read off the traced graphs' live sets (docs/estimates.md, "Units"):
//
// - forward: a dense layer computes x·W + b, then its activation. relu's backward reads its input
//   (the mask) and the next layer's backward its output (transposed for that layer's dW); tanh /
//   sigmoid keep their output y (1 − y² is built from it in the backward). The loss head keeps
//   softmax's exponentials and the one-hot labels (mse: the difference).
// - a *differentiable* gradient (one a later reverse pass goes through again) keeps what its VJP
//   rules read when differentiated: every layer's transposed input, the activations' derivatives,
//   the hidden cotangents, the softmax values, and per weight matrix its transpose (W·ct needs Wᵀ).
import type { LayerShape, LevelWork, NetUse } from './workload.js';

export interface UseUnits {
  /** Σ over layers of B·in (layer inputs, x included). */
  readonly inputs: number;
  /** Σ over hidden layers of B·out. */
  readonly hidden: number;
  /** B·out of the first hidden layer (its cotangent is never differentiated again: x is data). */
  readonly firstHidden: number;
  /** B·in of the first layer: the data. */
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

const isSmooth = (u: NetUse): boolean => SMOOTH.has(u.activation ?? 'relu');

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
  /** The backward's transient at the last layer: the input's cotangent and the transposed input (2·B·in). */
  readonly transient: number;
  /** What a differentiable gradient keeps for a second reverse pass through θ (per differentiated step): see `computeLossUnits`. */
  readonly secondOrder: number;
  /**
   * What a differentiable gradient keeps for a reverse pass that enters through its cotangent only
   * (the mixed part of a first step, φ meeting the model's outputs, no θ-path): the backward is
   * linear in the cotangent, so only what multiplies it — the transposed layer inputs, the
   * activations' derivatives (relu's mask, tanh's 1 − y²) and the loss head's values.
   */
  readonly mixedOrder: number;
  /** Σ over layers but the first of in·out: the transposed weights a second reverse pass reads (W·ct needs Wᵀ). */
  readonly transposedWeights: number;
  /** Σ of in·out over the layers of the first model application (the weights a penalty term reads). */
  readonly weights: number;
  /** Σ over model applications of B·(hidden widths): the hidden outputs, one [B, h] per layer. */
  readonly hidden: number;
  /** Σ over applications with a smooth activation (tanh, sigmoid) of B·(hidden widths). */
  readonly smoothHidden: number;
  /** B·(widest layer output) over the model applications. */
  readonly widest: number;
  /** The largest weight matrix (in·out) of any layer: a Hessian-vector product builds its tangent for it as two products. */
  readonly largestWeight: number;
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
  let mixed = 0;
  let tw = 0;
  let fwd = 0;
  let flops = 0;
  let largest = 0;
  let hid = 0;
  let wide = 0;
  let smoothHid = 0;
  uses.forEach((u) => {
    const x = useUnits(u);
    const smooth = isSmooth(u);
    kept += (smooth ? 1 : 2) * x.hidden + headKept(u);
    hid += x.hidden;
    if (smooth) smoothHid += x.hidden;
    wide = Math.max(wide, x.widest);
    transient = Math.max(transient, 2 * x.lastInput);
    // A differentiable gradient, as the core's VJP rules leave it for the second reverse pass:
    // - dW = inᵀ·ct for every layer: its derivative in ct reads inᵀ, so every transposed layer input
    //   is kept, the data's included (a mixture's candidates share the data's);
    // - the cotangent of every hidden layer but the first (the first meets only the data, whose
    //   cotangent nobody asks for), as the derivative of dW in the layer input reads it — with a
    //   smooth activation the first's too: ct ⊙ (1 − y²) differentiated in y reads ct (relu's
    //   where(mask, ct, 0) has no derivative in the mask);
    // - the activation's derivative: a bool mask per hidden layer (¼ element) for relu, its output
    //   and 1 − y² for tanh / sigmoid;
    // - the loss head: softmax's exponentials, their broadcast sum and the shifted logits ([B, C]
    //   each) and two [B, 1] normalisers (mse's derivative is constant: nothing; a mixture's
    //   candidates share the one head on their weighted sum).
    const deriv = smooth ? 2 * x.hidden : x.hidden / 4;
    const head = u.head === 'quadratic' || u.sharedInput ? 0 : 3 * x.logits + 2 * u.batch;
    const inputs = x.inputs - (u.sharedInput ? x.dataInput : 0);
    second += inputs + (x.hidden - (smooth ? 0 : x.firstHidden)) + deriv + head;
    mixed += inputs + (smooth ? x.hidden : x.hidden / 4) + head;
    u.layers.forEach((l, i) => {
      if (i > 0) tw += layerWeights(l);
      largest = Math.max(largest, layerWeights(l));
    });
    fwd = Math.max(fwd, 2 * x.widest);
    flops += 2 * x.macs;
  });
  const weights = (uses[0]?.layers ?? []).reduce((s, l) => s + layerWeights(l), 0);
  return { kept, transient, secondOrder: second, mixedOrder: mixed, transposedWeights: tw, weights, hidden: hid, smoothHidden: smoothHid, widest: wide, largestWeight: largest, forwardOnly: fwd, forwardFlops: flops };
}

/** Scalars of a layer's weight and bias. */
export const layerWeights = (l: LayerShape): number => l.weights ?? l.inWidth * l.outWidth;

/** What one gradient pass of a loss holds besides what is given. */
export interface PassOptions {
  /** Gradient elements already whole and alive when the backward starts. */
  readonly held?: number;
  /**
   * A penalty in the weights of the first model application (`exp(logwd)·Σ‖W‖²`, `sqdist`,
   * `proximal`): traced after the model's loss, so its gradient is formed first and held until
   * each layer's own weight gradient is added to it.
   */
  readonly penalty?: boolean;
  /** Which applications' parameters get a gradient (default: all but an upper level's models). */
  readonly grads?: (u: NetUse) => boolean;
  /**
   * Applications whose weights are tensors of the step that die at their last read (a restarting
   * level's θ_K): alive at the backward's start, each freed at its transpose Wᵀ (the first layer's,
   * read by no backward when its input is data, and the biases are freed by the forward already).
   */
  readonly weightsAlive?: (u: NetUse) => boolean;
}

/** The largest moment of one gradient pass, in elements beyond the inputs and the data. */
export interface PassPeak {
  /** Everything alive at the peak: the forward's kept values, the backward's transient, the gradients formed. */
  readonly peak: number;
  /** The gradient elements among them (formed or held). */
  readonly gradients: number;
  /** The gradient whole at the end of the pass (held + formed). */
  readonly end: number;
}

/** What the loss head keeps for the backward: softmax's exponentials and the one-hot labels, or mse's difference. */
const headKept = (u: NetUse): number => (u.head === 'quadratic' || u.sharedInput ? 1 : 2) * u.batch * (u.layers[u.layers.length - 1]?.outWidth ?? 1);

/**
 * One gradient pass of `mean(loss(net(x), y)) [+ penalty]`, replayed layer by layer in the order
 * the core's VJP rules emit it (`autodiff.ts`, dense layers `x·W + b`):
 *
 * - forward: a hidden relu layer keeps its pre-activation z (the mask's input) and its output h
 *   (the next layer's input, transposed for that layer's weight gradient); tanh / sigmoid keep
 *   their output y only (the derivative 1 − y² is built from it in the backward); the loss head
 *   keeps two [B, C] (softmax's exponentials and the one-hot labels, or mse's difference);
 * - backward, last layer first: the activation's derivative (relu: a bool mask, ¼ element, and the
 *   masked cotangent, freeing z; tanh: y·y and 1 − y², freeing y), the bias gradient, Wᵀ and the
 *   input's cotangent ct·Wᵀ (not for a data input), the input's transpose (freeing a relu's h) and
 *   dW = inᵀ·ct, added to the penalty's gradient where there is one;
 * - the gradients formed stay alive to the end of the pass (the optimizer reads them whole).
 */
export function gradientPass(uses: readonly NetUse[], o: PassOptions = {}): PassPeak {
  const grads = o.grads ?? ((u: NetUse): boolean => !u.upper);
  // the forward's kept values: per use, per hidden layer (relu: z and, if the next layer forms a
  // weight gradient, h; smooth: y), and the head
  let kept = 0;
  for (const u of uses) {
    const n = u.layers.length;
    const d = grads(u);
    u.layers.forEach((l, j) => {
      if (j === n - 1) kept += headKept(u);
      else kept += u.batch * l.outWidth * (!isSmooth(u) && d ? 2 : 1);
    });
  }
  const alive = o.weightsAlive ?? ((): boolean => false);
  for (const u of uses) if (alive(u)) u.layers.forEach((l, j) => (kept += j > 0 || u.dataInput === false ? layerWeights(l) : 0));
  let held = o.held ?? 0;
  let peak = kept + held;
  let gAt = held;
  const mark = (extra: number, g = held): void => {
    if (kept + held + extra > peak) {
      peak = kept + held + extra;
      gAt = g;
    }
  };
  // the penalty's gradient, formed first: per weight its coefficient broadcast and the product, then held
  const penalized = o.penalty && uses[0] && grads(uses[0]) ? uses[0].layers.map(layerWeights) : [];
  for (const w of penalized) {
    mark(2 * w);
    held += w;
  }
  for (let ui = uses.length - 1; ui >= 0; ui--) {
    const u = uses[ui]!;
    const d = grads(u);
    const relu = !isSmooth(u);
    const b = u.batch;
    const n = u.layers.length;
    // the head: its kept values give way to the logits' cotangent
    const cls = u.layers[n - 1]?.outWidth ?? 1;
    mark(b * cls);
    kept -= headKept(u);
    let ct = b * cls;
    for (let j = n - 1; j >= 0; j--) {
      const l = u.layers[j]!;
      const w = layerWeights(l);
      const bOut = b * l.outWidth;
      const bIn = b * l.inWidth;
      if (j < n - 1) {
        // the activation's derivative: ct_raw → ct
        if (relu) {
          mark(ct + bOut / 4); // mask (z alive)
          kept -= bOut; // z freed
          mark(ct + bOut / 4 + bOut); // masked cotangent
        } else {
          mark(ct + bOut); // y·y beside y
          kept -= bOut; // y freed (y·y was its last reader)
          mark(ct + 2 * bOut); // 1 − y² beside y·y, then ct_raw ⊙ (1 − y²)
        }
        ct = bOut;
      }
      let ctIn = 0;
      if (j > 0 || u.dataInput === false) {
        if (alive(u)) kept -= w; // W freed at its transpose
        mark(ct + w + bIn); // Wᵀ and ct·Wᵀ
        ctIn = bIn;
      }
      if (d) {
        // the input's transpose; a mixture's candidates share one of their common input, formed
        // by the first candidate the backward reaches (the last one) and freed after the first
        const next = uses[ui + 1]?.sharedInput === true;
        const shared = j === 0 && (u.sharedInput === true || next);
        if (!shared || (u.sharedInput && !next)) mark(ct + ctIn + bIn);
        if (shared && u.sharedInput && !next) kept += bIn;
        const t = shared ? 0 : bIn; // the transpose, when it is this layer's own
        if (j > 0 && relu) kept -= bIn; // h_{j−1} freed
        mark(ct + ctIn + t + w); // dW = inᵀ·ct
        if (shared && !u.sharedInput) kept -= bIn; // the shared transpose's last reader
        if (ui === 0 && j < penalized.length) {
          mark(ctIn + 2 * w); // the penalty's part + dW + their sum (the part is in held)
          held += l.bias ?? l.outWidth;
        } else held += w + (l.bias ?? l.outWidth);
      }
      ct = ctIn;
    }
  }
  return { peak, gradients: gAt, end: held };
}

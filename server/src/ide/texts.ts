// The texts hovers, completion details and signature help show for the fixed vocabulary of
// the language: keywords, built-in functions, and what each hypergradient mode computes and
// costs. The option lists, types and defaults are NOT repeated here: they come from the
// checker's tables in model/specs.ts, and signatures are built from those.
import {
  allKinds, builtinFunctions, dataSources, describeInterval, modelKinds, modes, optimizers, runSettings,
  type KindSpec, type OptionSpec, type OptionType,
} from '../model/specs.js';

export interface FunctionDoc {
  signature: string;
  doc: string;
  /** Parameter labels for signature help, in order (named ones as `axis: k`). */
  params: string[];
}

const fn = (signature: string, params: string[], doc: string): FunctionDoc => ({ signature, params, doc });

const reduction = (name: string, what: string) => fn(`${name}(x, axis: k)`, ['x', 'axis: k'], `${what} of all elements, or along axis \`k\`. Acts on each member of a group.`);
const unary = (name: string, what: string) => fn(`${name}(x)`, ['x'], `${what}, element-wise. Acts on each member of a group.`);

/** Every built-in function: signature and one paragraph. Keys equal model/specs.ts `builtinFunctions` (a test checks it). */
export const functionDocs: Readonly<Record<string, FunctionDoc>> = {
  mean: reduction('mean', 'Mean'),
  sum: reduction('sum', 'Sum'),
  max: reduction('max', 'Maximum'),
  exp: unary('exp', 'eˣ'),
  log: unary('log', 'Natural logarithm'),
  sqrt: unary('sqrt', 'Square root'),
  abs: unary('abs', 'Absolute value'),
  sigmoid: unary('sigmoid', 'Logistic sigmoid 1/(1+e⁻ˣ)'),
  tanh: unary('tanh', 'Hyperbolic tangent'),
  relu: unary('relu', 'max(x, 0)'),
  softplus: unary('softplus', 'log(1 + eˣ)'),
  sq: unary('sq', 'x² (`sq(x) = x^2`)'),
  softmax: fn('softmax(x)', ['x'], 'Softmax along the last axis.'),
  log_softmax: fn('log_softmax(x)', ['x'], 'Log-softmax along the last axis.'),
  norm: fn('norm(x)', ['x'], 'Euclidean (Frobenius) norm: a scalar. Takes groups.'),
  sqdist: fn('sqdist(a, b)', ['a', 'b'], '`sum(sq(a − b))`, a scalar; takes groups (`sqdist(f, init(f))`).'),
  cross_entropy: fn('cross_entropy(logits [B, C], labels [B])', ['logits [B, C]', 'labels [B]'], 'Per-example cross-entropy losses `[B]`: reduce with `mean(...)` for a loss.'),
  mse: fn('mse(pred, target)', ['pred', 'target'], 'Mean squared error, a scalar.'),
  accuracy: fn('accuracy(logits [B, C], labels [B])', ['logits [B, C]', 'labels [B]'], 'Fraction correct, a scalar. Not differentiable: for `report`.'),
  stop: fn('stop(x)', ['x'], '`x` with no gradient flowing through it.'),
  normal: fn('normal(mean, std)', ['mean', 'std'], 'Seeded normal initial values (param initialisers only).'),
  uniform: fn('uniform(lo, hi)', ['lo', 'hi'], 'Seeded uniform initial values (param initialisers only).'),
  init: fn('init(model)', ['model'], "The group of a model's *initial* values: a parameter an upper level can own (MAML's meta-learned initialisation)."),
};

export const constantDocs: Readonly<Record<string, string>> = {
  pi: 'π = 3.14159…',
  true: 'A flag value.',
  false: 'A flag value.',
  none: 'No output activation (`out: none`).',
};

/** One line per keyword: what the declaration or statement it starts means. */
export const keywordDocs: Readonly<Record<string, string>> = {
  data: '`data NAME = SOURCE(ARGS)` — a data source: `csv`, `sinusoid`, `blobs`, `ridge`.',
  model: '`model NAME = KIND(ARGS)` — a model: `linear`, `mlp`, `conv`, `mixture`.',
  param: '`param NAME[DIMS] = INIT` — a free tensor (shape optional: a scalar; init optional: zeros).',
  level: '`level NAME [above LOWER, ...] { ... }` — one level of the problem: what it owns, its loss, optimizer, steps and hypergradient mode.',
  run: '`run { ... }` — steps, seed, backend, logging, checkpoints, memory budget and reports.',
  params: '`params ITEM, ... [reset from UPPER]` — what this level optimises: models, members, params or `init(MODEL)`.',
  let: '`let NAME = EXPR` — a local binding, visible in later statements of the level.',
  loss: '`loss EXPR` — the scalar this level minimises.',
  optimizer: '`optimizer OPT(OPTIONS)` — default `sgd(lr: 0.01)`.',
  steps: '`steps N` — in a level: steps per step of the level above (default 1); in `run`: outer steps.',
  hypergradient: '`hypergradient MODE(OPTIONS)` — how this level differentiates through the levels directly below it (default `unrolled`).',
  proximal: "`proximal LAMBDA` — with `reset from`: iMAML's (λ/2)‖θ − θ_reset‖² term.",
  above: '`above LOWER, ...` — puts this level directly above the named levels.',
  reset: '`reset from UPPER` — these parameters restart from UPPER\'s copy at every step of UPPER (MAML).',
  from: '`reset from UPPER` — the level whose `init(MODEL)` these parameters restart from.',
  seed: '`seed N` — the random seed (data order, initialisers, corruption).',
  backend: '`backend auto | onnx | gpu | node | wasm | cpu` — the executor jobs use.',
  log: '`log N` — emit metrics every N outer steps.',
  eval: '`eval N` — evaluate reports every N outer steps (default: `log`).',
  checkpoint: '`checkpoint N` — save every N outer steps (0: only at the end).',
  budget: '`budget SIZE` — the memory budget for the estimate and mode advice (`4GiB`).',
  precision: '`precision float32 | float64` — float64 on onnx and cpu only.',
  report: '`report [NAME:] EXPR` — a scalar evaluated every `eval` steps.',
};

export interface ModeDoc {
  /** What it computes, in one sentence. */
  computes: string;
  /** Extra peak memory over plain training (P params, S optimizer state, A activations, K steps). */
  memory: string;
  /** Compute per outer step, in forward+backward passes G. */
  compute: string;
}

/**
 * What each hypergradient mode computes and costs, from the design's table
 * (../shared/design/hypergradients.md). INTEGRATION POINT: when `server/src/estimate/`
 * exports its own per-mode descriptions, hovers should take them from there instead.
 */
export const modeDocs: Readonly<Record<string, ModeDoc>> = {
  unrolled: { computes: 'Reverse mode through all K lower steps (MAML, ITD): the exact hypergradient of the K-step problem.', memory: 'K(P+S+A₂) + A_v', compute: 'K + 1 + ≈2K' },
  truncated: { computes: 'Reverse mode through the last T of the K lower steps: short-horizon bias.', memory: 'T(P+S+A₂) + A_v', compute: 'K + 1 + ≈2T' },
  first_order: { computes: 'Drops dθ/dφ (FOMAML, Reptile): zero for a hyperparameter that only enters the lower loss.', memory: 'A_v + P', compute: 'K + 1' },
  darts: { computes: 'Finite differences at the final iterate with H⁻¹ ≈ I (DARTS).', memory: 'A_v + A + P', compute: 'K + 3' },
  neumann: { computes: 'Implicit differentiation with a Neumann series for H⁻¹v (J terms).', memory: 'A_v + A₂ + 3P', compute: 'K + 2 + ≈2J + 2' },
  cg: { computes: 'Implicit differentiation with conjugate gradient for H⁻¹v (iMAML); damping keeps it positive definite.', memory: 'A_v + A₂ + 4P', compute: 'K + 2 + ≈2J + 2' },
  sama: { computes: 'SAMA: base Jacobian ≈ I with an optimizer-aware diagonal, by central differences.', memory: 'A_v + A + 2P', compute: 'K + 3' },
  mixflow: { computes: 'Mixed mode (forward-over-reverse products with per-step checkpoints): the same number as unrolled.', memory: 'K(P+S) + ≈2A + A_v', compute: '≈3K + 1' },
  forward: { computes: 'Forward-mode tangents, one per hyperparameter scalar: exact, for a handful of scalars.', memory: 'Q(P+S) + ≈A, independent of K', compute: 'K(1 + ≈2Q)' },
  mrml: { computes: 'Memory-reduced: the lower loop without a graph, then CG at the final iterate.', memory: 'A_v + A₂ + 4P, independent of K', compute: 'K forward-only + ≈2J + 3' },
};

const optimizerDocs: Readonly<Record<string, string>> = {
  sgd: 'Stochastic gradient descent, with optional momentum, Nesterov and weight decay.',
  momentum: 'Heavy-ball momentum.',
  adam: 'Adam: adaptive moments (bias-corrected).',
  adamw: 'Adam with decoupled weight decay.',
  rmsprop: 'RMSProp: a running average of squared gradients.',
};

const sourceDocs: Readonly<Record<string, string>> = {
  csv: 'Rows of a CSV file (path relative to the .mlo file). Fields `x` [B, F], `y` [B], `index` [B], `n`.',
  sinusoid: 'Few-shot sinusoid regression tasks. Fields `support.x`, `support.y`, `query.x`, `query.y`.',
  blobs: 'Gaussian blobs. Fields `x`, `y`, `index`, `n`.',
  ridge: 'A regression problem with a known answer. Fields `train.x`, `train.y`, `valid.x`, `valid.y`.',
};

const modelDocs: Readonly<Record<string, string>> = {
  linear: '`IN -> OUT`: `weight [IN, OUT]`, `bias [OUT]`.',
  mlp: '`IN -> H1 -> ... -> OUT`: one `weight`/`bias` per layer.',
  conv: 'Convolutions (same padding, 2×2 average pooling after each), then a linear head. Takes rows [B, C·H·W].',
  mixture: '`Σ softmax(arch)_i · M_i(x)` over candidate models (DARTS-style architecture search).',
};

/** The one-paragraph description of a built-in kind (source, model, optimizer, mode). */
export function kindDoc(k: KindSpec): string {
  switch (k.category) {
    case 'data source': return sourceDocs[k.name] ?? '';
    case 'model kind': return modelDocs[k.name] ?? '';
    case 'optimizer': return optimizerDocs[k.name] ?? '';
    case 'hypergradient mode': {
      const m = modeDocs[k.name];
      return m ? `${m.computes} ${k.exact ? 'Exact.' : 'Approximate.'}` : '';
    }
  }
}

export function describeType(t: OptionType): string {
  switch (t.t) {
    case 'number': return t.range ? `a number ${describeInterval(t.range)}` : 'a number';
    case 'int': return `an integer ≥ ${t.min}`;
    case 'flag': return 'a flag';
    case 'string': return 'a string';
    case 'column': return 'a column name';
    case 'columns': return 'a list of column names';
    case 'range': return 'a range a..b';
    case 'rows': return 'a row range a..b (counts or %)';
    case 'enum': return t.values.join(' | ');
    case 'standardize': return 'a flag, or a data name';
    case 'param': return 'a param name';
    case 'scalar': return t.range ? `a scalar ${describeInterval(t.range)} (a constant or an expression of params)` : 'a scalar';
    case 'shape': return '[C, H, W]';
    case 'chain': return 'IN -> ... -> OUT';
    case 'widths': return 'C1 -> C2 ... (or one integer)';
  }
}

/** `name: default` or `name` (required), as in a signature. */
function optionLabel(o: OptionSpec): string {
  if (o.positional !== undefined) return o.name === 'widths' ? 'IN -> ... -> OUT' : o.name;
  if (o.type.t === 'flag') return o.name;
  return o.required ? `${o.name}: …` : `${o.name}: ${o.default ?? '…'}`;
}

/** Signature and parameter labels of a kind, from the checker's option table. */
export function kindSignature(k: KindSpec): FunctionDoc {
  const params = [...k.options.filter((o) => o.positional !== undefined), ...(k.rest ? ['MODEL, ...'] : []), ...k.options.filter((o) => o.positional === undefined)]
    .map((o) => (typeof o === 'string' ? o : optionLabel(o)));
  const signature = params.length === 0 && k.category === 'hypergradient mode' ? k.name : `${k.name}(${params.join(', ')})`;
  return { signature, params, doc: kindDoc(k) };
}

/** A Markdown table of a kind's options. */
export function optionTable(k: KindSpec): string {
  if (k.options.length === 0) return '_no options_';
  const rows = k.options.map((o) => `| \`${o.name}\`${o.positional !== undefined ? ' (positional)' : ''} | ${describeType(o.type)} | ${o.required ? 'required' : (o.default ?? '—')} |`);
  return ['| option | type | default |', '|---|---|---|', ...rows].join('\n');
}

export function optionDoc(k: KindSpec, o: OptionSpec): string {
  return `\`${o.name}\` of \`${k.name}\` (${k.category}): ${describeType(o.type)}; ${o.required ? 'required' : `default ${o.default ?? '—'}`}`;
}

export type KindList = 'data source' | 'model kind' | 'optimizer' | 'hypergradient mode';
export const kindLists: Readonly<Record<KindList, readonly KindSpec[]>> = {
  'data source': dataSources,
  'model kind': modelKinds,
  optimizer: optimizers,
  'hypergradient mode': modes,
};

export function findAnyKind(name: string, category?: KindList): KindSpec | undefined {
  return (category ? kindLists[category] : allKinds).find((k) => k.name === name);
}

export const runSettingSpecs = runSettings;
export const functionNames = builtinFunctions;

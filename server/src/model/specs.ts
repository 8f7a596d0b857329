// The fixed vocabularies of the language, as data: data sources, model kinds, optimizers,
// hypergradient modes (with their options, types, defaults and ranges), run settings,
// activations and built-in functions. The checker, the docs and (later) completion and
// hover read these tables; nothing else lists them.

/** A numeric interval; `open` ends exclude the bound. */
export interface Interval {
  min?: number;
  minOpen?: boolean;
  max?: number;
  maxOpen?: boolean;
}

export type OptionType =
  | { t: 'number'; range?: Interval }
  /** A whole number ≥ min. */
  | { t: 'int'; min: number }
  | { t: 'flag' }
  | { t: 'string' }
  | { t: 'column' }
  | { t: 'columns' }
  /** `a..b` of constants (sinusoid ranges). */
  | { t: 'range' }
  /** `a..b` of row counts or percentages. */
  | { t: 'rows' }
  | { t: 'enum'; values: readonly string[]; category: string }
  /** A flag, or the name of a data source whose statistics to use. */
  | { t: 'standardize' }
  /** The name of a param (mixture's `arch`). */
  | { t: 'param' }
  /** A constant, or a scalar expression of params (optimizer options): a dependency edge. */
  | { t: 'scalar'; range?: Interval }
  /** `[C, H, W]` */
  | { t: 'shape' }
  /** `IN -> H -> OUT` */
  | { t: 'chain'; min: number }
  /** `C1 -> C2` or one integer (conv channels) */
  | { t: 'widths' };

export interface OptionSpec {
  name: string;
  type: OptionType;
  required?: boolean;
  /** Position this option may also be given at (0-based), e.g. the path of `csv`. */
  positional?: number;
  /** The default, as documentation. */
  default?: string;
}

export type KindCategory = 'data source' | 'model kind' | 'optimizer' | 'hypergradient mode';

export interface KindSpec {
  name: string;
  category: KindCategory;
  options: OptionSpec[];
  /** Extra positional arguments of one kind (mixture's candidates). */
  rest?: 'model';
  /** Exact modes differentiate the lower optimizer's update itself. */
  exact?: boolean;
}

const unit01: Interval = { min: 0, max: 1, maxOpen: true };
const positive: Interval = { min: 0, minOpen: true };
const nonNegative: Interval = { min: 0 };

export const activations = ['relu', 'tanh', 'sigmoid', 'softplus', 'elu'] as const;
export const outActivations = ['none', 'softmax', ...activations] as const;

const opt = (name: string, type: OptionType, extra: Partial<OptionSpec> = {}): OptionSpec => ({ name, type, ...extra });

export const dataSources: readonly KindSpec[] = [
  {
    name: 'csv', category: 'data source',
    options: [
      opt('path', { t: 'string' }, { required: true, positional: 0 }),
      opt('label', { t: 'column' }, { default: 'label' }),
      opt('features', { t: 'columns' }, { default: 'all but the label' }),
      opt('permute', { t: 'int', min: 0 }, { default: 'off' }),
      opt('rows', { t: 'rows' }, { default: 'all' }),
      opt('standardize', { t: 'standardize' }, { default: 'off' }),
      opt('batch', { t: 'int', min: 1 }, { default: 'all rows' }),
      opt('shuffle', { t: 'flag' }, { default: 'off' }),
      opt('corrupt', { t: 'number', range: unit01 }, { default: '0' }),
      opt('classes', { t: 'int', min: 2 }, { default: 'from the file' }),
    ],
  },
  {
    name: 'sinusoid', category: 'data source',
    options: [
      opt('amplitude', { t: 'range' }, { default: '0.1..5.0' }),
      opt('phase', { t: 'range' }, { default: '0..pi' }),
      opt('x', { t: 'range' }, { default: '-5..5' }),
      opt('support', { t: 'int', min: 1 }, { default: '10' }),
      opt('query', { t: 'int', min: 1 }, { default: '10' }),
      opt('tasks', { t: 'int', min: 1 }, { default: '4' }),
    ],
  },
  {
    name: 'blobs', category: 'data source',
    options: [
      opt('n', { t: 'int', min: 1 }, { default: '300' }),
      opt('features', { t: 'int', min: 1 }, { default: '2' }),
      opt('classes', { t: 'int', min: 2 }, { default: '3' }),
      opt('spread', { t: 'number', range: positive }, { default: '1.0' }),
      opt('batch', { t: 'int', min: 1 }, { default: 'all rows' }),
      opt('shuffle', { t: 'flag' }, { default: 'off' }),
      opt('corrupt', { t: 'number', range: unit01 }, { default: '0' }),
    ],
  },
  {
    name: 'ridge', category: 'data source',
    options: [
      opt('train', { t: 'int', min: 1 }, { default: '80' }),
      opt('valid', { t: 'int', min: 1 }, { default: '40' }),
      opt('features', { t: 'int', min: 1 }, { default: '10' }),
      opt('noise', { t: 'number', range: nonNegative }, { default: '0.1' }),
    ],
  },
];

export const modelKinds: readonly KindSpec[] = [
  {
    name: 'linear', category: 'model kind',
    options: [opt('widths', { t: 'chain', min: 2 }, { required: true, positional: 0 }), opt('bias', { t: 'flag' }, { default: 'true' })],
  },
  {
    name: 'mlp', category: 'model kind',
    options: [
      opt('widths', { t: 'chain', min: 2 }, { required: true, positional: 0 }),
      opt('act', { t: 'enum', values: activations, category: 'activation' }, { default: 'relu' }),
      opt('out', { t: 'enum', values: outActivations, category: 'activation' }, { default: 'none' }),
      opt('bias', { t: 'flag' }, { default: 'true' }),
    ],
  },
  {
    name: 'conv', category: 'model kind',
    options: [
      opt('image', { t: 'shape' }, { required: true }),
      opt('channels', { t: 'widths' }, { required: true }),
      opt('kernel', { t: 'int', min: 1 }, { default: '3' }),
      opt('classes', { t: 'int', min: 1 }, { required: true }),
      opt('act', { t: 'enum', values: activations, category: 'activation' }, { default: 'relu' }),
    ],
  },
  { name: 'mixture', category: 'model kind', rest: 'model', options: [opt('arch', { t: 'param' }, { required: true })] },
];

export const optimizers: readonly KindSpec[] = [
  {
    name: 'sgd', category: 'optimizer',
    options: [
      opt('lr', { t: 'scalar', range: positive }, { required: true }),
      opt('momentum', { t: 'scalar', range: unit01 }, { default: '0' }),
      opt('nesterov', { t: 'flag' }, { default: 'false' }),
      opt('decay', { t: 'scalar', range: nonNegative }, { default: '0' }),
    ],
  },
  {
    name: 'momentum', category: 'optimizer',
    options: [
      opt('lr', { t: 'scalar', range: positive }, { required: true }),
      opt('beta', { t: 'scalar', range: unit01 }, { default: '0.9' }),
      opt('nesterov', { t: 'flag' }, { default: 'false' }),
    ],
  },
  {
    name: 'adam', category: 'optimizer',
    options: [
      opt('lr', { t: 'scalar', range: positive }, { default: '1e-3' }),
      opt('beta1', { t: 'scalar', range: unit01 }, { default: '0.9' }),
      opt('beta2', { t: 'scalar', range: unit01 }, { default: '0.999' }),
      opt('eps', { t: 'scalar', range: positive }, { default: '1e-8' }),
    ],
  },
  {
    name: 'adamw', category: 'optimizer',
    options: [
      opt('lr', { t: 'scalar', range: positive }, { default: '1e-3' }),
      opt('beta1', { t: 'scalar', range: unit01 }, { default: '0.9' }),
      opt('beta2', { t: 'scalar', range: unit01 }, { default: '0.999' }),
      opt('eps', { t: 'scalar', range: positive }, { default: '1e-8' }),
      opt('decay', { t: 'scalar', range: nonNegative }, { default: '0.01' }),
    ],
  },
  {
    name: 'rmsprop', category: 'optimizer',
    options: [
      opt('lr', { t: 'scalar', range: positive }, { default: '1e-3' }),
      opt('alpha', { t: 'scalar', range: unit01 }, { default: '0.99' }),
      opt('eps', { t: 'scalar', range: positive }, { default: '1e-8' }),
      opt('momentum', { t: 'scalar', range: unit01 }, { default: '0' }),
    ],
  },
];

/** Optimizers whose update divides by a square root of a second moment. */
export const sqrtOptimizers: ReadonlySet<string> = new Set(['adam', 'adamw', 'rmsprop']);

export const modes: readonly KindSpec[] = [
  { name: 'unrolled', category: 'hypergradient mode', exact: true, options: [] },
  { name: 'truncated', category: 'hypergradient mode', options: [opt('steps', { t: 'int', min: 1 }, { required: true })] },
  { name: 'first_order', category: 'hypergradient mode', options: [] },
  { name: 'darts', category: 'hypergradient mode', options: [opt('alpha', { t: 'number', range: positive }, { default: '0.01' })] },
  {
    name: 'neumann', category: 'hypergradient mode',
    options: [opt('iters', { t: 'int', min: 1 }, { default: '10' }), opt('alpha', { t: 'number', range: positive }, { default: '0.01' })],
  },
  {
    name: 'cg', category: 'hypergradient mode',
    options: [opt('iters', { t: 'int', min: 1 }, { default: '10' }), opt('damping', { t: 'number', range: nonNegative }, { default: '0' })],
  },
  { name: 'sama', category: 'hypergradient mode', options: [opt('radius', { t: 'number', range: positive }, { default: '1.0' })] },
  { name: 'mixflow', category: 'hypergradient mode', exact: true, options: [] },
  { name: 'forward', category: 'hypergradient mode', exact: true, options: [] },
  {
    name: 'mrml', category: 'hypergradient mode',
    options: [opt('iters', { t: 'int', min: 1 }, { default: '10' }), opt('damping', { t: 'number', range: nonNegative }, { default: '0' })],
  },
];

export const DEFAULT_MODE = 'unrolled';
/** Modes allowed on a middle level of three or more (first-order products only). */
export const middleModes: ReadonlySet<string> = new Set(['darts', 'sama']);
/** Modes whose memory grows with the number of lower steps they differentiate through. */
export const growingModes: ReadonlySet<string> = new Set(['unrolled', 'truncated']);
/** From this many differentiated steps on, the memory hint (MLO084) is given. */
export const GROWING_STEPS_HINT = 20;
/** Above this many hyperparameter scalars forward mode is warned against (MLO082). */
export const FORWARD_SCALAR_LIMIT = 64;

/** Settings of `run`, with their value types. `report` is a statement of its own. */
export const runSettings: readonly OptionSpec[] = [
  opt('steps', { t: 'int', min: 1 }, { default: '1' }),
  opt('seed', { t: 'int', min: 0 }, { default: '0' }),
  opt('backend', { t: 'enum', values: ['auto', 'onnx', 'gpu', 'node', 'wasm', 'cpu'], category: 'backend' }, { default: 'auto' }),
  opt('log', { t: 'int', min: 1 }, { default: '1' }),
  opt('eval', { t: 'int', min: 1 }, { default: 'log' }),
  opt('checkpoint', { t: 'int', min: 0 }, { default: '0' }),
  opt('budget', { t: 'number', range: positive }, {}),
  opt('precision', { t: 'enum', values: ['float32', 'float64'], category: 'precision' }, { default: 'float32' }),
];

export const levelSettings: readonly OptionSpec[] = [opt('steps', { t: 'int', min: 1 }, { default: '1' })];

/** Statement keywords, for did-you-mean on misplaced settings. */
export const runKeywords = ['steps', 'seed', 'backend', 'log', 'eval', 'checkpoint', 'budget', 'precision', 'report'];
export const levelKeywords = ['params', 'let', 'loss', 'optimizer', 'steps', 'hypergradient', 'proximal'];

export const sizeUnits: Readonly<Record<string, number>> = {
  B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4,
};

/** Element-wise built-ins of one argument (act on groups member by member). */
export const elementwise = ['exp', 'log', 'sqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'sq'] as const;
export const reductions = ['mean', 'sum', 'max'] as const;
export const builtinFunctions: readonly string[] = [
  ...reductions, ...elementwise, 'softmax', 'log_softmax', 'norm', 'sqdist', 'cross_entropy', 'mse', 'accuracy', 'stop',
  'normal', 'uniform', 'init',
];
export const builtinConstants: Readonly<Record<string, number>> = { pi: Math.PI };

export const allKinds: readonly KindSpec[] = [...dataSources, ...modelKinds, ...optimizers, ...modes];

export function findKind(list: readonly KindSpec[], name: string): KindSpec | undefined {
  return list.find((k) => k.name === name);
}

/** Kinds of the same category that take an option of this name (for MLO051). */
export function ownersOfOption(list: readonly KindSpec[], name: string): string[] {
  return list.filter((k) => k.options.some((o) => o.name === name)).map((k) => k.name);
}

export function describeInterval(r: Interval): string {
  if (r.min !== undefined && r.max !== undefined) {
    return `in ${r.minOpen ? '(' : '['}${r.min}, ${r.max}${r.maxOpen ? ')' : ']'}`;
  }
  if (r.min !== undefined) return `${r.minOpen ? '>' : '≥'} ${r.min}`;
  if (r.max !== undefined) return `${r.maxOpen ? '<' : '≤'} ${r.max}`;
  return 'any number';
}

export function inInterval(v: number, r: Interval): boolean {
  if (!Number.isFinite(v)) return false;
  if (r.min !== undefined && (r.minOpen ? v <= r.min : v < r.min)) return false;
  if (r.max !== undefined && (r.maxOpen ? v >= r.max : v > r.max)) return false;
  return true;
}

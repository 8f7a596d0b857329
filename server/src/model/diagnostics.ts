// The one catalogue of diagnostics: every code the checker can emit, with its severity, a
// message template and the documentation that docs/diagnostics.md is generated from
// (scripts/gen-diagnostics-doc.ts; a test keeps the two equal). Codes are stable: never
// renumber, only add. Numbers are grouped by topic (0xx syntax, 01x names, 02x structure, 03x ownership, 04x shapes, 05x options, 07x data, 08x modes, 09x run), with room to grow.

import type { Span, SyntaxProblemKind } from '../syntax/ast.js';

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface RelatedInfo {
  range: Span;
  message: string;
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  range: Span;
  related?: RelatedInfo[];
  /** Structured facts for quick fixes: `replacement` (did-you-mean), `mode` (a suggested mode), ... */
  data?: Record<string, unknown>;
}

export interface CatalogueEntry {
  code: string;
  severity: Severity;
  title: string;
  /** `{name}` placeholders are filled from the arguments of `diagnostic()`. */
  template: string;
  /** What it means, in a sentence or two. */
  meaning: string;
  /** A short program fragment that triggers it. */
  example: string;
  /** How to fix it. */
  fix: string;
}

const entries: CatalogueEntry[] = [
  // ------------------------------------------------------------ the program file itself
  {
    code: 'MLO000', severity: 'error', title: 'Program file unreadable', template: 'cannot read {file}: {reason}',
    meaning: 'A `.mlo` file named on the command line does not exist or cannot be read.',
    example: 'mlo check no/such/file.mlo', fix: 'Check the path and the file\'s permissions.',
  },
  // ------------------------------------------------------------ syntax (from the parser)
  {
    code: 'MLO001', severity: 'error', title: 'Unexpected character', template: '{message}',
    meaning: 'A character that starts no token of the language.',
    example: 'param lr = 0.1 @ 2', fix: 'Remove the character; comments start with `#`.',
  },
  {
    code: 'MLO002', severity: 'error', title: 'Unterminated string', template: '{message}',
    meaning: 'A string literal is not closed on its line.',
    example: 'data train = csv("data/wine.csv)', fix: 'Close the string with `"` on the same line.',
  },
  {
    code: 'MLO003', severity: 'error', title: 'Unexpected token', template: '{message}',
    meaning: 'A token that cannot appear at this place.',
    example: 'model net = mlp(4 -> -> 2)', fix: 'Remove the token or complete what precedes it.',
  },
  {
    code: 'MLO004', severity: 'error', title: 'Missing token', template: '{message}',
    meaning: 'A required token (a bracket, `=`, a name) is missing.',
    example: 'level fit { loss mean(x) ', fix: 'Insert the token the message names.',
  },
  {
    code: 'MLO005', severity: 'error', title: 'Expected an expression', template: '{message}',
    meaning: 'An expression was expected (after an operator, `=`, `loss`, a `:`).',
    example: 'loss mean(x) +', fix: 'Write the missing operand.',
  },
  {
    code: 'MLO006', severity: 'error', title: 'Expected a declaration', template: '{message}',
    meaning: 'At the top level only `data`, `model`, `param`, `level` and `run` may start a declaration.',
    example: 'loss mean(x)   # outside any level', fix: 'Move the statement into a `level { }` or `run { }` block.',
  },
  {
    code: 'MLO007', severity: 'error', title: 'Expected a statement', template: '{message}',
    meaning: 'Inside `level { }` and `run { }` every statement starts with its keyword.',
    example: 'level fit { mean(x) }', fix: 'Start the statement with `loss`, `params`, `let`, … (or `steps`, `report`, … in `run`).',
  },
  // ------------------------------------------------------------ names
  {
    code: 'MLO010', severity: 'error', title: 'Duplicate name', template: "'{name}' is already declared",
    meaning: 'Data, models, params and levels share one namespace; `let` names must also be new within their level.',
    example: 'model net = linear(4 -> 2)\nparam net = 0', fix: 'Rename one of the two declarations.',
  },
  {
    code: 'MLO011', severity: 'error', title: 'Unknown level', template: "unknown level '{name}'{suggestion}",
    meaning: '`above` and `reset from` name levels; this one is not declared.',
    example: 'level tune above fitt { ... }', fix: 'Use the name of a declared level (the message suggests the closest).',
  },
  {
    code: 'MLO012', severity: 'error', title: 'Unknown name', template: "unknown name '{name}'{suggestion}",
    meaning: 'A name in an expression that is neither declared, bound by a visible `let`, nor a built-in.',
    example: 'loss mean(cross_entropy(nett(x), y))', fix: 'Correct the spelling (did-you-mean) or declare it; `let` names are visible only after their statement.',
  },
  {
    code: 'MLO013', severity: 'error', title: 'Unknown field or member', template: "{owner} has no {what} '{name}'{suggestion}",
    meaning: 'Data sources have fields (`x`, `y`, `index`, `n`, `support.x`, …) and models have members (`weight`, `bias`, `params`, `layer(i)`).',
    example: 'loss mean(cross_entropy(net(train.z), train.y))', fix: 'Use one of the fields or members the message lists.',
  },
  {
    code: 'MLO014', severity: 'error', title: 'Wrong kind of name', template: "'{name}' is {actual}; expected {expected}",
    meaning: 'A declared name used where another kind of thing is required: a level in an expression, data in `params`, a param called like a function, a model in `above`.',
    example: 'level fit { params train  ... }', fix: 'Use a name of the expected kind.',
  },
  {
    code: 'MLO015', severity: 'error', title: 'Unknown built-in kind', template: "unknown {category} '{name}'{suggestion}",
    meaning: 'Data sources, model kinds, optimizers, hypergradient modes, activations and run setting values come from fixed lists.',
    example: 'optimizer adma(lr: 1e-3)', fix: 'Use one of the listed names (the message suggests the closest).',
  },
  {
    code: 'MLO016', severity: 'error', title: 'Wrong number of arguments', template: "'{callee}' takes {expected}; got {actual}",
    meaning: 'A built-in function, model or constructor called with too many or too few positional arguments.',
    example: 'loss mean(a, b)', fix: 'Pass the arguments the signature lists (`axis` is a named argument: `sum(x, axis: 1)`).',
  },
  {
    code: 'MLO017', severity: 'error', title: 'Layer out of range', template: "'{model}' has {count} layer{s}; layer({index}) does not exist",
    meaning: '`net.layer(i)` counts layers from 1.',
    example: 'model net = mlp(4 -> 8 -> 2)\n... sq(net.layer(3).weight)', fix: 'Use an index between 1 and the number of layers.',
  },
  // ------------------------------------------------------------ structure
  {
    code: 'MLO020', severity: 'error', title: 'Cycle in the hierarchy', template: "the levels {cycle} form a cycle through 'above'",
    meaning: '`above` must describe a hierarchy: no level may be (transitively) above itself.',
    example: 'level a above b { ... }\nlevel b above a { ... }', fix: 'Remove one of the `above` clauses on the cycle.',
  },
  {
    code: 'MLO021', severity: 'error', title: 'More than one run block', template: 'more than one run block',
    meaning: 'A program has at most one `run { }`.',
    example: 'run { steps 10 }\nrun { seed 1 }', fix: 'Merge the blocks.',
  },
  {
    code: 'MLO022', severity: 'error', title: 'Repeated statement', template: "more than one '{statement}' in {where}",
    meaning: 'A level has at most one `loss`, `optimizer`, `steps`, `hypergradient` and `proximal`; `run` each setting at most once.',
    example: 'level fit { loss a  loss b }', fix: 'Keep one (add the losses if both are meant: `loss a + b`).',
  },
  {
    code: 'MLO023', severity: 'error', title: 'Level without a loss', template: "level '{name}' has no loss",
    meaning: 'Every level minimises a loss.',
    example: 'level fit { params net }', fix: 'Add `loss EXPR`.',
  },
  {
    code: 'MLO025', severity: 'warning', title: 'Level owns nothing', template: "level '{name}' owns no parameters",
    meaning: 'A level without `params` optimises nothing.',
    example: 'level fit { loss mean(x) }', fix: 'Add `params ...` naming the models or params it optimises.',
  },
  {
    code: 'MLO026', severity: 'warning', title: 'Loss ignores the level\'s parameters', template: "the loss of '{level}' does not depend on the parameters it owns",
    meaning: 'A level with no level below it gets its gradient only from its own loss; if that loss does not read its parameters, they never change.',
    example: 'level fit { params net  loss mean(sq(w)) }', fix: 'Use the owned parameters in the loss, or own the parameters the loss reads.',
  },
  {
    code: 'MLO027', severity: 'warning', title: 'Reads a level that is not above or below', template: "level '{level}' reads {param}, owned by '{owner}', which is neither above nor below it: it is a constant there",
    meaning: 'Dependencies are inferred only between levels in ancestor relation; a parameter of an unrelated level is read as a constant.',
    example: 'level a { params p  loss mean(sq(p - q)) }\nlevel b { params q  loss mean(sq(q)) }', fix: 'Put one level above the other, or do not read the other level\'s parameters.',
  },
  // ------------------------------------------------------------ ownership and dependencies
  {
    code: 'MLO030', severity: 'error', title: 'Parameter owned twice', template: "{param} is owned by both '{first}' and '{second}'",
    meaning: 'Every parameter is owned (optimised) by exactly one level.',
    example: 'level fit { params net ... }\nlevel tune above fit { params net ... }', fix: 'Remove it from one of the two `params` statements.',
  },
  {
    code: 'MLO031', severity: 'warning', title: 'Parameter owned by no level', template: '{param} is owned by no level: it stays at its initial value',
    meaning: 'A model or param read by a loss, optimizer option or report but owned by no level is never trained.',
    example: 'param logwd[30] = -3   # read in a loss, in no `params`', fix: 'Add it to the `params` of the level that should optimise it.',
  },
  {
    code: 'MLO032', severity: 'error', title: 'No gradient reaches an upper level', template: "no gradient reaches '{level}': no path leaves it into a lower level's loss, optimizer or reset and returns through its own loss",
    meaning: 'An upper level is trained along paths that leave it by one upper-to-lower edge and return along lower-to-upper edges; without one its parameters receive no hypergradient.',
    example: 'level tune above fit { params logwd  loss mean(cross_entropy(clf(valid.x), valid.y)) }   # logwd unused in fit', fix: 'Use the upper parameters in the lower loss (or its optimizer options), and the lower parameters in the upper loss.',
  },
  {
    code: 'MLO033', severity: 'warning', title: 'Hypergradient without a lower level', template: "level '{level}' has no level below it: 'hypergradient' has no effect",
    meaning: 'The mode says how to differentiate through the levels directly below; a bottom level has none.',
    example: 'level fit { ... hypergradient cg }', fix: 'Remove the statement, or put the level `above` another.',
  },
  {
    code: 'MLO034', severity: 'error', title: 'Reset from a level that is not above', template: "'{upper}' is not above '{level}': a level can only reset from a level above it",
    meaning: '`reset from U` restarts parameters from U\'s copy at every step of U, so U must be above.',
    example: 'level adapt { params f reset from other ... }', fix: 'Name a level above this one, or add `above`.',
  },
  {
    code: 'MLO035', severity: 'error', title: 'Reset source does not own the initial values', template: "'{upper}' does not own {missing}: there is nothing to reset from",
    meaning: '`params f reset from meta` needs `params init(f)` in `meta`.',
    example: 'level meta above adapt { params lr ... }', fix: 'Add `init(MODEL)` to the `params` of the level named after `reset from`.',
  },
  {
    code: 'MLO036', severity: 'error', title: 'Proximal without reset', template: "'proximal' needs 'reset from' in level '{level}'",
    meaning: 'iMAML\'s proximal term pulls towards the reset point, which only `reset from` defines.',
    example: 'level adapt { params f  proximal 1.0 ... }', fix: 'Add `reset from UPPER` to the `params` statement, or remove `proximal`.',
  },
  {
    code: 'MLO037', severity: 'warning', title: 'Initial values never used', template: "init({model}) is owned by '{level}' but no level resets {model} from '{level}'",
    meaning: 'Without a `reset from`, the initial values only set the very first start: their hypergradient is zero.',
    example: 'level meta above adapt { params init(f) ... }   # adapt has no reset from meta', fix: 'Add `reset from LEVEL` to the `params` of the level that owns the model.',
  },
  // ------------------------------------------------------------ shapes and expressions
  {
    code: 'MLO040', severity: 'error', title: 'Shape mismatch', template: '{what}: shapes {left} and {right} do not match',
    meaning: 'Element-wise operators broadcast as in NumPy (trailing dimensions equal or 1); labels and predictions must have the same rows.',
    example: 'param w[10] = 0\nloss mean(w * train.x)   # [10] with [400, 30]', fix: 'Make the shapes agree (change the declared shape, reduce with `axis`, or index).',
  },
  {
    code: 'MLO041', severity: 'error', title: 'Loss is not a scalar', template: 'the loss must be a scalar; got {shape}: take mean(...) or sum(...)',
    meaning: 'A loss is minimised, so it must be one number.',
    example: 'loss cross_entropy(net(train.x), train.y)   # [B]', fix: 'Reduce it: `mean(cross_entropy(...))`.',
  },
  {
    code: 'MLO042', severity: 'error', title: 'Model input does not fit', template: "'{model}' takes inputs [B, {width}]; got {shape}",
    meaning: 'A model maps `[B, IN]` to `[B, OUT]` (a model with `IN = 1` also takes `[B]`).',
    example: 'model clf = mlp(64 -> 10)\n... clf(train.x)   # train.x is [400, 30]', fix: 'Make the model\'s input width equal the data\'s features.',
  },
  {
    code: 'MLO043', severity: 'error', title: 'Wrong argument', template: '{callee}: {problem}',
    meaning: 'An argument of a built-in has the wrong shape or kind (for example float targets for `cross_entropy`, a group where a tensor is needed).',
    example: 'mean(cross_entropy(net(x), net(x)))', fix: 'Pass what the signature in docs/language.md asks for.',
  },
  {
    code: 'MLO044', severity: 'error', title: 'Axis out of range', template: 'axis {axis} is out of range for shape {shape}',
    meaning: 'Axes count from 0 up to rank − 1 (negative axes count from the end).',
    example: 'sum(train.y, axis: 1)   # train.y is [B]', fix: 'Use an axis the shape has.',
  },
  {
    code: 'MLO045', severity: 'error', title: 'Not differentiable', template: "'{name}' is not differentiable: use it in a report, not in {where}",
    meaning: '`accuracy` counts correct predictions; it has no gradient.',
    example: 'loss 1 - accuracy(net(x), y)', fix: 'Use `cross_entropy` in losses and `accuracy` in `report`.',
  },
  {
    code: 'MLO046', severity: 'error', title: 'Random initialiser outside a param', template: "'{name}' draws initial values: it is only allowed as a param initialiser",
    meaning: '`normal` and `uniform` are seeded initialisers of `param` declarations.',
    example: 'loss mean(normal(0, 1) * w)', fix: 'Declare a param with the initialiser: `param noise[10] = normal(0, 1)`.',
  },
  {
    code: 'MLO047', severity: 'error', title: 'Mixture mismatch', template: 'mixture: {problem}',
    meaning: 'A mixture\'s candidates must agree on input and output widths, and `arch` must be a param of shape `[n]` for n candidates.',
    example: 'param alpha[3] = 0\nmodel m = mixture(linear(4 -> 2), linear(4 -> 3), arch: alpha)', fix: 'Make the widths agree and give `arch` one entry per candidate.',
  },
  {
    code: 'MLO048', severity: 'error', title: 'Bad dimension', template: 'a dimension must be a positive integer or DATA.n; got {value}',
    meaning: 'Param shapes and layer widths are positive integers, or `DATA.n` for one entry per row.',
    example: 'param w[0.5] = 0', fix: 'Write a positive integer.',
  },
  {
    code: 'MLO049', severity: 'error', title: 'Not a constant', template: "{what} must be a constant; '{name}' is not",
    meaning: 'Param initialisers, shapes, and the options of data sources, models and modes are fixed before anything runs.',
    example: 'param b = a * 2   # a is a param', fix: 'Write a constant expression (numbers, `pi`, arithmetic, `log`, `exp`, …).',
  },
  // ------------------------------------------------------------ options
  {
    code: 'MLO050', severity: 'error', title: 'Unknown option', template: "unknown option '{name}' of {callee}{suggestion}",
    meaning: 'A named argument or flag that no optimizer, mode, source, model or built-in knows.',
    example: 'optimizer sgd(lr: 0.1, momentun: 0.9)', fix: 'Correct the spelling (did-you-mean).',
  },
  {
    code: 'MLO051', severity: 'error', title: 'Option not allowed here', template: "'{name}' is not an option of {callee}; it is one of {owners}",
    meaning: 'The option exists, but for other optimizers, modes, sources or models.',
    example: 'optimizer sgd(lr: 0.1, beta1: 0.9)', fix: 'Remove it, or switch to a kind that takes it.',
  },
  {
    code: 'MLO052', severity: 'error', title: 'Missing required option', template: "{callee} needs '{name}'",
    meaning: 'Some options have no default: `lr` of `sgd` and `momentum`, `steps` of `truncated`, the path of `csv`, the widths of models.',
    example: 'optimizer sgd(momentum: 0.9)', fix: 'Add the option.',
  },
  {
    code: 'MLO053', severity: 'error', title: 'Wrong option type', template: "'{name}' expects {expected}; got {actual}",
    meaning: 'Every option has a type: number, integer, flag, string, column name, range, data name, param name, one of a list.',
    example: 'csv("data/wine.csv", batch: "64")', fix: 'Write a value of the expected type.',
  },
  {
    code: 'MLO054', severity: 'error', title: 'Option out of range', template: "'{name}' must be {constraint}; got {value}",
    meaning: 'Values are checked where they are constants: `lr > 0`, `momentum`/`beta*`/`alpha` in [0, 1), `eps > 0`, `decay ≥ 0`, `corrupt` in [0, 1), `classes ≥ 2`, …',
    example: 'optimizer sgd(lr: -0.1)', fix: 'Use a value in the range the message gives.',
  },
  {
    code: 'MLO055', severity: 'error', title: 'Not a whole number', template: "'{name}' must be an integer {bound}; got {value}",
    meaning: 'Counts (steps, batch, iters, widths, seed, log, checkpoint) are whole numbers.',
    example: 'steps 2.5', fix: 'Write a whole number in range.',
  },
  {
    code: 'MLO056', severity: 'error', title: 'Truncation longer than the unroll', template: "truncated(steps: {t}) exceeds the steps of '{lower}' ({k})",
    meaning: '`truncated` keeps the graph of the last T of the lower level\'s K steps, so 1 ≤ T ≤ K.',
    example: 'level fit { ... steps 5 }\nlevel tune above fit { ... hypergradient truncated(steps: 10) }', fix: 'Lower T, or use `unrolled` for all K steps.',
  },
  {
    code: 'MLO057', severity: 'error', title: 'Unit not allowed here', template: "the unit '{unit}' has no meaning here",
    meaning: 'Size units (`B` … `TiB`) belong only to `budget`; `%` only to fractions, row ranges and expressions, never to counts.',
    example: 'steps 5MB', fix: 'Remove the unit.',
  },
  {
    code: 'MLO058', severity: 'error', title: 'Budget without a size unit', template: 'budget needs a size unit: B, KB, MB, GB, TB, KiB, MiB, GiB or TiB',
    meaning: 'A memory budget is a size.',
    example: 'run { budget 4 }', fix: 'Write the unit: `budget 4GiB`.',
  },
  {
    code: 'MLO059', severity: 'error', title: 'Option given twice', template: "option '{name}' is given twice",
    meaning: 'Each option appears at most once in a call.',
    example: 'sgd(lr: 0.1, lr: 0.2)', fix: 'Remove one.',
  },
  // ------------------------------------------------------------ data files
  {
    code: 'MLO070', severity: 'error', title: 'Data file unreadable', template: "cannot read '{path}' (looked at {resolved})",
    meaning: 'CSV paths are relative to the `.mlo` file; the checker reads the header, counts rows and classes.',
    example: 'data train = csv("data/missing.csv")', fix: 'Correct the path, or create the file.',
  },
  {
    code: 'MLO071', severity: 'error', title: 'Unknown column', template: "'{file}' has no column '{name}'{suggestion}",
    meaning: 'Columns named by `label` and `features` must be in the file\'s header.',
    example: 'csv("data/wine.csv", label: class)', fix: 'Use a column of the header (did-you-mean).',
  },
  {
    code: 'MLO072', severity: 'error', title: 'Rows out of range', template: "rows {range} are out of range: '{file}' has {rows} rows",
    meaning: '`rows: a..b` is a half-open range 0 ≤ a < b ≤ rows (percentages 0%..100%).',
    example: 'csv("data/wine.csv", rows: 100..200)   # 178 rows', fix: 'Use a range within the file.',
  },
  {
    code: 'MLO073', severity: 'error', title: 'Bad label column', template: "label column '{name}' of '{file}' holds {what}; labels must be integers 0..C−1",
    meaning: 'Class labels index the logits, so they are non-negative integers.',
    example: 'csv("data/wine.csv", label: alcohol)', fix: 'Name the class column with `label:`.',
  },
  // ------------------------------------------------------------ hypergradient modes
  {
    code: 'MLO080', severity: 'warning', title: 'first_order drops the hypergradient', template: "first_order drops the path of {param} through {lowers}: its hypergradient is {result}",
    meaning: '`first_order` sets dθ/dφ to zero (except for initial values, FOMAML); a parameter that acts only through a lower loss then gets no gradient through it.',
    example: 'level tune above fit { params logwd ... hypergradient first_order }', fix: 'Use a mode that differentiates through the lower level: `darts`, `sama`, `cg`, `mixflow`, …',
  },
  {
    code: 'MLO081', severity: 'error', title: 'Mode cannot serve a middle level', template: "'{mode}' cannot serve the middle level '{level}': only darts and sama serve there",
    meaning: 'In programs of three or more levels, products through a middle level must be first-order: only `darts` and `sama` (the default `unrolled` does not).',
    example: 'level mid above low { ... hypergradient cg }\nlevel top above mid { ... }', fix: 'Use `hypergradient darts` or `hypergradient sama` on the middle level.',
  },
  {
    code: 'MLO082', severity: 'warning', title: 'forward mode with many hyperparameters', template: "forward mode carries one tangent per hyperparameter scalar: '{level}' owns {count} (more than {limit})",
    meaning: 'Forward mode costs memory and time proportional to the number of upper-level scalars; it suits a handful.',
    example: 'param logwd[1000] = -3\nlevel tune above fit { params logwd ... hypergradient forward }', fix: 'Use a reverse or implicit mode (`mixflow`, `cg`, `sama`).',
  },
  {
    code: 'MLO083', severity: 'hint', title: 'Exact mode through an adaptive optimizer', template: "{mode} differentiates through {optimizer}'s square root in '{lower}' (NaN where the second moment is zero); the engine guards it with a safe square root",
    meaning: 'Exact modes differentiate the optimizer\'s update; the derivative of √v at v = 0 is infinite. The engine uses a safe square root, so this is information, not an error.',
    example: 'level fit { ... optimizer adam }\nlevel tune above fit { ... hypergradient unrolled }', fix: 'Nothing is required; `sgd` or `momentum` in the lower level avoid the square root altogether.',
  },
  {
    code: 'MLO084', severity: 'hint', title: 'Memory grows with the steps', template: "{mode} keeps every one of the {steps} steps of '{lower}' in memory; mixflow gives the same number with per-step checkpoints",
    meaning: 'Reverse mode through K steps stores K copies of the parameters, optimizer state and activations.',
    example: 'level fit { ... steps 100 }\nlevel tune above fit { ... hypergradient unrolled }', fix: 'Use `hypergradient mixflow` (same number, far less memory).',
  },
  // ------------------------------------------------------------ run
  {
    code: 'MLO090', severity: 'error', title: 'Report is not a scalar', template: 'a report must be a scalar; got {shape}',
    meaning: 'Reports are logged as one number per evaluation.',
    example: 'report cross_entropy(net(x), y)', fix: 'Reduce it: `report mean(cross_entropy(net(x), y))`.',
  },
];

export const catalogue: readonly CatalogueEntry[] = entries;
const byCode = new Map(entries.map((e) => [e.code, e]));

export function entry(code: string): CatalogueEntry {
  const e = byCode.get(code);
  if (!e) throw new Error(`unknown diagnostic code ${code}`);
  return e;
}

export type Args = Record<string, string | number>;

export function formatTemplate(template: string, args: Args): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => {
    const v = args[k];
    if (v === undefined) throw new Error(`diagnostic template needs {${k}}`);
    return String(v);
  });
}

export function diagnostic(
  code: string,
  range: Span,
  args: Args = {},
  extra: { related?: RelatedInfo[]; data?: Record<string, unknown> } = {},
): Diagnostic {
  const e = entry(code);
  const d: Diagnostic = { code, severity: e.severity, message: formatTemplate(e.template, args), range };
  if (extra.related && extra.related.length) d.related = extra.related;
  if (extra.data) d.data = extra.data;
  return d;
}

const syntaxCodes: Record<SyntaxProblemKind, string> = {
  'unexpected-character': 'MLO001',
  'unterminated-string': 'MLO002',
  'unexpected-token': 'MLO003',
  'missing-token': 'MLO004',
  'expected-expression': 'MLO005',
  'expected-declaration': 'MLO006',
  'expected-statement': 'MLO007',
};

export function syntaxCode(kind: SyntaxProblemKind): string {
  return syntaxCodes[kind];
}

/** `; did you mean 'x'?` or nothing: the suffix of the did-you-mean templates. */
export function suggestionSuffix(s: string | undefined): string {
  return s === undefined ? '' : `; did you mean '${s}'?`;
}

// The typed tree of a .mlo file. Every node carries its source range as character offsets
// [start, end) into the text; `LineIndex` (line-index.ts) turns offsets into line/column.
// The parser never throws: where input is broken it still returns a tree, with `ErrorExpr`
// or missing optional parts, plus a list of `SyntaxProblem`s.

export interface Span {
  start: number;
  end: number;
}

interface NodeBase {
  range: Span;
}

// ---------------------------------------------------------------- expressions

export interface Ident extends NodeBase {
  kind: 'Ident';
  name: string;
}

/** `0.1`, `1e-3`, `4GiB`, `80%`, `64`. `unit` is the suffix as written, if any. */
export interface NumberLit extends NodeBase {
  kind: 'Number';
  value: number;
  unit?: string;
  text: string;
}

export interface StringLit extends NodeBase {
  kind: 'String';
  value: string;
}

/** `train.x`, `net.layer(1).bias` (a Member whose object is a Call). */
export interface Member extends NodeBase {
  kind: 'Member';
  object: Expr;
  property: Ident;
}

/** A call argument: positional (`name` absent), named (`lr: 0.1`), or a bare flag (`shuffle`, a positional Ident). */
export interface Arg extends NodeBase {
  kind: 'Arg';
  name?: Ident;
  value: Expr;
}

export interface Call extends NodeBase {
  kind: 'Call';
  callee: Expr;
  args: Arg[];
  /** Range of the parentheses, `(` to `)` inclusive: for signature help. Absent for `sama` written without parentheses. */
  parens?: Span;
}

/** `w[noisy.index]`: gather along the first axis. */
export interface Index extends NodeBase {
  kind: 'Index';
  object: Expr;
  index: Expr;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

export interface Binary extends NodeBase {
  kind: 'Binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface Unary extends NodeBase {
  kind: 'Unary';
  op: '-';
  operand: Expr;
}

/** `0..1400`, `0.1..5.0`, `0%..80%`. Only meaningful as an argument. */
export interface RangeExpr extends NodeBase {
  kind: 'Range';
  from: Expr;
  to: Expr;
}

/** `64 -> 128 -> 10`: layer widths of a model. */
export interface Chain extends NodeBase {
  kind: 'Chain';
  items: Expr[];
}

/** `[1, 8, 8]` */
export interface List extends NodeBase {
  kind: 'List';
  items: Expr[];
}

/** Stands where an expression was expected but none could be parsed. */
export interface ErrorExpr extends NodeBase {
  kind: 'ErrorExpr';
}

export type Expr =
  | Ident
  | NumberLit
  | StringLit
  | Member
  | Call
  | Index
  | Binary
  | Unary
  | RangeExpr
  | Chain
  | List
  | ErrorExpr;

// ---------------------------------------------------------------- statements inside `level` and `run`

/** `params net, logwd` / `params f reset from meta` / `params init(f)` */
export interface ParamsStmt extends NodeBase {
  kind: 'Params';
  items: Expr[];
  /** `reset from LEVEL`: these parameters restart from LEVEL's copy at every step of LEVEL. */
  resetFrom?: Ident;
}

export interface LetStmt extends NodeBase {
  kind: 'Let';
  name: Ident;
  value: Expr;
}

export interface LossStmt extends NodeBase {
  kind: 'Loss';
  value: Expr;
}

/** `optimizer adam(lr: 1e-3)`; `spec` is a Call (a bare name is parsed as a Call with no args and no parens). */
export interface OptimizerStmt extends NodeBase {
  kind: 'Optimizer';
  spec: Call;
}

/** `hypergradient cg(iters: 10, damping: 1e-2)` / `hypergradient sama` */
export interface HypergradientStmt extends NodeBase {
  kind: 'Hypergradient';
  spec: Call;
}

/**
 * A keyword followed by one value: `steps 5` (level or run), and in `run`:
 * `seed 7`, `backend auto`, `log 10`, `checkpoint 100`, `budget 4GiB`, `precision float32`, `eval 50`.
 */
export interface SettingStmt extends NodeBase {
  kind: 'Setting';
  key: Ident;
  value: Expr;
}

/** `report accuracy(net(clean.x), clean.y)` or `report clean_acc: accuracy(...)` */
export interface ReportStmt extends NodeBase {
  kind: 'Report';
  name?: Ident;
  value: Expr;
}

export type LevelStmt = ParamsStmt | LetStmt | LossStmt | OptimizerStmt | HypergradientStmt | SettingStmt;
export type RunStmt = SettingStmt | ReportStmt;

// ---------------------------------------------------------------- declarations

/** `data noisy = csv("data/digits.csv", label: label, rows: 0..1400, batch: 64, shuffle)` */
export interface DataDecl extends NodeBase {
  kind: 'Data';
  name: Ident;
  source: Call | ErrorExpr;
}

/** `model net = mlp(64 -> 128 -> 10, act: relu)` */
export interface ModelDecl extends NodeBase {
  kind: 'Model';
  name: Ident;
  spec: Call | ErrorExpr;
}

/** `param logwd[30] = -3`, `param loglr = log(0.01)`, `param w[1400, 1]` (init defaults to 0). */
export interface ParamDecl extends NodeBase {
  kind: 'Param';
  name: Ident;
  shape: Expr[];
  init?: Expr;
}

/** `level tune above fit { ... }`; `above` may list several lower levels. */
export interface LevelDecl extends NodeBase {
  kind: 'Level';
  name: Ident;
  above: Ident[];
  body: LevelStmt[];
}

export interface RunDecl extends NodeBase {
  kind: 'Run';
  keyword: Span;
  body: RunStmt[];
}

export type Decl = DataDecl | ModelDecl | ParamDecl | LevelDecl | RunDecl;

export interface Comment {
  range: Span;
  text: string;
}

export interface Program extends NodeBase {
  kind: 'Program';
  decls: Decl[];
  comments: Comment[];
}

export type Node = Program | Decl | LevelStmt | RunStmt | Expr | Arg;

// ---------------------------------------------------------------- problems

/** What went wrong while lexing or parsing; the model's catalogue turns `kind` into a stable code. */
export type SyntaxProblemKind =
  | 'unexpected-character'
  | 'unterminated-string'
  | 'unexpected-token'
  | 'missing-token'
  | 'expected-expression'
  | 'expected-declaration'
  | 'expected-statement';

export interface SyntaxProblem {
  kind: SyntaxProblemKind;
  message: string;
  range: Span;
}

/**
 * One top-level item as the parser met it: a declaration, or stray tokens up to the next one,
 * with the problems reported while parsing it. A declaration's parse depends only on its own
 * tokens and a few after it, so an edit re-parses the items it touches and keeps the others.
 */
export interface TopItem {
  /** Offset of the item's first token. */
  start: number;
  /** Offset up to which the text could have been read to parse this item and the ones before it. */
  seenTo: number;
  decl?: Decl;
  problems: SyntaxProblem[];
}

export interface ParseResult {
  program: Program;
  problems: SyntaxProblem[];
}

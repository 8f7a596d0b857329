// The ONE list of the keywords and tokens of .mlo. The lexer (server/src/syntax/lexer.ts) and
// the TextMate grammar (grammar/build-tmlanguage.ts → mlo.tmLanguage.json) are built from it;
// adding a keyword here is the first of the steps in docs/syntax.md.
//
// Token patterns are kept as regex *source strings* that mean the same in JavaScript and in
// Oniguruma (TextMate), so both consumers agree on what a number or an identifier is.

/** Keywords that start a top-level declaration. */
export const declarationKeywords = ['data', 'model', 'param', 'level', 'run'] as const;

/** Keywords that start a statement inside `level NAME { }`. */
export const levelStatementKeywords = ['params', 'let', 'loss', 'optimizer', 'steps', 'hypergradient', 'proximal'] as const;

/** Keywords with a fixed place inside a declaration or statement: `above` in a level header, `reset from` after `params`. */
export const clauseKeywords = ['above', 'reset', 'from'] as const;

/** Keywords that start a statement inside `run { }`. */
export const runStatementKeywords = ['steps', 'seed', 'backend', 'log', 'eval', 'checkpoint', 'budget', 'precision', 'report'] as const;

/** Level statements that are a keyword followed by one value (parsed as `SettingStmt`). */
export const levelSettingKeywords = ['steps', 'proximal'] as const;

/** Run statements that are a keyword followed by one value (parsed as `SettingStmt`); `report` is the other one. */
export const runSettingKeywords = ['steps', 'seed', 'backend', 'log', 'eval', 'checkpoint', 'budget', 'precision'] as const;

export type DeclarationKeyword = (typeof declarationKeywords)[number];
export type LevelStatementKeyword = (typeof levelStatementKeywords)[number];
export type RunStatementKeyword = (typeof runStatementKeywords)[number];
export type ClauseKeyword = (typeof clauseKeywords)[number];
export type Keyword = DeclarationKeyword | LevelStatementKeyword | RunStatementKeyword | ClauseKeyword;

/** Every keyword once (`steps` is both a level and a run keyword). Keywords are reserved only where a statement starts. */
export const keywords: readonly Keyword[] = [
  ...new Set<Keyword>([...declarationKeywords, ...levelStatementKeywords, ...clauseKeywords, ...runStatementKeywords]),
];

export interface PunctuationToken {
  /** Token type name used by the lexer (and in tests). */
  name: string;
  text: string;
  /** TextMate scope of the token. */
  scope: string;
}

/** Operators and punctuation, longest first where one is a prefix of another (`..` before `.`, `->` before `-`). */
export const punctuation: readonly PunctuationToken[] = [
  { name: 'DotDot', text: '..', scope: 'keyword.operator.range.mlo' },
  { name: 'Arrow', text: '->', scope: 'keyword.operator.chain.mlo' },
  { name: 'Dot', text: '.', scope: 'punctuation.accessor.mlo' },
  { name: 'Plus', text: '+', scope: 'keyword.operator.arithmetic.mlo' },
  { name: 'Minus', text: '-', scope: 'keyword.operator.arithmetic.mlo' },
  { name: 'Star', text: '*', scope: 'keyword.operator.arithmetic.mlo' },
  { name: 'Slash', text: '/', scope: 'keyword.operator.arithmetic.mlo' },
  { name: 'Caret', text: '^', scope: 'keyword.operator.arithmetic.mlo' },
  { name: 'LParen', text: '(', scope: 'punctuation.parenthesis.begin.mlo' },
  { name: 'RParen', text: ')', scope: 'punctuation.parenthesis.end.mlo' },
  { name: 'LBracket', text: '[', scope: 'punctuation.bracket.begin.mlo' },
  { name: 'RBracket', text: ']', scope: 'punctuation.bracket.end.mlo' },
  { name: 'LBrace', text: '{', scope: 'punctuation.section.block.begin.mlo' },
  { name: 'RBrace', text: '}', scope: 'punctuation.section.block.end.mlo' },
  { name: 'Comma', text: ',', scope: 'punctuation.separator.comma.mlo' },
  { name: 'Colon', text: ':', scope: 'punctuation.separator.colon.mlo' },
  { name: 'Semicolon', text: ';', scope: 'punctuation.terminator.mlo' },
  { name: 'Equals', text: '=', scope: 'keyword.operator.assignment.mlo' },
];

/** Units written directly after a number, with the factor they multiply it by. */
export const units: readonly { text: string; factor: number }[] = [
  { text: '%', factor: 0.01 },
  { text: 'B', factor: 1 },
  { text: 'KB', factor: 1e3 },
  { text: 'MB', factor: 1e6 },
  { text: 'GB', factor: 1e9 },
  { text: 'TB', factor: 1e12 },
  { text: 'KiB', factor: 1024 },
  { text: 'MiB', factor: 1024 ** 2 },
  { text: 'GiB', factor: 1024 ** 3 },
  { text: 'TiB', factor: 1024 ** 4 },
];

/** Regex sources shared by the lexer and the TextMate grammar. */
export const patterns = {
  identifier: '[A-Za-z_][A-Za-z0-9_]*',
  /** The numeric part: `3`, `0.05`, `.5`, `1e-3` (never `1.`, so `0..5` is `0`, `..`, `5`). */
  number: '(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?',
  /**
   * What the lexer takes as a unit after a number: `%` or a word. Any word is taken so `30x` is
   * one token with an unknown unit (one clear problem) rather than a number and a stray name.
   */
  unitSuffix: '(?:%|[A-Za-z_][A-Za-z0-9_]*)',
  /** A string on one line with `\"` and `\\` escapes. */
  string: '"(?:[^"\\\\\\n\\r]|\\\\[^\\n\\r])*"',
  /** A string that reaches the end of the line without its closing quote. */
  unterminatedString: '"(?:[^"\\\\\\n\\r]|\\\\[^\\n\\r])*\\\\?',
  comment: '#[^\\n\\r]*',
  whitespace: '[ \\t\\r\\n\\f\\v\\uFEFF]+',
} as const;

// ---------------------------------------------------------------- names for highlighting only
// These are ordinary identifiers to the parser; the checker's catalogue is the truth about what
// each accepts. They are listed here so the TextMate grammar can colour them.

export const builtinFunctions = [
  'mean', 'sum', 'max', 'exp', 'log', 'sqrt', 'abs', 'sigmoid', 'tanh', 'relu', 'softplus', 'sq',
  'softmax', 'log_softmax', 'norm', 'sqdist', 'cross_entropy', 'mse', 'accuracy', 'stop',
  'normal', 'uniform', 'init',
] as const;

export const dataSources = ['csv', 'sinusoid', 'blobs', 'ridge'] as const;
export const modelKinds = ['linear', 'mlp', 'conv', 'mixture'] as const;
export const optimizers = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop'] as const;
export const hypergradientModes = [
  'unrolled', 'truncated', 'first_order', 'darts', 'neumann', 'cg', 'sama', 'mixflow', 'forward', 'mrml',
] as const;
export const constants = ['pi', 'true', 'false', 'none'] as const;

// The state of one parse and the questions the grammar's gates ask of the tokens, under the
// chevrotain parser of parser.ts. Chevrotain owns the position (`currIdx`) and consumption;
// this class adds what chevrotain's own recovery cannot know: where a statement really starts
// (keywords are names except there), whether a line break lies before a token, and the quiet
// period after a problem (docs/syntax.md, "Recovery").
import { EmbeddedActionsParser, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import { declarationKeywords, levelStatementKeywords, runStatementKeywords, type Keyword } from '../../../grammar/tokens.js';
import type { Ident, Span, SyntaxProblem, SyntaxProblemKind } from './ast.js';
import { allTokens, AnyToken } from './lexer.js';
import { GatedLL1Lookahead } from './lookahead.js';
import { identAt } from './node-helpers.js';
import { errorMessages } from './messages.js';
import { TokenStream } from './token-stream.js';

export const declKeywords = new Set<Keyword>(declarationKeywords);
export const levelKeywords = new Set<Keyword>(levelStatementKeywords);
export const runKeywords = new Set<Keyword>(runStatementKeywords);
const statementStarters = new Set<Keyword>([...declarationKeywords, ...levelStatementKeywords, ...runStatementKeywords]);

/** Stands in during chevrotain's grammar recording, when rules run once with no input. */
const emptyStream = new TokenStream('');

export abstract class ParserBase extends EmbeddedActionsParser {
  /** Chevrotain's index of the last consumed token (-1 before the first). */
  declare private currIdx: number;
  /** Chevrotain's count of input tokens: past it, LA() reads the end of the file. */
  declare private tokVectorLength: number;
  protected ts: TokenStream = emptyStream;
  protected problems: SyntaxProblem[] = [];
  /** False from a reported problem until the next normally consumed token: problems in between are echoes. */
  protected consumedSinceProblem = true;

  constructor() {
    super(allTokens, {
      recoveryEnabled: true,
      // LL(1), and gates (which read the TokenStream) for the rest: lookahead.ts.
      maxLookahead: 1,
      lookaheadStrategy: new GatedLL1Lookahead(),
      errorMessageProvider: errorMessages,
      // Chevrotain's grammar checks are for the default LL(k) strategy (an alternative that can
      // match nothing is an error there, and a deliberate fallback here).
      skipValidations: true,
    });
  }

  /** Points the parser at a new token stream, clearing the state of the last parse. */
  protected begin(ts: TokenStream, tokens: IToken[]): void {
    this.input = tokens;
    // The vector may be longer than this text's tokens (TokenStream re-uses one).
    this.tokVectorLength = ts.eof;
    this.ts = ts;
    this.problems = [];
    this.consumedSinceProblem = !ts.afterBadChars.has(0);
  }

  /** Makes the current token the end of the input for chevrotain (an incremental parse stops here). */
  protected endInputHere(): void {
    this.tokVectorLength = this.currIdx + 1;
  }

  /** Lets go of the last document's tokens (the parser outlives every parse). */
  protected finish(): void {
    this.input = [];
    this.ts = emptyStream;
  }

  // ---------------------------------------------------------------- consuming

  /** Index of the current (next unconsumed) token in the TokenStream. */
  protected get i(): number {
    return this.currIdx + 1;
  }
  /** End offset of the last token consumed. */
  protected get prevEnd(): number {
    const p = this.currIdx;
    return p >= 0 ? this.ts.ends[p]! : 0;
  }

  /** Consumes the current token as part of the tree: this ends a quiet period. */
  protected take(idx: number, type: TokenType): void {
    this.consume(idx, type);
    // Past characters the lexer rejected, the parser's next complaint would repeat the lexer's.
    const bad = this.ts.afterBadChars;
    this.consumedSinceProblem = bad.size === 0 || !bad.has(this.currIdx + 1);
  }
  /** Chevrotain's end of the input: tokens from here on read as the end of the file. */
  protected get inputEnd(): number {
    return this.tokVectorLength;
  }
  /**
   * Consumes the tokens up to `j` (exclusive) at once, leaving the state a run of takes would
   * (only the last take's quiet-period answer survives its successors): for the fast path of
   * expressions, which reads the tokens itself and reports nothing.
   */
  protected takeUpTo(j: number): void {
    this.currIdx = j - 1;
    const bad = this.ts.afterBadChars;
    this.consumedSinceProblem = bad.size === 0 || !bad.has(j);
  }
  /** Steps over a token during recovery: the quiet period goes on. */
  protected skip(idx: number, type: TokenType = AnyToken): void {
    this.consume(idx, type);
  }

  // ---------------------------------------------------------------- looking at tokens

  protected kind(j = this.i): string {
    return this.ts.kind(j);
  }
  protected kw(j = this.i): Keyword | null {
    return this.ts.keyword(j);
  }
  protected start(j = this.i): number {
    return this.ts.starts[j]!;
  }
  protected at(kind: string): boolean {
    return this.ts.kind(this.i) === kind;
  }
  protected tokenRange(j = this.i): Span {
    return { start: this.ts.starts[j]!, end: this.ts.ends[j]! };
  }
  protected here(): Span {
    const p = this.prevEnd;
    return { start: p, end: p };
  }
  /** The current token if it is on the line of the previous one, else the point after the previous token. */
  protected foundRange(): Span {
    if (this.at('eof') || this.onNewLine()) return this.here();
    return this.tokenRange();
  }
  protected onNewLine(j = this.i): boolean {
    return this.ts.newlineBetween(this.prevEnd, this.start(j));
  }
  protected isName(j = this.i): boolean {
    return this.ts.kind(j) === 'name';
  }
  protected ident(j = this.i): Ident {
    return identAt(this.ts, j);
  }

  /** Whether token `j`, a keyword where a name could also stand, starts the next statement (`startsStatementAt`). */
  protected startsStatement(j = this.i): boolean {
    return startsStatementAt(this.ts, j);
  }

  /** A declaration keyword in a place where a declaration can really start (`level NAME`, `run {`). */
  protected startsDeclaration(j = this.i): boolean {
    const kw = this.ts.keyword(j);
    if (kw === null || kw === undefined || !declKeywords.has(kw)) return false;
    return kw === 'run' ? this.ts.kind(j + 1) === '{' : this.ts.kind(j + 1) === 'name';
  }

  protected canStartOperand(j = this.i): boolean {
    return canStartOperandAt(this.ts, j);
  }

  /** Where the expression about to be parsed starts (its first token, or the error point). */
  protected exprStart(): number {
    return this.canStartOperand() ? this.start() : this.prevEnd;
  }

  /** One stray token stands before `kind` (`data d d = ...`): chevrotain-style single-token deletion. */
  protected strayBefore(kind: string): boolean {
    return this.kind(this.i + 1) === kind && !this.at('eof');
  }

  // ---------------------------------------------------------------- problems

  protected problem(kind: SyntaxProblemKind, message: string, range: Span): void {
    if (!this.consumedSinceProblem || this.RECORDING_PHASE) return;
    this.problems.push({ kind, message, range });
    this.consumedSinceProblem = false;
  }

  /** A token that should be here is not: reported at the point where it belongs. */
  protected missing(message: string): void {
    this.problem('missing-token', message, this.here());
  }

  protected reportStrayBefore(kind: string): void {
    this.problem('unexpected-token', `unexpected ${this.ts.describe(this.i)} before '${kind}'`, this.tokenRange());
  }

  /**
   * Chevrotain's own recovery (single-token insertion or deletion, re-sync) is the backstop for
   * any input the gates did not foresee; its errors join the problems with the messages of
   * messages.ts. Recognition errors carry the token they stopped at.
   */
  protected chevrotainProblems(errors: readonly IRecognitionException[]): SyntaxProblem[] {
    return errors.map((e) => {
      const t = e.token;
      const valid = t && t.startOffset >= 0 && !Number.isNaN(t.startOffset);
      const start = valid ? t.startOffset : this.ts.text.length;
      return {
        kind: 'unexpected-token' as const,
        message: e.message,
        range: { start, end: valid ? start + t.image.length : start },
      };
    });
  }
}

/**
 * Whether a keyword in a place where a name could also stand starts the next statement or
 * declaration. It does when a value follows it (`steps 100`, `run {`, `params net`), except
 * when what follows is itself a keyword with a value after it: in `loss a * steps` followed by
 * `optimizer sgd`, `steps` is the last operand and `optimizer` starts the statement.
 */
export function startsStatementAt(ts: TokenStream, j: number): boolean {
  const kw = ts.keyword(j);
  if (kw === null || kw === undefined || !statementStarters.has(kw)) return false;
  const next = ts.kind(j + 1);
  if (next === 'number' || next === 'string' || next === 'ustring' || next === '{') return true;
  if (next !== 'name') return false;
  const nextKw = ts.keyword(j + 1);
  if (nextKw === null || nextKw === undefined || !statementStarters.has(nextKw)) return true;
  const after = ts.kind(j + 2);
  return !(after === 'name' || after === 'number' || after === 'string' || after === 'ustring' || after === '{');
}

/** Whether token `j` can start an operand: a name that starts no statement, a literal, `(`, `[` or `-`. */
export function canStartOperandAt(ts: TokenStream, j: number): boolean {
  const k = ts.kind(j);
  if (k === 'name') return !startsStatementAt(ts, j);
  return k === 'number' || k === 'string' || k === 'ustring' || k === '(' || k === '[' || k === '-';
}

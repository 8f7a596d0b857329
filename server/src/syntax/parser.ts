// The parser of .mlo: a chevrotain EmbeddedActionsParser whose rules build the AST of ast.ts
// directly. Built once (module level, one performSelfAnalysis) and reused for every parse.
//
// Chevrotain decides between alternatives on the next token (LL(1)); where that is not enough —
// keywords are names except where a statement starts, a line break ends a call — the gates ask
// the TokenStream (parser-base.ts); an alternative that can consume nothing is chosen by its gate
// alone (lookahead.ts). Recovery (docs/syntax.md) is written into the grammar as
// alternatives, so that each problem is reported once, where it belongs, naming what is open:
// - a missing `)`, `]`, `}`, `=`, `,`, `:`, `from` is an empty alternative that reports it and
//   goes on as if it were there (single-token insertion);
// - one stray token before an expected one is stepped over (single-token deletion);
// - a token that fits nowhere is reported and `Any` tokens are skipped to the next re-sync point:
//   a declaration at top level; a statement of the block, `}` or a declaration in a block.
// Chevrotain's own recovery (recoveryEnabled) stays on as the backstop for anything the
// alternatives did not foresee; its errors get the wording of messages.ts.
import type { DSLMethodOpts, IOrAlt, IRecognitionException, IToken } from 'chevrotain';
import {
  declarationKeywords,
  levelSettingKeywords,
  levelStatementKeywords,
  runSettingKeywords,
  runStatementKeywords,
  units,
  type Keyword,
} from '../../../grammar/tokens.js';
import type {
  Arg,
  Call,
  Comment,
  DataDecl,
  Decl,
  ErrorExpr,
  Expr,
  Ident,
  LevelDecl,
  LevelStmt,
  ModelDecl,
  NumberLit,
  ParamDecl,
  ParamsStmt,
  Program,
  TopItem,
  RunDecl,
  RunStmt,
  SettingStmt,
  StringLit,
  SyntaxProblem,
} from './ast.js';
import { keywordToken, Name, NumberTok, punctuationToken, splitNumber, StringTok, UnterminatedString } from './lexer.js';
import { calleeLabel, levelStatementList, runStatementList } from './messages.js';
import { declKeywords, levelKeywords, ParserBase, runKeywords } from './parser-base.js';
import { suggest } from './suggest.js';
import { FastExpressions } from './fast-expressions.js';
import { decodeString, exactArray, MAX_DEPTH, numberAt, stringAt } from './node-helpers.js';
import type { TokenStream } from './token-stream.js';

const unitList = units.map((u) => u.text).join(', ');

type BlockKind = 'level' | 'run';

const LParen = punctuationToken('LParen');
const RParen = punctuationToken('RParen');
const LBracket = punctuationToken('LBracket');
const RBracket = punctuationToken('RBracket');
const LBrace = punctuationToken('LBrace');
const RBrace = punctuationToken('RBrace');
const Comma = punctuationToken('Comma');
const Colon = punctuationToken('Colon');
const Semicolon = punctuationToken('Semicolon');
const Equals = punctuationToken('Equals');
const Dot = punctuationToken('Dot');
const DotDot = punctuationToken('DotDot');
const Arrow = punctuationToken('Arrow');
const Plus = punctuationToken('Plus');
const Minus = punctuationToken('Minus');
const Star = punctuationToken('Star');
const Slash = punctuationToken('Slash');
const Caret = punctuationToken('Caret');
const Kw = keywordToken;

/** Placeholders for rule arguments during chevrotain's grammar recording (rules run once with none). */
const noSpan = { start: 0, end: 0 };
const recordingCall = (): Call => ({ kind: 'Call', callee: { kind: 'ErrorExpr', range: noSpan }, args: [], parens: { ...noSpan }, range: { ...noSpan } });
/** What the pending-argument fields hold between parses (so the parser keeps no document alive). */
const placeholderCall = recordingCall();

// Alternatives are built with these rather than as `{ ALT: () => ... }` literals: a function
// written as an object property gets a name defined on it at every evaluation under tsx
// (esbuild's keepNames), which made the parser ten times slower. The hot rules go further and
// build their alternatives once (`*Alts` fields), passing what they need through `this`.
function alt<T>(ALT: () => T): IOrAlt<T> {
  return { ALT };
}
function when<T>(GATE: () => boolean, ALT: () => T): IOrAlt<T> {
  return { GATE, ALT };
}
function loop<T>(GATE: () => boolean, DEF: () => T): DSLMethodOpts<T> {
  return { GATE, DEF };
}

/** An open list (`[a, b]`, a param's shape): its items so far and how it ends. */
interface ListFrame {
  items: Expr[];
  missingMessage: string;
  argValues: boolean;
  done: boolean;
}
/** Stands in during chevrotain's grammar recording, when no list is open. */
const recordingListFrame: ListFrame = { items: [], missingMessage: '', argValues: false, done: true };

/** An open call: where its `(` is, the doubled `(` found just inside it, and the state of its argument loop. */
interface CallFrame {
  open: number;
  extraOpen: number;
  call: Call;
  label: string;
  done: boolean;
}

/** How many tokens past the current one any gate may look at (findBraceAhead's window, with margin). */
export const LOOKAHEAD_REACH = 10;
/** How many characters past a token's end the lexer may read to decide where it ends (`1e-x`). */
const LEXER_REACH = 4;

/** What one run of the parser returns. */
export interface ProgramParse {
  program: Program;
  problems: SyntaxProblem[];
  /** The top-level items met, in order, each with the problems reported while parsing it. */
  items: TopItem[];
  /** Start offset of the declaration where `stopAt` ended the parse, if it did. */
  stoppedAt: number | undefined;
  /** False when chevrotain's own recovery had to act (or the parser failed): items may not be re-used then. */
  reusable: boolean;
}

class MloParser extends ParserBase {
  private depth = 0;
  /** Parentheses (calls and groups) open around the current token. */
  private parenDepth = 0;
  /** Open calls, innermost last. */
  private callFrames: CallFrame[] = [];
  private decls: Decl[] = [];
  /** The first operand and start of the argValue being finished (read by argValueAlts on entry). */
  private pendingFirst: Expr = { kind: 'ErrorExpr', range: noSpan };
  private pendingStart = 0;

  /** The errors of chevrotain's own recovery in the last parse (the tests check it never has to act). */
  recoveryErrors: IRecognitionException[] = [];

  constructor() {
    super();
    this.performSelfAnalysis();
  }

  /**
   * Parses the top-level items of `tokens` (declarations, and stray tokens up to the next one).
   * With `stopAt`, the parse ends before the first declaration whose start offset (and token
   * index) it accepts: incremental.ts re-parses only the items an edit touched and keeps the rest.
   */
  parseProgram(
    ts: TokenStream,
    tokens: IToken[],
    comments: Comment[],
    textLength: number,
    stopAt?: (offset: number, token: number) => boolean,
  ): ProgramParse {
    this.begin(ts, tokens);
    this.recoveryErrors = [];
    this.depth = 0;
    this.parenDepth = 0;
    this.callFrames = [];
    this.decls = [];
    this.items = [];
    this.stopAt = stopAt;
    this.stoppedAt = undefined;
    let problems: SyntaxProblem[];
    let reusable = true;
    try {
      this.program();
      problems = this.problems;
      this.recoveryErrors = this.errors;
      if (this.recoveryErrors.length) {
        problems = [...problems, ...this.chevrotainProblems(this.recoveryErrors)].sort((a, b) => a.range.start - b.range.start);
        reusable = false;
      }
    } catch (e) {
      // Never reached by design (the property tests check it); kept so a bug costs one
      // problem, not the editor's whole analysis.
      problems = this.problems;
      problems.push({
        kind: 'unexpected-token',
        message: `internal parser error: ${e instanceof Error ? e.message : String(e)}`,
        range: this.tokenRange(Math.min(this.i, ts.eof)),
      });
      reusable = false;
    }
    const program: Program = { kind: 'Program', decls: this.decls, comments, range: { start: 0, end: textLength } };
    const items = this.items;
    const stoppedAt = this.stoppedAt;
    this.decls = [];
    this.items = [];
    this.stopAt = undefined;
    this.callFrames = [];
    this.pendingCall = this.pendingFirst = this.postfixExpr = placeholderCall;
    this.finish();
    return { program, problems, items, stoppedAt, reusable };
  }

  /** The top-level items of the current parse, in order. */
  private items: TopItem[] = [];
  private stopAt: ((offset: number, token: number) => boolean) | undefined;
  private stoppedAt: number | undefined;

  /** Whether the top-level loop goes on: not at a declaration that `stopAt` accepts. */
  private continueItems(): boolean {
    if (this.stopAt === undefined || this.RECORDING_PHASE || !declKeywords.has(this.kw()!)) return true;
    const at = this.start();
    if (!this.stopAt(at, this.i)) return true;
    this.stoppedAt = at;
    // The input ends here as far as chevrotain knows: the loop exits as at the end of the file,
    // with no "redundant input" error and no re-sync attempt over the tokens left.
    this.endInputHere();
    return false;
  }

  /** Runs one top-level item and records it with the problems it reported. */
  private item(run: () => Decl | undefined): void {
    const start = this.start();
    const from = this.problems.length;
    const decl = run();
    if (decl) this.decls.push(decl);
    if (this.RECORDING_PHASE) return;
    // What the item's parse could have read: its tokens and a few after them (lookahead never
    // reaches further than a few tokens past the last one consumed), plus a few characters,
    // since the lexer decides where a token ends by looking at the characters after it.
    const last = this.items.length > 0 ? this.items[this.items.length - 1]!.seenTo : 0;
    const seenTo = Math.max(last, this.ts.ends[Math.min(this.i + LOOKAHEAD_REACH, this.ts.eof)]! + LEXER_REACH);
    const item: TopItem = { start, seenTo, problems: this.problems.length > from ? this.problems.slice(from) : [] };
    if (decl) item.decl = decl;
    this.items.push(item);
  }

  // ---------------------------------------------------------------- small pieces used by several rules

  /** A name where one is required; a missing one is reported and stands as an empty name. */
  private expectName(idx: number, message: string): Ident {
    this.nameIdx = idx;
    this.nameMessage = message;
    return this.or(idx, this.expectNameAlts);
  }
  /** What expectName's alternatives (built once, like the hot rules' `*Alts`) read: the occurrence index and the message. */
  private nameIdx = 1;
  private nameMessage = '';
  private readonly expectNameAlts = [
    when(
      () => !this.startsStatement(),
      (): Ident => this.nameToken(this.nameIdx),
    ),
    alt((): Ident => {
      this.problem('missing-token', this.nameMessage, this.foundRange());
      return { kind: 'Ident', name: '', range: this.here() };
    }),
  ];

  private errorExpr(): ErrorExpr {
    return { kind: 'ErrorExpr', range: this.here() };
  }

  // ---------------------------------------------------------------- program and declarations

  private readonly program = this.RULE('program', () => {
    const alts = [
      when(
        () => declKeywords.has(this.kw()!),
        () => this.item(() => this.SUBRULE(this.decl)),
      ),
      alt(() => this.item(() => void this.SUBRULE(this.strayAtTop))),
    ];
    this.MANY(loop(() => this.continueItems(), () => this.OR(alts)));
  });

  /** A token where a declaration should start: reported, then skipped with what follows up to the next declaration. */
  private readonly strayAtTop = this.RULE('strayAtTop', () => {
    this.reportStrayAtTop();
    this.skip(1);
    this.MANY(
      loop(
        () => !this.startsDeclaration(),
        () => this.skip(2),
      ),
    );
  });

  private reportStrayAtTop(): void {
    if (this.RECORDING_PHASE) return;
    const kw = this.kw();
    const found = this.ts.describe(this.i);
    if (kw !== null && (levelKeywords.has(kw) || runKeywords.has(kw))) {
      const where = levelKeywords.has(kw) ? 'level NAME { }' : 'run { }';
      this.problem('expected-declaration', `${found} is a statement: it belongs inside ${where}`, this.tokenRange());
    } else if (this.at('}')) {
      this.problem('unexpected-token', `unexpected '}': no block is open here`, this.tokenRange());
    } else if (this.i > 0 && !this.onNewLine()) {
      this.problem('unexpected-token', `unexpected ${found} after the declaration`, this.tokenRange());
    } else {
      const hint = this.isName() ? suggest(this.ts.image(this.i), declarationKeywords) : '';
      this.problem(
        'expected-declaration',
        `expected a declaration (data, model, param, level or run), found ${found}${hint}`,
        this.tokenRange(),
      );
    }
  }

  private readonly declAlts = [
    alt((): Decl => this.SUBRULE(this.specDecl)),
    alt((): Decl => this.SUBRULE(this.paramDecl)),
    alt((): Decl => this.SUBRULE(this.levelDecl)),
    alt((): Decl => this.SUBRULE(this.runDecl)),
  ];
  private readonly decl = this.RULE('decl', (): Decl => this.OR(this.declAlts));

  /** `data NAME = csv(...)` / `model NAME = mlp(...)`. */
  private readonly specDecl = this.RULE('specDecl', (): DataDecl | ModelDecl => {
    const start = this.start();
    const kw = this.OR(this.specKeywordAlts);
    const name = this.expectName(1, `expected a name after '${kw}'`);
    // Read by specValueAlts (declarations do not nest, so one slot each is enough).
    this.specWhat = kw === 'data' ? 'a data source such as csv(...)' : 'a model such as mlp(...)';
    this.specLabel = `${kw} ${name.name}`.trim();
    const spec = this.OR2(this.specValueAlts);
    const range = { start, end: this.prevEnd };
    return kw === 'data'
      ? ({ kind: 'Data', name, source: spec, range } satisfies DataDecl)
      : ({ kind: 'Model', name, spec, range } satisfies ModelDecl);
  });
  private specWhat = '';
  private specLabel = '';
  private readonly specKeywordAlts = [
    alt(() => (this.take(1, Kw('data')), 'data' as const)),
    alt(() => (this.take(1, Kw('model')), 'model' as const)),
  ];
  private readonly specValueAlts = [
    alt(() => (this.take(2, Equals), this.specValue(1))),
    when(
      () => this.strayBefore('='),
      () => {
        this.reportStrayBefore('=');
        this.skip(3);
        this.skip(3, Equals);
        return this.specValue(2);
      },
    ),
    when(
      () => this.canStartOperand(),
      () => {
        this.missing(`expected '=' after '${this.specLabel}'`);
        return this.specValue(3);
      },
    ),
    alt((): Call | ErrorExpr => {
      this.problem('missing-token', `expected '=' and ${this.specWhat} after '${this.specLabel}'`, this.foundRange());
      return this.errorExpr();
    }),
  ];

  /** The value of a data or model declaration: a call, or a bare name read as a call without arguments. */
  private specValue(idx: number): Call | ErrorExpr {
    const e = this.operand(idx);
    if (this.RECORDING_PHASE || e.kind === 'Call' || e.kind === 'ErrorExpr') return e as Call;
    if (e.kind === 'Ident') return { kind: 'Call', callee: e, args: [], range: e.range };
    this.problem('expected-expression', `expected ${this.specWhat}`, e.range);
    return { kind: 'ErrorExpr', range: e.range };
  }

  private readonly paramDecl = this.RULE('paramDecl', (): ParamDecl => {
    const start = this.start();
    this.take(1, Kw('param'));
    const name = this.expectName(1, `expected a name after 'param'`);
    const shape: Expr[] = [];
    this.OPTION(() => {
      this.take(1, LBracket);
      this.SUBRULE(this.listItems, { ARGS: [shape, `expected ']' to close the shape of ${name.name || 'the param'}`, false] });
    });
    const init = this.OPTION2(() => {
      this.take(1, Equals);
      return this.operand(0);
    });
    const decl: ParamDecl = { kind: 'Param', name, shape: exactArray(shape), range: { start, end: this.prevEnd } };
    if (init) decl.init = init;
    return decl;
  });

  private readonly levelDecl = this.RULE('levelDecl', (): LevelDecl => {
    const start = this.start();
    this.take(1, Kw('level'));
    const name = this.expectName(1, `expected a name after 'level'`);
    const label = name.name ? `level ${name.name}` : 'the level';
    const above: Ident[] = [];
    this.OPTION(() => {
      this.take(1, Kw('above'));
      above.push(this.expectName(2, `expected the name of a level after 'above'`));
      this.MANY(() => {
        this.take(1, Comma);
        above.push(this.expectName(3, `expected the name of a level after 'above'`));
      });
    });
    const body: LevelStmt[] = [];
    const decl: LevelDecl = { kind: 'Level', name, above: exactArray(above), body, range: { start, end: start } };
    this.SUBRULE(this.block, { ARGS: ['level', label, body] });
    decl.body = exactArray(body);
    decl.range.end = this.prevEnd;
    return decl;
  });

  private readonly runDecl = this.RULE('runDecl', (): RunDecl => {
    const start = this.start();
    this.take(1, Kw('run'));
    const keyword = { start, end: this.prevEnd };
    const body: RunStmt[] = [];
    this.SUBRULE(this.block, { ARGS: ['run', 'the run block', body] });
    return { kind: 'Run', keyword, body: exactArray(body), range: { start, end: this.prevEnd } };
  });

  // ---------------------------------------------------------------- blocks

  /** `{ statements }` of a level or run; a missing `{` or `}` is one problem. */
  private readonly block = this.RULE(
    'block',
    (block: BlockKind = 'level', label = '', body: (LevelStmt | RunStmt)[] = []) => {
      // State read by the alternatives below (blocks do not nest, so one slot each is enough).
      this.blockKind = block;
      this.blockLabel = label;
      this.blockBody = body;
      this.blockDone = false;
      this.blockOpened = this.OR(this.blockOpenAlts);
      this.MANY2(this.blockLoop);
    },
  );
  private blockKind: BlockKind = 'level';
  private blockLabel = '';
  private blockBody: (LevelStmt | RunStmt)[] = [];
  private blockOpened = false;
  private blockDone = false;
  /** Token index of the `{` found ahead by the gate of the second alternative. */
  private blockBrace = -1;
  private readonly blockOpenAlts = [
    alt(() => (this.take(1, LBrace), true)),
    // Stray tokens before the `{` (`level tune abve fit {`): skip them when a `{` follows soon.
    when(
      () => (this.blockBrace = this.findBraceAhead(this.blockKind)) >= 0,
      () => {
        const brace = this.blockBrace;
        this.problem(
          'unexpected-token',
          `unexpected ${this.ts.describe(this.i)} before the '{' of ${this.blockLabel}${this.blockKind === 'level' && this.isName() ? suggest(this.ts.image(this.i), ['above']) : ''}`,
          { start: this.start(), end: this.ts.ends[brace - 1]! },
        );
        this.skip(1);
        this.MANY(
          loop(
            () => this.i < brace,
            () => this.skip(2),
          ),
        );
        this.take(2, LBrace);
        return true;
      },
    ),
    alt(() => (this.missing(`expected '{' to open the body of ${this.blockLabel}`), false)),
  ];
  private readonly blockAlts = [
    alt(() => (this.take(3, RBrace), (this.blockDone = true))),
    when(
      () => this.at('eof') || this.startsDeclaration(),
      () => {
        if (this.blockOpened) this.missing(`expected '}' to close ${this.blockLabel}`);
        this.blockDone = true;
      },
    ),
    alt(() => this.take(4, Semicolon)),
    alt(() => this.take(5, Comma)),
    when(
      () => this.blockKind === 'level' && levelKeywords.has(this.kw()!),
      () => void this.blockBody.push(this.SUBRULE(this.levelStmt)),
    ),
    when(
      () => this.blockKind === 'run' && runKeywords.has(this.kw()!),
      () => void this.blockBody.push(this.SUBRULE(this.runStmt)),
    ),
    alt(() => {
      this.reportStrayInBlock(this.blockKind);
      this.skip(3);
      const ctx = this.blockKind === 'level' ? levelKeywords : runKeywords;
      this.MANY3(
        loop(
          () => !this.isBlockResync(ctx),
          () => this.skip(4),
        ),
      );
    }),
  ];
  private readonly blockLoop = loop(
    () => !this.blockDone,
    () => this.OR2(this.blockAlts),
  );

  /** Index of a `{` within the next few tokens before anything that ends a declaration header, or -1. */
  private findBraceAhead(block: BlockKind): number {
    if (block !== 'level') return -1;
    for (let j = this.i; j < this.i + 8 && j < this.ts.eof; j++) {
      const k = this.ts.kind(j);
      if (k === '{') return j > this.i ? j : -1;
      if (k === '}' || this.startsDeclaration(j) || this.startsStatement(j)) return -1;
    }
    return -1;
  }

  private isBlockResync(ctx: Set<Keyword>): boolean {
    const k = this.kind();
    if (k === 'eof' || k === '}') return true;
    const kw = this.kw();
    if (kw === null) return false;
    if (declKeywords.has(kw)) return this.startsDeclaration();
    if (!ctx.has(kw)) return false;
    // `steps 5`, `loss mean(x)`; also `loss (a + b)`, but not the call `log(x)` of the built-in.
    return this.startsStatement() || (this.kind(this.i + 1) === '(' && kw !== 'log');
  }

  private reportStrayInBlock(block: BlockKind): void {
    if (this.RECORDING_PHASE) return;
    const kw = this.kw();
    const found = this.ts.describe(this.i);
    const range = this.tokenRange();
    if (kw !== null && block === 'level' && runKeywords.has(kw)) {
      this.problem('expected-statement', `${found} is a run statement: it belongs inside run { }`, range);
    } else if (kw !== null && block === 'run' && levelKeywords.has(kw)) {
      this.problem('expected-statement', `${found} is a level statement: it belongs inside level NAME { }`, range);
    } else if (this.at(')') || this.at(']')) {
      this.problem('unexpected-token', `unexpected ${found}: nothing is open here`, range);
    } else if (!this.onNewLine() && !this.afterSeparator()) {
      this.problem('unexpected-token', `unexpected ${found} after the statement`, range);
    } else {
      const list = block === 'level' ? levelStatementList : runStatementList;
      const hint = this.isName()
        ? suggest(this.ts.image(this.i), block === 'level' ? levelStatementKeywords : runStatementKeywords)
        : '';
      this.problem('expected-statement', `expected a ${block} statement (${list}), found ${found}${hint}`, range);
    }
  }

  private afterSeparator(): boolean {
    const p = this.i - 1;
    if (p < 0) return true;
    const k = this.ts.kind(p);
    return k === '{' || k === ';' || k === ',';
  }

  // ---------------------------------------------------------------- statements

  private readonly levelStmtAlts = [
    alt((): LevelStmt => this.SUBRULE(this.paramsStmt)),
    alt((): LevelStmt => this.SUBRULE(this.letStmt)),
    alt((): LevelStmt => {
      const start = this.start();
      this.take(1, Kw('loss'));
      const value = this.operand(0);
      return { kind: 'Loss', value, range: { start, end: this.prevEnd } };
    }),
    alt((): LevelStmt => {
      const start = this.start();
      this.take(1, Kw('optimizer'));
      const spec = this.callSpec(5, 'an optimizer such as sgd(lr: 0.1)');
      return { kind: 'Optimizer', spec, range: { start, end: this.prevEnd } };
    }),
    alt((): LevelStmt => {
      const start = this.start();
      this.take(1, Kw('hypergradient'));
      const spec = this.callSpec(6, 'a mode such as cg(iters: 10)');
      return { kind: 'Hypergradient', spec, range: { start, end: this.prevEnd } };
    }),
    alt((): LevelStmt => this.SUBRULE(this.levelSetting)),
  ];
  private readonly levelStmt = this.RULE('levelStmt', (): LevelStmt => this.OR(this.levelStmtAlts));

  private readonly letStmt = this.RULE('letStmt', (): LevelStmt => {
    const start = this.start();
    this.take(1, Kw('let'));
    const name = this.expectName(1, `expected a name after 'let'`);
    this.letName = name.name;
    const value = this.OR2(this.letValueAlts);
    return { kind: 'Let', name, value, range: { start, end: this.prevEnd } };
  });
  /** The name of the let being parsed, for letValueAlts' messages (lets do not nest). */
  private letName = '';
  private readonly letValueAlts = [
    alt(() => (this.take(1, Equals), this.operand(0))),
    when(
      () => this.strayBefore('='),
      () => {
        this.reportStrayBefore('=');
        this.skip(1);
        this.skip(2, Equals);
        return this.operand(2);
      },
    ),
    when(
      () => this.canStartOperand(),
      () => {
        this.missing(`expected '=' after 'let ${this.letName}'`);
        return this.operand(3);
      },
    ),
    alt((): Expr => {
      this.problem('missing-token', `expected '=' and a value after 'let ${this.letName}'`, this.foundRange());
      return this.errorExpr();
    }),
  ];

  /** `params a, b [reset from LEVEL]`. */
  private readonly paramsStmt = this.RULE('paramsStmt', (): ParamsStmt => {
    const start = this.start();
    this.take(1, Kw('params'));
    // State of the item loop, read by its alternatives (statements do not nest).
    const items: Expr[] = (this.paramsItems = []);
    this.paramsDone = false;
    this.paramsItemStart = 0;
    this.MANY(this.paramsLoop);
    const stmt: ParamsStmt = { kind: 'Params', items: exactArray(items), range: { start, end: this.prevEnd } };
    this.OPTION(() => {
      this.take(1, Kw('reset'));
      this.OR4([alt(() => this.take(1, Kw('from'))), alt(() => this.missing(`expected 'from' after 'reset'`))]);
      stmt.resetFrom = this.expectName(1, `expected the name of a level after 'reset from'`);
      stmt.range.end = this.prevEnd;
    });
    return stmt;
  });
  private paramsItems: Expr[] = [];
  private paramsDone = false;
  /** Token index where the current item started (an item that consumed nothing is empty). */
  private paramsItemStart = 0;
  private readonly paramsAfterItem = [
    // `params a,, b`: the empty item is reported; step over the comma and go on.
    when(
      () => this.i === this.paramsItemStart,
      () =>
        this.OR3([
          when(
            () => !(this.startsStatement(this.i + 1) || this.kind(this.i + 1) === '}'),
            () => this.skip(1, Comma),
          ),
          alt(() => void (this.paramsDone = true)),
        ]),
    ),
    when(
      () => !this.at(','),
      () => {
        if (!this.canStartOperand() || this.onNewLine() || this.kw() === 'reset') this.paramsDone = true;
        else this.missing(`expected ',' between the items of params`);
      },
    ),
    // A comma before the next statement separates statements, not items.
    when(
      () => this.startsStatement(this.i + 1) || this.kind(this.i + 1) === '}',
      () => void (this.paramsDone = true),
    ),
    alt(() => this.take(1, Comma)),
  ];
  private readonly paramsAlts = [
    when(
      () => this.kw() === 'reset',
      () => {
        if (this.paramsItems.length === 0) this.problem('expected-expression', `expected a parameter before 'reset'`, this.tokenRange());
        this.paramsDone = true;
      },
    ),
    alt(() => {
      this.paramsItemStart = this.i;
      this.paramsItems.push(this.operand(0));
      this.OR2(this.paramsAfterItem);
    }),
  ];
  private readonly paramsLoop = loop(
    () => !this.paramsDone,
    () => this.OR(this.paramsAlts),
  );

  /** `steps 5` / `proximal 0.1`: a level keyword with one value. */
  private readonly levelSettingAlts = levelSettingKeywords.map((kw) => alt(() => this.take(1, Kw(kw))));
  private readonly levelSetting = this.RULE('levelSetting', (): SettingStmt => {
    const start = this.start();
    const key = this.ident();
    this.OR(this.levelSettingAlts);
    return this.settingValue(key, start);
  });

  private readonly runSettingAlts = runSettingKeywords.map((kw) => alt(() => this.take(2, Kw(kw))));
  private readonly runStmtAlts = [
    alt((): RunStmt => {
      const start = this.start();
      this.take(1, Kw('report'));
      const name = this.OPTION(
        loop(
          () => this.kind(this.i + 1) === ':',
          () => {
            const id = this.nameToken(1);
            this.take(1, Colon);
            return id;
          },
        ),
      );
      const value = this.operand(0);
      return name
        ? { kind: 'Report', name, value, range: { start, end: this.prevEnd } }
        : { kind: 'Report', value, range: { start, end: this.prevEnd } };
    }),
    alt((): RunStmt => {
      const start = this.start();
      const key = this.ident();
      this.OR2(this.runSettingAlts);
      return this.settingValue(key, start);
    }),
  ];
  private readonly runStmt = this.RULE('runStmt', (): RunStmt => this.OR(this.runStmtAlts));

  private settingValue(key: Ident, start: number): SettingStmt {
    const value = this.operand(9);
    return { kind: 'Setting', key, value, range: { start, end: this.prevEnd } };
  }

  /** The `sgd(lr: 0.1)` of `optimizer` / the `sama` of `hypergradient`: always a Call. */
  private callSpec(idx: number, what: string): Call {
    const e = this.operand(idx);
    if (this.RECORDING_PHASE || e.kind === 'Call') return e as Call;
    if (e.kind === 'Ident' || e.kind === 'ErrorExpr') return { kind: 'Call', callee: e, args: [], range: e.range };
    this.problem('expected-expression', `expected ${what}`, e.range);
    return { kind: 'Call', callee: e, args: [], range: e.range };
  }

  // ---------------------------------------------------------------- expressions

  private readonly addAlts = [alt(() => (this.take(1, Plus), '+' as const)), alt(() => (this.take(1, Minus), '-' as const))];
  private readonly mulAlts = [1, 2].map((idx) => [
    alt(() => (this.take(idx, Star), '*' as const)),
    alt(() => (this.take(idx, Slash), '/' as const)),
  ]);

  /** An expression; `..` and `->` are not included (see argValue). Terms are parsed inline (one rule call less per operand). */
  private readonly expr = this.RULE('expr', (): Expr => {
    const s = this.exprStart();
    let left = this.term(1);
    // (A DSL call is skipped where its lookahead would fail anyway: no closure to allocate.)
    if (this.RECORDING_PHASE || this.at('+') || this.at('-')) {
      this.MANY2(() => {
        const op = this.OR(this.addAlts);
        const right = this.term(2);
        left = { kind: 'Binary', op, left, right, range: { start: s, end: this.prevEnd } };
      });
    }
    return left;
  });

  /** `a * b / c`, inside the expr rule (`idx` tells the two places apart). */
  private term(idx: 1 | 2): Expr {
    const s = this.exprStart();
    let left = this.subrule(idx, this.unary);
    if (this.RECORDING_PHASE || this.at('*') || this.at('/')) {
      this.many(idx + 2, () => {
        const op = this.or(idx + 2, this.mulAlts[idx - 1]!);
        const right = this.subrule(idx + 2, this.unary);
        left = { kind: 'Binary', op, left, right, range: { start: s, end: this.prevEnd } };
      });
    }
    return left;
  }

  private readonly unaryAlts = [
    when(
      () => this.depth >= MAX_DEPTH,
      (): Expr => this.SUBRULE(this.tooDeep),
    ),
    alt((): Expr => {
      const s = this.start();
      this.take(1, Minus);
      this.depth++;
      const operand = this.SUBRULE(this.unary);
      this.depth--;
      return { kind: 'Unary', op: '-', operand, range: { start: s, end: this.prevEnd } };
    }),
    alt((): Expr => {
      this.depth++;
      const s = this.exprStart();
      const base = this.postfix();
      // Right-associative, and `2^-1` works.
      const exponent = this.RECORDING_PHASE || this.at('^') ? this.OPTION(() => (this.take(1, Caret), this.SUBRULE2(this.unary))) : undefined;
      this.depth--;
      if (exponent === undefined) return base;
      return { kind: 'Binary', op: '^', left: base, right: exponent, range: { start: s, end: this.prevEnd } };
    }),
  ];
  private readonly unary = this.RULE('unary', (): Expr => this.OR(this.unaryAlts));

  /** Past MAX_DEPTH: one problem, and the rest of this operand (to its enclosing closer) is skipped. */
  private readonly tooDeep = this.RULE('tooDeep', (): ErrorExpr => {
    const start = this.start();
    this.problem('unexpected-token', `expression nested too deeply (more than ${MAX_DEPTH} levels)`, this.tokenRange());
    let balance = 0;
    this.MANY(
      loop(
        () => {
          const k = this.kind();
          if (k === 'eof' || k === '}' || this.startsDeclaration()) return false;
          if (k === ')' || k === ']') return balance > 0;
          if (balance === 0 && (k === ',' || k === ';' || this.startsStatement())) return false;
          return true;
        },
        () => {
          const k = this.kind();
          if (k === '(' || k === '[') balance++;
          else if (k === ')' || k === ']') balance--;
          this.skip(1);
        },
      ),
    );
    return { kind: 'ErrorExpr', range: { start: Math.min(start, this.prevEnd), end: this.prevEnd } };
  });

  /** An operand and its `.field`, `(args)` and `[index]` suffixes (part of the unary rule). */
  private postfix(): Expr {
    const s = this.exprStart();
    const e = this.OR2(this.primaryAlts);
    if (e.kind === 'ErrorExpr') return e;
    if (!this.RECORDING_PHASE && !this.at('.') && !this.at('(') && !this.at('[')) return e;
    this.postfixExpr = e;
    this.postfixStart = s;
    this.MANY(this.postfixLoop);
    return this.postfixExpr;
  }

  /** The operand being extended and where it starts, while the postfix loop runs (kept across nested operands by postfixLoop). */
  private postfixExpr: Expr = { kind: 'ErrorExpr', range: noSpan };
  private postfixStart = 0;
  private readonly postfixLoop = () => {
    const s = this.postfixStart;
    const e = this.OR3(this.postfixAlts);
    this.postfixExpr = e;
    this.postfixStart = s;
  };
  private readonly postfixAlts = [
    alt((): Expr => {
      const e = this.postfixExpr;
      const s = this.postfixStart;
      this.take(2, Dot);
      const property = this.OR4(this.fieldNameAlts);
      return { kind: 'Member', object: e, property, range: { start: s, end: this.prevEnd } };
    }),
    alt((): Expr => {
      const e = this.postfixExpr;
      const s = this.postfixStart;
      const open = this.start();
      this.take(2, LParen);
      const call: Call = { kind: 'Call', callee: e, args: [], parens: { start: open, end: open }, range: { start: s, end: s } };
      this.pendingCall = call;
    return this.SUBRULE(this.callArgs);
    }),
    alt((): Expr => {
      const e = this.postfixExpr;
      const s = this.postfixStart;
      this.take(2, LBracket);
      const index = this.operand(0);
      this.OR5([
        alt(() => this.take(2, RBracket)),
        when(
          () => this.strayBefore(']'),
          () => {
            this.reportStrayBefore(']');
            this.skip(2);
            this.skip(3, RBracket);
          },
        ),
        alt(() => this.missing(`expected ']' to close the index of ${calleeLabel(e)}`)),
      ]);
      return { kind: 'Index', object: e, index, range: { start: s, end: this.prevEnd } };
    }),
  ];

  private readonly fieldNameAlts = [
    alt((): Ident => {
      return this.nameToken(2);
    }),
    alt((): Ident => {
      this.problem('missing-token', `expected a field name after '.'`, this.foundRange());
      return { kind: 'Ident', name: '', range: this.here() };
    }),
  ];

  private readonly primaryAlts = [
    when(
      () => !this.startsStatement(),
      (): Expr => this.nameToken(1),
    ),
    alt((): Expr => this.numberToken(1)),
    alt((): Expr => this.stringToken(1)),
    alt((): Expr => {
      const range = this.tokenRange();
      const image = this.ts.image(this.i);
      this.take(1, UnterminatedString);
      // Reported after the token so the `)` it swallowed is not reported as missing too.
      this.consumedSinceProblem = true;
      this.problem('unterminated-string', `this string has no closing '"' on its line`, range);
      return { kind: 'String', value: decodeString(image, false), range };
    }),
    alt((): Expr => this.SUBRULE(this.parenthesized)),
    alt((): Expr => {
      const s = this.start();
      this.take(1, LBracket);
      const items: Expr[] = [];
      this.SUBRULE(this.listItems, { ARGS: [items, `expected ']' to close the list`, true] });
      return { kind: 'List', items: exactArray(items), range: { start: s, end: this.prevEnd } };
    }),
    alt((): Expr => {
      if (this.at('eof') || this.onNewLine() || this.startsStatement()) {
        const prev = this.i > 0 ? `'${this.ts.image(this.i - 1)}'` : 'here';
        this.problem('expected-expression', `expected an expression after ${prev}`, this.here());
      } else {
        this.problem('expected-expression', `expected an expression, found ${this.ts.describe(this.i)}`, this.tokenRange());
      }
      return this.errorExpr();
    }),
  ];

  /** A number token whose unit is unknown (`numberAt` gave none): reported, kept with its value as written. */
  private unknownUnit(j: number): NumberLit {
    const range = this.tokenRange(j);
    const text = this.ts.image(j);
    const { value, unit } = splitNumber(text);
    this.problem(
      'unexpected-token',
      `unknown unit '${unit}' in '${text}' (units: ${unitList}; put a space or an operator between a number and a name)`,
      range,
    );
    return { kind: 'Number', value, unit, text, range };
  }

  /** `( argValue )`; also a doubled `(` inside a call, and `(a, b)` with no function before it. */
  private readonly parenthesized = this.RULE('parenthesized', (): Expr => {
    const open = this.start();
    const openTok = this.i;
    this.take(1, LParen);
    this.parenDepth++;
    const inner = this.SUBRULE(this.argValue);
    this.parenDepth--;
    return this.OR([
      when(
        () => this.at(',') || (this.at(':') && inner.kind === 'Ident'),
        () => {
          // `f((a, b))`: a doubled `(` — report it, let the call take the arguments, drop its `)`.
          const frame = this.callFrames[this.callFrames.length - 1];
          if (frame && frame.open === openTok - 1) {
            this.problem('unexpected-token', `extra '(': the arguments of the call are already in parentheses`, { start: open, end: open + 1 });
            frame.extraOpen++;
            return inner;
          }
          return this.SUBRULE(this.calleeLessCall, { ARGS: [open, inner] });
        },
      ),
      alt(() => (this.take(1, RParen), inner)),
      when(
        () => this.strayBefore(')'),
        () => {
          this.reportStrayBefore(')');
          this.skip(1);
          this.skip(2, RParen);
          return inner;
        },
      ),
      alt(() => (this.missing(`expected ')' to close the parenthesis`), inner)),
    ]);
  });

  /**
   * `(a, b)` or `(lr: 1)` — arguments with no function before them: one problem, then read as a
   * call of a missing callee so the rest of the list does not cascade.
   */
  private readonly calleeLessCall = this.RULE('calleeLessCall', (open = 0, inner: Expr = this.errorExpr()): Call => {
    this.problem('expected-expression', `expected a function name before '('`, { start: open, end: open + 1 });
    const callee: ErrorExpr = { kind: 'ErrorExpr', range: { start: open, end: open } };
    const call: Call = { kind: 'Call', callee, args: [], parens: { start: open, end: open }, range: { start: open, end: open } };
    this.OR([
      when(
        () => inner.kind === 'Ident',
        () => {
          this.take(1, Colon);
          const value = this.SUBRULE(this.argValue);
          call.args.push({ kind: 'Arg', name: inner as Ident, value, range: { start: inner.range.start, end: this.prevEnd } });
        },
      ),
      alt(() => void call.args.push({ kind: 'Arg', value: inner, range: inner.range })),
    ]);
    this.OPTION(() => this.take(1, Comma));
    this.pendingCall = call;
    return this.SUBRULE(this.callArgs);
  });

  /** An argument's value: an expression, a range `a..b` or a chain `a -> b -> c`. */
  private readonly argValue = this.RULE('argValue', (): Expr => {
    const s = this.exprStart();
    const first = this.operand(0);
    if (!this.RECORDING_PHASE && !this.at('..') && !this.at('->')) return first;
    this.pendingFirst = first;
    this.pendingStart = s;
    return this.OR(this.argValueAlts);
  });

  private readonly argValueAlts = [
    alt((): Expr => {
      const from = this.pendingFirst;
      const s = this.pendingStart;
      this.take(1, DotDot);
      const to = this.operand(2);
      return { kind: 'Range', from, to, range: { start: s, end: this.prevEnd } };
    }),
    alt((): Expr => {
      const items = [this.pendingFirst];
      const s = this.pendingStart;
      this.AT_LEAST_ONE(() => {
        this.take(1, Arrow);
        items.push(this.operand(3));
      });
      return { kind: 'Chain', items: exactArray(items), range: { start: s, end: this.prevEnd } };
    }),
    alt((): Expr => this.pendingFirst),
  ];

  /** Items of a list or shape after the `[`, up to and including the `]`. */
  private readonly listItems = this.RULE('listItems', (items: Expr[] = [], missingMessage = '', argValues = false) => {
    // Lists nest (`[[1, 2], [3]]`): the alternatives read the innermost list's frame.
    const frame: ListFrame = { items, missingMessage, argValues, done: false };
    this.listFrames.push(frame);
    try {
      this.MANY(this.listLoop);
    } finally {
      this.listFrames.pop();
    }
  });
  private readonly listFrames: ListFrame[] = [];
  private get listFrame(): ListFrame {
    return this.listFrames[this.listFrames.length - 1] ?? recordingListFrame;
  }
  private readonly listItemAlts = [
    when(
      () => this.listFrame.argValues,
      () => this.SUBRULE(this.argValue),
    ),
    alt(() => this.operand(0)),
  ];
  private readonly listAfterItem = [
    alt(() => this.take(2, Comma)),
    alt(() => (this.take(2, RBracket), (this.listFrame.done = true))),
    when(
      () => this.canStartOperand(),
      () => this.missing(`expected ',' between the items`),
    ),
    alt(() => (this.missing(this.listFrame.missingMessage), (this.listFrame.done = true))),
  ];
  private readonly listAlts = [
    alt(() => (this.take(1, RBracket), (this.listFrame.done = true))),
    when(
      () => !this.canStartOperand() && this.at(','),
      () => {
        this.problem('expected-expression', `expected an expression before ','`, this.tokenRange());
        this.skip(1, Comma);
      },
    ),
    when(
      () => !this.canStartOperand(),
      () => (this.missing(this.listFrame.missingMessage), (this.listFrame.done = true)),
    ),
    alt(() => {
      const frame = this.listFrame;
      frame.items.push(this.OR2(this.listItemAlts));
      this.OR3(this.listAfterItem);
    }),
  ];
  private readonly listLoop = loop(
    () => !this.listFrame.done,
    () => this.OR(this.listAlts),
  );

  // ---------------------------------------------------------------- call arguments

  /** The call whose arguments callArgs reads (set just before it is called; a placeholder during recording). */
  private pendingCall: Call = recordingCall();

  /** The innermost open call. */
  private get frame(): CallFrame {
    return this.callFrames[this.callFrames.length - 1]!;
  }

  /** The arguments of a call after its `(` (and any already in `call.args`), through the `)`. */
  private readonly callArgs = this.RULE('callArgs', (): Call => {
    const call = this.pendingCall;
    const frame: CallFrame = {
      open: this.i - 1,
      extraOpen: 0,
      call,
      label: this.RECORDING_PHASE ? '' : calleeLabel(call.callee),
      done: false,
    };
    this.callFrames.push(frame);
    this.parenDepth++;
    this.MANY(this.callArgsLoop);
    this.callFrames.pop();
    this.parenDepth--;
    // The `)` of each doubled `(` inside (see parenthesized) closes nothing: step over it quietly
    // — if it is there, i.e. the statement has more `)` than the parentheses still open need.
    this.extraClosers = frame.extraOpen;
    if (this.RECORDING_PHASE || frame.extraOpen > 0) this.MANY2(this.extraCloserLoop);
    if (!this.RECORDING_PHASE) {
      call.parens!.end = this.prevEnd;
      call.range.end = this.prevEnd;
      call.args = exactArray(call.args);
    }
    return call;
  });

  private extraClosers = 0;
  private readonly extraCloserLoop = loop(
    () => this.extraClosers > 0 && this.excessClosers() > this.parenDepth,
    () => (this.skip(4, RParen), this.extraClosers--),
  );

  /** One step of the argument loop; true when it read an argument (then afterArgAlts decide what follows). */
  private readonly callArgsAlts = [
    when(
      () => this.frame.done,
      () => false,
    ),
    alt(() => (this.take(1, RParen), (this.frame.done = true), false)),
    when(
      () => this.atNamedArgWithoutColon(),
      () => {
        // `lr 0.1)` / `steps 5,` — a name and a value on one line: a named argument without its `:`.
        const args = this.frame.call.args;
        const name = this.ident();
        this.take(1, Name);
        this.missing(`expected ':' after '${name.name}'`);
        const value = this.SUBRULE(this.argValue);
        args.push({ kind: 'Arg', name, value, range: { start: name.range.start, end: this.prevEnd } });
        return true;
      },
    ),
    when(
      () => this.canStartOperand(),
      () => {
        const args = this.frame.call.args;
        args.push(this.argIn());
        if (this.RECORDING_PHASE || this.at('=')) this.OPTION(this.equalsAfterArg);
        return true;
      },
    ),
    alt(() => {
      this.problem('expected-expression', `expected an argument before ','`, this.tokenRange());
      this.skip(1, Comma);
      return false;
    }),
    when(
      () => this.endsCall(),
      () => (this.missing(`expected ')' to close the call to ${this.frame.label}`), (this.frame.done = true), false),
    ),
    alt(() => (this.strayInArgs(), this.skip(2), false)),
  ];
  private readonly equalsAfterArg = () => this.SUBRULE(this.equalsForColon, { ARGS: [this.frame.call.args] });
  /** One turn of the argument loop. It has no gate (a gate costs a closure per call): once the call is done, the first alternative consumes nothing, which ends the MANY. */
  private readonly callArgsLoop = () => {
    // During grammar recording OR returns a placeholder: afterArgAlts are recorded too.
    if (this.OR(this.callArgsAlts) !== false) this.OR2(this.afterArgAlts);
  };

  /** After an argument: `,`, `)`, a missing `,` before the next one, or the end of the call. */
  private readonly afterArgAlts = [
    alt(() => this.take(3, Comma)),
    alt(() => (this.take(3, RParen), (this.frame.done = true))),
    when(
      () => this.canStartOperand(),
      () => this.missing(`expected ',' between the arguments of ${this.frame.label}`),
    ),
    when(
      () => this.endsCall(),
      () => (this.missing(`expected ')' to close the call to ${this.frame.label}`), (this.frame.done = true)),
    ),
    alt(() => (this.strayInArgs(), this.skip(3))),
  ];

  /** At a token that can be no argument: whether the call evidently ended — end of file, a brace, the next statement, a new line. */
  private endsCall(): boolean {
    const k = this.kind();
    return k === 'eof' || k === '}' || k === '{' || k === ']' || k === ';' || this.startsStatement() || this.onNewLine();
  }

  private strayInArgs(): void {
    this.problem('unexpected-token', `unexpected ${this.ts.describe(this.i)} in the arguments of ${this.frame?.label}`, this.tokenRange());
  }

  /** `)` minus `(` from here to the end of the statement. */
  private excessClosers(): number {
    let net = 0;
    for (let j = this.i; ; j++) {
      const k = this.ts.kind(j);
      if (k === 'eof' || k === '}' || k === '{' || this.startsStatement(j)) return net;
      if (k === ')') net++;
      else if (k === '(') net--;
    }
  }

  private atNamedArgWithoutColon(): boolean {
    if (!this.isName() || this.onNewLine()) return false;
    const v = this.kind(this.i + 1);
    const after = this.kind(this.i + 2);
    return (v === 'number' || v === 'string') && (after === ',' || after === ')');
  }

  /** `lr = 0.1` inside a call: one problem, then read it as the named argument `lr: 0.1`. */
  private readonly equalsForColon = this.RULE('equalsForColon', (args: Arg[] = []) => {
    const last = args[args.length - 1];
    const eqRange = this.tokenRange();
    this.OR([
      when(
        () => !!last && !last.name && last.value.kind === 'Ident',
        () => {
          const name = last?.value as Ident;
          this.problem('unexpected-token', `named arguments are written '${name?.name}: value', not '='`, eqRange);
          this.skip(1, Equals);
          const value = this.SUBRULE(this.argValue);
          if (last) args[args.length - 1] = { kind: 'Arg', name, value, range: { start: last.range.start, end: this.prevEnd } };
        },
      ),
      alt(() => {
        this.problem('unexpected-token', `unexpected '='`, eqRange);
        this.skip(2, Equals);
      }),
    ]);
  });

  /** `name: value` or `value`, inside callArgs (one rule call less per argument than a rule of its own). */
  private argIn(): Arg {
    const s = this.start();
    const named = this.RECORDING_PHASE || (this.isName() && this.kind(this.i + 1) === ':');
    const name = named ? this.OPTION5(this.argName) : undefined;
    const vs = this.exprStart();
    const first = this.operand(5);
    let value = first;
    if (this.RECORDING_PHASE || this.at('..') || this.at('->')) {
      this.pendingFirst = first;
      this.pendingStart = vs;
      value = this.OR5(this.argValueAlts);
    }
    return name
      ? { kind: 'Arg', name, value, range: { start: s, end: this.prevEnd } }
      : { kind: 'Arg', value, range: { start: s, end: this.prevEnd } };
  }

  /**
   * An expression, where the `expr` rule would be called at occurrence `idx`: read by the fast
   * path when it is well-formed (most are; a lone name or number is then one node built without
   * a rule call), by the rules otherwise.
   */
  private operand(idx: number): Expr {
    if (!this.RECORDING_PHASE) {
      const e = this.fast.operand(this.ts, this.i, this.inputEnd, this.depth);
      if (e !== undefined) {
        this.takeUpTo(this.fast.next);
        return e;
      }
    }
    return this.subrule(idx, this.expr);
  }
  /** Well-formed expressions without the rules (fast-expressions.ts); the rules take over where it gives up. */
  private readonly fast = new FastExpressions();

  // The current token as a leaf of the tree, consumed at occurrence `idx`.
  private nameToken(idx: number): Ident {
    const id = this.ident();
    this.take(idx, Name);
    return id;
  }
  private numberToken(idx: number): NumberLit {
    const j = this.i;
    this.take(idx, NumberTok);
    return numberAt(this.ts, j) ?? this.unknownUnit(j);
  }
  private stringToken(idx: number): StringLit {
    const j = this.i;
    this.take(idx, StringTok);
    return stringAt(this.ts, j);
  }

  private readonly argName = (): Ident => {
    const id = this.nameToken(5);
    this.take(5, Colon);
    return id;
  };
}

/** The one parser instance: chevrotain's grammar analysis is done once, at module load. */
export const parser = new MloParser();

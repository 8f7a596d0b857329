// A recursive-descent parser over the chevrotain token stream, producing the AST of ast.ts.
//
// Why hand-written rather than a chevrotain grammar: the two properties that matter most here
// — one problem per typo, and messages that name what is open ("expected ')' to close the call
// to mlp") — need recovery decisions that depend on the statement being parsed; written out
// directly they are short and predictable, and there is no grammar to build or self-analyse.
//
// Recovery (docs/syntax.md):
// - A missing `)`, `]`, `}`, `=`, `,` is reported once, at the point where it belongs, and
//   parsing goes on as if it were there.
// - A token that fits nowhere is reported and skipped to the next resynchronisation point:
//   a declaration keyword at top level; a statement keyword of the block, `}` or a declaration
//   inside `level { }` / `run { }`.
// - After a problem, further problems are dropped until a token is consumed normally, so a
//   cascade at one spot shows as one problem.
// - Keywords are names everywhere except where a statement starts. In the middle of an
//   expression a keyword counts as the start of the next statement only when a value follows it
//   (`steps 100`, `loss mean(...)`), which never happens in a valid expression.
import {
  declarationKeywords,
  levelStatementKeywords,
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
  ParamDecl,
  ParamsStmt,
  Program,
  RunDecl,
  RunStmt,
  SettingStmt,
  Span,
  SyntaxProblem,
  SyntaxProblemKind,
} from './ast.js';
import { splitNumber, unitFactor } from './lexer.js';
import { suggest } from './suggest.js';
import type { TokenStream } from './token-stream.js';

const declKeywords = new Set<Keyword>(declarationKeywords);
const levelKeywords = new Set<Keyword>(levelStatementKeywords);
const runKeywords = new Set<Keyword>(runStatementKeywords);
const statementStarters = new Set<Keyword>([...declarationKeywords, ...levelStatementKeywords, ...runStatementKeywords]);
const unitList = units.map((u) => u.text).join(', ');

/** Deeper nesting than this is reported instead of overflowing the stack. */
const MAX_DEPTH = 200;

type BlockKind = 'level' | 'run';

export class Parser {
  private i = 0;
  /** End offset of the last token consumed. */
  private prevEnd = 0;
  private readonly problems: SyntaxProblem[] = [];
  /** False from a reported problem until the next normally consumed token: problems in between are echoes. */
  private consumedSinceProblem = true;
  private depth = 0;
  /** Parentheses (calls and groups) open around the current token. */
  private parenDepth = 0;
  /** Open calls, innermost last: where each `(` is, and how many doubled `(` were found just inside it. */
  private readonly callFrames: { open: number; extraOpen: number }[] = [];
  private readonly decls: Decl[] = [];

  constructor(private readonly ts: TokenStream) {
    this.consumedSinceProblem = !ts.afterBadChars.has(0);
  }

  // ---------------------------------------------------------------- token helpers

  private kind(j = this.i): string {
    return this.ts.kinds[j]!;
  }
  private kw(j = this.i): Keyword | null {
    return this.ts.keywords[j]!;
  }
  private start(j = this.i): number {
    return this.ts.starts[j]!;
  }
  private at(kind: string): boolean {
    return this.ts.kinds[this.i] === kind;
  }
  private advance(): void {
    if (this.i < this.ts.eof) {
      this.prevEnd = this.ts.ends[this.i]!;
      this.i++;
      // Past characters the lexer rejected, the parser's next complaint would repeat the lexer's.
      this.consumedSinceProblem = !this.ts.afterBadChars.has(this.i);
    }
  }
  /** Skips a token during recovery: it does not end the quiet period after a problem. */
  private skip(): void {
    if (this.i < this.ts.eof) {
      this.prevEnd = this.ts.ends[this.i]!;
      this.i++;
    }
  }
  private eat(kind: string): boolean {
    if (this.ts.kinds[this.i] === kind) {
      this.advance();
      return true;
    }
    return false;
  }
  private tokenRange(j = this.i): Span {
    return { start: this.ts.starts[j]!, end: this.ts.ends[j]! };
  }
  private here(): Span {
    return { start: this.prevEnd, end: this.prevEnd };
  }
  /** The current token if it is on the line of the previous one, else the point after the previous token. */
  private foundRange(): Span {
    if (this.at('eof') || this.onNewLine()) return this.here();
    return this.tokenRange();
  }
  private onNewLine(j = this.i): boolean {
    return this.ts.newlineBetween(this.prevEnd, this.start(j));
  }
  private isName(j = this.i): boolean {
    return this.ts.kinds[j] === 'name';
  }

  private problem(kind: SyntaxProblemKind, message: string, range: Span): void {
    if (!this.consumedSinceProblem) return;
    this.problems.push({ kind, message, range });
    this.consumedSinceProblem = false;
  }

  /** A token that should be here is not: reported at the point where it belongs. */
  private missing(message: string): void {
    this.problem('missing-token', message, this.here());
  }

  /**
   * Whether a keyword in a place where a name could also stand starts the next statement or
   * declaration. It does when a value follows it (`steps 100`, `run {`, `params net`), except
   * when what follows is itself a keyword with a value after it: in `loss a * steps` followed by
   * `optimizer sgd`, `steps` is the last operand and `optimizer` starts the statement.
   */
  private startsStatement(j = this.i): boolean {
    const kw = this.ts.keywords[j];
    if (kw === null || kw === undefined || !statementStarters.has(kw)) return false;
    const next = this.ts.kinds[j + 1];
    if (next === 'number' || next === 'string' || next === 'ustring' || next === '{') return true;
    if (next !== 'name') return false;
    const nextKw = this.ts.keywords[j + 1];
    if (nextKw === null || nextKw === undefined || !statementStarters.has(nextKw)) return true;
    const after = this.ts.kinds[j + 2];
    return !(after === 'name' || after === 'number' || after === 'string' || after === 'ustring' || after === '{');
  }

  /** A declaration keyword in a place where a declaration can really start (`level NAME`, `run {`). */
  private startsDeclaration(j = this.i): boolean {
    const kw = this.ts.keywords[j];
    if (kw === null || kw === undefined || !declKeywords.has(kw)) return false;
    return kw === 'run' ? this.ts.kinds[j + 1] === '{' : this.ts.kinds[j + 1] === 'name';
  }

  private canStartOperand(j = this.i): boolean {
    const k = this.ts.kinds[j];
    if (k === 'name') return !this.startsStatement(j);
    return k === 'number' || k === 'string' || k === 'ustring' || k === '(' || k === '[' || k === '-';
  }

  /** Where the expression about to be parsed starts (its first token, or the error point). */
  private exprStart(): number {
    return this.canStartOperand() ? this.start() : this.prevEnd;
  }

  private ident(j = this.i): Ident {
    return { kind: 'Ident', name: this.ts.images[j]!, range: this.tokenRange(j) };
  }

  /** A name where one is required; a missing one is reported and stands as an empty name. */
  private expectName(message: string): Ident {
    if (this.isName() && !this.startsStatement()) {
      const id = this.ident();
      this.advance();
      return id;
    }
    this.problem('missing-token', message, this.foundRange());
    return { kind: 'Ident', name: '', range: this.here() };
  }

  /**
   * `kind` is next, or one stray token stands before it (`data d d = ...`): that token is
   * reported and skipped. Returns false (nothing reported) when neither holds.
   */
  private eatAfterStray(kind: string): boolean {
    if (this.eat(kind)) return true;
    if (this.kind(this.i + 1) !== kind || this.at('eof')) return false;
    this.problem('unexpected-token', `unexpected ${this.ts.describe(this.i)} before '${kind}'`, this.tokenRange());
    this.skip();
    this.skip();
    return true;
  }

  private errorExpr(): ErrorExpr {
    return { kind: 'ErrorExpr', range: this.here() };
  }

  // ---------------------------------------------------------------- program and declarations

  parseProgram(comments: Comment[], textLength: number): { program: Program; problems: SyntaxProblem[] } {
    try {
      while (!this.at('eof')) {
        const kw = this.kw();
        if (kw !== null && declKeywords.has(kw)) {
          this.decls.push(this.parseDecl(kw));
          continue;
        }
        this.reportStrayAtTop();
        do this.skip();
        while (!this.at('eof') && !this.startsDeclaration());
      }
    } catch (e) {
      // Never reached by design (the property tests check it); kept so a bug costs one
      // problem, not the editor's whole analysis.
      this.problems.push({
        kind: 'unexpected-token',
        message: `internal parser error: ${e instanceof Error ? e.message : String(e)}`,
        range: this.tokenRange(Math.min(this.i, this.ts.eof)),
      });
    }
    const program: Program = {
      kind: 'Program',
      decls: this.decls,
      comments,
      range: { start: 0, end: textLength },
    };
    return { program, problems: this.problems };
  }

  private reportStrayAtTop(): void {
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
      const hint = this.isName() ? suggest(this.ts.images[this.i]!, declarationKeywords) : '';
      this.problem(
        'expected-declaration',
        `expected a declaration (data, model, param, level or run), found ${found}${hint}`,
        this.tokenRange(),
      );
    }
  }

  private parseDecl(kw: Keyword): Decl {
    const start = this.start();
    const kwText = kw;
    this.advance();
    switch (kw) {
      case 'data':
      case 'model': {
        const name = this.expectName(`expected a name after '${kwText}'`);
        const spec = this.parseAssignedSpec(kw, name);
        const range = { start, end: this.prevEnd };
        return kw === 'data'
          ? ({ kind: 'Data', name, source: spec, range } satisfies DataDecl)
          : ({ kind: 'Model', name, spec, range } satisfies ModelDecl);
      }
      case 'param':
        return this.parseParam(start);
      case 'level':
        return this.parseLevel(start);
      default:
        return this.parseRun(start);
    }
  }

  /** `= csv(...)` of a data declaration or `= mlp(...)` of a model. */
  private parseAssignedSpec(kw: 'data' | 'model', name: Ident): Call | ErrorExpr {
    const what = kw === 'data' ? 'a data source such as csv(...)' : 'a model such as mlp(...)';
    const label = `${kw} ${name.name}`.trim();
    if (!this.eatAfterStray('=')) {
      if (this.canStartOperand()) {
        this.missing(`expected '=' after '${label}'`);
      } else {
        this.problem('missing-token', `expected '=' and ${what} after '${label}'`, this.foundRange());
        return this.errorExpr();
      }
    }
    const e = this.parseExpr();
    if (e.kind === 'Call' || e.kind === 'ErrorExpr') return e;
    if (e.kind === 'Ident') return { kind: 'Call', callee: e, args: [], range: e.range };
    this.problem('expected-expression', `expected ${what}`, e.range);
    return { kind: 'ErrorExpr', range: e.range };
  }

  private parseParam(start: number): ParamDecl {
    const name = this.expectName(`expected a name after 'param'`);
    const shape: Expr[] = [];
    if (this.at('[')) {
      this.advance();
      this.parseList(shape, ']', `expected ']' to close the shape of ${name.name || 'the param'}`, false);
    }
    let init: Expr | undefined;
    if (this.eat('=')) init = this.parseExpr();
    const decl: ParamDecl = { kind: 'Param', name, shape, range: { start, end: this.prevEnd } };
    if (init) decl.init = init;
    return decl;
  }

  private parseLevel(start: number): LevelDecl {
    const name = this.expectName(`expected a name after 'level'`);
    const label = name.name ? `level ${name.name}` : 'the level';
    const above: Ident[] = [];
    if (this.kw() === 'above') {
      this.advance();
      do above.push(this.expectName(`expected the name of a level after 'above'`));
      while (this.eat(','));
    }
    const body: LevelStmt[] = [];
    const decl: LevelDecl = { kind: 'Level', name, above, body, range: { start, end: start } };
    this.parseBlock('level', label, body);
    decl.range.end = this.prevEnd;
    return decl;
  }

  private parseRun(start: number): RunDecl {
    const keyword = { start, end: this.prevEnd };
    const body: RunStmt[] = [];
    this.parseBlock('run', 'the run block', body);
    return { kind: 'Run', keyword, body, range: { start, end: this.prevEnd } };
  }

  /** `{ statements }` of a level or run; a missing `{` or `}` is one problem. */
  private parseBlock(block: BlockKind, label: string, body: (LevelStmt | RunStmt)[]): void {
    let opened = this.eat('{');
    if (!opened) {
      // Stray tokens before the `{` (`level tune abve fit {`): skip them if a `{` follows soon.
      const brace = this.findBraceAhead(block);
      if (brace >= 0) {
        const first = this.tokenRange();
        this.problem(
          'unexpected-token',
          `unexpected ${this.ts.describe(this.i)} before the '{' of ${label}${block === 'level' && this.isName() ? suggest(this.ts.images[this.i]!, ['above']) : ''}`,
          { start: first.start, end: this.ts.ends[brace - 1]! },
        );
        while (this.i < brace) this.skip();
        opened = this.eat('{');
      } else {
        this.missing(`expected '{' to open the body of ${label}`);
      }
    }
    const ctx = block === 'level' ? levelKeywords : runKeywords;
    for (;;) {
      if (this.eat('}')) return;
      if (this.at('eof') || this.startsDeclaration()) {
        if (opened) this.missing(`expected '}' to close ${label}`);
        return;
      }
      if (this.at(';') || this.at(',')) {
        this.advance();
        continue;
      }
      const kw = this.kw();
      if (kw !== null && ctx.has(kw)) {
        const before = this.i;
        body.push(block === 'level' ? this.parseLevelStmt(kw) : this.parseRunStmt(kw));
        if (this.i === before) this.skip();
        continue;
      }
      this.reportStrayInBlock(block, kw);
      do this.skip();
      while (!this.isBlockResync(ctx));
    }
  }

  /** Index of a `{` within the next few tokens before anything that ends a declaration header, or -1. */
  private findBraceAhead(block: BlockKind): number {
    if (block !== 'level') return -1;
    for (let j = this.i; j < this.i + 8 && j < this.ts.eof; j++) {
      const k = this.ts.kinds[j];
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

  private reportStrayInBlock(block: BlockKind, kw: Keyword | null): void {
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
      const list =
        block === 'level'
          ? 'params, let, loss, optimizer, steps, hypergradient or proximal'
          : 'steps, seed, backend, log, eval, checkpoint, budget, precision or report';
      const hint = this.isName()
        ? suggest(this.ts.images[this.i]!, block === 'level' ? levelStatementKeywords : runStatementKeywords)
        : '';
      this.problem('expected-statement', `expected a ${block} statement (${list}), found ${found}${hint}`, range);
    }
  }

  private afterSeparator(): boolean {
    const p = this.i - 1;
    if (p < 0) return true;
    const k = this.ts.kinds[p];
    return k === '{' || k === ';' || k === ',';
  }

  // ---------------------------------------------------------------- statements

  private parseLevelStmt(kw: Keyword): LevelStmt {
    const start = this.start();
    const keyTok = this.i;
    this.advance();
    switch (kw) {
      case 'params': {
        const items: Expr[] = [];
        for (;;) {
          if (this.kw() === 'reset') {
            if (items.length === 0) this.problem('expected-expression', `expected a parameter before 'reset'`, this.tokenRange());
            break;
          }
          const before = this.i;
          items.push(this.parseExpr());
          if (this.i === before) {
            // `params a,, b`: the empty item is reported; step over the comma and go on.
            if (this.at(',') && !(this.startsStatement(this.i + 1) || this.kind(this.i + 1) === '}')) {
              this.skip();
              continue;
            }
            break;
          }
          if (!this.at(',')) {
            if (!this.canStartOperand() || this.onNewLine() || this.kw() === 'reset') break;
            this.missing(`expected ',' between the items of params`);
            continue;
          }
          // A comma before the next statement separates statements, not items.
          if (this.startsStatement(this.i + 1) || this.kind(this.i + 1) === '}') break;
          this.advance();
        }
        const stmt: ParamsStmt = { kind: 'Params', items, range: { start, end: this.prevEnd } };
        if (this.kw() === 'reset') {
          this.advance();
          if (this.kw() === 'from') this.advance();
          else this.missing(`expected 'from' after 'reset'`);
          stmt.resetFrom = this.expectName(`expected the name of a level after 'reset from'`);
          stmt.range.end = this.prevEnd;
        }
        return stmt;
      }
      case 'let': {
        const name = this.expectName(`expected a name after 'let'`);
        let value: Expr;
        if (this.eatAfterStray('=')) value = this.parseExpr();
        else if (this.canStartOperand()) {
          this.missing(`expected '=' after 'let ${name.name}'`);
          value = this.parseExpr();
        } else {
          this.problem('missing-token', `expected '=' and a value after 'let ${name.name}'`, this.foundRange());
          value = this.errorExpr();
        }
        return { kind: 'Let', name, value, range: { start, end: this.prevEnd } };
      }
      case 'loss': {
        const value = this.parseExpr();
        return { kind: 'Loss', value, range: { start, end: this.prevEnd } };
      }
      case 'optimizer':
      case 'hypergradient': {
        const spec = this.parseSpec(kw === 'optimizer' ? 'an optimizer such as sgd(lr: 0.1)' : 'a mode such as cg(iters: 10)');
        return kw === 'optimizer'
          ? { kind: 'Optimizer', spec, range: { start, end: this.prevEnd } }
          : { kind: 'Hypergradient', spec, range: { start, end: this.prevEnd } };
      }
      default: // steps, proximal
        return this.parseSetting(keyTok, start);
    }
  }

  private parseRunStmt(kw: Keyword): RunStmt {
    const start = this.start();
    const keyTok = this.i;
    this.advance();
    if (kw === 'report') {
      let name: Ident | undefined;
      if (this.isName() && this.kind(this.i + 1) === ':') {
        name = this.ident();
        this.advance();
        this.advance();
      }
      const value = this.parseExpr();
      return name
        ? { kind: 'Report', name, value, range: { start, end: this.prevEnd } }
        : { kind: 'Report', value, range: { start, end: this.prevEnd } };
    }
    return this.parseSetting(keyTok, start);
  }

  private parseSetting(keyTok: number, start: number): SettingStmt {
    const key = this.ident(keyTok);
    const value = this.parseExpr();
    return { kind: 'Setting', key, value, range: { start, end: this.prevEnd } };
  }

  /** The `sgd(lr: 0.1)` of `optimizer` / the `sama` of `hypergradient`: always a Call. */
  private parseSpec(what: string): Call {
    const e = this.parseExpr();
    if (e.kind === 'Call') return e;
    if (e.kind === 'Ident' || e.kind === 'ErrorExpr') return { kind: 'Call', callee: e, args: [], range: e.range };
    this.problem('expected-expression', `expected ${what}`, e.range);
    return { kind: 'Call', callee: e, args: [], range: e.range };
  }

  // ---------------------------------------------------------------- expressions

  /** An expression; `..` and `->` are not included (see parseArgValue). */
  parseExpr(): Expr {
    const s = this.exprStart();
    let left = this.parseTerm();
    for (;;) {
      const k = this.kind();
      if (k !== '+' && k !== '-') return left;
      this.advance();
      const right = this.parseTerm();
      left = { kind: 'Binary', op: k, left, right, range: { start: s, end: this.prevEnd } };
    }
  }

  private parseTerm(): Expr {
    const s = this.exprStart();
    let left = this.parseUnary();
    for (;;) {
      const k = this.kind();
      if (k !== '*' && k !== '/') return left;
      this.advance();
      const right = this.parseUnary();
      left = { kind: 'Binary', op: k, left, right, range: { start: s, end: this.prevEnd } };
    }
  }

  private parseUnary(): Expr {
    if (this.depth >= MAX_DEPTH) return this.skipTooDeep();
    this.depth++;
    try {
      if (this.at('-')) {
        const s = this.start();
        this.advance();
        const operand = this.parseUnary();
        return { kind: 'Unary', op: '-', operand, range: { start: s, end: this.prevEnd } };
      }
      const s = this.exprStart();
      const base = this.parsePostfix();
      if (!this.at('^')) return base;
      this.advance();
      const exponent = this.parseUnary(); // right-associative, and `2^-1` works
      return { kind: 'Binary', op: '^', left: base, right: exponent, range: { start: s, end: this.prevEnd } };
    } finally {
      this.depth--;
    }
  }

  /** Past MAX_DEPTH: one problem, and the rest of this operand (to its enclosing closer) is skipped. */
  private skipTooDeep(): ErrorExpr {
    const start = this.start();
    this.problem('unexpected-token', `expression nested too deeply (more than ${MAX_DEPTH} levels)`, this.tokenRange());
    let balance = 0;
    for (;;) {
      const k = this.kind();
      if (k === 'eof' || k === '}' || this.startsDeclaration()) break;
      if (k === '(' || k === '[') balance++;
      else if (k === ')' || k === ']') {
        if (balance === 0) break;
        balance--;
      } else if (balance === 0 && (k === ',' || k === ';' || this.startsStatement())) break;
      this.skip();
    }
    return { kind: 'ErrorExpr', range: { start: Math.min(start, this.prevEnd), end: this.prevEnd } };
  }

  private parsePostfix(): Expr {
    const s = this.exprStart();
    let e = this.parsePrimary();
    if (e.kind === 'ErrorExpr') return e;
    for (;;) {
      const k = this.kind();
      if (k === '.') {
        this.advance();
        let property: Ident;
        if (this.isName()) {
          property = this.ident();
          this.advance();
        } else {
          this.problem('missing-token', `expected a field name after '.'`, this.foundRange());
          property = { kind: 'Ident', name: '', range: this.here() };
        }
        e = { kind: 'Member', object: e, property, range: { start: s, end: this.prevEnd } };
      } else if (k === '(') {
        e = this.parseCall(e, s);
      } else if (k === '[') {
        this.advance();
        const index = this.parseExpr();
        if (!this.eatAfterStray(']')) this.missing(`expected ']' to close the index of ${calleeLabel(e)}`);
        e = { kind: 'Index', object: e, index, range: { start: s, end: this.prevEnd } };
      } else {
        return e;
      }
    }
  }

  /**
   * `(a, b)` or `(lr: 1)` — arguments with no function before them: one problem, then read as a
   * call of a missing callee so the rest of the list does not cascade.
   */
  private parseCalleeLessCall(open: number, inner: Expr): Call {
    this.problem('expected-expression', `expected a function name before '('`, { start: open, end: open + 1 });
    const callee: ErrorExpr = { kind: 'ErrorExpr', range: { start: open, end: open } };
    const call: Call = { kind: 'Call', callee, args: [], parens: { start: open, end: open }, range: { start: open, end: open } };
    if (this.at(':') && inner.kind === 'Ident') {
      this.advance();
      const value = this.parseArgValue();
      call.args.push({ kind: 'Arg', name: inner, value, range: { start: inner.range.start, end: this.prevEnd } });
    } else {
      call.args.push({ kind: 'Arg', value: inner, range: inner.range });
    }
    this.eat(',');
    return this.finishCall(call);
  }

  private parsePrimary(): Expr {
    const k = this.kind();
    if (k === 'name' && !this.startsStatement()) {
      const id = this.ident();
      this.advance();
      return id;
    }
    if (k === 'number') return this.parseNumber();
    if (k === 'string' || k === 'ustring') {
      const range = this.tokenRange();
      const image = this.ts.images[this.i]!;
      this.advance();
      if (k === 'ustring') {
        // Reported after the token so the `)` it swallowed is not reported as missing too.
        this.consumedSinceProblem = true;
        this.problem('unterminated-string', `this string has no closing '"' on its line`, range);
      }
      return { kind: 'String', value: decodeString(image, k === 'string'), range };
    }
    if (k === '(') {
      const open = this.start();
      const openTok = this.i;
      this.advance();
      this.parenDepth++;
      const inner = this.parseArgValue();
      this.parenDepth--;
      if (this.at(',') || (this.at(':') && inner.kind === 'Ident')) {
        // `f((a, b))`: a doubled `(` — report it, let the call take the arguments, drop its `)`.
        const frame = this.callFrames[this.callFrames.length - 1];
        if (frame && frame.open === openTok - 1) {
          this.problem('unexpected-token', `extra '(': the arguments of the call are already in parentheses`, { start: open, end: open + 1 });
          frame.extraOpen++;
          return inner;
        }
        return this.parseCalleeLessCall(open, inner);
      }
      if (!this.eatAfterStray(')')) this.missing(`expected ')' to close the parenthesis`);
      return inner;
    }
    if (k === '[') {
      const s = this.start();
      this.advance();
      const items: Expr[] = [];
      this.parseList(items, ']', `expected ']' to close the list`, true);
      return { kind: 'List', items, range: { start: s, end: this.prevEnd } };
    }
    if (this.at('eof') || this.onNewLine() || this.startsStatement()) {
      const prev = this.i > 0 ? `'${this.ts.images[this.i - 1]}'` : 'here';
      this.problem('expected-expression', `expected an expression after ${prev}`, this.here());
    } else {
      this.problem('expected-expression', `expected an expression, found ${this.ts.describe(this.i)}`, this.tokenRange());
    }
    return this.errorExpr();
  }

  private parseNumber(): Expr {
    const range = this.tokenRange();
    const text = this.ts.images[this.i]!;
    this.advance();
    const { value, unit } = splitNumber(text);
    if (unit === undefined) return { kind: 'Number', value, text, range };
    const factor = unitFactor(unit);
    if (factor === undefined) {
      this.problem(
        'unexpected-token',
        `unknown unit '${unit}' in '${text}' (units: ${unitList}; put a space or an operator between a number and a name)`,
        range,
      );
      return { kind: 'Number', value, unit, text, range };
    }
    return { kind: 'Number', value: unit === '%' ? value / 100 : value * factor, unit, text, range };
  }

  /** Items of a list or shape after the opening bracket, up to and including `close`. */
  private parseList(items: Expr[], close: string, missingMessage: string, argValues: boolean): void {
    for (;;) {
      if (this.eat(close)) return;
      if (!this.canStartOperand()) {
        if (this.at(',')) {
          this.problem('expected-expression', `expected an expression before ','`, this.tokenRange());
          this.skip();
          continue;
        }
        this.missing(missingMessage);
        return;
      }
      const before = this.i;
      items.push(argValues ? this.parseArgValue() : this.parseExpr());
      if (this.i === before) return;
      if (this.eat(',')) continue;
      if (this.eat(close)) return;
      if (this.canStartOperand()) {
        this.missing(`expected ',' between the items`);
        continue;
      }
      this.missing(missingMessage);
      return;
    }
  }

  /** An argument's value: an expression, a range `a..b` or a chain `a -> b -> c`. */
  private parseArgValue(): Expr {
    const s = this.exprStart();
    const first = this.parseExpr();
    if (this.at('..')) {
      this.advance();
      const to = this.parseExpr();
      return { kind: 'Range', from: first, to, range: { start: s, end: this.prevEnd } };
    }
    if (this.at('->')) {
      const items = [first];
      while (this.eat('->')) items.push(this.parseExpr());
      return { kind: 'Chain', items, range: { start: s, end: this.prevEnd } };
    }
    return first;
  }

  private parseCall(callee: Expr, s: number): Call {
    const open = this.start();
    this.advance();
    const call: Call = { kind: 'Call', callee, args: [], parens: { start: open, end: open }, range: { start: s, end: s } };
    return this.finishCall(call);
  }

  /** The arguments of a call after its `(` (and any already in `call.args`), through the `)`. */
  private finishCall(call: Call): Call {
    const label = calleeLabel(call.callee);
    const args = call.args;
    const frame = { open: this.i - 1, extraOpen: 0 };
    this.callFrames.push(frame);
    this.parenDepth++;
    for (;;) {
      if (this.eat(')')) break;
      if (this.atNamedArgWithoutColon()) {
        args.push(this.parseNamedArgWithoutColon());
      } else if (this.canStartOperand()) {
        const before = this.i;
        args.push(this.parseArg());
        if (this.i === before) {
          this.skip();
          continue;
        }
        if (this.at('=')) this.fixEqualsArg(args);
      } else if (this.at(',')) {
        this.problem('expected-expression', `expected an argument before ','`, this.tokenRange());
        this.skip();
        continue;
      } else if (this.endsCall(label)) {
        break;
      } else {
        continue;
      }
      // After an argument.
      if (this.eat(',')) continue;
      if (this.eat(')')) break;
      if (this.canStartOperand()) {
        this.missing(`expected ',' between the arguments of ${label}`);
        continue;
      }
      if (this.endsCall(label)) break;
    }
    this.callFrames.pop();
    this.parenDepth--;
    // The `)` of each doubled `(` inside (see parsePrimary) closes nothing: step over it quietly
    // — if it is there, i.e. the statement has more `)` than the parentheses still open need.
    for (let n = frame.extraOpen; n > 0 && this.at(')') && this.excessClosers() > this.parenDepth; n--) this.skip();
    call.parens!.end = this.prevEnd;
    call.range.end = this.prevEnd;
    return call;
  }

  /**
   * At a token that can be no argument: true (after reporting the missing `)`) where the call
   * evidently ended — end of file, a brace, the next statement, a new line — else the token is
   * reported, skipped, and false returned.
   */
  private endsCall(label: string): boolean {
    const k = this.kind();
    if (k === 'eof' || k === '}' || k === '{' || k === ']' || k === ';' || this.startsStatement() || this.onNewLine()) {
      this.missing(`expected ')' to close the call to ${label}`);
      return true;
    }
    this.problem('unexpected-token', `unexpected ${this.ts.describe(this.i)} in the arguments of ${label}`, this.tokenRange());
    this.skip();
    return false;
  }

  /** `)` minus `(` from here to the end of the statement. */
  private excessClosers(): number {
    let net = 0;
    for (let j = this.i; ; j++) {
      const k = this.ts.kinds[j];
      if (k === 'eof' || k === '}' || k === '{' || this.startsStatement(j)) return net;
      if (k === ')') net++;
      else if (k === '(') net--;
    }
  }

  /** `lr 0.1)` / `steps 5,` — a name and a value on one line: a named argument without its `:`. */
  private atNamedArgWithoutColon(): boolean {
    if (!this.isName() || this.onNewLine()) return false;
    const v = this.kind(this.i + 1);
    const after = this.kind(this.i + 2);
    return (v === 'number' || v === 'string') && (after === ',' || after === ')');
  }

  private parseNamedArgWithoutColon(): Arg {
    const name = this.ident();
    this.advance();
    this.missing(`expected ':' after '${name.name}'`);
    const value = this.parseArgValue();
    return { kind: 'Arg', name, value, range: { start: name.range.start, end: this.prevEnd } };
  }

  /** `lr = 0.1` inside a call: one problem, then read it as the named argument `lr: 0.1`. */
  private fixEqualsArg(args: Arg[]): void {
    const last = args[args.length - 1];
    const eqRange = this.tokenRange();
    if (last && !last.name && last.value.kind === 'Ident') {
      this.problem('unexpected-token', `named arguments are written '${last.value.name}: value', not '='`, eqRange);
      this.skip();
      const value = this.parseArgValue();
      args[args.length - 1] = { kind: 'Arg', name: last.value, value, range: { start: last.range.start, end: this.prevEnd } };
    } else {
      this.problem('unexpected-token', `unexpected '='`, eqRange);
      this.skip();
    }
  }

  private parseArg(): Arg {
    const s = this.start();
    if (this.isName() && this.kind(this.i + 1) === ':') {
      const name = this.ident();
      this.advance();
      this.advance();
      const value = this.parseArgValue();
      return { kind: 'Arg', name, value, range: { start: s, end: this.prevEnd } };
    }
    const value = this.parseArgValue();
    return { kind: 'Arg', value, range: { start: s, end: this.prevEnd } };
  }
}

/** How a callee is named in a message: `mlp`, `net.layer`, `the function`. */
function calleeLabel(e: Expr): string {
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'Member') {
    const obj = calleeLabel(e.object);
    return obj === 'the expression' ? e.property.name : `${obj}.${e.property.name}`;
  }
  if (e.kind === 'Call') return `${calleeLabel(e.callee)}(...)`;
  return 'the expression';
}

/** The value of a string token; `\"` and `\\` are escapes, any other backslash stays as written. */
function decodeString(image: string, closed: boolean): string {
  const inner = image.slice(1, closed ? -1 : undefined);
  if (!inner.includes('\\')) return inner;
  return inner.replace(/\\(["\\])/g, '$1');
}

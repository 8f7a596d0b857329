// The fast path for well-formed expressions: plain recursive descent over the token arrays that
// builds exactly the nodes the chevrotain rules of parser.ts build (same fields, same order,
// same ranges). Most of a program is expressions, and in the rules each operand descends through
// several chevrotain rule calls, alternations and loops. At anything the rules would report or
// recover from — a missing `)`, an unknown unit, `=` for `:`, nesting too deep — it gives up
// and the rules parse the expression from its start, so every problem and every recovery stays
// theirs. `test/syntax/fast-expressions.test.ts` holds the two equal on every input it tries.
import type { Arg, Call, Expr, Ident, NumberLit } from './ast.js';
import { identAt, MAX_DEPTH, numberAt, stringAt } from './node-helpers.js';
import { canStartOperandAt, startsStatementAt } from './parser-base.js';
import type { TokenStream } from './token-stream.js';

/** Tokens that continue an operand (member, call, index, power) or an expression (operators). */
const extendsOperand: ReadonlySet<string> = new Set(['.', '(', '[', '^', '*', '/', '+', '-']);

/** Thrown (never outside this file) where the rules must take over. */
const GIVE_UP = { giveUp: true };

let enabled = true;
/** Turns the fast path off (tests compare the parses with and without it). */
export function setFastExpressions(on: boolean): void {
  enabled = on;
}

export class FastExpressions {
  private ts!: TokenStream;
  /** The next token. */
  private j = 0;
  /** Where the expression read by the last `operand` ends (the index of its next token). */
  next = 0;
  /**
   * Items of the argument lists, lists and chains being read, innermost on top: each list is
   * copied out at its exact length when it closes, so no array grows by `push` (one that does
   * keeps room for 17 items) and none is allocated twice.
   */
  private readonly items: (Expr | Arg)[] = [];
  private top = 0;

  /**
   * The operand starting at token `from` with the parser at nesting `depth`, or undefined where
   * the rules must parse it. Tokens from `limit` on are not the parser's to consume.
   */
  operand(ts: TokenStream, from: number, limit: number, depth: number): Expr | undefined {
    if (!enabled) return undefined;
    this.ts = ts;
    this.j = from;
    this.top = 0;
    let e: Expr;
    try {
      e = this.readOperand(depth);
    } catch (x) {
      if (x === GIVE_UP) return undefined;
      throw x;
    }
    if (this.j > limit) return undefined;
    this.next = this.j;
    return e;
  }

  private kind(j = this.j): string {
    return this.ts.kind(j);
  }
  private prevEnd(): number {
    return this.ts.ends[this.j - 1]!;
  }
  /** Where an expression starts: only one that can start here is read. */
  private exprStart(): number {
    if (!canStartOperandAt(this.ts, this.j)) throw GIVE_UP;
    return this.ts.starts[this.j]!;
  }
  private expect(kind: string): void {
    if (this.ts.kind(this.j) !== kind) throw GIVE_UP;
    this.j++;
  }

  /** parser.ts `operand`: a lone atom, or an expression. */
  private readOperand(depth: number): Expr {
    if (depth >= MAX_DEPTH) throw GIVE_UP;
    if (!extendsOperand.has(this.kind(this.j + 1))) {
      const k = this.kind();
      if (k === 'number' || k === 'string' || (k === 'name' && !startsStatementAt(this.ts, this.j))) return this.primary(depth);
    }
    return this.expr(depth);
  }

  /** `expr`: terms joined by `+` and `-`. */
  private expr(depth: number): Expr {
    return this.operators(depth, true);
  }

  /** Left-associative operators over the next level: `+ -` over terms (`additive`), or `* /` over unaries (a term). */
  private operators(depth: number, additive: boolean): Expr {
    const s = this.exprStart();
    const a = additive ? '+' : '*';
    const b = additive ? '-' : '/';
    let left = additive ? this.operators(depth, false) : this.unary(depth);
    for (let k = this.kind(); k === a || k === b; k = this.kind()) {
      this.j++;
      const right = additive ? this.operators(depth, false) : this.unary(depth);
      left = { kind: 'Binary', op: k as '+' | '-' | '*' | '/', left, right, range: { start: s, end: this.prevEnd() } };
    }
    return left;
  }

  /** `unary`: `-x`, or an operand with its suffixes and a right-associative `^`. */
  private unary(depth: number): Expr {
    if (depth >= MAX_DEPTH) throw GIVE_UP;
    if (this.kind() === '-') {
      const s = this.ts.starts[this.j]!;
      this.j++;
      const operand = this.unary(depth + 1);
      return { kind: 'Unary', op: '-', operand, range: { start: s, end: this.prevEnd() } };
    }
    const s = this.exprStart();
    const base = this.postfix(depth + 1, s);
    if (this.kind() !== '^') return base;
    this.j++;
    const right = this.unary(depth + 1);
    return { kind: 'Binary', op: '^', left: base, right, range: { start: s, end: this.prevEnd() } };
  }

  /** The operand starting at `s` and its `.field`, `(args)` and `[index]` suffixes. */
  private postfix(depth: number, s: number): Expr {
    let e = this.primary(depth);
    for (;;) {
      const k = this.kind();
      if (k === '.') {
        this.j++;
        if (this.kind() !== 'name') throw GIVE_UP;
        const property = this.ident();
        e = { kind: 'Member', object: e, property, range: { start: s, end: this.prevEnd() } };
      } else if (k === '(') {
        const open = this.ts.starts[this.j]!;
        this.j++;
        const args = this.callArgs(depth);
        const end = this.prevEnd();
        e = { kind: 'Call', callee: e, args, parens: { start: open, end }, range: { start: s, end } } satisfies Call;
      } else if (k === '[') {
        this.j++;
        const index = this.readOperand(depth);
        this.expect(']');
        e = { kind: 'Index', object: e, index, range: { start: s, end: this.prevEnd() } };
      } else {
        return e;
      }
    }
  }

  private primary(depth: number): Expr {
    const j = this.j;
    switch (this.kind()) {
      case 'name':
        if (startsStatementAt(this.ts, j)) throw GIVE_UP;
        return this.ident();
      case 'number':
        return this.number();
      case 'string':
        return stringAt(this.ts, this.j++);
      case '(': {
        // `( argValue )`: the parentheses make no node.
        this.j++;
        const inner = this.argValue(depth);
        this.expect(')');
        return inner;
      }
      case '[': {
        const s = this.ts.starts[j]!;
        this.j++;
        const base = this.top;
        while (this.kind() !== ']') {
          this.push(this.argValue(depth));
          if (this.kind() !== ',') break;
          this.j++;
        }
        this.expect(']');
        return { kind: 'List', items: this.popFrom(base) as Expr[], range: { start: s, end: this.prevEnd() } };
      }
      default:
        throw GIVE_UP;
    }
  }

  private ident(): Ident {
    return identAt(this.ts, this.j++);
  }

  /** An unknown unit is a problem, the rules' to report. */
  private number(): NumberLit {
    const n = numberAt(this.ts, this.j);
    if (n === undefined) throw GIVE_UP;
    this.j++;
    return n;
  }

  /** `argValue`: an operand, a range `a..b` or a chain `a -> b -> c`. */
  private argValue(depth: number): Expr {
    const s = this.exprStart();
    return this.rangeOrChain(this.readOperand(depth), s, depth);
  }

  private rangeOrChain(first: Expr, s: number, depth: number): Expr {
    const k = this.kind();
    if (k === '..') {
      this.j++;
      const to = this.readOperand(depth);
      return { kind: 'Range', from: first, to, range: { start: s, end: this.prevEnd() } };
    }
    if (k !== '->') return first;
    const base = this.top;
    this.push(first);
    while (this.kind() === '->') {
      this.j++;
      this.push(this.readOperand(depth));
    }
    return { kind: 'Chain', items: this.popFrom(base) as Expr[], range: { start: s, end: this.prevEnd() } };
  }

  private push(x: Expr | Arg): void {
    this.items[this.top++] = x;
  }
  /** The items pushed since `base`, as an array of their own. */
  private popFrom(base: number): (Expr | Arg)[] {
    const out = this.items.slice(base, this.top);
    this.top = base;
    return out;
  }

  /** The arguments after a call's `(`, through its `)`: `name: value` or `value`, separated by commas. */
  private callArgs(depth: number): Arg[] {
    const base = this.top;
    while (this.kind() !== ')') {
      this.push(this.arg(depth));
      const k = this.kind();
      if (k === ',') this.j++;
      else if (k !== ')') throw GIVE_UP;
    }
    this.j++;
    return this.popFrom(base) as Arg[];
  }

  private arg(depth: number): Arg {
    const s = this.exprStart();
    let name: Ident | undefined;
    if (this.kind() === 'name' && this.kind(this.j + 1) === ':') {
      name = this.ident();
      this.j++;
    }
    const vs = this.exprStart();
    const value = this.rangeOrChain(this.readOperand(depth), vs, depth);
    return name
      ? { kind: 'Arg', name, value, range: { start: s, end: this.prevEnd() } }
      : { kind: 'Arg', value, range: { start: s, end: this.prevEnd() } };
  }
}

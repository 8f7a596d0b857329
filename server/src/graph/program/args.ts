// Reading declarations' arguments back from the tree: the checker has already validated every
// option (types, ranges, required ones), so this only evaluates what it accepted — constants,
// flags, names, ranges — with the same defaults as docs/language.md.
import type { Arg, Call, Expr } from '../../syntax/ast.js';

export class LoweringError extends Error {}

/** The named argument `name`, or a bare flag `name` written as a positional identifier. */
export function argOf(call: Call, name: string): Expr | undefined {
  for (const a of call.args) if (a.name?.name === name) return a.value;
  return undefined;
}

export function flagOf(call: Call, name: string): boolean {
  for (const a of call.args) {
    if (!a.name && a.value.kind === 'Ident' && a.value.name === name) return true;
    if (a.name?.name === name) return a.value.kind === 'Ident' ? a.value.name !== 'false' : true;
  }
  return false;
}

export function positional(call: Call): Arg[] {
  return call.args.filter((a) => !a.name);
}

const CONSTANTS: Record<string, number> = { pi: Math.PI };
const UNARY: Record<string, (x: number) => number> = {
  exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs, sq: (x) => x * x, tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), relu: (x) => Math.max(0, x), softplus: (x) => Math.log1p(Math.exp(x)), stop: (x) => x,
};

/** A constant expression (numbers, pi, arithmetic, element-wise built-ins), or undefined. */
export function constValue(e: Expr): number | undefined {
  switch (e.kind) {
    case 'Number':
      return e.value;
    case 'Ident':
      return CONSTANTS[e.name];
    case 'Unary': {
      const v = constValue(e.operand);
      return v === undefined ? undefined : -v;
    }
    case 'Binary': {
      const a = constValue(e.left);
      const b = constValue(e.right);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return a / b;
        case '^': return a ** b;
      }
      return undefined;
    }
    case 'Call': {
      if (e.callee.kind !== 'Ident' || e.args.length !== 1 || e.args[0]!.name) return undefined;
      const f = UNARY[e.callee.name];
      const v = constValue(e.args[0]!.value);
      return f !== undefined && v !== undefined ? f(v) : undefined;
    }
    default:
      return undefined;
  }
}

export function numberArg(call: Call, name: string, dflt: number): number {
  const e = argOf(call, name);
  const v = e ? constValue(e) : undefined;
  return v ?? dflt;
}

export function rangeArg(call: Call, name: string, dflt: [number, number]): [number, number] {
  const e = argOf(call, name);
  if (!e || e.kind !== 'Range') return dflt;
  const a = constValue(e.from);
  const b = constValue(e.to);
  return a === undefined || b === undefined ? dflt : [a, b];
}

/** `rows: a..b` as counts, or `a%..b%` resolved against `n` rows (the parser turned % into fractions). */
export function rowsArg(call: Call, n: number): [number, number] {
  const e = argOf(call, 'rows');
  if (!e || e.kind !== 'Range') return [0, n];
  const pct = (x: Expr) => x.kind === 'Number' && x.unit === '%';
  const a = constValue(e.from) ?? 0;
  const b = constValue(e.to) ?? n;
  return [pct(e.from) ? Math.round(n * a) : a, pct(e.to) ? Math.round(n * b) : b];
}

/** An identifier or string argument (a column name, an activation, a data name). */
export function nameArg(call: Call, name: string): string | undefined {
  const e = argOf(call, name);
  if (!e) return undefined;
  if (e.kind === 'Ident') return e.name;
  if (e.kind === 'String') return e.value;
  return undefined;
}

export function stringPositional(call: Call, index: number): string | undefined {
  const a = positional(call)[index];
  return a && a.value.kind === 'String' ? a.value.value : undefined;
}

/** An expression written back as source text (names of unnamed reports). */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'Number':
      return e.text;
    case 'String':
      return JSON.stringify(e.value);
    case 'Ident':
      return e.name;
    case 'Member':
      return `${exprText(e.object)}.${e.property.name}`;
    case 'Index':
      return `${exprText(e.object)}[${exprText(e.index)}]`;
    case 'Unary':
      return `-${exprText(e.operand)}`;
    case 'Binary':
      return `${exprText(e.left)} ${e.op} ${exprText(e.right)}`;
    case 'Call':
      return `${exprText(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : '') + exprText(a.value)).join(', ')})`;
    case 'Range':
      return `${exprText(e.from)}..${exprText(e.to)}`;
    case 'Chain':
      return e.items.map(exprText).join(' -> ');
    case 'List':
      return `[${e.items.map(exprText).join(', ')}]`;
    default:
      return '?';
  }
}

// Expressions of a checked program compiled to traced ops: arithmetic with NumPy broadcasting,
// the built-ins of docs/language.md, groups of parameter tensors (`sum(sq(net.weight))` acts on
// each member), model application with the `[B]`↔`[B, 1]` lifting rule, gathers
// (`w[train.index]`), data fields and `let`s. Constants fold to numbers.
import type { Call, Expr } from '../../syntax/ast.js';
import * as fn from '../composites.js';
import * as op from '../ops.js';
import { accuracy, crossEntropy } from '../nn/losses.js';
import type { Tracer, Value } from '../trace.js';
import { constValue, LoweringError } from './args.js';
import type { NetModel } from './nets.js';

/** A compiled value: a number, a tensor, a group of tensors, a model (or layer, or init copy), a data record. */
export type CV =
  | { readonly k: 'num'; readonly n: number }
  | { readonly k: 't'; readonly v: Value }
  | { readonly k: 'g'; readonly vs: readonly Value[] }
  | { readonly k: 'net'; readonly net: NetModel; readonly layer?: number; readonly init?: boolean }
  | { readonly k: 'rec'; readonly path: string };

export type GlobalKind = 'data' | 'model' | 'param';

/** What an expression can see. */
export interface Scope {
  readonly tracer: Tracer;
  /** A parameter tensor by the checker's name (`net.layer(1).weight`, `logwd`, `init(f).layer(2).bias`). */
  param(tensor: string): Value;
  /** A data field by path (`noisy.x`, `tasks.support.y`): a tensor, or a number for constants (`n`). */
  data(path: string): Value | number;
  /** Whether `path` names a record (e.g. `tasks.support`) rather than a field. */
  isRecord(path: string): boolean;
  readonly globals: ReadonlyMap<string, GlobalKind>;
  readonly nets: ReadonlyMap<string, NetModel>;
  readonly lets: Map<string, CV>;
}

const num = (n: number): CV => ({ k: 'num', n });
const ten = (v: Value): CV => ({ k: 't', v });

/** Compile `e`; the result of a loss or report must then go through `scalarOf`. */
export function compile(e: Expr, s: Scope): CV {
  const folded = constValue(e);
  if (folded !== undefined && e.kind !== 'Ident') return num(folded);
  switch (e.kind) {
    case 'Number':
      return num(e.value);
    case 'Ident':
      return ident(e.name, s);
    case 'Member':
      return member(compile(e.object, s), e.property.name, s);
    case 'Index': {
      const x = asTensor(value(compile(e.object, s), s), s, 'an indexed value');
      const i = asTensor(value(compile(e.index, s), s), s, 'an index');
      return ten(op.gather(x, i.dtype === 'int32' ? i : op.cast(i, 'int32')));
    }
    case 'Unary':
      return map1(value(compile(e.operand, s), s), (v) => op.neg(v), (n) => -n);
    case 'Binary':
      return binary(e.op, value(compile(e.left, s), s), value(compile(e.right, s), s));
    case 'Call':
      return call(e, s);
    default:
      throw new LoweringError(`cannot compile a ${e.kind} expression`);
  }
}

/** A scalar float32 Value (losses, reports, optimizer options that must be traced). */
export function scalarOf(c: CV, s: Scope, what: string): Value {
  const v = c.k === 'num' ? s.tracer.constant(c.n) : asTensor(value(c, s), s, what);
  if (v.shape.length !== 0) throw new LoweringError(`${what} must be a scalar, got [${v.shape.join(', ')}]`);
  return float(v);
}

/** A number or a float32 Value (optimizer options). */
export function operandOf(c: CV, s: Scope, what: string): op.Operand {
  return c.k === 'num' ? c.n : scalarOf(c, s, what);
}

function ident(name: string, s: Scope): CV {
  const l = s.lets.get(name);
  if (l) return l;
  switch (s.globals.get(name)) {
    case 'data':
      return { k: 'rec', path: name };
    case 'model': {
      const net = s.nets.get(name);
      if (!net) throw new LoweringError(`model ${name} was not built`);
      return { k: 'net', net };
    }
    case 'param':
      return ten(s.param(name));
    default:
      if (name === 'pi') return num(Math.PI);
      throw new LoweringError(`unknown name ${name}`);
  }
}

function member(o: CV, name: string, s: Scope): CV {
  if (o.k === 'rec') {
    const path = `${o.path}.${name}`;
    if (s.isRecord(path)) return { k: 'rec', path };
    const d = s.data(path);
    return typeof d === 'number' ? num(d) : ten(d);
  }
  if (o.k === 'net') {
    if (name === 'weight' || name === 'bias') return { k: 'g', vs: netTensors(o, s, name) };
    if (name === 'params') return { k: 'g', vs: netTensors(o, s) };
  }
  throw new LoweringError(`no member ${name}`);
}

function initName(net: NetModel, tensor: string): string {
  return `init(${net.info.name})${tensor.slice(net.info.name.length)}`;
}

function netTensors(n: CV & { k: 'net' }, s: Scope, member?: 'weight' | 'bias'): Value[] {
  const layers = n.layer === undefined ? n.net.info.layers : n.net.info.layers.filter((l) => l.index === n.layer);
  const names: string[] = [];
  for (const l of layers) {
    if (member !== 'bias') names.push(l.weight.name);
    if (member !== 'weight' && l.bias) names.push(l.bias.name);
  }
  return names.map((t) => s.param(n.init ? initName(n.net, t) : t));
}

/** Models used as values are the group of their tensors. */
function value(c: CV, s: Scope): CV {
  if (c.k === 'net') return { k: 'g', vs: netTensors(c, s) };
  if (c.k === 'rec') throw new LoweringError(`data ${c.path} is a record, not a value`);
  return c;
}

function asTensor(c: CV, s: Scope, what: string): Value {
  if (c.k === 'num') return s.tracer.constant(c.n);
  if (c.k === 't') return c.v;
  throw new LoweringError(`${what} must be a tensor`);
}

const float = (v: Value): Value => (v.dtype === 'float32' ? v : op.cast(v, 'float32'));

function map1(c: CV, f: (v: Value) => Value, g?: (n: number) => number): CV {
  switch (c.k) {
    case 'num':
      if (g) return num(g(c.n));
      throw new LoweringError('a constant is not allowed here');
    case 't':
      return ten(f(float(c.v)));
    case 'g':
      return { k: 'g', vs: c.vs.map((v) => f(float(v))) };
    default:
      throw new LoweringError('expected a value');
  }
}

const BIN: Record<string, [(a: op.Operand, b: op.Operand) => Value, (a: number, b: number) => number]> = {
  '+': [op.add, (a, b) => a + b],
  '-': [op.sub, (a, b) => a - b],
  '*': [op.mul, (a, b) => a * b],
  '/': [op.div, (a, b) => a / b],
  '^': [op.pow, (a, b) => a ** b],
};

function binary(o: string, l: CV, r: CV): CV {
  const [f, g] = BIN[o]!;
  const operand = (c: CV): op.Operand => (c.k === 'num' ? c.n : float((c as { v: Value }).v));
  if (l.k === 'num' && r.k === 'num') return num(g(l.n, r.n));
  if (l.k === 'g' && r.k === 'g') {
    if (l.vs.length !== r.vs.length) throw new LoweringError(`'${o}' on groups of ${l.vs.length} and ${r.vs.length} tensors`);
    return { k: 'g', vs: l.vs.map((v, i) => f(float(v), float(r.vs[i]!))) };
  }
  if (l.k === 'g') return { k: 'g', vs: l.vs.map((v) => f(float(v), operand(r))) };
  if (r.k === 'g') return { k: 'g', vs: r.vs.map((v) => f(operand(l), float(v))) };
  if ((l.k === 't' || l.k === 'num') && (r.k === 't' || r.k === 'num')) return ten(f(operand(l), operand(r)));
  throw new LoweringError(`'${o}' needs values`);
}

const UNARY: Record<string, [(v: Value) => Value, (n: number) => number]> = {
  exp: [op.exp, Math.exp],
  log: [op.log, Math.log],
  sqrt: [op.sqrt, Math.sqrt],
  abs: [op.abs, Math.abs],
  sigmoid: [op.sigmoid, (x) => 1 / (1 + Math.exp(-x))],
  tanh: [op.tanh, Math.tanh],
  relu: [op.relu, (x) => Math.max(0, x)],
  softplus: [op.softplus, (x) => Math.log1p(Math.exp(x))],
  sq: [fn.square, (x) => x * x],
  stop: [op.stopGradient, (x) => x],
  softmax: [(v) => fn.softmax(v), () => 1],
  log_softmax: [(v) => fn.logSoftmax(v), () => 0],
};

const count = (v: Value): number => v.shape.reduce((p, d) => p * d, 1);

function reduce(name: string, c: CV, axis: number | undefined): CV {
  const one = (v: Value): Value => {
    const ax = axis === undefined ? undefined : axis < 0 ? v.rank + axis : axis;
    if (name === 'sum') return op.sum(v, ax);
    if (name === 'mean') return fn.mean(v, ax);
    return op.max(v, ax);
  };
  if (c.k === 'num') return c;
  if (c.k === 't') return ten(one(float(c.v)));
  if (c.k !== 'g') throw new LoweringError(`${name} needs a value`);
  if (axis !== undefined) return { k: 'g', vs: c.vs.map((v) => one(float(v))) };
  // A whole group reduces over all its scalars.
  if (name === 'sum') return ten(c.vs.map((v) => op.sum(float(v))).reduce((a, b) => op.add(a, b)));
  if (name === 'mean') return ten(op.div(c.vs.map((v) => op.sum(float(v))).reduce((a, b) => op.add(a, b)), c.vs.reduce((n, v) => n + count(v), 0)));
  return ten(c.vs.map((v) => op.max(float(v))).reduce((a, b) => fn.maximum(a, b)));
}

function sumSquares(c: CV, s: Scope): Value {
  if (c.k === 'num') return s.tracer.constant(c.n * c.n);
  const vs = c.k === 'g' ? c.vs : [asTensor(c, s, 'norm')];
  return vs.map((v) => op.sum(fn.square(float(v)))).reduce((a, b) => op.add(a, b));
}

function call(e: Call, s: Scope): CV {
  const callee = e.callee;
  const pos = e.args.filter((a) => !a.name).map((a) => a.value);
  if (callee.kind === 'Member' && callee.property.name === 'layer') {
    const o = compile(callee.object, s);
    const i = constValue(pos[0]!);
    if (o.k !== 'net' || i === undefined) throw new LoweringError('layer(i) needs a model and a number');
    return { ...o, layer: i };
  }
  if (callee.kind !== 'Ident') throw new LoweringError('only built-ins and models can be called');
  const name = callee.name;
  const target = s.lets.get(name) ?? (s.globals.get(name) === 'model' ? ident(name, s) : undefined);
  if (target && target.k === 'net') return applyNet(target, compile(pos[0]!, s), s);
  if (name === 'init') {
    const m = pos[0];
    if (m?.kind !== 'Ident') throw new LoweringError('init needs a model name');
    const n = ident(m.name, s);
    if (n.k !== 'net') throw new LoweringError('init needs a model');
    return { ...n, init: true };
  }
  const args = pos.map((a) => value(compile(a, s), s));
  const a0 = args[0]!;
  const u = UNARY[name];
  if (u) return map1(a0, u[0], u[1]);
  if (name === 'sum' || name === 'mean' || name === 'max') {
    const axE = e.args.find((a) => a.name?.name === 'axis')?.value;
    const axis = axE ? constValue(axE) : undefined;
    return reduce(name, a0, axis);
  }
  switch (name) {
    case 'norm':
      return ten(op.sqrt(sumSquares(a0, s)));
    case 'sqdist':
      return ten(sumSquares(binary('-', a0, args[1]!), s));
    case 'mse': {
      const d = binary('-', a0, args[1]!);
      return ten(fn.mean(fn.square(asTensor(d, s, 'mse'))));
    }
    case 'cross_entropy':
    case 'accuracy': {
      const logits = float(asTensor(a0, s, `${name} logits`));
      let labels = asTensor(args[1]!, s, `${name} labels`);
      if (labels.dtype !== 'int32') labels = op.cast(labels, 'int32');
      return ten(name === 'accuracy' ? accuracy(logits, labels) : crossEntropy(logits, labels));
    }
    default:
      throw new LoweringError(`unknown built-in ${name}`);
  }
}

/** `net(x)`: [B, IN] → [B, OUT]; a model with IN = 1 takes [B] as [B, 1], and with OUT = 1 then returns [B]. */
function applyNet(n: CV & { k: 'net' }, xc: CV, s: Scope): CV {
  let x = float(asTensor(value(xc, s), s, 'a model input'));
  const info = n.net.info;
  const lifted = x.rank === 1 && info.inWidth === 1;
  if (lifted) x = op.reshape(x, [x.shape[0]!, 1]);
  const read = (t: string): Value => s.param(n.init ? initName(n.net, t) : t);
  if (info.arch && n.init) throw new LoweringError(`init(${info.name}) of a mixture cannot be applied`);
  let y = n.net.apply(x, read);
  if (lifted && info.outWidth === 1) y = op.reshape(y, [y.shape[0]!]);
  return ten(y);
}

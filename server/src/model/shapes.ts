// Shapes of expressions: NumPy broadcasting, reductions with `axis`, gathers by index, groups
// of parameter tensors (`net.weight`, `init(f)`), model application with the `[B]`-to-`[B, 1]`
// lifting rule, and the built-ins of docs/language.md. Inference also records what each
// expression reads (parameter tensors, data fields) — the dependency edges are built from it.

import type { Arg, Call, Expr, Ident, Member, NumberLit } from '../syntax/ast.js';
import { suggestionSuffix } from './diagnostics.js';
import type { CheckContext } from './context.js';
import { formatShape, makeTensor, type BatchRead, type Dim, type FieldInfo, type NetInfo, type Shape, type TensorInfo } from './info.js';
import { didYouMean } from './similar.js';
import { builtinConstants, elementwise, reductions, sizeUnits } from './specs.js';
import { describeKind, type LevelScope, type Sym } from './symbols.js';

export type VType =
  | { k: 'tensor'; shape: Shape; int?: boolean; bound?: Dim; value?: number }
  | { k: 'group'; members: Shape[] }
  | { k: 'record'; data: string; path: string; fields: Record<string, FieldInfo> }
  /** A model, one of its layers, or its initial copy: callable (whole model) or a group. */
  | { k: 'net'; net: NetInfo; layer?: number; init?: boolean }
  /** Something already reported: stays quiet. */
  | { k: 'unknown' };

export const UNKNOWN: VType = { k: 'unknown' };

const elementwiseSet: ReadonlySet<string> = new Set(elementwise);
const reductionSet: ReadonlySet<string> = new Set(reductions);
/** Built-ins of one argument besides the elementwise ones and the reductions. */
const unaryBuiltins: ReadonlySet<string> = new Set(['softmax', 'log_softmax', 'norm', 'stop']);
export const scalar = (value?: number): VType => (value === undefined ? { k: 'tensor', shape: [] } : { k: 'tensor', shape: [], value });

export type ExprPlace = 'loss' | 'optimizer' | 'report' | 'init' | 'const';

export interface LetInfo {
  type: VType;
  refs: Set<string>;
  reads: BatchRead[];
}

/** Where an expression stands and what it has read so far. */
export interface ExprEnv {
  place: ExprPlace;
  scope?: LevelScope;
  /** Keys of parameter tensors read (TensorInfo.name). */
  refs: Set<string>;
  /** Data fields read, by `data.field`. */
  reads: Map<string, BatchRead>;
  lets: ReadonlyMap<Sym, LetInfo>;
  /** For MLO049: what must be constant here ("a param initialiser"). */
  constWhat?: string;
  /** Models and params read, with the first range where each is read (for MLO031). */
  used?: Map<string, Ident>;
}

const noLets: ReadonlyMap<Sym, LetInfo> = new Map();

export function newEnv(place: ExprPlace, extra: Partial<Pick<ExprEnv, 'scope' | 'lets' | 'constWhat' | 'used'>> = {}): ExprEnv {
  // Every env has the same fields in the same order, so the checker's reads of them stay
  // monomorphic; the level's own `lets` map, when given, is not allocated twice.
  return { place, scope: extra.scope, refs: new Set(), reads: new Map(), lets: extra.lets ?? noLets, constWhat: extra.constWhat, used: extra.used };
}

// ------------------------------------------------------------------ shape algebra

/** NumPy broadcasting; unknown dims agree with anything. Undefined when incompatible. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db) out.push(da);
    else if (da === 1) out.push(db);
    else if (db === 1) out.push(da);
    else if (da === null) out.push(db);
    else if (db === null) out.push(da);
    else return undefined;
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

export function isScalarShape(s: Shape): boolean {
  return s.length === 0;
}

export function formatType(t: VType): string {
  switch (t.k) {
    case 'tensor': return formatShape(t.shape);
    case 'group': return t.members.length === 1 ? `a group of ${formatShape(t.members[0]!)}` : `a group of ${t.members.length} tensors`;
    case 'record': return `data '${t.path}'`;
    case 'net': return 'a model';
    case 'unknown': return '?';
  }
}

function initName(net: NetInfo, name: string): string {
  return `init(${net.name})${name.slice(net.name.length)}`;
}

/** The tensors of a model, one layer, or their initial copies; `member` picks weights or biases. */
export function netTensors(net: NetInfo, opts: { layer?: number; init?: boolean; member?: 'weight' | 'bias' } = {}): TensorInfo[] {
  const layers = opts.layer === undefined ? net.layers : net.layers.filter((l) => l.index === opts.layer);
  const out: TensorInfo[] = [];
  for (const l of layers) {
    if (opts.member !== 'bias') out.push(l.weight);
    if (opts.member !== 'weight' && l.bias) out.push(l.bias);
  }
  return opts.init ? out.map((t) => makeTensor(initName(net, t.name), t.shape, t.declaredBy, true)) : out;
}

// ------------------------------------------------------------------ inference

export class ShapeChecker {
  constructor(private readonly ctx: CheckContext) {}

  /** Infers the type of `e`, reporting problems; records reads in `env`. */
  infer(e: Expr, env: ExprEnv): VType {
    switch (e.kind) {
      case 'Number':
        return this.number(e);
      case 'String':
        this.ctx.report('MLO043', e.range, { callee: env.constWhat ?? 'expression', problem: 'a string is not a value here' });
        return UNKNOWN;
      case 'Ident':
        return this.ident(e, env);
      case 'Member':
        return this.member(e, env);
      case 'Call':
        return this.call(e, env);
      case 'Index':
        return this.index(e, env);
      case 'Unary': {
        const t = this.value(this.infer(e.operand, env), e.operand, env);
        if (t.k === 'tensor' && t.value !== undefined) return { ...t, value: -t.value, int: false };
        return t.k === 'tensor' ? { k: 'tensor', shape: t.shape } : t;
      }
      case 'Binary': {
        const l = this.value(this.infer(e.left, env), e.left, env);
        const r = this.value(this.infer(e.right, env), e.right, env);
        return this.binary(e.op, l, r, e);
      }
      case 'Range':
      case 'Chain':
      case 'List':
        this.ctx.report('MLO043', e.range, { callee: 'expression', problem: `${e.kind === 'Range' ? 'a range' : e.kind === 'Chain' ? 'a layer chain' : 'a list'} is not a value here` });
        return UNKNOWN;
      case 'ErrorExpr':
        return UNKNOWN;
    }
  }

  /** Turns models into the group of their tensors (recording the read) and rejects data records. */
  value(t: VType, node: Expr, env: ExprEnv): VType {
    if (t.k === 'net') {
      const ts = netTensors(t.net, { layer: t.layer, init: t.init });
      for (const x of ts) env.refs.add(x.name);
      return { k: 'group', members: ts.map((x) => x.shape) };
    }
    if (t.k === 'record') {
      const fields = Object.keys(t.fields);
      this.ctx.report('MLO014', node.range, { name: this.ctx.textOf(node.range), actual: 'data', expected: `a tensor: read a field (${fields.map((f) => `${t.path}.${f}`).join(', ')})` });
      return UNKNOWN;
    }
    return t;
  }

  private number(e: NumberLit): VType {
    // The parser has applied the unit's factor already (80% → 0.8, 1KiB → 1024).
    if (!e.unit || e.unit === '%') return scalar(e.value);
    if (e.unit in sizeUnits) this.ctx.report('MLO057', e.range, { unit: e.unit });
    return scalar(e.value);
  }

  private ident(e: Ident, env: ExprEnv): VType {
    const sym = this.ctx.symbols.lookup(e.name, env.scope);
    if (!sym) {
      const s = didYouMean(e.name, this.ctx.symbols.namesInScope(env.scope));
      this.ctx.report('MLO012', e.range, { name: e.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
      return UNKNOWN;
    }
    this.ctx.symbols.reference(e, sym);
    switch (sym.kind) {
      case 'let': {
        const info = env.lets.get(sym);
        if (!info) return UNKNOWN;
        for (const r of info.refs) env.refs.add(r);
        for (const r of info.reads) env.reads.set(`${r.data}.${r.field}`, r);
        return info.type;
      }
      case 'constant':
        return scalar(builtinConstants[sym.name]);
      case 'data': {
        const d = this.ctx.data.get(sym.name);
        return d ? { k: 'record', data: d.name, path: d.name, fields: d.fields } : UNKNOWN;
      }
      case 'param': {
        if (env.place === 'const' || env.place === 'init') {
          this.ctx.report('MLO049', e.range, { what: env.constWhat ?? 'this value', name: e.name });
          return UNKNOWN;
        }
        const p = this.ctx.params.get(sym.name);
        if (!p) return UNKNOWN;
        env.refs.add(p.name);
        if (env.used && !env.used.has(p.name)) env.used.set(p.name, e);
        return { k: 'tensor', shape: p.shape };
      }
      case 'model': {
        if (env.place === 'const' || env.place === 'init') {
          this.ctx.report('MLO049', e.range, { what: env.constWhat ?? 'this value', name: e.name });
          return UNKNOWN;
        }
        const n = this.ctx.nets.get(sym.name);
        if (!n) return UNKNOWN;
        if (env.used && !env.used.has(n.name)) env.used.set(n.name, e);
        return { k: 'net', net: n };
      }
      case 'level':
        this.ctx.report('MLO014', e.range, { name: e.name, actual: 'a level', expected: 'a value' });
        return UNKNOWN;
      case 'function':
        this.ctx.report('MLO014', e.range, { name: e.name, actual: 'a built-in function', expected: `a value (call it: ${e.name}(...))` });
        return UNKNOWN;
    }
  }

  private member(e: Member, env: ExprEnv): VType {
    const obj = this.infer(e.object, env);
    const name = e.property.name;
    if (obj.k === 'unknown') return UNKNOWN;
    if (obj.k === 'record') {
      const f = obj.fields[name];
      if (!f) {
        const fields = Object.keys(obj.fields);
        const s = didYouMean(name, fields);
        this.ctx.report('MLO013', e.property.range, { owner: `data '${obj.path}'`, what: 'field', name, suggestion: s ? suggestionSuffix(s) : `; its fields are ${fields.join(', ')}` }, s ? { data: { replacement: s } } : {});
        return UNKNOWN;
      }
      const path = `${obj.path}.${name}`;
      if (f.kind === 'fields') return { k: 'record', data: obj.data, path, fields: f.fields };
      if (f.constant && f.value === undefined) return UNKNOWN; // e.g. `n` of an unreadable file: already reported
      if (f.value === undefined) {
        if (env.place === 'const' || env.place === 'init') {
          this.ctx.report('MLO049', e.range, { what: env.constWhat ?? 'this value', name: path });
          return UNKNOWN;
        }
        const field = path.slice(obj.data.length + 1);
        env.reads.set(path, { data: obj.data, field, shape: f.shape });
      }
      return { k: 'tensor', shape: f.shape, ...(f.int ? { int: true } : {}), ...(f.bound !== undefined ? { bound: f.bound } : {}), ...(f.value !== undefined ? { value: f.value } : {}) };
    }
    if (obj.k === 'net') {
      if (name === 'weight' || name === 'bias') {
        const ts = netTensors(obj.net, { layer: obj.layer, init: obj.init, member: name });
        for (const t of ts) env.refs.add(t.name);
        return { k: 'group', members: ts.map((t) => t.shape) };
      }
      if (name === 'params' && obj.layer === undefined) return this.value(obj, e, env);
      const members = obj.layer === undefined ? ['weight', 'bias', 'params', 'layer'] : ['weight', 'bias'];
      const s = didYouMean(name, members);
      const owner = obj.layer === undefined ? `model '${obj.net.name}'` : `layer ${obj.layer} of '${obj.net.name}'`;
      this.ctx.report('MLO013', e.property.range, { owner, what: 'member', name, suggestion: s ? suggestionSuffix(s) : `; its members are ${members.join(', ')}` }, s ? { data: { replacement: s } } : {});
      return UNKNOWN;
    }
    this.ctx.report('MLO013', e.property.range, { owner: formatType(obj), what: 'member', name, suggestion: '' });
    return UNKNOWN;
  }

  private index(e: Expr & { kind: 'Index' }, env: ExprEnv): VType {
    const obj = this.value(this.infer(e.object, env), e.object, env);
    const idx = this.value(this.infer(e.index, env), e.index, env);
    if (obj.k === 'unknown' || idx.k === 'unknown') return UNKNOWN;
    if (obj.k !== 'tensor' || obj.shape.length === 0) {
      this.ctx.report('MLO043', e.object.range, { callee: 'index', problem: `only a tensor with at least one dimension can be indexed; got ${formatType(obj)}` });
      return UNKNOWN;
    }
    if (idx.k !== 'tensor' || !idx.int || idx.shape.length !== 1) {
      this.ctx.report('MLO043', e.index.range, { callee: 'index', problem: `an index is a vector of row positions (like train.index); got ${formatType(idx)}${idx.k === 'tensor' && !idx.int ? ' of floats' : ''}` });
      return UNKNOWN;
    }
    const first = obj.shape[0]!;
    if (idx.bound !== undefined && idx.bound !== null && first !== null && idx.bound > first) {
      this.ctx.report('MLO040', e.range, { what: `positions 0..${idx.bound - 1} index a first dimension of ${first}`, left: formatShape(obj.shape), right: formatShape(idx.shape) });
      return UNKNOWN;
    }
    return { k: 'tensor', shape: [idx.shape[0]!, ...obj.shape.slice(1)] };
  }

  /** Operands whose shapes do not broadcast. (A method, not a closure in binary(): see OptionChecker.wrongValue.) */
  private shapeMismatch(op: string, node: Expr, a: Shape, b: Shape): VType {
    this.ctx.report('MLO040', node.range, { what: `'${op}'`, left: formatShape(a), right: formatShape(b) });
    return UNKNOWN;
  }

  binary(op: string, l: VType, r: VType, node: Expr): VType {
    if (l.k === 'unknown' || r.k === 'unknown') return UNKNOWN;
    if (l.k === 'tensor' && r.k === 'tensor') {
      const s = broadcast(l.shape, r.shape);
      if (!s) return this.shapeMismatch(op, node, l.shape, r.shape);
      if (l.value !== undefined && r.value !== undefined) return scalar(applyOp(op, l.value, r.value));
      return { k: 'tensor', shape: s };
    }
    if (l.k === 'group' && r.k === 'group') {
      if (l.members.length !== r.members.length) {
        this.ctx.report('MLO040', node.range, { what: `'${op}' on groups`, left: formatType(l), right: formatType(r) });
        return UNKNOWN;
      }
      const out: Shape[] = [];
      for (let i = 0; i < l.members.length; i++) {
        const s = broadcast(l.members[i]!, r.members[i]!);
        if (!s) return this.shapeMismatch(op, node, l.members[i]!, r.members[i]!);
        out.push(s);
      }
      return { k: 'group', members: out };
    }
    if ((l.k === 'group' && r.k === 'tensor') || (l.k === 'tensor' && r.k === 'group')) {
      const g = l.k === 'group' ? l : (r as { k: 'group'; members: Shape[] });
      const t = l.k === 'tensor' ? l : (r as { k: 'tensor'; shape: Shape });
      const out: Shape[] = [];
      for (const m of g.members) {
        const s = broadcast(m, t.shape);
        if (!s) return l.k === 'group' ? this.shapeMismatch(op, node, m, t.shape) : this.shapeMismatch(op, node, t.shape, m);
        out.push(s);
      }
      return { k: 'group', members: out };
    }
    return UNKNOWN;
  }

  // ---------------------------------------------------------------- calls

  private call(e: Call, env: ExprEnv): VType {
    const callee = e.callee;
    // net.layer(i)
    if (callee.kind === 'Member' && callee.property.name === 'layer') {
      const obj = this.infer(callee.object, env);
      if (obj.k === 'unknown') return UNKNOWN;
      if (obj.k === 'net' && obj.layer === undefined) return this.layer(obj.net, obj.init ?? false, e, env);
    }
    if (callee.kind !== 'Ident') {
      const t = this.infer(callee, env);
      if (t.k !== 'unknown') this.ctx.report('MLO043', callee.range, { callee: this.ctx.textOf(callee.range), problem: `${formatType(t)} cannot be called` });
      return UNKNOWN;
    }
    const sym = this.ctx.symbols.lookup(callee.name, env.scope);
    if (!sym) {
      const s = didYouMean(callee.name, this.ctx.symbols.namesInScope(env.scope));
      this.ctx.report('MLO012', callee.range, { name: callee.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
      for (const a of e.args) this.infer(a.value, env);
      return UNKNOWN;
    }
    this.ctx.symbols.reference(callee, sym);
    if (sym.kind === 'model') {
      if (env.place === 'const' || env.place === 'init') {
        this.ctx.report('MLO049', callee.range, { what: env.constWhat ?? 'this value', name: callee.name });
        return UNKNOWN;
      }
      const net = this.ctx.nets.get(sym.name);
      if (env.used && net && !env.used.has(net.name)) env.used.set(net.name, callee);
      return this.apply(net, callee.name, e, env);
    }
    if (sym.kind === 'let') {
      const info = env.lets.get(sym);
      if (info?.type.k === 'net' && info.type.layer === undefined && !info.type.init) return this.apply(info.type.net, callee.name, e, env);
    }
    if (sym.kind !== 'function') {
      this.ctx.report('MLO014', callee.range, { name: callee.name, actual: describeKind(sym.kind), expected: 'a function or a model' });
      for (const a of e.args) this.infer(a.value, env);
      return UNKNOWN;
    }
    return this.builtin(callee.name, e, env);
  }

  private layer(net: NetInfo, init: boolean, e: Call, env: ExprEnv): VType {
    if (e.args.length !== 1 || e.args[0]!.name) {
      this.ctx.report('MLO016', e.range, { callee: 'layer', expected: 'one layer number', actual: `${e.args.length} arguments` });
      return UNKNOWN;
    }
    const v = this.constant(e.args[0]!.value, env, 'a layer number');
    if (v === undefined) return UNKNOWN;
    if (!Number.isInteger(v) || v < 1 || v > net.layers.length) {
      const n = net.layers.length;
      this.ctx.report('MLO017', e.args[0]!.value.range, { model: net.name, count: n, s: n === 1 ? '' : 's', index: v });
      return UNKNOWN;
    }
    return { k: 'net', net, layer: v, init };
  }

  /**
   * A constant number, or undefined after reporting why not. `env` only lends its level scope
   * (none for a top-level constant): the plain-number fast path then allocates nothing.
   */
  constant(e: Expr, env: ExprEnv | undefined, what: string): number | undefined {
    // Fast path: most constants are plain numbers.
    if (e.kind === 'Number' && (!e.unit || e.unit === '%')) return e.value;
    const t = this.infer(e, newEnv('const', { scope: env?.scope, constWhat: what }));
    if (t.k === 'unknown') return undefined;
    if (t.k !== 'tensor' || t.value === undefined) {
      this.ctx.report('MLO049', e.range, { what, name: this.ctx.textOf(e.range) });
      return undefined;
    }
    return t.value;
  }

  /** `net(x)`: [B, IN] → [B, OUT]; with IN = 1 also [B] → [B, OUT], and then OUT = 1 gives [B]. */
  private apply(net: NetInfo | undefined, name: string, e: Call, env: ExprEnv): VType {
    const positional = positionalArgs(e.args);
    if (positional !== e.args) for (const a of e.args) if (a.name) this.ctx.report('MLO050', a.name.range, { name: a.name.name, callee: `model '${name}'`, suggestion: '' });
    if (positional.length !== 1) {
      this.ctx.report('MLO016', e.range, { callee: name, expected: 'one input', actual: `${positional.length}` });
      for (const a of positional) this.infer(a.value, env);
      return UNKNOWN;
    }
    const x = this.value(this.infer(positional[0]!.value, env), positional[0]!.value, env);
    if (!net) return UNKNOWN;
    for (const t of net.tensors) env.refs.add(t.name);
    if (net.arch) {
      env.refs.add(net.arch);
      if (env.used && !env.used.has(net.arch) && e.callee.kind === 'Ident') env.used.set(net.arch, e.callee);
    }
    if (x.k === 'unknown') return UNKNOWN;
    if (x.k === 'tensor') {
      const s = x.shape;
      if (s.length === 2 && (s[1] === null || s[1] === net.inWidth)) return { k: 'tensor', shape: [s[0]!, net.outWidth] };
      if (s.length === 1 && net.inWidth === 1) return { k: 'tensor', shape: net.outWidth === 1 ? [s[0]!] : [s[0]!, net.outWidth] };
      this.ctx.report('MLO042', positional[0]!.value.range, { model: name, width: net.inWidth, shape: formatShape(s) });
      return UNKNOWN;
    }
    this.ctx.report('MLO042', positional[0]!.value.range, { model: name, width: net.inWidth, shape: formatType(x) });
    return UNKNOWN;
  }

  private builtin(name: string, e: Call, env: ExprEnv): VType {
    // (Built-ins are the most frequent calls: most have no named argument, and then no copy.)
    const positional = positionalArgs(e.args);
    const isReduction = reductionSet.has(name);
    let axisArg: Expr | undefined;
    if (positional !== e.args) for (const a of e.args) {
      if (!a.name) continue;
      const n = a.name.name;
      if (isReduction && n === 'axis' && !axisArg) axisArg = a.value;
      else {
        const s = isReduction ? didYouMean(n, ['axis']) : undefined;
        this.ctx.report('MLO050', a.name.range, { name: n, callee: `'${name}'`, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
      }
    }
    const arity = name === 'init' || isReduction || elementwiseSet.has(name) || unaryBuiltins.has(name) ? 1 : 2;
    if (positional.length !== arity) {
      this.ctx.report('MLO016', e.parens ?? e.range, { callee: name, expected: arity === 1 ? '1 argument' : '2 arguments', actual: String(positional.length) });
      if (name !== 'init') for (const a of positional) this.infer(a.value, env);
      return UNKNOWN;
    }
    if (name === 'normal' || name === 'uniform') {
      if (env.place !== 'init') {
        this.ctx.report('MLO046', e.callee.range, { name });
        return UNKNOWN;
      }
      for (const a of positional) this.constant(a.value, env, `the arguments of ${name}`);
      return { k: 'tensor', shape: [] };
    }
    if (name === 'init') return this.init(positional[0]!.value, env);
    if (name === 'accuracy' && env.place !== 'report') {
      this.ctx.report('MLO045', e.callee.range, { name, where: env.place === 'optimizer' ? 'an optimizer option' : env.place === 'loss' ? 'a loss' : 'a constant' });
      return UNKNOWN;
    }
    const args = positional.map((a) => this.value(this.infer(a.value, env), a.value, env));
    if (args.some((a) => a.k === 'unknown')) return UNKNOWN;
    const a0 = args[0]!;
    if (elementwiseSet.has(name) || name === 'stop' || name === 'softmax' || name === 'log_softmax') {
      if (a0.k === 'tensor') {
        if (a0.value !== undefined) {
          const v = foldUnary(name, a0.value);
          if (v !== undefined) return scalar(v);
        }
        return { k: 'tensor', shape: a0.shape };
      }
      if (name === 'softmax' || name === 'log_softmax') return this.wrongArg(name, positional[0]!.value, 'a tensor', a0);
      return a0;
    }
    if (isReduction) return this.reduce(a0, axisArg, env);
    if (name === 'norm') return a0.k === 'tensor' || a0.k === 'group' ? scalar() : UNKNOWN;
    const a1 = args[1]!;
    if (name === 'sqdist') {
      if (a0.k === 'tensor' && a1.k === 'tensor') return this.binary('-', a0, a1, e).k === 'unknown' ? UNKNOWN : scalar();
      if (a0.k === 'group' && a1.k === 'group') return this.binary('-', a0, a1, e).k === 'unknown' ? UNKNOWN : scalar();
      return this.wrongArg(name, positional[1]!.value, formatType(a0).startsWith('a group') ? 'a group like the first' : 'a tensor like the first', a1);
    }
    if (a0.k !== 'tensor') return this.wrongArg(name, positional[0]!.value, 'a tensor', a0);
    if (a1.k !== 'tensor') return this.wrongArg(name, positional[1]!.value, 'a tensor', a1);
    if (name === 'mse') {
      if (!sameShape(a0.shape, a1.shape)) {
        this.ctx.report('MLO040', e.range, { what: 'mse', left: formatShape(a0.shape), right: formatShape(a1.shape) });
        return UNKNOWN;
      }
      return scalar();
    }
    // cross_entropy, accuracy: logits [B, C], labels [B] (class indices)
    if (a0.shape.length !== 2) return this.wrongArg(name, positional[0]!.value, 'logits [B, C]', a0);
    if (a1.shape.length !== 1 || !a1.int) {
      this.ctx.report('MLO043', positional[1]!.value.range, { callee: name, problem: `labels must be class indices [B] (like train.y); got ${formatShape(a1.shape)}${a1.int ? '' : ' of floats'}` });
      return UNKNOWN;
    }
    if (!sameShape([a0.shape[0]!], [a1.shape[0]!])) {
      this.ctx.report('MLO040', e.range, { what: `${name} rows`, left: formatShape(a0.shape), right: formatShape(a1.shape) });
      return UNKNOWN;
    }
    if (a1.bound != null && a0.shape[1] != null && a1.bound > a0.shape[1]) {
      this.ctx.report('MLO040', e.range, { what: `${name}: ${a1.bound} classes need ${a1.bound} logits`, left: formatShape(a0.shape), right: formatShape(a1.shape) });
      return UNKNOWN;
    }
    return name === 'accuracy' ? scalar() : { k: 'tensor', shape: [a0.shape[0]!] };
  }

  private wrongArg(callee: string, node: Expr, expected: string, got: VType): VType {
    this.ctx.report('MLO043', node.range, { callee, problem: `expected ${expected}; got ${formatType(got)}` });
    return UNKNOWN;
  }

  private init(arg: Expr, env: ExprEnv): VType {
    if (arg.kind === 'Ident') {
      const sym = this.ctx.symbols.lookup(arg.name, env.scope);
      if (sym) this.ctx.symbols.reference(arg, sym);
      if (sym?.kind === 'model') {
        const net = this.ctx.nets.get(sym.name);
        return net ? { k: 'net', net, init: true } : UNKNOWN;
      }
      if (!sym) {
        const s = didYouMean(arg.name, [...this.ctx.nets.keys()]);
        this.ctx.report('MLO012', arg.range, { name: arg.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
        return UNKNOWN;
      }
      this.ctx.report('MLO014', arg.range, { name: arg.name, actual: describeKind(sym.kind), expected: 'a model' });
      return UNKNOWN;
    }
    this.ctx.report('MLO043', arg.range, { callee: 'init', problem: 'expected the name of a model' });
    return UNKNOWN;
  }

  private reduce(a: VType, axisArg: Expr | undefined, env: ExprEnv): VType {
    if (a.k !== 'tensor' && a.k !== 'group') return UNKNOWN;
    if (!axisArg) return scalar(a.k === 'tensor' && a.value !== undefined ? a.value : undefined);
    const axis = this.constant(axisArg, env, 'an axis');
    if (axis === undefined) return UNKNOWN;
    const reduceOne = (s: Shape): Shape | undefined => {
      const k = axis < 0 ? s.length + axis : axis;
      if (!Number.isInteger(axis) || k < 0 || k >= s.length) {
        this.ctx.report('MLO044', axisArg.range, { axis, shape: formatShape(s) });
        return undefined;
      }
      return s.filter((_, i) => i !== k);
    };
    if (a.k === 'tensor') {
      const s = reduceOne(a.shape);
      return s ? { k: 'tensor', shape: s } : UNKNOWN;
    }
    const out: Shape[] = [];
    for (const m of a.members) {
      const s = reduceOne(m);
      if (!s) return UNKNOWN;
      out.push(s);
    }
    return { k: 'group', members: out };
  }
}

/** The arguments without a name: `args` itself when none is named (the usual case: no copy). */
function positionalArgs(args: Arg[]): Arg[] {
  for (const a of args) if (a.name) return args.filter((x) => !x.name);
  return args;
}

function applyOp(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    default: return a ** b;
  }
}

function foldUnary(name: string, v: number): number | undefined {
  switch (name) {
    case 'exp': return Math.exp(v);
    case 'log': return Math.log(v);
    case 'sqrt': return Math.sqrt(v);
    case 'abs': return Math.abs(v);
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
    case 'relu': return Math.max(0, v);
    case 'softplus': return Math.log1p(Math.exp(v));
    case 'sq': return v * v;
    case 'stop': return v;
    default: return undefined;
  }
}

// Checks the arguments of a data source, model kind, optimizer or hypergradient mode against
// its spec (specs.ts): positional arguments and flags, unknown options (did-you-mean), options
// of other kinds, duplicates, missing required options, types and ranges.

import type { Arg, Call, Expr, Ident } from '../syntax/ast.js';
import { suggestionSuffix } from './diagnostics.js';
import type { CheckContext } from './context.js';
import { formatShape } from './info.js';
import { newEnv, type ExprEnv, type ShapeChecker, type VType } from './shapes.js';
import { didYouMean } from './similar.js';
import { describeInterval, findKind, inInterval, ownersOfOption, sizeUnits, type KindSpec, type OptionSpec, type OptionType } from './specs.js';

/** A checked option value. */
export type OptValue =
  | { t: 'number'; value: number }
  | { t: 'flag'; value: boolean }
  | { t: 'string'; value: string; node: Expr }
  | { t: 'columns'; value: { name: string; node: Expr }[] }
  | { t: 'range'; value: [number, number] }
  | { t: 'rows'; from: number; to: number; percent: boolean; node: Expr }
  | { t: 'enum'; value: string }
  /** A data or param name, resolved. */
  | { t: 'name'; value: string; node: Ident }
  /** An expression of params (optimizer options): its reads are in `env`. */
  | { t: 'expr'; type: VType; env: ExprEnv }
  | { t: 'list'; value: number[] }
  | { t: 'chain'; value: number[] };

export interface CheckedCall {
  values: Map<string, { value: OptValue; arg: Arg }>;
  /** Extra positional arguments (mixture candidates). */
  rest: Arg[];
}

/** Each kind's options by name and by position, indexed once (options are looked up per argument). */
const optionIndex = new WeakMap<KindSpec, { byName: Map<string, OptionSpec>; byPosition: Map<number, OptionSpec> }>();

function indexOf(spec: KindSpec) {
  let index = optionIndex.get(spec);
  if (!index) {
    index = { byName: new Map(), byPosition: new Map() };
    for (const o of spec.options) {
      if (!index.byName.has(o.name)) index.byName.set(o.name, o);
      if (o.positional !== undefined && !index.byPosition.has(o.positional)) index.byPosition.set(o.positional, o);
    }
    optionIndex.set(spec, index);
  }
  return index;
}

/**
 * The kind a call names (`adam`, `mlp`, `csv`, `cg`) among `kinds`, one category's; an unknown
 * one is reported (MLO015, with a did-you-mean or the list of the category's kinds).
 */
export function resolveKind(ctx: CheckContext, kinds: readonly KindSpec[], callee: Ident): KindSpec | undefined {
  const kind = findKind(kinds, callee.name);
  if (kind) return kind;
  const names = kinds.map((k) => k.name);
  const s = didYouMean(callee.name, names);
  ctx.report('MLO015', callee.range, { category: kinds[0]!.category, name: callee.name, suggestion: s ? suggestionSuffix(s) : `; expected one of ${names.join(', ')}` }, s ? { data: { replacement: s } } : {});
  return undefined;
}

/** How messages name a kind: `optimizer 'adam'`, `mode 'cg'`. */
function labelOf(spec: KindSpec): string {
  return `${spec.category === 'hypergradient mode' ? 'mode' : spec.category} '${spec.name}'`;
}

const optionNamed = (spec: KindSpec, name: string): OptionSpec | undefined => indexOf(spec).byName.get(name);
const optionAt = (spec: KindSpec, position: number): OptionSpec | undefined => indexOf(spec).byPosition.get(position);

export class OptionChecker {
  constructor(
    private readonly ctx: CheckContext,
    private readonly shapes: ShapeChecker,
  ) {}

  /**
   * Checks `call` against `spec`; `siblings` are the other kinds of the same category (for
   * "belongs to another optimizer"). `env` is used for scalar expression options.
   */
  check(call: Call, spec: KindSpec, siblings: readonly KindSpec[], env?: ExprEnv): CheckedCall {
    const values = new Map<string, { value: OptValue; arg: Arg }>();
    const rest: Arg[] = [];
    let position = 0;
    const given = new Map<string, Arg>(); // options written, valid or not
    for (const arg of call.args) {
      if (arg.value.kind === 'ErrorExpr') {
        const o = arg.name ? optionNamed(spec, arg.name.name) : optionAt(spec, position);
        if (!arg.name && o) position++;
        if (o) given.set(o.name, arg);
        continue;
      }
      let opt: OptionSpec | undefined;
      let flag = false;
      if (arg.name) {
        opt = optionNamed(spec, arg.name.name);
        if (!opt) {
          this.unknown(arg.name, spec, siblings);
          continue;
        }
      } else {
        opt = optionAt(spec, position);
        const asFlag = opt || arg.value.kind !== 'Ident' ? undefined : optionNamed(spec, arg.value.name);
        if (opt) position++;
        else if (asFlag) {
          opt = asFlag;
          flag = true;
        } else if (spec.rest) {
          rest.push(arg);
          continue;
        } else if (arg.value.kind === 'Ident' && isFlagLike(arg.value.name, spec, siblings)) {
          this.unknown(arg.value, spec, siblings);
          continue;
        } else {
          const n = spec.options.filter((o) => o.positional !== undefined).length;
          this.ctx.report('MLO016', arg.range, { callee: spec.name, expected: n === 0 ? 'only named options' : `${n} positional argument${n === 1 ? '' : 's'}`, actual: 'more' });
          continue;
        }
      }
      const key = opt.name;
      const first = given.get(key);
      if (first) {
        this.ctx.report('MLO059', (arg.name ?? arg.value).range, { name: key }, { related: [{ range: first.range, message: 'first given here' }] });
        continue;
      }
      given.set(key, arg);
      const v = flag ? this.flagValue(opt, arg) : this.value(opt, arg.value, env);
      if (v) values.set(key, { value: v, arg });
    }
    for (const o of spec.options) {
      if (o.required && !given.has(o.name)) this.ctx.report('MLO052', call.callee.range, { callee: labelOf(spec), name: o.name });
    }
    return { values, rest };
  }

  private unknown(name: Ident, spec: KindSpec, siblings: readonly KindSpec[]): void {
    const label = labelOf(spec);
    const owners = ownersOfOption(siblings, name.name);
    if (owners.length) {
      this.ctx.report('MLO051', name.range, { name: name.name, callee: label, owners: owners.join(', ') });
      return;
    }
    const s = didYouMean(name.name, spec.options.map((o) => o.name));
    this.ctx.report('MLO050', name.range, { name: name.name, callee: label, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
  }

  /** A bare option name used as a flag. */
  private flagValue(opt: OptionSpec, arg: Arg): OptValue | undefined {
    if (opt.type.t === 'flag' || opt.type.t === 'standardize') return { t: 'flag', value: true };
    this.ctx.report('MLO053', arg.range, { name: opt.name, expected: expectedText(opt.type), actual: 'a bare flag' });
    return undefined;
  }

  /**
   * A value of the wrong kind for the option: reported, undefined. (A method rather than a
   * closure in value(): under tsx each local named function costs a defineProperty per call.)
   */
  private wrongValue(opt: OptionSpec, e: Expr, actual?: string): undefined {
    this.ctx.report('MLO053', e.range, { name: opt.name, expected: expectedText(opt.type), actual: actual ?? describeExpr(e) });
    return undefined;
  }

  /** Checks one option value against its type. */
  value(opt: OptionSpec, e: Expr, env?: ExprEnv): OptValue | undefined {
    const type = opt.type;
    switch (type.t) {
      case 'number': {
        const v = this.num(opt, e, true);
        if (v === undefined) return undefined;
        if (type.range && !inInterval(v, type.range)) {
          this.ctx.report('MLO054', e.range, { name: opt.name, constraint: describeInterval(type.range), value: fmt(v) });
          return undefined;
        }
        return { t: 'number', value: v };
      }
      case 'int': {
        const v = this.int(opt.name, e, type.min);
        return v === undefined ? undefined : { t: 'number', value: v };
      }
      case 'flag':
        if (e.kind === 'Ident' && (e.name === 'true' || e.name === 'false')) return { t: 'flag', value: e.name === 'true' };
        return this.wrongValue(opt, e);
      case 'string':
        return e.kind === 'String' ? { t: 'string', value: e.value, node: e } : this.wrongValue(opt, e);
      case 'column':
        if (e.kind === 'Ident') return { t: 'string', value: e.name, node: e };
        if (e.kind === 'String') return { t: 'string', value: e.value, node: e };
        return this.wrongValue(opt, e);
      case 'columns': {
        const items = e.kind === 'List' ? e.items : [e];
        const out: { name: string; node: Expr }[] = [];
        for (const it of items) {
          if (it.kind === 'Ident') out.push({ name: it.name, node: it });
          else if (it.kind === 'String') out.push({ name: it.value, node: it });
          else return this.wrongValue(opt, e);
        }
        return { t: 'columns', value: out };
      }
      case 'range': {
        if (e.kind !== 'Range') return this.wrongValue(opt, e);
        const a = this.num(opt, e.from, false);
        const b = this.num(opt, e.to, false);
        if (a === undefined || b === undefined) return undefined;
        if (a > b) {
          this.ctx.report('MLO054', e.range, { name: opt.name, constraint: 'an increasing range a..b', value: `${fmt(a)}..${fmt(b)}` });
          return undefined;
        }
        return { t: 'range', value: [a, b] };
      }
      case 'rows': {
        if (e.kind !== 'Range') return this.wrongValue(opt, e);
        const ends: number[] = [];
        let percents = 0;
        for (const end of [e.from, e.to]) {
          if (end.kind !== 'Number') {
            this.ctx.report('MLO053', end.range, { name: opt.name, expected: 'a row count or a percentage', actual: describeExpr(end) });
            return undefined;
          }
          if (end.unit === '%') {
            percents++;
            if (end.value < 0 || end.value > 1) {
              this.ctx.report('MLO054', end.range, { name: opt.name, constraint: 'a percentage in [0%, 100%]', value: end.text });
              return undefined;
            }
            ends.push(end.value);
          } else if (end.unit) {
            return this.badUnit(end.unit, end);
          } else {
            if (!Number.isInteger(end.value) || end.value < 0) {
              this.ctx.report('MLO055', end.range, { name: opt.name, bound: '≥ 0', value: end.text });
              return undefined;
            }
            ends.push(end.value);
          }
        }
        if (percents === 1) {
          this.ctx.report('MLO053', e.range, { name: opt.name, expected: 'both ends as counts or both as percentages', actual: this.ctx.textOf(e.range) });
          return undefined;
        }
        return { t: 'rows', from: ends[0]!, to: ends[1]!, percent: percents === 2, node: e };
      }
      case 'enum': {
        if (e.kind !== 'Ident') return this.wrongValue(opt, e);
        if (type.values.includes(e.name)) return { t: 'enum', value: e.name };
        const s = didYouMean(e.name, type.values);
        this.ctx.report('MLO015', e.range, { category: type.category, name: e.name, suggestion: s ? suggestionSuffix(s) : `; expected one of ${type.values.join(', ')}` }, s ? { data: { replacement: s } } : {});
        return undefined;
      }
      case 'standardize':
      case 'param': {
        if (e.kind !== 'Ident') return this.wrongValue(opt, e);
        if (type.t === 'standardize' && (e.name === 'true' || e.name === 'false')) return { t: 'flag', value: e.name === 'true' };
        const want = type.t === 'param' ? 'param' : 'data';
        const sym = this.ctx.symbols.resolve(e);
        if (!sym) {
          const names = [...this.ctx.symbols.globals.values()].filter((s) => s.kind === want).map((s) => s.name);
          const s = didYouMean(e.name, names);
          this.ctx.report('MLO012', e.range, { name: e.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
          return undefined;
        }
        if (sym.kind !== want) {
          this.ctx.report('MLO014', e.range, { name: e.name, actual: sym.kind === 'data' ? 'data' : `a ${sym.kind}`, expected: want === 'param' ? 'a param' : 'a data source' });
          return undefined;
        }
        return { t: 'name', value: e.name, node: e };
      }
      case 'scalar': {
        const useEnv = env ?? newEnv('optimizer');
        const t = this.shapes.infer(e, useEnv);
        const v = this.shapes.value(t, e, useEnv);
        if (v.k === 'unknown') return undefined;
        if (v.k !== 'tensor' || v.shape.length !== 0) return this.wrongValue(opt, e, v.k === 'tensor' ? formatShape(v.shape) : undefined);
        if (v.value !== undefined) {
          if (type.range && !inInterval(v.value, type.range)) {
            this.ctx.report('MLO054', e.range, { name: opt.name, constraint: describeInterval(type.range), value: fmt(v.value) });
            return undefined;
          }
          return { t: 'number', value: v.value };
        }
        return { t: 'expr', type: v, env: useEnv };
      }
      case 'shape': {
        if (e.kind !== 'List') return this.wrongValue(opt, e);
        const out: number[] = [];
        for (const it of e.items) {
          const v = this.int(opt.name, it, 1);
          if (v === undefined) return undefined;
          out.push(v);
        }
        return { t: 'list', value: out };
      }
      case 'chain':
      case 'widths': {
        const items = e.kind === 'Chain' ? e.items : type.t === 'widths' ? [e] : undefined;
        if (!items) return this.wrongValue(opt, e);
        const out: number[] = [];
        for (const it of items) {
          const v = this.dim(it);
          if (v === undefined) return undefined;
          out.push(v);
        }
        if (type.t === 'chain' && out.length < type.min) return this.wrongValue(opt, e);
        return { t: 'chain', value: out };
      }
    }
  }

  /** MLO057, except for units the parser did not know (it reported those). */
  private badUnit(unit: string, e: Expr): undefined {
    if (unit === '%' || unit in sizeUnits) this.ctx.report('MLO057', e.range, { unit });
    return undefined;
  }

  /** Strings, lists, ranges and chains are never numbers: say so in the option's terms. */
  private notNumber(name: string, e: Expr, expected: string): boolean {
    if (e.kind !== 'String' && e.kind !== 'List' && e.kind !== 'Range' && e.kind !== 'Chain') return false;
    this.ctx.report('MLO053', e.range, { name, expected, actual: describeExpr(e) });
    return true;
  }

  /** A constant number (percent allowed where `percent`). */
  private num(opt: OptionSpec, e: Expr, percent: boolean): number | undefined {
    if (this.notNumber(opt.name, e, 'a number')) return undefined;
    if (e.kind === 'Number' && e.unit && (e.unit !== '%' || !percent)) return this.badUnit(e.unit, e);
    return this.shapes.constant(e, undefined, `'${opt.name}'`);
  }

  /** A whole number ≥ min (no unit). */
  int(name: string, e: Expr, min: number): number | undefined {
    if (this.notNumber(name, e, 'a whole number')) return undefined;
    if (e.kind === 'Number' && e.unit) return this.badUnit(e.unit, e);
    const v = this.shapes.constant(e, undefined, `'${name}'`);
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < min) {
      this.ctx.report('MLO055', e.range, { name, bound: `≥ ${min}`, value: fmt(v) });
      return undefined;
    }
    return v;
  }

  /** A layer width or param dimension: a positive integer constant (MLO048). */
  dim(e: Expr): number | undefined {
    if (e.kind === 'Number' && e.unit) return this.badUnit(e.unit, e);
    const v = this.shapes.constant(e, undefined, 'a dimension');
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 1) {
      this.ctx.report('MLO048', e.range, { value: fmt(v) });
      return undefined;
    }
    return v;
  }

  /** `budget 4GiB` → bytes. */
  size(e: Expr): number | undefined {
    if (e.kind !== 'Number') {
      this.ctx.report('MLO053', e.range, { name: 'budget', expected: 'a size such as 4GiB', actual: describeExpr(e) });
      return undefined;
    }
    if (!e.unit || !(e.unit in sizeUnits)) {
      this.ctx.report('MLO058', e.range);
      return undefined;
    }
    if (!(e.value > 0)) {
      this.ctx.report('MLO054', e.range, { name: 'budget', constraint: '> 0', value: e.text });
      return undefined;
    }
    return e.value; // the parser applied the unit's factor
  }
}

function isFlagLike(name: string, spec: KindSpec, siblings: readonly KindSpec[]): boolean {
  return spec.options.length > 0 || siblings.some((k) => k.options.some((o) => o.name === name));
}

export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function expectedText(t: OptionType): string {
  switch (t.t) {
    case 'number': return 'a number';
    case 'int': return 'a whole number';
    case 'flag': return 'a flag (true or false)';
    case 'string': return 'a string';
    case 'column': return 'a column name';
    case 'columns': return 'a list of column names';
    case 'range': return 'a range a..b';
    case 'rows': return 'a row range a..b (counts or percentages)';
    case 'enum': return `one of ${t.values.join(', ')}`;
    case 'standardize': return 'a flag or a data name';
    case 'param': return 'a param name';
    case 'scalar': return 'a scalar';
    case 'shape': return 'a shape [C, H, W]';
    case 'chain': return 'layer widths IN -> ... -> OUT';
    case 'widths': return 'channel widths C1 -> C2 ...';
  }
}

export function describeExpr(e: Expr): string {
  switch (e.kind) {
    case 'Number': return `the number ${e.text}`;
    case 'String': return 'a string';
    case 'Ident': return `'${e.name}'`;
    case 'Range': return 'a range';
    case 'Chain': return 'a layer chain';
    case 'List': return 'a list';
    default: return 'an expression';
  }
}

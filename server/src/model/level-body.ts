// The statements of one level: what it owns (`params`, `reset from`), its `let`s and loss
// (shapes, reads), its optimizer, steps, hypergradient mode and proximal term. Relations
// between levels are checked later, on the level graph.

import type { Expr, Ident, LevelDecl, Span } from '../syntax/ast.js';
import { suggestionSuffix } from './diagnostics.js';
import type { CheckContext } from './context.js';
import type { ModeInfo, OptimizerInfo, TensorInfo } from './info.js';
import { resolveKind, type OptionChecker } from './options.js';
import { formatType, netTensors, newEnv, type ExprEnv, type LetInfo, type ShapeChecker } from './shapes.js';
import { didYouMean } from './similar.js';
import { DEFAULT_MODE, modes, optimizers } from './specs.js';
import { describeKind, LevelScope, type Sym } from './symbols.js';

/** One item of a `params` statement and the tensors it stands for. */
export interface OwnedItem {
  text: string;
  range: Span;
  tensors: TensorInfo[];
  /** The model or param it belongs to; `init` for `init(MODEL)`. */
  declaredBy: string;
  init: boolean;
  /** Names a whole model or param (not one member of a model). */
  whole: boolean;
}

export interface CheckedLevel {
  decl: LevelDecl;
  name: string;
  nameRange: Span;
  above: { name: string; range: Span }[];
  items: OwnedItem[];
  resetFrom?: Ident;
  loss?: { range: Span; env: ExprEnv };
  optRefs: Set<string>;
  optimizer: OptimizerInfo;
  steps: number;
  mode: ModeInfo;
  /** The mode's name in the file (absent for the default). */
  modeNode?: Expr;
  modeOptionRanges: Map<string, Span>;
  proximal?: { value: number | undefined; range: Span };
  /** Models and params read by its loss, lets and optimizer options (first read each). */
  used: Map<string, Ident>;
  /** False when `steps` was written but invalid (then `steps` is the default). */
  stepsValid: boolean;
  /** Its lets, loss or optimizer options had errors: what they read is not fully known. */
  incomplete: boolean;
}

export function checkLevel(ctx: CheckContext, shapes: ShapeChecker, options: OptionChecker, decl: LevelDecl): CheckedLevel {
  const name = decl.name.name;
  const scope = new LevelScope(name);
  const used = new Map<string, Ident>();
  const lets = new Map<Sym, LetInfo>();
  const out: CheckedLevel = {
    decl, name, nameRange: decl.name.range, above: [], items: [], optRefs: new Set(),
    optimizer: { name: 'sgd', constants: { lr: 0.01 }, learned: [] },
    steps: 1, mode: { name: DEFAULT_MODE, explicit: false, options: {} }, modeOptionRanges: new Map(), used, incomplete: false, stepsValid: true,
  };

  for (const a of decl.above) {
    if (!a.name) continue;
    const sym = ctx.symbols.resolve(a);
    if (!sym) {
      const s = didYouMean(a.name, [...ctx.symbols.globals.values()].filter((x) => x.kind === 'level').map((x) => x.name));
      ctx.report('MLO011', a.range, { name: a.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
    } else if (sym.kind !== 'level') {
      ctx.report('MLO014', a.range, { name: a.name, actual: describeKind(sym.kind), expected: 'a level' });
    } else out.above.push({ name: a.name, range: a.range });
  }

  const seen = new Map<string, Span>();

  for (const st of decl.body) {
    const before = st.kind === 'Let' || st.kind === 'Loss' || st.kind === 'Optimizer' ? ctx.errorCount : -1;
    checkStatement(st);
    if (before >= 0 && ctx.errorCount > before) out.incomplete = true;
  }
  if (!seen.has('loss')) ctx.report('MLO023', decl.name.range, { name });
  return out;

  function checkStatement(st: LevelDecl['body'][number]): void {
    switch (st.kind) {
      case 'Params':
        for (const item of st.items) {
          const it = ownedItem(ctx, shapes, item);
          if (it) out.items.push(it);
        }
        if (st.resetFrom && st.resetFrom.name) {
          if (out.resetFrom) {
            ctx.report('MLO022', st.resetFrom.range, { statement: 'reset from', where: `level '${name}'` }, { related: [{ range: out.resetFrom.range, message: 'the first reset' }] });
          } else {
            const sym = ctx.symbols.resolve(st.resetFrom);
            if (!sym) {
              const s = didYouMean(st.resetFrom.name, [...ctx.symbols.globals.values()].filter((x) => x.kind === 'level').map((x) => x.name));
              ctx.report('MLO011', st.resetFrom.range, { name: st.resetFrom.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
            } else if (sym.kind !== 'level') {
              ctx.report('MLO014', st.resetFrom.range, { name: st.resetFrom.name, actual: describeKind(sym.kind), expected: 'a level' });
            } else out.resetFrom = st.resetFrom;
          }
        }
        break;
      case 'Let': {
        const env = newEnv('loss', { scope, lets, used });
        const type = shapes.infer(st.value, env);
        if (!st.name.name) break;
        const sym: Sym = { name: st.name.name, kind: 'let', nameRange: st.name.range, declRange: st.range, level: name, decl: st };
        const clash = ctx.symbols.declareLet(scope, sym);
        if (clash) {
          ctx.report('MLO010', st.name.range, { name: st.name.name }, clash.nameRange ? { related: [{ range: clash.nameRange, message: `'${clash.name}' is declared here` }] } : {});
        }
        lets.set(sym, { type, refs: env.refs, reads: [...env.reads.values()] });
        break;
      }
      case 'Loss': {
        if (!firstOfKind(ctx, seen, name, 'loss', keywordRange(st.range.start, 'loss'))) break;
        const env = newEnv('loss', { scope, lets, used });
        const t = shapes.value(shapes.infer(st.value, env), st.value, env);
        if ((t.k === 'tensor' && t.shape.length !== 0) || t.k === 'group') {
          ctx.report('MLO041', st.value.range, { shape: formatType(t) }, { data: { wrap: 'mean' } });
        }
        out.loss = { range: st.value.range, env };
        break;
      }
      case 'Optimizer': {
        if (!firstOfKind(ctx, seen, name, 'optimizer', keywordRange(st.range.start, 'optimizer'))) break;
        const spec = st.spec;
        if (spec.callee.kind !== 'Ident') break;
        const kind = resolveKind(ctx, optimizers, spec.callee);
        if (!kind) break;
        const env = newEnv('optimizer', { scope, lets, used });
        const { values } = options.check(spec, kind, optimizers, env);
        const info: OptimizerInfo = { name: kind.name, constants: {}, learned: [] };
        for (const o of kind.options) {
          const v = values.get(o.name)?.value;
          if (!v) continue;
          if (v.t === 'number' || v.t === 'flag') info.constants[o.name] = v.value;
          else if (v.t === 'expr') info.learned.push(o.name);
        }
        out.optRefs = env.refs;
        out.optimizer = info;
        break;
      }
      case 'Hypergradient': {
        if (!firstOfKind(ctx, seen, name, 'hypergradient', keywordRange(st.range.start, 'hypergradient'))) break;
        const spec = st.spec;
        if (spec.callee.kind !== 'Ident') break;
        const kind = resolveKind(ctx, modes, spec.callee);
        if (!kind) break;
        const { values } = options.check(spec, kind, modes);
        const opts: Record<string, number> = {};
        for (const [k, v] of values) {
          if (v.value.t === 'number') opts[k] = v.value.value;
          out.modeOptionRanges.set(k, v.arg.range);
        }
        out.mode = { name: kind.name, explicit: true, options: opts };
        out.modeNode = spec.callee;
        break;
      }
      case 'Setting': {
        const key = st.key.name;
        if (!firstOfKind(ctx, seen, name, key, st.key.range)) break;
        if (key === 'steps') {
          const v = options.int('steps', st.value, 1);
          if (v !== undefined) out.steps = v;
          else out.stepsValid = false;
        } else if (key === 'proximal') {
          const v = shapes.constant(st.value, undefined, "'proximal'");
          if (v !== undefined && !(v > 0)) ctx.report('MLO054', st.value.range, { name: 'proximal', constraint: '> 0', value: v });
          out.proximal = { value: v, range: st.key.range };
        }
        break;
      }
    }
  }
}

/** Whether this is the first statement `key` of the level; a repeated one is reported. */
function firstOfKind(ctx: CheckContext, seen: Map<string, Span>, level: string, key: string, range: Span): boolean {
  const first = seen.get(key);
  if (first) {
    ctx.report('MLO022', range, { statement: key, where: `level '${level}'` }, { related: [{ range: first, message: `the first '${key}'` }] });
    return false;
  }
  seen.set(key, range);
  return true;
}

function keywordRange(start: number, word: string): Span {
  return { start, end: start + word.length };
}

/** Resolves one `params` item: a model, a model member, a param, or `init(MODEL)`. */
function ownedItem(ctx: CheckContext, shapes: ShapeChecker, item: Expr): OwnedItem | undefined {
  const text = ctx.textOf(item.range);
  if (item.kind === 'Ident') {
    const sym = ctx.symbols.lookup(item.name);
    if (sym && (sym.kind === 'param' || sym.kind === 'model')) {
      ctx.symbols.reference(item, sym);
      if (sym.kind === 'param') {
        const p = ctx.params.get(sym.name);
        if (!p) return undefined;
        const t: TensorInfo = { name: p.name, shape: p.shape, count: p.count, bytes: p.bytes, declaredBy: p.name, init: false };
        return { text, range: item.range, tensors: [t], declaredBy: p.name, init: false, whole: true };
      }
      const n = ctx.nets.get(sym.name);
      return n ? { text, range: item.range, tensors: n.tensors, declaredBy: n.name, init: false, whole: true } : undefined;
    }
    if (sym) {
      ctx.symbols.reference(item, sym);
      ctx.report('MLO014', item.range, { name: item.name, actual: describeKind(sym.kind), expected: 'a model or a param to own' });
      return undefined;
    }
    const names = [...ctx.symbols.globals.values()].filter((s) => s.kind === 'model' || s.kind === 'param').map((s) => s.name);
    const s = didYouMean(item.name, names);
    ctx.report('MLO012', item.range, { name: item.name, suggestion: suggestionSuffix(s) }, s ? { data: { replacement: s } } : {});
    return undefined;
  }
  // Members, layers and init(MODEL): the shape checker resolves them to a net (or a group).
  const env = newEnv('loss');
  const t = shapes.infer(item, env);
  if (t.k === 'unknown') return undefined;
  if (t.k === 'net') {
    const tensors = netTensors(t.net, { layer: t.layer, init: t.init });
    return { text, range: item.range, tensors, declaredBy: t.net.name, init: t.init ?? false, whole: t.layer === undefined };
  }
  if (t.k === 'group' && env.refs.size > 0) {
    // net.weight, net.bias, net.params: the tensors it read.
    const all = [...ctx.nets.values()].flatMap((n) => [...n.tensors, ...netTensors(n, { init: true })]);
    const tensors = all.filter((x) => env.refs.has(x.name));
    const first = tensors[0];
    if (first) return { text, range: item.range, tensors, declaredBy: first.declaredBy, init: first.init, whole: false };
  }
  ctx.report('MLO014', item.range, { name: text, actual: t.k === 'tensor' ? 'a computed value' : formatType(t), expected: 'a model, a model member, a param or init(MODEL)' });
  return undefined;
}

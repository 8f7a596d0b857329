// Every parameter tensor of a program (model layers, free params, `init(MODEL)` copies) with
// its shape, owner and seeded initial values. Model weights use Glorot (dense) or He (conv)
// initialisation and zero biases; `init(f)` starts where `f` would, so a meta-learned
// initialisation begins at an ordinary initialisation.
import type { Expr, Program } from '../../syntax/ast.js';
import type { ModelInfo, TensorInfo } from '../../model/info.js';
import { initParam, type InitSpec } from '../nn/init.js';
import { constValue, LoweringError } from './args.js';

export interface TensorSpec {
  /** The checker's name: `net.layer(1).weight`, `logwd`, `init(f).layer(1).bias`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The level that owns it; undefined when no level does (it stays at its initial value). */
  readonly owner: string | undefined;
  /** Seeded initialiser: a stream named `stream`, scaled, plus `offset`. */
  readonly init: InitSpec & { readonly offset?: number; readonly stream: string };
}

function concrete(t: { name: string; shape: readonly (number | null)[] }): number[] {
  if (t.shape.some((d) => d === null)) throw new LoweringError(`${t.name} has an unknown dimension`);
  return t.shape as number[];
}

/** All tensors a program declares or owns, with their owners. */
export function tensorSpecs(program: Program, model: ModelInfo): TensorSpec[] {
  const owner = new Map<string, string>();
  const owned = new Map<string, TensorInfo>();
  for (const l of model.levels.values())
    for (const t of l.owned) {
      owner.set(t.name, l.name);
      owned.set(t.name, t);
    }
  const out: TensorSpec[] = [];
  const seen = new Set<string>();
  const push = (s: TensorSpec): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    out.push(s);
  };
  for (const net of model.nets.values())
    for (const l of net.layers) {
      push({ name: l.weight.name, shape: concrete(l.weight), owner: owner.get(l.weight.name), init: { kind: l.kind === 'conv' ? 'he' : 'glorot', stream: l.weight.name } });
      if (l.bias) push({ name: l.bias.name, shape: concrete(l.bias), owner: owner.get(l.bias.name), init: { kind: 'zeros', stream: l.bias.name } });
    }
  for (const d of program.decls) {
    if (d.kind !== 'Param') continue;
    const p = model.params.get(d.name.name);
    if (!p) continue;
    push({ name: p.name, shape: concrete(p), owner: owner.get(p.name), init: { ...paramInit(d.init), stream: p.name } });
  }
  // init(MODEL) copies start from the model's own initial values (same stream).
  for (const [name, t] of owned) {
    if (!t.init) continue;
    const base = out.find((s) => `init(${t.declaredBy})${s.name.slice(t.declaredBy.length)}` === name);
    if (!base) throw new LoweringError(`${name} has no model tensor to start from`);
    push({ name, shape: concrete(t), owner: owner.get(name), init: base.init });
  }
  return out;
}

function paramInit(e: Expr | undefined): InitSpec & { offset?: number } {
  if (!e) return { kind: 'zeros' };
  if (e.kind === 'Call' && e.callee.kind === 'Ident' && (e.callee.name === 'normal' || e.callee.name === 'uniform')) {
    const [a, b] = e.args.map((x) => constValue(x.value) ?? 0);
    if (e.callee.name === 'normal') return { kind: 'normal', scale: b ?? 1, offset: a ?? 0 };
    return { kind: 'uniform', scale: ((b ?? 1) - (a ?? 0)) / 2, offset: ((b ?? 1) + (a ?? 0)) / 2 };
  }
  const v = constValue(e);
  if (v === undefined) throw new LoweringError('a param initialiser must be a constant');
  return { kind: 'constant', scale: v };
}

/** The seeded initial values of one tensor. */
export function initialValues(t: TensorSpec, seed: number): Float32Array {
  const v = initParam({ name: t.init.stream, shape: t.shape, init: t.init }, seed);
  const off = t.init.offset ?? 0;
  if (off !== 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! + off;
  return v;
}

// A checked program → the level trees the closed form reads. The checked model gives each level's
// parameters, optimizer, steps, mode and batch reads; the loss's syntax tree gives its model
// applications (`net(x)`), each at the batch size of the data its argument reads.
import type { Call, Expr, LevelDecl, ModelDecl, Program } from '../syntax/ast.js';
import type { CheckResult } from '../model/check.js';
import type { BatchRead, LevelInfo, ModelInfo, NetInfo } from '../model/info.js';
import type { ModeName } from '../graph/modes/problem.js';
import { stateSlotsOf, type LayerShape, type LevelWork, type NetUse } from './workload.js';

/** The per-example layer shapes of a model (a mixture's candidates are separate uses). */
export function layerShapes(net: NetInfo): LayerShape[] {
  if (net.kind === 'conv' && net.image) {
    let [c, h, w] = net.image;
    const out: LayerShape[] = [];
    for (const l of net.layers) {
      const [o, i, k] = [l.weight.shape[0] ?? 1, l.weight.shape[1] ?? 1, l.weight.shape[2] ?? 1];
      if (l.kind === 'conv') {
        // same padding, then 2×2 average pooling
        out.push({ kind: 'conv', inWidth: c * h * w, outWidth: o * h * w, macs: o * h * w * i * k * k, weights: l.weight.count ?? o * i * k * k, bias: l.bias ? (l.bias.count ?? o) : 0 });
        c = o;
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      } else {
        const [fi, fo] = [l.weight.shape[0] ?? 1, l.weight.shape[1] ?? 1];
        out.push({ kind: 'dense', inWidth: fi, outWidth: fo, macs: fi * fo, weights: fi * fo, bias: l.bias ? (l.bias.count ?? fo) : 0 });
      }
    }
    return out;
  }
  return net.layers.map((l) => {
    const [fi, fo] = [l.weight.shape[0] ?? 1, l.weight.shape[1] ?? 1];
    return { kind: 'dense', inWidth: fi, outWidth: fo, macs: fi * fo, weights: fi * fo, bias: l.bias ? (l.bias.count ?? fo) : 0 };
  });
}

/** The `act:` of each model declaration (the language's default is relu), and of a mixture's candidates (`cell#1`, ...). */
function activations(program: Program): Map<string, string> {
  const out = new Map<string, string>();
  const actOf = (spec: Call): string => {
    const act = spec.args.find((a) => a.name?.name === 'act');
    return act && act.value.kind === 'Ident' ? act.value.name : 'relu';
  };
  for (const d of program.decls) {
    if (d.kind !== 'Model' || (d as ModelDecl).spec.kind !== 'Call') continue;
    const spec = (d as ModelDecl).spec as Call;
    out.set(d.name.name, actOf(spec));
    spec.args
      .filter((a) => !a.name && a.value.kind === 'Call')
      .forEach((a, i) => out.set(`${d.name.name}#${i}`, actOf(a.value as Call)));
  }
  return out;
}

/** `a.b.c` of a member chain, or undefined. */
function memberPath(e: Expr): string[] | undefined {
  if (e.kind === 'Ident') return [e.name];
  if (e.kind === 'Member') {
    const o = memberPath(e.object);
    return o ? [...o, e.property.name] : undefined;
  }
  return undefined;
}

/** Every sub-expression, depth first. */
function* walk(e: Expr | undefined): Generator<Expr> {
  if (!e) return;
  yield e;
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object' && 'kind' in x) yield* x.kind === 'Arg' ? walk(x.value) : walk(x as Expr);
    } else if (v && typeof v === 'object' && 'kind' in v && v.kind !== undefined && 'range' in v) yield* walk(v as Expr);
  }
}

interface LevelText {
  loss?: Expr;
  lets: Map<string, Expr>;
}

function levelText(decl: LevelDecl): LevelText {
  const out: LevelText = { lets: new Map() };
  for (const st of decl.body) {
    if (st.kind === 'Loss') out.loss = st.value;
    else if (st.kind === 'Let' && st.name.name) out.lets.set(st.name.name, st.value);
  }
  return out;
}

/** The leading dimension of the first data field `e` reads (through lets), if any. */
function batchOf(e: Expr, text: LevelText, reads: readonly BatchRead[], seen = new Set<string>()): number | undefined {
  for (const x of walk(e)) {
    const path = memberPath(x);
    if (path && path.length >= 2) {
      const r = reads.find((b) => b.data === path[0] && b.field === path.slice(1).join('.'));
      const d = r?.shape[0];
      if (typeof d === 'number') return d;
    }
    if (x.kind === 'Ident' && text.lets.has(x.name) && !seen.has(x.name)) {
      seen.add(x.name);
      const b = batchOf(text.lets.get(x.name)!, text, reads, seen);
      if (b !== undefined) return b;
    }
  }
  return undefined;
}

/** The models a level owns (its own parameters, not an `init(...)` copy of them). */
const ownersOf = (info: LevelInfo): Set<string> => new Set(info.owned.filter((t) => !t.init).map((t) => t.declaredBy));

/** How the model applications relate to the level whose loss applies them. */
interface Owners {
  /** The level's own models. */
  readonly own: Set<string>;
  /** Models of the levels above it (hyperparameters here). */
  readonly upper: Set<string>;
  /** Models of restarting levels directly below it (applied at their final iterate θ_K). */
  readonly restarting: Set<string>;
}

/** Losses whose second derivative is constant in the model's output (their backward reads only the difference). */
const QUADRATIC = new Set(['mse', 'sqdist']);

/** The net applications (Call nodes) whose output a quadratic loss reads, directly or through a let. */
function quadraticHeads(text: LevelText): Set<Expr> {
  const out = new Set<Expr>();
  const roots = [text.loss, ...text.lets.values()];
  for (const r of roots)
    for (const x of walk(r)) {
      if (x.kind !== 'Call' || x.callee.kind !== 'Ident' || !QUADRATIC.has(x.callee.name)) continue;
      let a = x.args.find((y) => !y.name)?.value;
      if (a?.kind === 'Ident' && text.lets.has(a.name)) a = text.lets.get(a.name);
      if (a?.kind === 'Call') out.add(a);
    }
  return out;
}

/** The model applications of a level's loss (and the lets it uses), each with its batch. */
function usesOf(info: LevelInfo, text: LevelText, model: ModelInfo, acts: Map<string, string>, owners: Owners): NetUse[] {
  const fallback = info.batches.map((b) => b.shape[0]).find((d): d is number => typeof d === 'number') ?? 1;
  const out: NetUse[] = [];
  const quadratic = quadraticHeads(text);
  const visit = (e: Expr | undefined, seen: Set<string>): void => {
    for (const x of walk(e)) {
      if (x.kind === 'Ident' && text.lets.has(x.name) && !seen.has(x.name)) {
        seen.add(x.name);
        visit(text.lets.get(x.name), seen);
      }
      if (x.kind !== 'Call' || x.callee.kind !== 'Ident') continue;
      const net = model.nets.get(x.callee.name);
      if (!net) continue;
      const arg = x.args.find((a) => !a.name)?.value;
      const batch = (arg && batchOf(arg, text, info.batches)) ?? fallback;
      // the argument is a data field itself (`net(train.x)`), not a value computed from the model (`weight(ce)`)
      const dataInput = !arg || (memberPath(arg)?.length ?? 0) >= 2;
      const mixture = net.kind === 'mixture' && !!net.candidates;
      const nets = mixture ? net.candidates! : [net];
      nets.forEach((n, i) =>
        out.push({
          net: net.name,
          batch,
          layers: layerShapes(n),
          activation: (mixture ? acts.get(`${net.name}#${i}`) : undefined) ?? acts.get(net.name) ?? 'relu',
          // a mixture's candidates read the same input: its transpose is formed once
          ...(mixture && i > 0 ? { sharedInput: true } : {}),
          own: owners.own.has(net.name),
          upper: owners.upper.has(net.name),
          dataInput,
          restarting: owners.restarting.has(net.name),
          head: quadratic.has(x) ? 'quadratic' : 'softmax',
        }),
      );
    }
  };
  visit(text.loss, new Set());
  return out;
}

/** Whether the loss reads the level's own models as parameters (`sum(sq(net.weight))`, `sqdist(f, init(f))`), not only applies them. */
function hasPenalty(info: LevelInfo, text: LevelText): boolean {
  if (info.proximal !== undefined) return true;
  const owners = ownersOf(info);
  const roots = [text.loss, ...text.lets.values()];
  for (const r of roots) {
    const callees = new Set<Expr>();
    for (const x of walk(r)) if (x.kind === 'Call') callees.add(x.callee);
    for (const x of walk(r)) if (x.kind === 'Ident' && owners.has(x.name) && !callees.has(x)) return true;
  }
  return false;
}

/** Whether the loss (or a let it uses) reads any of `names` as a value, not as a model it applies. */
function readsParams(text: LevelText, names: ReadonlySet<string>): boolean {
  for (const r of [text.loss, ...text.lets.values()]) {
    const callees = new Set<Expr>();
    for (const x of walk(r)) if (x.kind === 'Call') callees.add(x.callee);
    for (const x of walk(r)) if (x.kind === 'Ident' && names.has(x.name) && !callees.has(x)) return true;
  }
  return false;
}

/**
 * How a level's loss reads its parent's parameters (LevelWork.upperRead): `model` where it applies
 * a parent's model (a weighting net on per-example losses) or a mixture whose architecture weights
 * the parent owns, `penalty` where it reads them only beside a penalty in its own weights (a learned
 * decay) or through a proximal term, and `model` for any other read (a weighting of its losses).
 */
function upperReadOf(info: LevelInfo, text: LevelText, parent: LevelInfo, model: ModelInfo): 'model' | 'penalty' | 'none' {
  const theirs = ownersOf(parent);
  const roots = [text.loss, ...text.lets.values()];
  let reads = false;
  for (const r of roots) {
    const callees = new Set<Expr>();
    for (const x of walk(r)) if (x.kind === 'Call') callees.add(x.callee);
    for (const x of walk(r)) {
      if (x.kind === 'Call' && x.callee.kind === 'Ident') {
        const net = model.nets.get(x.callee.name);
        if (net && (theirs.has(net.name) || (net.arch !== undefined && theirs.has(net.arch)))) return 'model';
        if (x.callee.name === 'init') reads = true;
      }
      if (x.kind === 'Ident' && theirs.has(x.name) && !callees.has(x)) reads = true;
    }
  }
  if (info.proximal !== undefined) return 'penalty';
  if (!reads) return 'none';
  return hasPenalty(info, text) ? 'penalty' : 'model';
}

const count = (shape: readonly (number | null)[]): number => shape.reduce<number>((p, d) => p * (d ?? 1), 1);

/**
 * The level trees of a checked program, one per top level that has levels below it. A level with
 * several uppers is placed under the first. A level that reads a task source runs once per task,
 * so its steps count `tasks` times. `only` restricts the trees to those top levels (a tree never
 * depends on another, so each is the same as in the whole list).
 */
export function workloadFromCheck(result: CheckResult, only?: ReadonlySet<string>): LevelWork[] {
  const model = result.model;
  const acts = activations(result.program);
  const texts = new Map<string, LevelText>();
  for (const d of result.program.decls) if (d.kind === 'Level' && d.name.name && !texts.has(d.name.name)) texts.set(d.name.name, levelText(d as LevelDecl));
  const placed = new Set<string>();
  const build = (info: LevelInfo, ancestors: readonly LevelInfo[]): LevelWork => {
    placed.add(info.name);
    const parent = ancestors[ancestors.length - 1];
    const text = texts.get(info.name) ?? { lets: new Map() };
    const lowers = info.lowers.map((n) => model.levels.get(n)).filter((l): l is LevelInfo => !!l);
    const owners: Owners = {
      own: ownersOf(info),
      upper: new Set(ancestors.flatMap((a) => [...ownersOf(a)])),
      restarting: new Set(lowers.filter((l) => l.resetFrom !== undefined).flatMap((l) => [...ownersOf(l)])),
    };
    const tasks = info.taskBatched ? Math.max(1, ...info.batches.map((b) => model.data.get(b.data)?.tasks ?? 1)) : 1;
    const perTask = info.taskBatched && !info.resetFrom ? tasks : 1;
    const children = lowers.filter((l) => !placed.has(l.name) && l.uppers[0] === info.name).map((l) => build(l, [...ancestors, info]));
    return {
      name: info.name,
      paramCount: info.ownedCount ?? 0,
      tensorCount: info.owned.length,
      optimizer: info.optimizer.name,
      stateSlots: stateSlotsOf(info.optimizer.name, info.optimizer.constants),
      steps: parent ? info.steps : 1,
      replicas: parent && info.resetFrom ? tasks : 1,
      learnedOptions: info.optimizer.learned,
      // an upper level over task replicas evaluates its loss once per task, on that task's data
      dataPerStep: info.batches.reduce((s, b) => s + count(b.shape), 0) * perTask,
      uses: Array.from({ length: perTask }, () => usesOf(info, text, model, acts, owners)).flat(),
      reset: info.resetFrom !== undefined,
      mode: { name: info.mode.name as ModeName, options: info.mode.options },
      children,
      penalty: hasPenalty(info, text),
      penaltyScale: readsParams(text, owners.upper) ? 'learned' : 'constant',
      upperScalars: parent?.ownedCount ?? 0,
      ...(parent ? { upperRead: upperReadOf(info, text, parent, model) } : {}),
    };
  };
  const roots: LevelWork[] = [];
  for (const info of model.levels.values()) {
    if (info.uppers.length > 0 || info.lowers.length === 0 || placed.has(info.name)) continue;
    if (only && !only.has(info.name)) continue;
    roots.push(build(info, []));
  }
  return roots;
}

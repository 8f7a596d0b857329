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
        out.push({ kind: 'conv', inWidth: c * h * w, outWidth: o * h * w, macs: o * h * w * i * k * k });
        c = o;
        h = Math.floor(h / 2);
        w = Math.floor(w / 2);
      } else {
        const [fi, fo] = [l.weight.shape[0] ?? 1, l.weight.shape[1] ?? 1];
        out.push({ kind: 'dense', inWidth: fi, outWidth: fo, macs: fi * fo });
      }
    }
    return out;
  }
  return net.layers.map((l) => {
    const [fi, fo] = [l.weight.shape[0] ?? 1, l.weight.shape[1] ?? 1];
    return { kind: 'dense', inWidth: fi, outWidth: fo, macs: fi * fo };
  });
}

/** The `act:` of each model declaration (the language's default is relu). */
function activations(program: Program): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of program.decls) {
    if (d.kind !== 'Model' || (d as ModelDecl).spec.kind !== 'Call') continue;
    const spec = (d as ModelDecl).spec as Call;
    const act = spec.args.find((a) => a.name?.name === 'act');
    out.set(d.name.name, act && act.value.kind === 'Ident' ? act.value.name : 'relu');
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

/** The model applications of a level's loss (and the lets it uses), each with its batch. */
function usesOf(info: LevelInfo, text: LevelText, model: ModelInfo, acts: Map<string, string>): NetUse[] {
  const fallback = info.batches.map((b) => b.shape[0]).find((d): d is number => typeof d === 'number') ?? 1;
  const out: NetUse[] = [];
  const owners = new Set(info.owned.map((t) => t.declaredBy));
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
      const nets = net.kind === 'mixture' && net.candidates ? net.candidates : [net];
      for (const n of nets) out.push({ net: net.name, batch, layers: layerShapes(n), activation: acts.get(net.name) ?? 'relu', own: owners.has(net.name) });
    }
  };
  visit(text.loss, new Set());
  return out;
}

/** Whether the loss reads the level's own models as parameters (`sum(sq(net.weight))`, `sqdist(f, init(f))`), not only applies them. */
function hasPenalty(info: LevelInfo, text: LevelText): boolean {
  if (info.proximal !== undefined) return true;
  const owners = new Set(info.owned.map((t) => t.declaredBy));
  const roots = [text.loss, ...text.lets.values()];
  for (const r of roots) {
    const callees = new Set<Expr>();
    for (const x of walk(r)) if (x.kind === 'Call') callees.add(x.callee);
    for (const x of walk(r)) if (x.kind === 'Ident' && owners.has(x.name) && !callees.has(x)) return true;
  }
  return false;
}

const count = (shape: readonly (number | null)[]): number => shape.reduce<number>((p, d) => p * (d ?? 1), 1);

/**
 * The level trees of a checked program, one per top level that has levels below it. A level with
 * several uppers is placed under the first. A level that reads a task source runs once per task,
 * so its steps count `tasks` times.
 */
export function workloadFromCheck(result: CheckResult): LevelWork[] {
  const model = result.model;
  const acts = activations(result.program);
  const texts = new Map<string, LevelText>();
  for (const d of result.program.decls) if (d.kind === 'Level' && d.name.name && !texts.has(d.name.name)) texts.set(d.name.name, levelText(d as LevelDecl));
  const placed = new Set<string>();
  const build = (info: LevelInfo, parent: LevelInfo | undefined): LevelWork => {
    placed.add(info.name);
    const text = texts.get(info.name) ?? { lets: new Map() };
    const tasks = info.taskBatched ? Math.max(1, ...info.batches.map((b) => model.data.get(b.data)?.tasks ?? 1)) : 1;
    const perTask = info.taskBatched && !info.resetFrom ? tasks : 1;
    const children = info.lowers
      .map((n) => model.levels.get(n))
      .filter((l): l is LevelInfo => !!l && !placed.has(l.name) && l.uppers[0] === info.name)
      .map((l) => build(l, info));
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
      uses: Array.from({ length: perTask }, () => usesOf(info, text, model, acts)).flat(),
      reset: info.resetFrom !== undefined,
      mode: { name: info.mode.name as ModeName, options: info.mode.options },
      children,
      penalty: hasPenalty(info, text),
      upperScalars: parent?.ownedCount ?? 0,
    };
  };
  const roots: LevelWork[] = [];
  for (const info of model.levels.values()) {
    if (info.uppers.length > 0 || info.lowers.length === 0 || placed.has(info.name)) continue;
    roots.push(build(info, undefined));
  }
  return roots;
}

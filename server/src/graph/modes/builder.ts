// Traces one outer step of a level tree: every level's steps (children first), each upper
// level's hypergradient composed along its dependency paths, and every optimizer update.
//
// Cross-level reads go through fresh aliases (StopGradient nodes, never hash-consed), so no
// derivative leaks from one level into another except through the explicit path products that
// the modes compute; a level's own iterate is read directly, so differentiating through a
// level's steps (unrolled, forward, mixflow) sees its whole update map.
import { gradOf, jvpValues } from '../autodiff.js';
import * as fn from '../composites.js';
import type { Graph } from '../ir.js';
import type { OptState } from '../nn/optimizers.js';
import * as op from '../ops.js';
import { Tracer, type Value } from '../trace.js';
import { addZ, alias, dotV, isZeroVec } from './lists.js';
import { crossProduct } from './products.js';
import { descendants, isAncestor, ProblemError, varKey, type LevelNode, type ProblemTree, type ReadContext } from './problem.js';

/** One read of another level's parameter: the alias that stood for it. */
export interface Read {
  readonly key: string;
  readonly alias: Value;
}

/** What one step of a level left behind (its checkpoint and what it read). */
export interface StepRecord {
  /** θ_k and s_k: the iterate and optimizer state the step started from. */
  readonly theta: readonly Value[];
  readonly state: OptState;
  /** The (hyper)gradient the optimizer consumed. */
  readonly grad: readonly Value[];
  readonly reads: readonly Read[];
  readonly batchIndex: number;
  /** truncated(T): steps before the last T are not differentiated. */
  readonly excluded: boolean;
}

/** One run of a level (its `steps` steps within one step of its parent). */
export interface RunRecord {
  readonly level: LevelNode;
  /** Reads made to build θ₀ (reset from an upper level). */
  readonly initReads: readonly Read[];
  readonly steps: StepRecord[];
  theta: Value[];
  state: OptState;
  /** forward mode: for each scalar direction (key, flat index), the tangent dθ_K/dφ_q. */
  tangents?: { key: string; index: number; z: (Value | null)[] }[];
  /** forward mode: the optimizer state's tangents, per direction (flatState order). */
  stateTangents?: (Value | null)[][];
}

export interface StepOutput {
  readonly loss: Value;
  readonly grad: Value[];
  readonly theta: Value[];
  readonly state: OptState;
  readonly reads: Read[];
}

/** Names of an optimizer state's differentiable entries, in a fixed order (slot-major). */
export function stateEntries(level: LevelNode): { slot: string; index: number; param: string }[] {
  const o = level.def.optimizer.optimizer;
  return o.slots.flatMap((slot) => level.def.params.map((p, index) => ({ slot, index, param: p.name })));
}

export const flatState = (level: LevelNode, s: OptState): Value[] => stateEntries(level).map((e) => s[e.slot]![e.index]!);

export function unflatState(level: LevelNode, flat: readonly Value[], step: Value | undefined): OptState {
  const o = level.def.optimizer.optimizer;
  const out: Record<string, Value[]> = {};
  stateEntries(level).forEach((e, i) => (out[e.slot] ??= []).push(flat[i]!));
  if (o.counts && step) out['step'] = [step];
  return out;
}

export class OuterStepBuilder {
  readonly t = new Tracer();
  /** Current value of every parameter, by `level.param`. */
  readonly cur = new Map<string, Value>();
  /** Current optimizer state of every level that keeps one across outer steps. */
  readonly state = new Map<string, OptState>();
  readonly data = new Map<string, Map<string, Value>>();
  readonly runs = new Map<string, RunRecord>();
  readonly lastLoss = new Map<string, Value>();
  readonly lastGrad = new Map<string, Value[]>();
  private readonly counters = new Map<string, number>();

  constructor(readonly tree: ProblemTree) {}

  level(name: string): LevelNode {
    const l = this.tree.byName.get(name);
    if (!l) throw new ProblemError(`no level ${name}`);
    return l;
  }

  ownerOf(key: string): LevelNode {
    return this.level(key.slice(0, key.indexOf('.')));
  }

  paramIndex(level: LevelNode, name: string): number {
    const i = level.def.params.findIndex((p) => p.name === name);
    if (i < 0) throw new ProblemError(`level ${level.name} has no parameter ${name}`);
    return i;
  }

  params(level: LevelNode): Value[] {
    return level.def.params.map((p) => this.cur.get(varKey(level.name, p.name))!);
  }

  setParams(level: LevelNode, theta: readonly Value[]): void {
    level.def.params.forEach((p, i) => this.cur.set(varKey(level.name, p.name), theta[i]!));
  }

  /** A context in which `level` reads its own iterate `own` and aliases of everything else. */
  context(level: LevelNode, own: readonly Value[], reads: Read[]): ReadContext {
    return {
      tracer: this.t,
      param: (lv: string, name: string): Value => {
        const owner = this.level(lv);
        const i = this.paramIndex(owner, name);
        if (owner === level) return own[i]!;
        const key = varKey(lv, name);
        const cur = this.cur.get(key);
        if (!cur) throw new ProblemError(`${level.name} reads ${key} before ${lv} has a value`);
        const a = alias(cur);
        reads.push({ key, alias: a });
        return a;
      },
    };
  }

  /** This level's batch for step `index` of the outer step. `fresh` avoids sharing with earlier slices. */
  batch(level: LevelNode, index: number, fresh = false): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const f of level.def.data ?? []) {
      const x = this.data.get(level.name)!.get(f.name)!;
      const s = fresh
        ? this.t.emit('Slice', [x], { starts: [index], ends: [index + 1], axes: [0] }, { fresh: true })
        : op.slice(x, [index], [index + 1], [0]);
      out[f.name] = op.reshape(s, [...f.shape]);
    }
    return out;
  }

  nextBatchIndex(level: LevelNode): number {
    const k = this.counters.get(level.name) ?? 0;
    this.counters.set(level.name, k + 1);
    return k;
  }

  /** The level's loss at iterate θ (plus iMAML's proximal term), reading others through `reads`. */
  loss(level: LevelNode, theta: readonly Value[], batchIndex: number, reads: Read[], freshBatch = false): Value {
    const ctx = this.context(level, theta, reads);
    let l = level.def.loss({ ...ctx, batch: this.batch(level, batchIndex, freshBatch) });
    if (l.shape.length !== 0 || l.dtype !== 'float32') throw new ProblemError(`level ${level.name}: loss must be a float32 scalar, got ${l.dtype}[${l.shape.join(',')}]`);
    const lam = level.def.proximal;
    if (lam !== undefined && level.resetSource) {
      const src = level.resetSource.name;
      const sq = level.def.params.map((p, i) => {
        const d = op.sub(theta[i]!, ctx.param(src, level.resetMap.get(p.name)!));
        return fn.dot(d, d);
      });
      l = op.add(l, op.mul(sq.reduce((a, b) => op.add(a, b)), lam / 2));
    }
    return l;
  }

  /** The optimizer's options at iterate θ (constants merged with traced ones). */
  hyper(level: LevelNode, theta: readonly Value[], reads: Read[]): Record<string, op.Operand | boolean> {
    const f = level.def.optimizer.options;
    return f ? { ...f(this.context(level, theta, reads)) } : {};
  }

  /**
   * One step of `level` from (θ, s): run the children, form the level's gradient (own partial
   * plus every path product), apply the optimizer. `rematUpdate` traces the optimizer update as
   * a checkpointing region (mixflow recomputes it in its backward sweep).
   */
  step(level: LevelNode, theta: readonly Value[], s: OptState, batchIndex: number, rematUpdate = false): StepOutput {
    this.setParams(level, theta);
    for (const c of level.children) this.run(c);
    const reads: Read[] = [];
    const loss = this.loss(level, theta, batchIndex, reads);
    const lower = reads.filter((r) => isAncestor(level, this.ownerOf(r.key)));
    const grads = gradOf(loss, [...theta, ...lower.map((r) => r.alias)]);
    let g: Value[] = grads.slice(0, theta.length);
    if (lower.length > 0) {
      const cts = new Map<string, Value>();
      lower.forEach((r, i) => cts.set(r.key, addZ(cts.get(r.key) ?? null, grads[theta.length + i]!)!));
      const paths = this.pathProducts(level, cts);
      g = g.map((gi, i) => addZ(gi, paths[i] ?? null)!);
    }
    const update = (): { params: Value[]; state: OptState } => level.def.optimizer.optimizer.step(theta, s, g, this.hyper(level, theta, reads) as never);
    const next = rematUpdate ? this.t.remat(update) : update();
    this.lastLoss.set(level.name, loss);
    this.lastGrad.set(level.name, g);
    return { loss, grad: g, theta: next.params, state: next.state, reads };
  }

  /**
   * The sum over the level's dependency paths (one upper-to-lower edge from `level`, then
   * lower-to-upper edges back to it) of the chained best-response vector products, right to
   * left: cotangents on lower levels' parameters start as ∂L/∂θ_lower and are pushed across
   * each level's best response (closest levels first), with the mode of that level's parent.
   */
  pathProducts(level: LevelNode, cts: ReadonlyMap<string, Value>): (Value | null)[] {
    const c = new Map<string, (Value | null)[]>();
    const addTo = (key: string, v: Value): boolean => {
      const owner = this.ownerOf(key);
      const i = this.paramIndex(owner, key.slice(owner.name.length + 1));
      const vec = c.get(owner.name) ?? owner.def.params.map(() => null);
      vec[i] = addZ(vec[i] ?? null, v);
      c.set(owner.name, vec);
      return true;
    };
    for (const [k, v] of cts) addTo(k, v);
    for (const y of descendants(level)) {
      const v = c.get(y.name);
      if (!v || isZeroVec(v)) continue;
      const rec = this.runs.get(y.name);
      if (!rec) throw new ProblemError(`level ${y.name} has not run`);
      const wanted = (key: string): boolean => {
        const o = this.ownerOf(key);
        return o === level || isAncestor(y, o);
      };
      for (const [k, u] of crossProduct(this, y, rec, v, wanted)) addTo(k, u);
    }
    return c.get(level.name) ?? level.def.params.map(() => null);
  }

  /** Run `level`'s steps (one step of its parent), traced as its parent's mode requires. */
  run(level: LevelNode): void {
    const mode = level.parent!.mode;
    const opt = level.def.optimizer.optimizer;
    const initReads: Read[] = [];
    let theta: Value[];
    let s: OptState;
    if (level.resetSource) {
      const src = level.resetSource.name;
      const ctx = this.context(level, [], initReads);
      theta = level.def.params.map((p) => ctx.param(src, level.resetMap.get(p.name)!));
      s = opt.init(theta);
    } else {
      theta = this.params(level);
      s = this.state.get(level.name)!;
    }
    const rec: RunRecord = { level, initReads, steps: [], theta, state: s };
    const K = level.steps;
    const cutAt = mode.mode === 'truncated' ? K - mode.steps : 0;
    if (mode.mode === 'forward') this.initTangents(level, rec, theta, mode.maxScalars ?? 256);
    for (let k = 0; k < K; k++) {
      if (k > 0 && k === cutAt) [theta, s] = this.cut(theta, s);
      const batchIndex = this.nextBatchIndex(level);
      const out = this.step(level, theta, s, batchIndex, mode.mode === 'mixflow');
      rec.steps.push({ theta, state: s, grad: out.grad, reads: out.reads, batchIndex, excluded: k < cutAt });
      if (rec.tangents) this.pushTangents(level, rec, theta, s, out);
      theta = out.theta;
      s = out.state;
      // mrml keeps no graph of the inner loop at all.
      if (mode.mode === 'mrml') [theta, s] = this.cut(theta, s);
    }
    rec.theta = theta;
    rec.state = s;
    this.setParams(level, theta);
    this.state.set(level.name, s);
    this.runs.set(level.name, rec);
  }

  private cut(theta: readonly Value[], s: OptState): [Value[], OptState] {
    const st: Record<string, Value[]> = {};
    for (const [k, v] of Object.entries(s)) st[k] = v.map(alias);
    return [theta.map(alias), st];
  }

  /** forward mode: one tangent direction per scalar of every parameter the level's run reads. */
  private initTangents(level: LevelNode, rec: RunRecord, theta: readonly Value[], maxScalars: number): void {
    const keys = this.probeReads(level, theta);
    const dirs: { key: string; index: number }[] = [];
    for (const key of keys) {
      const n = this.cur.get(key)!.size;
      for (let i = 0; i < n; i++) dirs.push({ key, index: i });
    }
    if (dirs.length > maxScalars)
      throw new ProblemError(`forward mode through ${level.name}: ${dirs.length} hyperparameter scalars (limit ${maxScalars}); use mixflow or unrolled`);
    rec.tangents = dirs.map((d) => ({
      ...d,
      z: level.def.params.map((p, i) => {
        const r = rec.initReads[i];
        return r && r.key === d.key ? this.unit(r.alias, d.index) : null;
      }),
    }));
    rec.stateTangents = dirs.map(() => stateEntries(level).map(() => null));
  }

  private pushTangents(level: LevelNode, rec: RunRecord, theta: readonly Value[], s: OptState, out: StepOutput): void {
    const sRec = rec;
    const sIn = flatState(level, s);
    const sOut = flatState(level, out.state);
    rec.tangents!.forEach((d, q) => {
      const wrt: Value[] = [];
      const tans: Value[] = [];
      const push = (w: Value, tan: Value | null): void => {
        if (tan) {
          wrt.push(w);
          tans.push(tan);
        }
      };
      theta.forEach((x, i) => push(x, d.z[i] ?? null));
      sIn.forEach((x, i) => push(x, sRec.stateTangents![q]![i] ?? null));
      for (const r of out.reads) if (r.key === d.key) push(r.alias, this.unit(r.alias, d.index));
      const res = wrt.length ? jvpValues([...out.theta, ...sOut], wrt, tans) : [...out.theta, ...sOut].map(() => null);
      d.z = res.slice(0, theta.length);
      sRec.stateTangents![q] = res.slice(theta.length);
    });
  }

  /** The unit tensor e_index shaped like x. */
  unit(x: Value, index: number): Value {
    const data = new Array<number>(x.size).fill(0);
    data[index] = 1;
    return this.t.constant(data.length === 1 ? 1 : data, x.shape);
  }

  /** Which other levels' parameters a level's loss and options read (traced once on the side). */
  probeReads(level: LevelNode, theta: readonly Value[]): string[] {
    const reads: Read[] = [];
    this.loss(level, theta, 0, reads);
    this.hyper(level, theta, reads);
    const keys = new Set(reads.map((r) => r.key));
    if (level.resetSource) for (const p of level.def.params) keys.add(varKey(level.resetSource.name, level.resetMap.get(p.name)!));
    return [...keys];
  }

  /** Σ‖g‖² over a level's gradient, square-rooted: the logged hypergradient norm. */
  norm(g: readonly Value[]): Value {
    return fn.safeSqrt(dotV(this.t, g, g));
  }

  build(outputs: readonly Value[], inputs: readonly Value[]): Graph {
    return this.t.build(outputs, inputs);
  }
}

// A checked program → the modes' problem tree (LevelDef), plus what a runner needs to feed it:
// the tensors and their owners, the data sources, one feed per data input, the reports.
// Pure graph building: nothing is loaded or run here, so the memory estimator can call it on
// any checked program (shapes come from the checker).
//
// Task sources (sinusoid with `tasks: T`): the subtree of a level that restarts with
// `reset from U` and reads task data is repeated T times (`adapt#1` … `adapt#T`), each replica
// reading its own task; U's loss is the mean over tasks of its loss evaluated with each
// replica's parameters and each task's data. So one outer step is one meta-batch, in one graph.
import type { Expr, LevelDecl, OptimizerStmt, Program } from '../../syntax/ast.js';
import type { CheckResult } from '../../model/check.js';
import type { DataInfo, FieldInfo, LevelInfo, ModeInfo, ModelInfo, RunInfo } from '../../model/info.js';
import type { DType } from '../ir.js';
import * as op from '../ops.js';
import * as nnOpt from '../nn/optimizers.js';
import { Tracer, type Value } from '../trace.js';
import type { DataField, LevelDef, ModeSpec, OptimizerDef, ReadContext } from '../modes/problem.js';
import { constValue, exprText, LoweringError } from './args.js';
import { dataSpecs, type DataSpec } from './data-specs.js';
import { compile, operandOf, scalarOf, type GlobalKind, type Scope } from './expr.js';
import { netModels, type NetModel } from './nets.js';
import { tensorSpecs, type TensorSpec } from './params.js';

export interface LowerOptions {
  /** Replaces the root level's hypergradient mode (`--mode`). */
  readonly mode?: ModeSpec;
  /** Lower only the subtree rooted at this level (`mlo hypergrad --level L`); levels above it are frozen. */
  readonly level?: string;
}

/** Where the rows of one data input come from. */
export type FeedSource =
  /** A field of a data source (`x`, `y`, `index`, `support.x`, `train.y`); `task`: which task of a meta-batch (0-based). */
  | { readonly kind: 'data'; readonly data: string; readonly field: string; readonly task?: number }
  /** A tensor no level of the lowered tree owns: fed with its current value. */
  | { readonly kind: 'tensor'; readonly tensor: string };

/** One data input of the outer-step graph: `data:${level}.${field}`, shape [steps, ...shape]. */
export interface Feed {
  readonly level: string;
  readonly field: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Steps of `level` per outer step (the graph input's first axis). */
  readonly steps: number;
  readonly source: FeedSource;
}

export interface LoweredLevel {
  /** Its LevelDef name (`adapt#2` for a task replica). */
  readonly name: string;
  /** The .mlo level it comes from. */
  readonly source: string;
  readonly task?: number;
  readonly parent?: string;
  readonly steps: number;
  readonly totalSteps: number;
  /** Parameters and optimizer state carried from one outer step to the next (no `reset from`). */
  readonly carried: boolean;
  readonly tensors: readonly string[];
  readonly optimizer: string;
  readonly mode?: ModeSpec;
  /** Its loss is the mean over the tasks of a meta-batch. */
  readonly perTask: boolean;
  /** Data sources it draws a batch from at each of its steps. */
  readonly sources: readonly string[];
}

export interface ReportSpec {
  readonly name: string;
  readonly expr: Expr;
}

export interface LoweredProgram {
  readonly root: LevelDef;
  /** Pre-order, parents first (as the builders order graph inputs). */
  readonly levels: readonly LoweredLevel[];
  readonly tensors: readonly TensorSpec[];
  readonly data: readonly DataSpec[];
  readonly feeds: readonly Feed[];
  /** The root's mode as given by `LowerOptions.mode` (pass it to the builders too). */
  readonly mode?: ModeSpec;
  /** Meta-batches: the replicated .mlo levels and the tasks per outer step. */
  readonly tasks?: { readonly levels: readonly string[]; readonly count: number; readonly data: string };
  readonly reports: readonly ReportSpec[];
  readonly run: RunInfo;
  /** What the expressions of reports need (used by `traceReports`). */
  readonly env: ProgramEnv;
}

/** The program-wide tables expressions are compiled against. */
export interface ProgramEnv {
  readonly model: ModelInfo;
  readonly program: Program;
  readonly globals: ReadonlyMap<string, GlobalKind>;
  readonly nets: ReadonlyMap<string, NetModel>;
  readonly tensorByName: ReadonlyMap<string, TensorSpec>;
}

/** The mode of a level as the builders take it. */
export function modeSpecOf(m: ModeInfo): ModeSpec {
  const o = m.options;
  const pick = (k: string): Record<string, number> => (o[k] !== undefined ? { [k]: o[k]! } : {});
  switch (m.name) {
    case 'truncated':
      return { mode: 'truncated', steps: o['steps'] ?? 1 };
    case 'darts':
      return { mode: 'darts', ...pick('alpha') };
    case 'neumann':
      return { mode: 'neumann', ...pick('iters'), ...pick('alpha') };
    case 'cg':
      return { mode: 'cg', ...pick('iters'), ...pick('damping') };
    case 'mrml':
      return { mode: 'mrml', ...pick('iters'), ...pick('damping') };
    case 'sama':
      return { mode: 'sama', ...pick('radius') };
    case 'first_order':
    case 'mixflow':
    case 'forward':
    case 'unrolled':
      return { mode: m.name };
    default:
      throw new LoweringError(`unknown hypergradient mode ${m.name}`);
  }
}

/** Field info of a data path (`noisy.x`, `tasks.support.y`), or undefined for records and unknown paths. */
export function fieldAt(model: ModelInfo, path: string): { data: DataInfo; field: string; info: FieldInfo } | undefined {
  const [d, ...rest] = path.split('.');
  const data = model.data.get(d!);
  if (!data || rest.length === 0) return undefined;
  let f: FieldInfo | undefined = { kind: 'fields', fields: data.fields };
  for (const k of rest) f = f?.kind === 'fields' ? f.fields[k] : undefined;
  return f ? { data, field: rest.join('.'), info: f } : undefined;
}

function isRecordPath(model: ModelInfo, path: string): boolean {
  if (!path.includes('.')) return model.data.has(path);
  return fieldAt(model, path)?.info.kind === 'fields';
}

function concreteShape(shape: readonly (number | null)[], what: string): number[] {
  if (shape.some((d) => d === null)) throw new LoweringError(`${what} has an unknown dimension`);
  return shape as number[];
}

export function programEnv(result: CheckResult): ProgramEnv {
  const { program, model } = result;
  const globals = new Map<string, GlobalKind>();
  for (const d of program.decls) {
    if (d.kind === 'Data') globals.set(d.name.name, 'data');
    else if (d.kind === 'Model') globals.set(d.name.name, 'model');
    else if (d.kind === 'Param') globals.set(d.name.name, 'param');
  }
  const tensors = tensorSpecs(program, model);
  return { model, program, globals, nets: netModels(program, model.nets), tensorByName: new Map(tensors.map((t) => [t.name, t])) };
}

/** A Scope over resolvers: the compiled expression asks for tensors and data by name. */
export function makeScope(env: ProgramEnv, tracer: Tracer, param: (t: string) => Value, data: (p: string) => Value | number): Scope {
  return { tracer, param, data, isRecord: (p) => isRecordPath(env.model, p), globals: env.globals, nets: env.nets, lets: new Map() };
}

/** Compiles a level's `let`s (in order) and its loss. */
export function compileLoss(decl: LevelDecl, s: Scope): Value {
  for (const st of decl.body) {
    if (st.kind === 'Let') s.lets.set(st.name.name, compile(st.value, s));
    else if (st.kind === 'Loss') return scalarOf(compile(st.value, s), s, `the loss of ${decl.name.name}`);
  }
  throw new LoweringError(`level ${decl.name.name} has no loss`);
}

const TASK_SOURCES = new Set(['sinusoid']);

export function lowerProgram(result: CheckResult, o: LowerOptions = {}): LoweredProgram {
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new LoweringError(`the program has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.code} ${errors[0]!.message}`);
  const env = programEnv(result);
  const { model, program } = result;
  const infos = model.levels;
  const decls = new Map(program.decls.filter((d): d is LevelDecl => d.kind === 'Level').map((d) => [d.name.name, d]));
  const rootName = o.level ?? single([...infos.values()].filter((l) => l.uppers.length === 0).map((l) => l.name));
  if (!infos.has(rootName)) throw new LoweringError(`no level ${rootName}`);

  // The subtree of the root, each level with one parent.
  const inTree = new Set<string>();
  const walk = (n: string): void => {
    inTree.add(n);
    for (const c of infos.get(n)!.lowers) {
      if (inTree.has(c)) throw new LoweringError(`level ${c} sits below more than one level; the engine runs trees of levels`);
      walk(c);
    }
  };
  walk(rootName);

  // Meta-batches: replicate the subtree of each reset level that reads task data.
  const taskData = [...model.data.values()].filter((d) => TASK_SOURCES.has(d.source));
  const subtree = (n: string): string[] => [n, ...infos.get(n)!.lowers.flatMap(subtree)];
  const replicated = new Set<string>();
  let taskCount = 0;
  for (const l of infos.values()) {
    if (!inTree.has(l.name) || !l.resetFrom || l.name === rootName) continue;
    const sub = subtree(l.name);
    if (!sub.some((n) => infos.get(n)!.taskBatched)) continue;
    if (!l.uppers.includes(l.resetFrom)) throw new LoweringError(`level ${l.name} reads task data and resets from ${l.resetFrom}, which is not directly above it`);
    for (const n of sub) replicated.add(n);
  }
  if (taskData.length) {
    const counts = new Set(taskData.map((d) => d.tasks ?? 1));
    if (counts.size > 1) throw new LoweringError('task sources with different `tasks` counts cannot share one meta-batch');
    taskCount = [...counts][0]!;
  }
  const isTaskPath = (path: string): boolean => TASK_SOURCES.has(model.data.get(path.split('.')[0]!)?.source ?? '');
  const defName = (level: string, t: number | undefined): string => {
    if (!replicated.has(level)) return level;
    if (t === undefined) throw new NeedsTask();
    return `${level}#${t + 1}`;
  };
  const ownerOf = (tensor: string): string | undefined => {
    const ow = env.tensorByName.get(tensor)?.owner;
    return ow && inTree.has(ow) ? ow : undefined;
  };
  const fieldName = (path: string, t: number | undefined): string => {
    if (!isTaskPath(path)) return path;
    if (t === undefined) {
      if (replicated.size === 0) throw new LoweringError(`${path} is task data, but no level that reads it restarts with \`reset from\`: a meta-batch needs one`);
      throw new NeedsTask();
    }
    return `${path}#${t + 1}`;
  };

  /** What a level's loss and options read (a trace on a scratch tracer). */
  const discover = (decl: LevelDecl, t: number | undefined): { tensors: Set<string>; paths: Set<string>; frozen: Set<string> } => {
    const tr = new Tracer();
    const tensors = new Set<string>();
    const paths = new Set<string>();
    const frozen = new Set<string>();
    const scope = makeScope(
      env,
      tr,
      (name) => {
        const spec = env.tensorByName.get(name);
        if (!spec) throw new LoweringError(`unknown tensor ${name}`);
        const ow = ownerOf(name);
        if (ow) defName(ow, t);
        else frozen.add(name);
        tensors.add(name);
        return tr.input(name, spec.shape);
      },
      (path) => {
        const f = fieldAt(model, path);
        if (!f || f.info.kind !== 'tensor') throw new LoweringError(`unknown data field ${path}`);
        if (f.info.constant) {
          if (f.info.value === undefined) throw new LoweringError(`${path} is unknown`);
          return f.info.value;
        }
        fieldName(path, t);
        paths.add(path);
        return tr.input(path, concreteShape(f.info.shape, path), f.info.int ? 'int32' : 'float32');
      },
    );
    compileLoss(decl, scope);
    for (const e of learnedOptions(decl).values()) compile(e, makeScope(env, tr, scope.param, () => {
      throw new LoweringError(`the optimizer options of ${decl.name.name} read data`);
    }));
    return { tensors, paths, frozen };
  };

  const levels: LoweredLevel[] = [];
  const feeds: Feed[] = [];

  const build = (name: string, t: number | undefined, parent: LoweredLevel | undefined): LevelDef => {
    const info = infos.get(name)!;
    const decl = decls.get(name)!;
    const steps = parent ? info.steps : 1;
    const totalSteps = (parent?.totalSteps ?? 1) * steps;
    let perTask = false;
    let reads: ReturnType<typeof discover>;
    try {
      reads = discover(decl, t);
    } catch (e) {
      if (!(e instanceof NeedsTask)) throw e;
      perTask = true;
      reads = discover(decl, 0);
    }
    const tasks = perTask ? [...Array(taskCount).keys()] : [t];
    const fields: DataField[] = [];
    const addFeed = (field: string, shape: number[], dtype: DType, source: FeedSource): void => {
      fields.push({ name: field, shape, dtype });
      feeds.push({ level: defName(name, t), field, shape, dtype, steps: totalSteps, source });
    };
    for (const path of [...reads.paths].sort()) {
      const f = fieldAt(model, path)!;
      const shape = concreteShape((f.info as { shape: (number | null)[] }).shape, path);
      const dtype: DType = (f.info as { int?: boolean }).int ? 'int32' : 'float32';
      if (isTaskPath(path)) for (const k of tasks) addFeed(fieldName(path, k), shape, dtype, { kind: 'data', data: f.data.name, field: f.field, task: k! });
      else addFeed(path, shape, dtype, { kind: 'data', data: f.data.name, field: f.field });
    }
    for (const tensor of [...reads.frozen].sort()) addFeed(`frozen:${tensor}`, [...env.tensorByName.get(tensor)!.shape], 'float32', { kind: 'tensor', tensor });

    const own = info.owned.map((x) => x.name);
    const isRoot = !parent;
    const mode = isRoot && o.mode ? o.mode : info.lowers.length ? modeSpecOf(info.mode) : undefined;
    const lowered: LoweredLevel = {
      name: defName(name, t), source: name, ...(t !== undefined ? { task: t } : {}), ...(parent ? { parent: parent.name } : {}),
      steps, totalSteps, carried: !(info.resetFrom && !isRoot), tensors: own, optimizer: info.optimizer.name,
      ...(mode ? { mode } : {}), perTask, sources: [...new Set([...reads.paths].map((p) => p.split('.')[0]!))].sort(),
    };
    levels.push(lowered);

    const scopeIn = (c: ReadContext, batch: Readonly<Record<string, Value>> | undefined, k: number | undefined): Scope =>
      makeScope(
        env,
        c.tracer,
        (tensor) => {
          const ow = ownerOf(tensor);
          if (ow) return c.param(defName(ow, k), tensor);
          const v = batch?.[`frozen:${tensor}`];
          if (!v) throw new LoweringError(`${name} reads ${tensor}, which no level of this tree owns, where no data is available`);
          return v;
        },
        (path) => {
          const f = fieldAt(model, path)!;
          if (f.info.kind === 'tensor' && f.info.constant) return f.info.value!;
          const v = batch?.[fieldName(path, k)];
          if (!v) throw new LoweringError(`${name} reads ${path} where no data is available`);
          return v;
        },
      );
    const loss = (c: ReadContext & { batch: Readonly<Record<string, Value>> }): Value => {
      if (!perTask) return compileLoss(decl, scopeIn(c, c.batch, t));
      const ls = tasks.map((k) => compileLoss(decl, scopeIn(c, c.batch, k)));
      return op.div(ls.reduce((a, b) => op.add(a, b)), ls.length);
    };
    const children: LevelDef[] = [];
    for (const c of info.lowers) {
      if (replicated.has(c) && !replicated.has(name)) for (let k = 0; k < taskCount; k++) children.push(build(c, k, lowered));
      else children.push(build(c, t, lowered));
    }
    const resetFrom = info.resetFrom && !isRoot ? resetOf(info, t) : undefined;
    return {
      name: lowered.name,
      params: own.map((p) => ({ name: p, shape: [...env.tensorByName.get(p)!.shape] })),
      loss,
      data: fields,
      optimizer: optimizerDef(info, decl, (c) => scopeIn(c, undefined, t)),
      steps,
      ...(resetFrom ? { resetFrom } : {}),
      ...(info.proximal !== undefined ? { proximal: info.proximal } : {}),
      ...(mode ? { hypergradient: mode } : {}),
      ...(children.length ? { children } : {}),
    };
  };

  const resetOf = (info: LevelInfo, t: number | undefined): LevelDef['resetFrom'] => {
    const src = info.resetFrom!;
    const srcOwned = new Set(infos.get(src)!.owned.map((x) => x.name));
    const map: Record<string, string> = {};
    for (const p of info.owned) {
      const from = `init(${p.declaredBy})${p.name.slice(p.declaredBy.length)}`;
      if (!srcOwned.has(from)) throw new LoweringError(`level ${info.name}: ${p.name} resets from ${src}, which does not own ${from}`);
      map[p.name] = from;
    }
    return { level: defName(src, t), map };
  };

  const root = build(rootName, undefined, undefined);
  const reports: ReportSpec[] = [];
  for (const d of program.decls) {
    if (d.kind !== 'Run') continue;
    for (const st of d.body) if (st.kind === 'Report') reports.push({ name: st.name?.name ?? exprText(st.value), expr: st.value });
    break;
  }
  return {
    root,
    levels,
    tensors: [...env.tensorByName.values()],
    data: dataSpecs(program, model.data),
    feeds,
    ...(o.mode ? { mode: o.mode } : {}),
    ...(replicated.size ? { tasks: { levels: [...replicated], count: taskCount, data: taskData[0]!.name } } : {}),
    reports,
    run: model.run,
    env,
  };
}

class NeedsTask extends Error {
  constructor() {
    super('needs a task');
  }
}

function single(tops: string[]): string {
  if (tops.length === 1) return tops[0]!;
  if (tops.length === 0) throw new LoweringError('the program has no level');
  throw new LoweringError(`the program has ${tops.length} top levels (${tops.join(', ')}); the engine runs one tree: put one level above the others`);
}


/** Optimizer options written as expressions of params (not constants), by option name. */
function learnedOptions(decl: LevelDecl): Map<string, Expr> {
  const st = decl.body.find((s): s is OptimizerStmt => s.kind === 'Optimizer');
  const out = new Map<string, Expr>();
  for (const a of st?.spec.args ?? []) if (a.name && constValue(a.value) === undefined && a.value.kind !== 'Ident') out.set(a.name.name, a.value);
  for (const a of st?.spec.args ?? []) if (a.name && a.value.kind === 'Ident' && !['true', 'false', 'pi'].includes(a.value.name)) out.set(a.name.name, a.value);
  return out;
}

/** The language's option names → the nn optimizers' hyperparameter names. */
const HYPER: Record<string, Record<string, string>> = {
  sgd: { lr: 'lr', momentum: 'momentum', nesterov: 'nesterov', decay: 'weightDecay' },
  momentum: { lr: 'lr', beta: 'momentum', nesterov: 'nesterov' },
  adam: { lr: 'lr', beta1: 'beta1', beta2: 'beta2', eps: 'eps' },
  adamw: { lr: 'lr', beta1: 'beta1', beta2: 'beta2', eps: 'eps', decay: 'weightDecay' },
  rmsprop: { lr: 'lr', alpha: 'alpha', eps: 'eps' },
};

function optimizerDef(info: LevelInfo, decl: LevelDecl, scope: (c: ReadContext) => Scope): OptimizerDef {
  const name = info.optimizer.name;
  const names = HYPER[name];
  if (!names) throw new LoweringError(`unknown optimizer ${name}`);
  const consts: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(info.optimizer.constants)) {
    if (name === 'rmsprop' && k === 'momentum') {
      if (v !== 0) throw new LoweringError(`level ${info.name}: rmsprop with momentum is not supported by the engine yet`);
      continue;
    }
    const h = names[k];
    if (!h) throw new LoweringError(`level ${info.name}: optimizer option ${k} is not supported`);
    consts[h] = v;
  }
  const learned = learnedOptions(decl);
  // A learned momentum must create the momentum buffer: construct with a non-zero placeholder.
  if (learned.has('momentum') && name === 'sgd') consts['momentum'] = 0.5;
  if (name === 'rmsprop' && consts['lr'] === undefined) consts['lr'] = 1e-3;
  if (name === 'sgd' && consts['lr'] === undefined && !learned.has('lr')) consts['lr'] = 0.01;
  const make = { sgd: nnOpt.sgd, momentum: nnOpt.momentum, adam: nnOpt.adam, adamw: nnOpt.adamw, rmsprop: nnOpt.rmsprop }[name as 'sgd'];
  const optimizer = make(consts as never) as nnOpt.Optimizer<object>;
  if (learned.size === 0) return { optimizer };
  return {
    optimizer,
    options: (c) => {
      const s = scope(c);
      const out: Record<string, op.Operand> = {};
      for (const [k, e] of learned) {
        const h = names[k];
        if (!h) throw new LoweringError(`level ${info.name}: optimizer option ${k} is not supported`);
        out[h] = operandOf(compile(e, s), s, `option ${k} of ${info.name}'s optimizer`);
      }
      return out;
    },
  };
}

// The model layer's entry point: text → (tree, diagnostics, checked model). Declarations are
// checked in dependency order (data → params → models → levels → run), then the level graph
// and the relations between levels. Never throws on any input.

import type { ParamDecl, Program, RunDecl, Span } from '../syntax/ast.js';
import { parseText, type ParsedText } from '../syntax/parse.js';
import { CheckContext } from './context.js';
import { checkData } from './data.js';
import { syntaxCode, type Diagnostic } from './diagnostics.js';
import { nodeFileSystem, type FileSystem } from './file-system.js';
import { FLOAT32_BYTES, shapeCount, type Dim, type LevelInfo, type ModelInfo, type RunInfo, type TensorInfo } from './info.js';
import { checkLevel, type CheckedLevel } from './level-body.js';
import { buildLevelGraph } from './levels.js';
import { checkModes } from './modes.js';
import { checkModel } from './nets.js';
import { OptionChecker } from './options.js';
import { checkGraph, checkNeverOwned, checkOwnership } from './relations.js';
import { newEnv, ShapeChecker, formatType } from './shapes.js';
import { runSettings } from './specs.js';
import { declareProgram, type Sym, type SymbolTable } from './symbols.js';
import type { Ident } from '../syntax/ast.js';

export interface CheckOptions {
  /** Absolute path of the document: data paths are resolved relative to its folder. */
  path: string;
  /** Where data files are read from; default: the disk. */
  fs?: FileSystem;
  /** The parse of exactly this text, when the caller has it (the editor re-parses incrementally). */
  parsed?: ParsedText;
}

export interface CheckResult {
  program: Program;
  /** The parse the result was checked from (the next edit's incremental parse starts from it). */
  parsed: ParsedText;
  /** Syntax and semantic diagnostics, in source order. */
  diagnostics: Diagnostic[];
  model: ModelInfo;
  /** Declarations and resolved references: see `symbolAt` and `referencesOf`. */
  symbols: SymbolTable;
}

export function check(text: string, options: CheckOptions): CheckResult {
  const parsed = options.parsed?.text === text ? options.parsed : parseText(text);
  const { program, problems } = parsed.result;
  const ctx = new CheckContext(text, options.path, options.fs ?? nodeFileSystem);
  for (const p of problems) ctx.report(syntaxCode(p.kind), p.range, { message: p.message });

  for (const { dup, first } of declareProgram(program, ctx.symbols)) {
    ctx.report('MLO010', dup.nameRange!, { name: dup.name }, { related: [{ range: first.nameRange!, message: `'${first.name}' is first declared here` }] });
  }
  const shapes = new ShapeChecker(ctx);
  const opts = new OptionChecker(ctx, shapes);
  const firstDecl = (s: Sym | undefined, d: object) => s?.decl === d;

  for (const d of program.decls) {
    if (d.kind !== 'Data') continue;
    const info = checkData(ctx, opts, d);
    if (info && firstDecl(ctx.symbols.globals.get(d.name.name), d)) ctx.data.set(info.name, info);
  }
  for (const d of program.decls) if (d.kind === 'Param') checkParam(ctx, shapes, opts, d, firstDecl(ctx.symbols.globals.get(d.name.name), d));
  for (const d of program.decls) {
    if (d.kind !== 'Model') continue;
    const net = checkModel(ctx, opts, d);
    if (net && firstDecl(ctx.symbols.globals.get(d.name.name), d)) ctx.nets.set(net.name, net);
  }

  const levels: CheckedLevel[] = [];
  for (const d of program.decls) {
    if (d.kind !== 'Level' || !d.name.name) continue;
    const l = checkLevel(ctx, shapes, opts, d);
    if (firstDecl(ctx.symbols.globals.get(d.name.name), d)) levels.push(l);
  }

  const runs = program.decls.filter((d): d is RunDecl => d.kind === 'Run');
  for (const r of runs.slice(1)) ctx.report('MLO021', r.keyword, {}, { related: [{ range: runs[0]!.keyword, message: 'the first run block' }] });
  const used = new Map<string, Ident>();
  for (const l of levels) for (const [k, v] of l.used) if (!used.has(k)) used.set(k, v);
  const run = checkRun(ctx, shapes, opts, runs[0], used);

  const own = checkOwnership(ctx, levels);
  // Each level's owned tensor keys, built once for the graph and the checks on it.
  const ownedKeys = new Map(levels.map((l) => [l, ownedKeysOf(l)]));
  const graph = buildLevelGraph(
    levels.map((l) => ({
      name: l.name,
      above: l.above,
      owned: ownedKeys.get(l)!,
      lossRefs: l.loss?.env.refs ?? new Set<string>(),
      optRefs: l.optRefs,
      ...(l.resetFrom ? { resetFrom: l.resetFrom.name } : {}),
    })),
  );
  checkGraph(ctx, levels, graph, own, ownedKeys);
  checkModes(ctx, levels, graph);
  checkNeverOwned(ctx, own, used);

  const levelInfos = new Map<string, LevelInfo>();
  for (const l of levels) levelInfos.set(l.name, levelInfo(ctx, l, graph));
  ctx.diagnostics.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  return {
    program,
    parsed,
    diagnostics: ctx.diagnostics,
    model: { data: ctx.data, nets: ctx.nets, params: ctx.params, levels: levelInfos, graph, run },
    symbols: ctx.symbols,
  };
}

function ownedKeysOf(l: CheckedLevel): Set<string> {
  const keys = new Set<string>();
  for (const i of l.items) for (const t of i.tensors) keys.add(t.name);
  return keys;
}

function checkParam(ctx: CheckContext, shapes: ShapeChecker, opts: OptionChecker, d: ParamDecl, register: boolean): void {
  const shape: Dim[] = [];
  for (const e of d.shape) {
    const isN = e.kind === 'Member' && e.property.name === 'n';
    if (isN) {
      const v = shapes.constant(e, undefined, 'a dimension');
      shape.push(v === undefined ? null : v);
      continue;
    }
    const v = opts.dim(e);
    shape.push(v === undefined ? null : v);
  }
  if (d.init) {
    const env = newEnv('init', { constWhat: 'a param initialiser' });
    const t = shapes.infer(d.init, env);
    if (t.k === 'tensor' && t.value === undefined && !(d.init.kind === 'Call' && d.init.callee.kind === 'Ident' && ['normal', 'uniform'].includes(d.init.callee.name))) {
      ctx.report('MLO049', d.init.range, { what: 'a param initialiser', name: ctx.textOf(d.init.range) });
    } else if (t.k !== 'tensor' && t.k !== 'unknown') {
      ctx.report('MLO049', d.init.range, { what: 'a param initialiser', name: ctx.textOf(d.init.range) });
    }
  }
  if (!register) return;
  const count = shapeCount(shape);
  ctx.params.set(d.name.name, { name: d.name.name, shape, count, bytes: count === null ? null : count * FLOAT32_BYTES, declRange: d.range });
}

function checkRun(ctx: CheckContext, shapes: ShapeChecker, opts: OptionChecker, run: RunDecl | undefined, used: Map<string, Ident>): RunInfo {
  const info: RunInfo = { steps: 1, seed: 0, backend: 'auto', log: 1, checkpoint: 0, precision: 'float32', reports: [] };
  if (!run) return info;
  const seen = new Map<string, Span>();
  for (const st of run.body) {
    if (st.kind === 'Report') {
      const env = newEnv('report', { used });
      const t = shapes.value(shapes.infer(st.value, env), st.value, env);
      if ((t.k === 'tensor' && t.shape.length) || t.k === 'group') ctx.report('MLO090', st.value.range, { shape: formatType(t) });
      info.reports.push({ ...(st.name ? { name: st.name.name } : {}), range: st.range });
      continue;
    }
    const key = st.key.name;
    const first = seen.get(key);
    if (first) {
      ctx.report('MLO022', st.key.range, { statement: key, where: 'run' }, { related: [{ range: first, message: `the first '${key}'` }] });
      continue;
    }
    seen.set(key, st.key.range);
    if (key === 'budget') {
      const b = opts.size(st.value);
      if (b !== undefined) info.budget = b;
      continue;
    }
    const spec = runSettings.find((s) => s.name === key);
    if (!spec) continue; // the parser only makes settings of run keywords
    const v = opts.value(spec, st.value);
    if (!v) continue;
    if (v.t === 'number') (info as unknown as Record<string, number>)[key] = v.value;
    else if (v.t === 'enum') (info as unknown as Record<string, string>)[key] = v.value;
  }
  return info;
}

function levelInfo(ctx: CheckContext, l: CheckedLevel, graph: ReturnType<typeof buildLevelGraph>): LevelInfo {
  const owned: TensorInfo[] = [];
  const seen = new Set<string>();
  for (const i of l.items) for (const t of i.tensors) if (!seen.has(t.name)) (seen.add(t.name), owned.push(t));
  const batches = [...(l.loss?.env.reads.values() ?? [])];
  const taskBatched = batches.some((b) => ctx.data.get(b.data)?.source === 'sinusoid');
  return {
    name: l.name,
    nameRange: l.nameRange,
    lowers: graph.lowers.get(l.name) ?? [],
    uppers: graph.uppers.get(l.name) ?? [],
    depth: graph.depth.get(l.name) ?? 0,
    middle: graph.middle.has(l.name),
    steps: l.steps,
    optimizer: l.optimizer,
    mode: l.mode,
    owned,
    ownedCount: sumOf(owned, (t) => t.count),
    ownedBytes: sumOf(owned, (t) => t.bytes),
    batches,
    taskBatched,
    ...(l.resetFrom ? { resetFrom: l.resetFrom.name } : {}),
    ...(l.proximal?.value !== undefined ? { proximal: l.proximal.value } : {}),
    paths: graph.paths.get(l.name) ?? [],
  };
}

/** The sum over the tensors, or null when any is unknown. */
function sumOf(owned: TensorInfo[], f: (t: TensorInfo) => number | null): number | null {
  return owned.reduce<number | null>((s, t) => (s === null || f(t) === null ? null : s + f(t)!), 0);
}

/** The symbol at `offset` (a declared name or a reference), for definition, references, rename, hover. */
export function symbolAt(result: CheckResult, offset: number) {
  return result.symbols.symbolAt(offset);
}

/** Every range that names `symbol` (its declaration first, when asked). */
export function referencesOf(result: CheckResult, symbol: Sym, includeDeclaration = true): Span[] {
  return result.symbols.referencesOf(symbol, includeDeclaration);
}

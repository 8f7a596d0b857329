// Graphs of a lowered program: one outer step (what the runner replays), the top level's
// hypergradient at a state (`mlo hypergrad`), and the reports (`report` expressions of the run
// block, evaluated on whole data sets at the current parameters).
import type { CheckResult } from '../../model/check.js';
import type { DType, Graph } from '../ir.js';
import { buildHypergradient, buildOuterStep, type BuiltGraph } from '../modes/outer-step.js';
import { Tracer, type Value } from '../trace.js';
import { LoweringError } from './args.js';
import { compile, scalarOf } from './expr.js';
import { fieldAt, lowerProgram, makeScope, type LowerOptions, type LoweredProgram } from './lower.js';

export interface TracedProgram extends BuiltGraph {
  readonly lowered: LoweredProgram;
}

const modeOf = (l: LoweredProgram) => (l.mode ? { mode: l.mode } : {});

/** The graph of one outer step of a lowered program (inputs and outputs: see docs/modes.md). */
export function outerStepGraph(l: LoweredProgram): BuiltGraph {
  return buildOuterStep(l.root, modeOf(l));
}

/** The root level's total gradient at a state: outputs `hypergrad:T.p` per parameter, then `loss:T`. */
export function hypergradientGraph(l: LoweredProgram): BuiltGraph {
  return buildHypergradient(l.root, modeOf(l));
}

/**
 * Lower a checked program and trace one outer step, shapes only (no data is read): what the
 * memory estimator runs liveness on.
 */
export function traceOuterStep(result: CheckResult, o: LowerOptions = {}): TracedProgram {
  const lowered = lowerProgram(result, o);
  return { ...outerStepGraph(lowered), lowered };
}

export function traceHypergradient(result: CheckResult, o: LowerOptions = {}): TracedProgram {
  const lowered = lowerProgram(result, o);
  return { ...hypergradientGraph(lowered), lowered };
}

/** One input of the reports graph: a tensor's current value, or a whole data field. */
export type ReportInput =
  | { readonly kind: 'tensor'; readonly name: string; readonly tensor: string; readonly shape: readonly number[]; readonly dtype: DType }
  /** All rows of a row source (csv, blobs); a ridge split as it is; one task of a task source. */
  | { readonly kind: 'data'; readonly name: string; readonly data: string; readonly field: string; readonly shape: readonly number[]; readonly dtype: DType };

export interface ReportGraph {
  readonly graph: Graph;
  readonly inputs: readonly ReportInput[];
  /** Report names, in output order. */
  readonly outputs: readonly string[];
}

/**
 * The reports at the current parameters. A parameter of a level that restarts (`reset from`)
 * reads its reset source (`f` → `init(f)`): between outer steps that is its value.
 */
export function reportsGraph(l: LoweredProgram): ReportGraph | undefined {
  if (l.reports.length === 0) return undefined;
  const { env } = l;
  const model = env.model;
  const resetName = new Map<string, string>();
  for (const info of model.levels.values())
    if (info.resetFrom) for (const t of info.owned) resetName.set(t.name, `init(${t.declaredBy})${t.name.slice(t.declaredBy.length)}`);
  const tr = new Tracer();
  const inputs: ReportInput[] = [];
  const values: Value[] = [];
  const memo = new Map<string, Value>();
  const input = (spec: ReportInput): Value => {
    const have = memo.get(spec.name);
    if (have) return have;
    const v = tr.input(spec.name, spec.shape, spec.dtype);
    memo.set(spec.name, v);
    inputs.push(spec);
    values.push(v);
    return v;
  };
  const scope = makeScope(
    env,
    tr,
    (name) => {
      const tensor = resetName.get(name) ?? name;
      const spec = env.tensorByName.get(tensor);
      if (!spec) throw new LoweringError(`unknown tensor ${tensor}`);
      return input({ kind: 'tensor', name: `tensor:${tensor}`, tensor, shape: spec.shape, dtype: 'float32' });
    },
    (path) => {
      const f = fieldAt(model, path);
      if (!f || f.info.kind !== 'tensor') throw new LoweringError(`unknown data field ${path}`);
      if (f.info.constant) return f.info.value!;
      let shape = f.info.shape as number[];
      const rows = f.data.rows;
      if ((f.data.source === 'csv' || f.data.source === 'blobs') && typeof rows === 'number') shape = [rows, ...shape.slice(1)];
      if (shape.some((d) => d === null)) throw new LoweringError(`${path} has an unknown dimension`);
      return input({ kind: 'data', name: `eval:${path}`, data: f.data.name, field: f.field, shape, dtype: f.info.int ? 'int32' : 'float32' });
    },
  );
  const outs = l.reports.map((r) => {
    scope.lets.clear();
    return scalarOf(compile(r.expr, scope), scope, `report ${r.name}`);
  });
  return { graph: tr.build(outs, values), inputs, outputs: l.reports.map((r) => r.name) };
}

// Shapes of expressions for hovers and inlay hints: the checker's own shape inference, run
// again over one level with a private context (its diagnostics are thrown away — the real
// ones came from check()). Computed lazily per analysis and level, since most requests need none.
import type { Expr, LevelDecl } from '../syntax/ast.js';
import { CheckContext } from '../model/context.js';
import { formatType, newEnv, ShapeChecker, type LetInfo, type VType } from '../model/shapes.js';
import { declareProgram, LevelScope, type Sym } from '../model/symbols.js';
import type { Analysis } from './analysis.js';

export interface LevelTypes {
  /** Type of each `let` by its name range start. */
  lets: Map<number, VType>;
  infer(e: Expr): VType;
}

/** Data facts come from the checked model already; the private context never reads files. */
const emptyFileSystem = { readText: () => undefined };

const cache = new WeakMap<Analysis, Map<LevelDecl | undefined, LevelTypes>>();

function context(a: Analysis): CheckContext {
  const ctx = new CheckContext(a.text, a.path, emptyFileSystem);
  declareProgram(a.result.program, ctx.symbols);
  for (const [k, v] of a.result.model.data) ctx.data.set(k, v);
  for (const [k, v] of a.result.model.nets) ctx.nets.set(k, v);
  for (const [k, v] of a.result.model.params) ctx.params.set(k, v);
  return ctx;
}

/** Types inside one level (its lets in order), or at the top level when `level` is undefined. */
export function levelTypes(a: Analysis, level: LevelDecl | undefined): LevelTypes {
  let perLevel = cache.get(a);
  if (!perLevel) cache.set(a, (perLevel = new Map()));
  const hit = perLevel.get(level);
  if (hit) return hit;
  const ctx = context(a);
  const shapes = new ShapeChecker(ctx);
  const scope = level ? new LevelScope(level.name.name) : undefined;
  const lets = new Map<Sym, LetInfo>();
  const byStart = new Map<number, VType>();
  for (const st of level?.body ?? []) {
    if (st.kind !== 'Let' || !st.name.name) continue;
    const env = newEnv('loss', { ...(scope ? { scope } : {}), lets });
    const type = safeInfer(shapes, st.value, env);
    const sym: Sym = { name: st.name.name, kind: 'let', nameRange: st.name.range, level: level!.name.name, decl: st };
    ctx.symbols.declareLet(scope!, sym);
    lets.set(sym, { type, refs: env.refs, reads: [] });
    byStart.set(st.name.range.start, type);
  }
  const out: LevelTypes = {
    lets: byStart,
    infer: (e) => safeInfer(shapes, e, newEnv(level ? 'loss' : 'const', { ...(scope ? { scope } : {}), lets })),
  };
  perLevel.set(level, out);
  return out;
}

function safeInfer(shapes: ShapeChecker, e: Expr, env: ReturnType<typeof newEnv>): VType {
  try {
    return shapes.infer(e, env);
  } catch {
    return { k: 'unknown' };
  }
}

export function describeVType(t: VType): string | undefined {
  if (t.k === 'unknown') return undefined;
  return formatType(t);
}
